//! Helpers shared by the structure rules (IAM103-IAM106, IAM114-IAM126): where to point
//! at a statement, which model issues already cover an element, number formatting.

use iamlint_policy::normalize::closest;
use iamlint_policy::{Document, IssueKind, ModelIssue, Statement};

/// The elements of a statement.
const STATEMENT_KEYS: &[&str] = &[
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "Condition",
];
use iamlint_syntax::Span;

/// The span to label when talking about a statement as a whole: its `Sid` if it has
/// one, else the first line of the statement (`{` in pretty JSON, the first key in
/// YAML, the whole statement when it is written on one line).
pub(crate) fn statement_head(st: &Statement, src: &str) -> Span {
    if let Some(sid) = &st.sid {
        return sid.span;
    }
    first_line(st.span, src)
}

/// The part of `span` on its first line (trailing whitespace and a trailing `,` dropped).
pub(crate) fn first_line(span: Span, src: &str) -> Span {
    let text = span.slice(src);
    let Some(nl) = text.find('\n') else {
        return span;
    };
    let line = text[..nl].trim_end().trim_end_matches(',');
    if line.trim().is_empty() {
        return span;
    }
    Span::new(span.start, span.start + line.len() as u32)
}

/// Whether the model already reported an issue (wrong type, conflict) on one of the
/// `keys` of a statement, so that a "missing element" rule must stay quiet.
pub(crate) fn element_has_issue(doc: &Document, st: &Statement, keys: &[&str]) -> bool {
    doc.issues.iter().any(|i| {
        let Some(k) = i
            .path
            .strip_prefix(st.path.as_str())
            .and_then(|rest| rest.strip_prefix('.'))
        else {
            return false;
        };
        if keys
            .iter()
            .any(|key| k == *key || k.starts_with(&format!("{key}[")))
        {
            return true;
        }
        // A misspelt element (`Actions`) is already reported as unknown, with the
        // suggestion; "missing `Action`" on top of it would be noise.
        i.kind == IssueKind::UnknownElement
            && !k.contains('.')
            && closest(k, STATEMENT_KEYS).is_some_and(|c| keys.contains(&c))
    })
}

/// For a `ConflictingElements` issue: whether it is the same key written twice
/// (`Action` ... `Action`) rather than two excluding keys (`Action` ... `NotAction`).
pub(crate) fn is_repeated_key(doc: &Document, issue: &ModelIssue) -> bool {
    if issue.kind != IssueKind::ConflictingElements {
        return false;
    }
    let Some((stmt_path, key)) = issue.path.rsplit_once('.') else {
        return false;
    };
    let Some(st) = doc.statements.iter().find(|s| s.path == stmt_path) else {
        return false;
    };
    let negated = key.starts_with("Not");
    let first_negated = match key.trim_start_matches("Not") {
        "Action" => st.action.as_ref().map(|l| l.negated),
        "Resource" => st.resource.as_ref().map(|l| l.negated),
        "Principal" => st.principal.as_ref().map(|p| p.negated),
        _ => None,
    };
    first_negated == Some(negated)
}

const IF_BRANCH: &str = ".Fn::If[";

/// Whether a logical path goes through a branch of a CloudFormation `Fn::If`: only then
/// can [`exclusive_branches`] hold for it.
pub(crate) fn in_branch(path: &str) -> bool {
    path.contains(IF_BRANCH)
}

/// Whether two logical paths are different branches of the same CloudFormation `Fn::If`
/// (only one of them is ever deployed).
pub(crate) fn exclusive_branches(a: &str, b: &str) -> bool {
    let mut from = 0;
    while let Some(i) = a[from..].find(IF_BRANCH) {
        let end = from + i + IF_BRANCH.len();
        if b.len() > end && a.as_bytes().get(..end) == b.as_bytes().get(..end) {
            if a.as_bytes().get(end) != b.as_bytes().get(end) {
                return true;
            }
        } else {
            return false;
        }
        from = end;
    }
    false
}

/// Whether the value at `span` is a CloudFormation intrinsic: a short-form tag written
/// just before it (`!If [...]`, whose node span excludes the tag) or a long-form
/// `{"Fn::If": ...}` / `{"Ref": ...}` object.
pub(crate) fn is_intrinsic_at(span: Span, src: &str) -> bool {
    let before = src.get(..span.start as usize).unwrap_or("").trim_end();
    let tag = before
        .rsplit(|c: char| c.is_whitespace() || c == ':' || c == '[' || c == ',' || c == '-')
        .next()
        .unwrap_or("");
    if tag.starts_with('!') && !tag.starts_with("!!") && tag.len() > 1 {
        return true;
    }
    let text = span.slice(src).trim_start();
    let Some(inner) = text.strip_prefix('{') else {
        return false;
    };
    let inner = inner.trim_start().trim_start_matches(['"', '\'']);
    inner.starts_with("Fn::")
        || inner.starts_with("Ref\"")
        || inner.starts_with("Ref'")
        || inner.starts_with("Ref:")
        || inner.starts_with("Condition\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_branches_are_exclusive() {
        assert!(exclusive_branches(
            "Statement[0].Fn::If[1]",
            "Statement[0].Fn::If[2]"
        ));
        assert!(!exclusive_branches("Statement[0]", "Statement[1]"));
        assert!(!exclusive_branches(
            "Statement[0].Fn::If[1]",
            "Statement[1].Fn::If[2]"
        ));
        assert!(!exclusive_branches(
            "Statement[0].Fn::If[1]",
            "Statement[0].Fn::If[1]"
        ));
        assert!(exclusive_branches(
            "P[0].Fn::If[1].Statement[0].Fn::If[1]",
            "P[0].Fn::If[2].Statement[0].Fn::If[1]"
        ));
    }

    #[test]
    fn intrinsics_are_recognised() {
        let y = "Condition: !If\n  - C\n  - {}\n";
        let start = y.find("\n").unwrap() as u32 + 1;
        assert!(is_intrinsic_at(Span::new(start, y.len() as u32), y));
        let j = r#"{"Condition": {"Fn::If": ["C", {}, {"Ref": "AWS::NoValue"}]}}"#;
        let s = j.find("{\"Fn").unwrap() as u32;
        assert!(is_intrinsic_at(Span::new(s, j.len() as u32 - 1), j));
        let plain = r#"{"Condition": ["x"]}"#;
        let s = plain.find('[').unwrap() as u32;
        assert!(!is_intrinsic_at(Span::new(s, s + 5), plain));
    }

    #[test]
    fn first_line_of_multiline_span() {
        let src = "{\n  \"Effect\": \"Allow\"\n}";
        assert_eq!(
            first_line(Span::new(0, src.len() as u32), src),
            Span::new(0, 1)
        );
        let one = "{\"Effect\": \"Allow\"}";
        assert_eq!(
            first_line(Span::new(0, one.len() as u32), one),
            Span::new(0, one.len() as u32)
        );
    }
}
