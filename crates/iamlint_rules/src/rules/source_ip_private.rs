use crate::rules::catalog_support::{judgeable, Cidr};
use crate::{declare_rule, DocContext, Finding, Rule, RuleInfo, Sink};
use iamlint_policy::OperatorFamily;

declare_rule! {
    /// ## What it does
    /// Reports `aws:SourceIp` conditions with private addresses (RFC 1918, loopback,
    /// link-local, shared `100.64.0.0/10`, IPv6 unique-local and link-local): all of
    /// them (the condition has no effect as written), or some of them next to public
    /// ones; and CIDR blocks with host bits set (`10.0.0.1/8`).
    ///
    /// ## Why is this bad?
    /// `aws:SourceIp` holds the public address a request comes from. Requests from a
    /// VPC through a VPC endpoint carry no `aws:SourceIp` at all (they carry
    /// `aws:VpcSourceIp`), so a private range in `aws:SourceIp` never matches: an
    /// `IpAddress` condition in an `Allow` grants nothing, and a `NotIpAddress` in a
    /// `Deny` blocks the very network it was meant to allow. A block with host bits set
    /// is read as its network, which is usually not what was meant.
    ///
    /// ## Example
    /// ```json expect_diagnostic
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/16"}}}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"IpAddress": {"aws:VpcSourceIp": "10.0.0.0/16"}}}]}
    /// ```
    ///
    /// ## References
    /// - IAM User Guide, "AWS global condition context keys" (`aws:SourceIp`, `aws:VpcSourceIp`): <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>
    /// - RFC 1918, RFC 6598, RFC 4193 (private, shared and unique-local address space)
    pub SourceIpPrivate {
        code: "IAM137",
        name: "source-ip-private",
        group: "correctness",
        severity: Warning,
        enabled: true,
        summary: "private address ranges or host bits in an `aws:SourceIp` condition",
    }
}

impl Rule for SourceIpPrivate {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn check_document(&self, cx: &DocContext<'_>, sink: &mut Sink) {
        for st in &cx.doc.statements {
            let Some(cond) = &st.condition else { continue };
            for (clause, entry) in cond.entries() {
                if clause.operator.family != Some(OperatorFamily::IpAddress)
                    || !entry
                        .key
                        .as_literal()
                        .is_some_and(|k| k.eq_ignore_ascii_case("aws:SourceIp"))
                {
                    continue;
                }
                let mut parsed = Vec::new();
                let mut unknown = false;
                for v in &entry.values {
                    match judgeable(v).and_then(Cidr::parse) {
                        Some(c) => parsed.push((v, c)),
                        None => unknown = true,
                    }
                }
                for (v, c) in &parsed {
                    if let Some(net) = c.network_if_host_bits() {
                        sink.report(
                            Finding::new(
                                v.span,
                                v.path.clone(),
                                format!(
                                    "`{}` has host bits set: it is the block `{net}`",
                                    v.display()
                                ),
                            )
                            .label("host bits set")
                            .help(format!(
                                "write `{net}` for the block, or the address alone for one host"
                            ))
                            .sid(st),
                        );
                    }
                }
                let private: Vec<_> = parsed.iter().filter(|(_, c)| c.is_private()).collect();
                if private.is_empty() {
                    continue;
                }
                let all = private.len() == parsed.len() && !unknown;
                for (v, _) in private {
                    let message = if all {
                        format!("`{}` is a private range, and every range of this `aws:SourceIp` condition is private; `aws:SourceIp` is the public address of a request, so the condition never matches", v.display())
                    } else {
                        format!("`{}` is a private range; `aws:SourceIp` is the public address of a request, so this entry never matches", v.display())
                    };
                    sink.report(
                        Finding::new(v.span, v.path.clone(), message)
                            .label("private range")
                            .secondary(entry.key.span, "public source address")
                            .help("for requests from a VPC through an endpoint, use `aws:VpcSourceIp` (with `aws:SourceVpc` or `aws:SourceVpce`)")
                            .sid(st),
                    );
                }
            }
        }
    }
}
