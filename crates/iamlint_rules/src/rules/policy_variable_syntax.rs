use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::{HoleKind, Part, Statement, Text};
use iamlint_syntax::Span;

declare_rule! {
    /// ## What it does
    /// Reports policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'none'}`)
    /// that IAM will not substitute:
    /// - an unclosed `${`, an empty `${}`, spaces inside the braces;
    /// - a default value not written as `, 'value'` (comma, space, single quotes);
    /// - a variable outside `Resource`/`NotResource` and condition values (in `Action` or
    ///   `Principal`), where it is plain text;
    /// - variables in a policy without `Version` or with `2008-10-17`, where every
    ///   variable is plain text;
    /// - `${aws:username}` inside a CloudFormation `!Sub`, where CloudFormation reads it
    ///   as a reference to a parameter named `aws:username` (write `${!aws:username}`);
    /// - a CloudFormation pseudo parameter (`${AWS::AccountId}`) in a string that is not in
    ///   `!Sub` (or in a policy written as a JSON string without `!Sub`): CloudFormation
    ///   leaves it as written.
    ///
    /// ## Why is this bad?
    /// A variable that is not substituted is compared as the literal text
    /// `${aws:username}`: the statement silently stops matching what it was written for,
    /// or (in `!Sub`) the stack fails to deploy.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:username/*"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:username}/*"}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "IAM policy elements: Variables and tags":
    ///   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>
    /// - CloudFormation User Guide, "Fn::Sub" (`${!Literal}`):
    ///   <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-sub.html>
    pub PolicyVariableSyntax {
        code: "IAM126",
        name: "policy-variable-syntax",
        group: "correctness",
        severity: Warning,
        enabled: true,
        summary: "a policy variable that IAM will not substitute",
    }
}

/// One `${...}` found in a literal.
#[derive(Debug, PartialEq, Eq)]
enum Var<'a> {
    /// Well-formed: `${name}`, `${name, 'default'}`, `${*}`.
    Ok(&'a str),
    Unclosed(&'a str),
    Empty,
    Spaces(&'a str),
    BadDefault(&'a str),
}

/// Every `${...}` of a literal string, as written (including `${` and `}`).
fn scan(s: &str) -> Vec<Var<'_>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(start) = var_start(s, from) {
        let rest = &s[start + 2..];
        let Some(close) = rest.find('}') else {
            out.push(Var::Unclosed(&s[start..]));
            break;
        };
        let whole = &s[start..start + 2 + close + 1];
        let inner = &rest[..close];
        out.push(classify(inner, whole));
        from = start + 2 + close + 1;
    }
    out
}

/// The position of the next `${` at or after `from` (memchr to each `$`: most values have
/// none).
fn var_start(s: &str, from: usize) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut at = from;
    loop {
        let dollar = at + memchr::memchr(b'$', bytes.get(at..)?)?;
        if bytes.get(dollar + 1) == Some(&b'{') {
            return Some(dollar);
        }
        at = dollar + 1;
    }
}

fn classify<'a>(inner: &str, whole: &'a str) -> Var<'a> {
    if inner.is_empty() {
        return Var::Empty;
    }
    if let Some((name, default)) = inner.split_once(',') {
        let quoted = default
            .strip_prefix(" '")
            .and_then(|d| d.strip_suffix('\''))
            .is_some_and(|d| !d.contains('\''));
        if name.is_empty() || name.chars().any(char::is_whitespace) {
            return Var::Spaces(whole);
        }
        return if quoted {
            Var::Ok(whole)
        } else {
            Var::BadDefault(whole)
        };
    }
    if inner.chars().any(char::is_whitespace) {
        return Var::Spaces(whole);
    }
    Var::Ok(whole)
}

/// Narrow a value's span to `needle` when the source text shows it verbatim.
fn narrow(t: &Text, needle: &str, src: &str) -> Span {
    let text = t.span.slice(src);
    match text.find(needle) {
        Some(i) if text[i + needle.len()..].find(needle).is_none() => Span::new(
            t.span.start + i as u32,
            t.span.start + (i + needle.len()) as u32,
        ),
        _ => t.span,
    }
}

fn literals(t: &Text) -> impl Iterator<Item = &str> {
    t.parts.iter().filter_map(|p| match p {
        Part::Literal(s) => Some(s.as_str()),
        Part::Hole { .. } => None,
    })
}

