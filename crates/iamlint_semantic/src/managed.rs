//! AWS managed policies as a principal holds them: the run's snapshot (an input of the
//! run, given to [`Semantic::with_managed`]) resolves an attached ARN, and each policy's
//! document is parsed, normalized and expanded once per run, then shared by every
//! principal, rule and thread that asks.

use crate::{DocumentFacts, Semantic};
use iamlint_managed::LookupError;
use iamlint_policy::normalize::normalize_document;
use iamlint_policy::{Origin, Part, PolicyKind, Text, Vars};
use iamlint_syntax::Limits;
use std::sync::Arc;

/// One AWS managed policy: what the snapshot says of it and its document, normalized and
/// expanded against the run's catalog.
#[derive(Debug)]
pub struct ManagedDocument {
    /// `AWSLambda_FullAccess`.
    pub name: String,
    /// Its ARN in the `aws` partition, when the snapshot knows its path.
    pub arn: Option<String>,
    pub deprecated: bool,
    /// The replacement AWS documents for a deprecated policy.
    pub replacement: Option<String>,
    /// The AWS document that names the replacement.
    pub replacement_source: Option<String>,
    /// The document's JSON text (spans of `document` point into it).
    pub text: Arc<str>,
    pub document: iamlint_policy::Document,
    pub facts: DocumentFacts,
}

/// Why an attached ARN does not resolve to an AWS managed policy of the snapshot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ManagedLookup {
    /// Not an AWS managed policy: a customer managed policy (of this account id, when
    /// literal).
    CustomerManaged { account: Option<String> },
    /// The value is not known statically (`!Ref PolicyArn`): the reason, in words.
    Unknown(String),
    /// The ARN names no AWS managed policy of the snapshot (the lookup's message, with a
    /// did-you-mean or the right path).
    NotFound(String),
    /// The run has no managed-policy snapshot.
    NoSnapshot,
}

/// The ARN (or name) `arn` with an unknown partition read as `aws`, when that is its only
/// unknown and it names an AWS managed policy (`arn:${AWS::Partition}:iam::aws:policy/…`).
fn aws_managed_reference(arn: &Text) -> Result<String, ManagedLookup> {
    if let Some(s) = arn.as_literal() {
        return Ok(s.to_owned());
    }
    let parts: &[Part] = &arn.parts;
    if let [Part::Literal(head), Part::Hole { .. }, Part::Literal(tail)] = parts {
        if head == "arn:" && tail.starts_with(":iam::aws:policy/") {
            return Ok(format!("arn:aws{tail}"));
        }
    }
    // the account: a hole before `:policy/` means a customer managed policy of an
    // unknown account (`arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/x`)
    if let Some(Part::Literal(tail)) = parts.last() {
        if tail.starts_with(":policy/") && parts.len() >= 2 {
            return Err(ManagedLookup::CustomerManaged { account: None });
        }
    }
    Err(ManagedLookup::Unknown(
        arn.unresolved_reason()
            .unwrap_or_else(|| "an unknown value".to_string()),
    ))
}

