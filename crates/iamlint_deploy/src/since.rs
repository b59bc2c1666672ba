//! The upgrade view: what a new release's templates need beyond an old release's.

use crate::plan::Plan;
use crate::render::{self, Statement};
use crate::DeployError;
use iamlint_analyzer::{Policy, VarTable};
use iamlint_formats::LoadOptions;
use iamlint_semantic::Semantic;

/// One need of the new release that the old one did not have.
#[derive(Clone, Debug)]
pub struct Addition {
    /// `creating `Id` (`Type`)`, `updating the stack of ...`.
    pub what: String,
    pub statement: Statement,
    /// Not confirmed with a witness (unknown values).
    pub possible: bool,
}

/// Every need of `new` beyond `old`, as statements (only the actions and resources that
/// are new).
///
/// # Errors
/// When the needs cannot be loaded as policies (an internal error).
pub fn since(
    semantic: &Semantic<'_>,
    old: &Plan,
    new: &Plan,
    opts: &LoadOptions,
) -> Result<Vec<Addition>, DeployError> {
    let catalog = semantic.catalog();
    let new_stmts = render::statements(new, true);
    let old_stmts = render::statements(old, true);
    let lo = LoadOptions {
        vars: opts.vars.clone(),
        ..LoadOptions::default()
    };
    let mut vars = VarTable::default();
    let load =
        |name: &str, stmts: &[Statement], vars: &mut VarTable| -> Result<Policy, DeployError> {
            let text = render::policy_json(stmts);
            let file = iamlint_formats::load_text(name, &text, &lo);
            Policy::from_file(semantic, name, &text, &file, vars)
                .map_err(|e| DeployError::Internal(e.to_string()))
        };
    if new_stmts.is_empty() {
        return Ok(Vec::new());
    }
    let new_p = load("new.json", &new_stmts, &mut vars)?;
    let old_p = if old_stmts.is_empty() {
        None
    } else {
        Some(load("old.json", &old_stmts, &mut vars)?)
    };
    let mut out = Vec::new();
    let excess: Vec<(usize, Vec<String>, Vec<String>, bool)> = match &old_p {
        Some(o) => iamlint_analyzer::diff(catalog, &new_p, o, &vars)
            .excess
            .into_iter()
            .map(|e| {
                // the old release needs these actions nowhere: new whatever the open values
                let certain = e.actions_not_in_reference && !e.action_ids.is_empty();
                (e.statement, e.actions, e.resources, e.possible && !certain)
            })
            .collect(),
        None => new_stmts
            .iter()
            .enumerate()
            .map(|(i, s)| {
                (
                    i,
                    s.actions.clone(),
                    s.resources.iter().map(render::json_text).collect(),
                    false,
                )
            })
            .collect(),
    };
    for (i, actions, resources, possible) in excess {
        let Some(st) = new_stmts.get(i) else { continue };
        let Some(need) = st.needs.first().and_then(|n| new.needs.get(*n)) else {
            continue;
        };
        let mut s = st.clone();
        if !actions.is_empty() {
            s.actions = actions;
        }
        s.resources
            .retain(|p| resources.contains(&render::json_text(p)));
        if s.resources.is_empty() {
            s.resources = st.resources.clone();
        }
        out.push(Addition {
            what: format!(
                "{} {}",
                need.handler.gerund(),
                new.subject(need.template, need.resource)
            ),
            statement: s,
            possible,
        });
    }
    Ok(out)
}