/// The texts of a statement where variables are substituted, and where they are not.
fn texts(st: &Statement) -> (Vec<&Text>, Vec<(&Text, &'static str)>) {
    let resources = st.resource.as_ref().map_or(0, |r| r.items.len());
    let values: usize = st
        .condition
        .iter()
        .flat_map(|c| c.entries())
        .map(|(_, e)| e.values.len())
        .sum();
    let mut allowed = Vec::with_capacity(resources + values);
    let actions = st.action.as_ref().map_or(0, |a| a.items.len());
    let principals = st.principal.as_ref().map_or(0, |p| p.values.len());
    let mut outside = Vec::with_capacity(actions + principals);
    if let Some(r) = &st.resource {
        allowed.extend(r.items.iter());
    }
    if let Some(c) = &st.condition {
        for (_, e) in c.entries() {
            allowed.extend(e.values.iter());
        }
    }
    if let Some(a) = &st.action {
        let key = if a.negated { "NotAction" } else { "Action" };
        outside.extend(a.items.iter().map(|t| (t, key)));
    }
    if let Some(p) = &st.principal {
        let key = if p.negated {
            "NotPrincipal"
        } else {
            "Principal"
        };
        outside.extend(p.values.iter().map(|v| (&v.value, key)));
    }
    (allowed, outside)
}

impl Rule for PolicyVariableSyntax {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        let src = cx.text();
        let old_version = match &cx.doc.version {
            None => Some("has no `Version`"),
            Some(v) if v.as_literal() == Some("2008-10-17") => Some("has `Version` `2008-10-17`"),
            Some(_) => None,
        };
        let mut first_var: Option<(&Text, &str, &Statement)> = None;
        let mut var_count = 0usize;
        for st in &cx.doc.statements {
            let (allowed, outside) = texts(st);
            for t in &allowed {
                for lit in literals(t) {
                    for v in scan(lit) {
                        if matches!(v, Var::Ok(w) if is_pseudo_parameter(w)) {
                            continue;
                        }
                        if let Var::Ok(whole) = v {
                            var_count += 1;
                            if first_var.is_none() {
                                first_var = Some((t, whole, st));
                            }
                        } else {
                            sink.report(malformed(t, &v, src).sid(st));
                        }
                    }
                }
            }
            for (t, key) in &outside {
                for lit in literals(t) {
                    let first = scan(lit)
                        .into_iter()
                        .find(|v| !matches!(v, Var::Ok(w) if is_pseudo_parameter(w)));
                    if let Some(v) = first {
                        let whole = match v {
                            Var::Ok(w) | Var::Unclosed(w) | Var::Spaces(w) | Var::BadDefault(w) => {
                                w
                            }
                            Var::Empty => "${}",
                        };
                        sink.report(
                            Finding::new(
                                narrow(t, whole, src),
                                t.path.clone(),
                                format!("policy variable `{whole}` in `{key}`: variables are substituted only in `Resource`, `NotResource` and condition values, so here it is literal text"),
                            )
                            .label("not substituted here")
                            .help("name the values explicitly, or move the variable into `Resource` or a condition")
                            .sid(st),
                        );
                    }
                }
            }
            sub_references(st, src, sink);
            literal_pseudo_parameters(st, src, sink);
        }
        if let (Some(why), Some((t, whole, st))) = (old_version, first_var) {
            let others = var_count - 1;
            let mut f = Finding::new(
                narrow(t, whole, src),
                t.path.clone(),
                format!("policy variable `{whole}` in a policy that {why}: the 2008-10-17 language does not substitute variables, so it is matched as literal text"),
            )
            .label("matched as literal text")
            .help("add `\"Version\": \"2012-10-17\"`")
            .sid(st);
            if let Some(v) = &cx.doc.version {
                f = f.secondary(v.span, "old policy language");
            }
            if others > 0 {
                f = f.note(format!(
                    "{others} other variable{} in this policy {} not substituted either",
                    if others == 1 { "" } else { "s" },
                    if others == 1 { "is" } else { "are" }
                ));
            }
            sink.report(f);
        }
    }
}

fn malformed(t: &Text, v: &Var<'_>, src: &str) -> Finding {
    let (whole, message, help) = match v {
        Var::Unclosed(w) => (
            *w,
            format!("policy variable `{w}` has no closing `}}`: it is not substituted and is matched as literal text"),
            "close the variable with `}`".to_string(),
        ),
        Var::Empty => (
            "${}",
            "empty policy variable `${}`: it names no key and is not substituted".to_string(),
            "name a condition key, such as `${aws:username}`".to_string(),
        ),
        Var::Spaces(w) => (
            *w,
            format!("policy variable `{w}` has whitespace inside the braces: the key name cannot contain spaces"),
            format!("write `{}`", w.split_whitespace().collect::<Vec<_>>().join("")),
        ),
        Var::BadDefault(w) => (
            *w,
            format!("default value in `{w}` is not written as `, 'value'`: the variable is not substituted"),
            "write the default after a comma and one space, in single quotes: `${aws:PrincipalTag/team, 'none'}`".to_string(),
        ),
        Var::Ok(w) => (*w, String::new(), String::new()),
    };
    Finding::new(narrow(t, whole, src), t.path.clone(), message)
        .label("malformed variable")
        .help(help)
}