impl Semantic<'_> {
    /// The run's managed-policy snapshot, if it was given one.
    pub fn managed(&self) -> Option<&iamlint_managed::ManagedPolicies<'_>> {
        self.managed.as_ref()
    }

    /// The AWS managed policy an attached ARN names, parsed once per run.
    ///
    /// # Errors
    /// [`ManagedLookup`] says why it does not resolve.
    pub fn managed_policy(&self, arn: &Text) -> Result<Arc<ManagedDocument>, ManagedLookup> {
        let Some(managed) = &self.managed else {
            return Err(ManagedLookup::NoSnapshot);
        };
        let reference = aws_managed_reference(arn)?;
        let policy = match managed.resolve(&reference) {
            Ok(p) => p,
            Err(LookupError::CustomerManaged { account, .. }) => {
                return Err(ManagedLookup::CustomerManaged {
                    account: Some(account),
                })
            }
            Err(LookupError::UnresolvedPartition { .. }) => {
                return Err(ManagedLookup::Unknown(
                    arn.unresolved_reason()
                        .unwrap_or_else(|| "an unknown partition".to_string()),
                ))
            }
            Err(e) => return Err(ManagedLookup::NotFound(e.to_string())),
        };
        let name = policy.name();
        if let Some(doc) = self.managed_documents.get(name) {
            return Ok(doc);
        }
        let text: Arc<str> = Arc::from(policy.document());
        let parsed = iamlint_syntax::parse_json(&text, &Limits::default());
        let origin = Origin {
            path: String::new(),
            resource: None,
            embedded: false,
        };
        let document = match parsed.documents.first() {
            Some(root) => {
                normalize_document(root, PolicyKind::Identity, false, origin, &Vars::new())
            }
            None => {
                return Err(ManagedLookup::NotFound(format!(
                    "the document of `{name}` could not be read"
                )))
            }
        };
        let facts = self.document(&document);
        let doc = Arc::new(ManagedDocument {
            name: name.to_owned(),
            arn: policy.arn(),
            deprecated: policy.is_deprecated(),
            replacement: policy.replacement().map(str::to_owned),
            replacement_source: policy.replacement_source().map(str::to_owned),
            text,
            document,
            facts,
        });
        self.managed_documents
            .insert(name.to_owned(), Arc::clone(&doc));
        Ok(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(parts: Vec<Part>) -> Text {
        Text {
            parts: parts.into(),
            span: Default::default(),
            path: String::new(),
        }
    }

    fn hole(name: &str) -> Part {
        Part::Hole {
            kind: iamlint_policy::HoleKind::CfnRef,
            name: name.into(),
        }
    }

    #[test]
    fn unknown_partitions_of_aws_managed_arns_are_read_as_aws() {
        let t = sub(vec![
            Part::Literal("arn:".into()),
            hole("AWS::Partition"),
            Part::Literal(":iam::aws:policy/service-role/AWSBatchServiceRole".into()),
        ]);
        assert_eq!(
            aws_managed_reference(&t),
            Ok("arn:aws:iam::aws:policy/service-role/AWSBatchServiceRole".into())
        );
        let customer = sub(vec![
            Part::Literal("arn:".into()),
            hole("AWS::Partition"),
            Part::Literal(":iam::".into()),
            hole("AWS::AccountId"),
            Part::Literal(":policy/build".into()),
        ]);
        assert_eq!(
            aws_managed_reference(&customer),
            Err(ManagedLookup::CustomerManaged { account: None })
        );
        assert!(matches!(
            aws_managed_reference(&sub(vec![hole("PolicyArn")])),
            Err(ManagedLookup::Unknown(_))
        ));
    }

    #[test]
    fn a_policy_is_parsed_once_per_run() {
        let catalog = iamlint_catalog::Catalog::embedded();
        let semantic =
            Semantic::with_managed(&catalog, iamlint_managed::ManagedPolicies::embedded());
        let arn = Text::literal(
            "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
            Default::default(),
            "",
        );
        let a = semantic.managed_policy(&arn).expect("resolves");
        let b = semantic.managed_policy(&arn).expect("resolves");
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(a.name, "AmazonS3ReadOnlyAccess");
        let s3_get = catalog.find_action("s3:GetObject").expect("in the catalog");
        assert!(a.facts.net_allowed.contains(s3_get));
        let without = Semantic::new(&catalog);
        assert_eq!(
            without.managed_policy(&arn).map(|_| ()),
            Err(ManagedLookup::NoSnapshot)
        );
        let customer = Text::literal("arn:aws:iam::123456789012:policy/x", Default::default(), "");
        assert_eq!(
            semantic.managed_policy(&customer).map(|_| ()),
            Err(ManagedLookup::CustomerManaged {
                account: Some("123456789012".into())
            })
        );
        let typo = Text::literal(
            "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAcess",
            Default::default(),
            "",
        );
        assert!(matches!(
            semantic.managed_policy(&typo),
            Err(ManagedLookup::NotFound(m)) if m.contains("AmazonS3ReadOnlyAccess")
        ));
    }
}
