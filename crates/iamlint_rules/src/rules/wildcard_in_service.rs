use crate::rules::words::plural;
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_matcher::ActionPattern;
use iamlint_semantic::ActionItem;

declare_rule! {
    /// ## What it does
    /// Reports an `Action` or `NotAction` item with a wildcard in its service prefix
    /// (`s3*:Get*`, `*:Describe*`, `ec?:*`), other than `*` alone. The message says how
    /// many actions of how many services the item matches today.
    ///
    /// ## Why is this bad?
    /// A wildcard in the prefix spans services the author did not look at
    /// (`s3*` is also `s3express`, `s3-object-lambda`, `s3tables` and `s3vectors`), and
    /// the set grows silently whenever AWS adds a service. Name the services.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*:Describe*", "Resource": "*"}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["ec2:Describe*", "rds:Describe*"], "Resource": "*"}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "IAM JSON policy elements: Action": <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html>
    pub WildcardInService {
        code: "IAM132",
        name: "wildcard-in-service",
        group: "correctness",
        severity: Warning,
        enabled: true,
        summary: "a wildcard in the service prefix of an action",
    }
}

impl Rule for WildcardInService {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        let cat = cx.catalog();
        // (actions, services) of each pattern's expansion, counted once per document: a
        // pattern like `*:Get*` names thousands of actions, and a generated policy repeats
        // it in every statement
        let mut counted: std::collections::HashMap<&str, (usize, usize)> =
            std::collections::HashMap::new();
        for (st, g) in cx.statements() {
            let Some(list) = &st.action else { continue };
            for (text, item) in list.items.iter().zip(&g.action_items) {
                let Some(s) = text.as_literal() else { continue };
                if !iamlint_matcher::has_wildcard(s) {
                    continue; // a single name: no wildcard to judge
                }
                let Ok(p) = ActionPattern::parse(s) else {
                    continue;
                };
                if p.is_all() || !p.has_service_wildcard() {
                    continue;
                }
                let (n, services) = *counted.entry(s).or_insert_with(|| match item {
                    ActionItem::Expanded(set) => {
                        // ids are sorted by service: count the changes of service
                        let mut svcs = 0;
                        let mut last = None;
                        for a in set.iter() {
                            let svc = cat.action_service(a);
                            if last != Some(svc) {
                                svcs += 1;
                                last = Some(svc);
                            }
                        }
                        (set.len(), svcs)
                    }
                    _ => (0, 0),
                });
                let prefix = p.service_part().unwrap_or("");
                sink.report(
                    Finding::new(
                        text.span,
                        text.path.clone(),
                        format!("`{s}` has a wildcard in the service prefix `{prefix}`: it matches {} of {} today, and more as AWS adds services", plural(n, "action", "actions"), plural(services, "service", "services")),
                    )
                    .label("wildcard service prefix")
                    .help("list each service's prefix explicitly")
                    .sid(st),
                );
            }
        }
    }
}