/// `${AWS::AccountId}`, `${AWS::Region}`: CloudFormation's pseudo parameters (the only
/// `${...}` with `::`; no condition key has one).
fn is_pseudo_parameter(whole: &str) -> bool {
    whole.starts_with("${AWS::")
}

/// A pseudo parameter written in a string that CloudFormation does not substitute.
fn literal_pseudo_parameters(st: &Statement, src: &str, sink: &mut Sink) {
    let lists = [&st.action, &st.resource]
        .into_iter()
        .flatten()
        .flat_map(|l| l.items.iter());
    let principals = st
        .principal
        .iter()
        .flat_map(|p| p.values.iter().map(|v| &v.value));
    let conditions = st
        .condition
        .iter()
        .flat_map(|c| c.entries())
        .flat_map(|(_, e)| e.values.iter());
    for t in lists.chain(principals).chain(conditions) {
        for lit in literals(t) {
            for v in scan(lit) {
                let Var::Ok(whole) = v else { continue };
                if !is_pseudo_parameter(whole) {
                    continue;
                }
                sink.report(
                    Finding::new(
                        narrow(t, whole, src),
                        t.path.clone(),
                        format!("`{whole}` is a CloudFormation pseudo parameter in a string that is not in `Fn::Sub`: CloudFormation leaves it as written, and IAM receives the text `{whole}`, which names no account, Region or partition"),
                    )
                    .label("not substituted")
                    .help("wrap the value in `!Sub` (for a policy written as a JSON string, the whole string), or use `!Ref` in a `!Join`")
                    .sid(st),
                );
            }
        }
    }
}

/// `${aws:username}` inside `!Sub` became a CloudFormation reference named `aws:username`.
fn sub_references(st: &Statement, src: &str, sink: &mut Sink) {
    let lists = [&st.action, &st.resource]
        .into_iter()
        .flatten()
        .flat_map(|l| l.items.iter());
    let principals = st
        .principal
        .iter()
        .flat_map(|p| p.values.iter().map(|v| &v.value));
    let conditions = st
        .condition
        .iter()
        .flat_map(|c| c.entries())
        .flat_map(|(_, e)| std::iter::once(&e.key).chain(e.values.iter()));
    let all = st
        .sid
        .iter()
        .chain(lists)
        .chain(principals)
        .chain(conditions);
    for t in all {
        for (kind, name) in t.holes() {
            if *kind == HoleKind::CfnRef && name.contains(':') && !name.contains("::") {
                let written = format!("${{{name}}}");
                sink.report(
                    Finding::new(
                        narrow(t, &written, src),
                        t.path.clone(),
                        format!("`{written}` inside `!Sub` is read by CloudFormation as a reference to a parameter or resource named `{name}`, which cannot exist: the stack fails to deploy"),
                    )
                    .label("CloudFormation reference, not a policy variable")
                    .help(format!("write `${{!{name}}}` to pass the policy variable through `!Sub`"))
                    .sid(st),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_variables() {
        assert_eq!(
            scan("a/${aws:username}/*"),
            vec![Var::Ok("${aws:username}")]
        );
        assert_eq!(
            scan("${aws:PrincipalTag/team, 'none'}"),
            vec![Var::Ok("${aws:PrincipalTag/team, 'none'}")]
        );
        assert_eq!(scan("${*}${?}${$}").len(), 3);
        assert_eq!(
            scan("a/${aws:username/*"),
            vec![Var::Unclosed("${aws:username/*")]
        );
        assert_eq!(scan("${}"), vec![Var::Empty]);
        assert_eq!(
            scan("${ aws:username }"),
            vec![Var::Spaces("${ aws:username }")]
        );
        assert_eq!(
            scan("${aws:username,'x'}"),
            vec![Var::BadDefault("${aws:username,'x'}")]
        );
        assert_eq!(
            scan("${aws:username, \"x\"}"),
            vec![Var::BadDefault("${aws:username, \"x\"}")]
        );
        assert_eq!(scan("no variables $ { }"), vec![]);
    }
}
