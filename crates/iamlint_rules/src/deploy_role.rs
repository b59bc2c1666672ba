//! A deployment role compared with the templates it deploys: loaded and compared once by
//! the program (`--deploy-role`), given to the check as an input; the two deployment-role
//! rules report what falls in each file (docs/deployment-role.md).

use crate::Finding;
use iamlint_deploy::check::{self, Kind, Role};
use iamlint_deploy::template::Template;
use iamlint_deploy::{Curated, Handler, Options, Schemas};
use iamlint_formats::LoadOptions;
use iamlint_policy::Vars;
use iamlint_semantic::Semantic;

/// The comparison of a deployment role with every template of the run.
pub struct DeployRole {
    role_name: String,
    /// (file the finding is in, which way, the finding).
    findings: Vec<(String, Kind, Finding)>,
}

impl DeployRole {
    /// Plan `templates` for `operations` and compare the role (`role_name`, `role_text`:
    /// a policy, or a template holding the role) with what they need, both ways.
    ///
    /// # Errors
    /// What is wrong with the role, or with the embedded deployment data.
    pub fn new(
        semantic: &Semantic<'_>,
        role_name: &str,
        role_text: String,
        templates: Vec<Template>,
        operations: &[Handler],
        vars: &Vars,
    ) -> Result<DeployRole, String> {
        let opts = LoadOptions {
            vars: vars.clone(),
            ..LoadOptions::default()
        };
        let role = Role::load(role_name, role_text, &opts).map_err(|e| e.to_string())?;
        let curated = Curated::embedded()?;
        let plan_opts = Options {
            operations: operations.to_vec(),
            vars: vars.clone(),
            ..Options::default()
        };
        let plan = iamlint_deploy::plan(
            semantic.catalog(),
            &Schemas::embedded(),
            &curated,
            templates,
            &plan_opts,
        );
        let found = check::check(semantic, &plan, &role, &opts).map_err(|e| e.to_string())?;
        let mut findings = Vec::new();
        for f in found {
            let (file, span, path, message) = match f.kind {
                Kind::Unneeded => (f.file.name.clone(), f.span, f.path, f.message),
                Kind::Missing => {
                    // a need of a nested template is reported at the stack resource of
                    // the template that was checked
                    let mut t = f.template;
                    let mut at = None;
                    while let Some((parent, res)) = plan.templates.get(t).and_then(|x| x.parent) {
                        at = Some((parent, res));
                        t = parent;
                    }
                    match at {
                        None => (f.file.name.clone(), f.span, f.path, f.message),
                        Some((parent, res)) => {
                            let (Some(tpl), Some(r)) = (
                                plan.templates.get(parent),
                                plan.templates
                                    .get(parent)
                                    .and_then(|x| x.resources.get(res)),
                            ) else {
                                continue;
                            };
                            (
                                tpl.source.name.clone(),
                                r.key_span,
                                format!("Resources.{}", r.logical_id),
                                format!(
                                    "in nested stack `{}` ({}): {}",
                                    r.logical_id, f.file.name, f.message
                                ),
                            )
                        }
                    }
                }
            };
            let mut g = Finding::new(span, path, message).label(f.label);
            g.notes = f.notes;
            g.sid = f.sid;
            if f.possible {
                g.at_most = Some(iamlint_report::Severity::Warning);
            }
            findings.push((file, f.kind, g));
        }
        Ok(DeployRole {
            role_name: role_name.to_string(),
            findings,
        })
    }

    /// The name of the role as loaded (`builtin:NAME`, or the path).
    pub fn role_name(&self) -> &str {
        &self.role_name
    }

    /// The findings of `kind` in the file named `file`.
    pub(crate) fn findings<'s>(
        &'s self,
        file: &'s str,
        kind: Kind,
    ) -> impl Iterator<Item = &'s Finding> + 's {
        self.findings
            .iter()
            .filter(move |(f, k, _)| *k == kind && same_file(f, file))
            .map(|(_, _, g)| g)
    }
}

/// Whether two names (as given, or as found in a walk) are the same file.
pub fn same_file(a: &str, b: &str) -> bool {
    let plain = |s: &str| s.strip_prefix("./").unwrap_or(s).to_string();
    if plain(a) == plain(b) {
        return true;
    }
    match (
        std::path::Path::new(a).canonicalize(),
        std::path::Path::new(b).canonicalize(),
    ) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}
