//! The parts of a file that holds several (a guide's code blocks, a script's commands),
//! as `iamlint inspect` shows them, and a visitor over a document's values.

use crate::model::{Document, Text};
use iamlint_syntax::Span;

/// A CloudFormation `Fn::If` branch: what is under `path` exists only when `condition`
/// is `value` (`Fn::If[1]` is the `true` branch, `Fn::If[2]` the `false` one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Branch {
    /// The logical path of the branch (`Resources.R.Properties.Policies.Fn::If[1]`); empty
    /// for a whole document that is one variant of a policy with `Fn::If` inside it.
    pub path: String,
    pub condition: String,
    pub value: bool,
}

impl Branch {
    /// Whether a finding at `path` lies in this branch.
    pub fn covers(&self, path: &str) -> bool {
        self.path.is_empty()
            || path
                .strip_prefix(self.path.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
    }
}

/// A part of a file that holds several: a code block of a guide.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// The part's content as written (a code block: its lines between the fences).
    pub span: Span,
    /// The code block's language as written (`json`, `yaml`, `sh`), if any.
    pub language: Option<String>,
    /// What the part was read as (`policy document`, `CloudFormation fragment`, `shell
    /// script`, `AWS CLI output`); `None` when it holds no policy and was passed over.
    pub read_as: Option<&'static str>,
    /// What was found in it, one line each with where it is written
    /// (`create-role AmazonEC2SpotFleetRole`).
    pub items: Vec<(Span, String)>,
}

impl Document {
    /// Every string value of the document ([`Text`]s: `Sid`, `Effect`, actions,
    /// resources, principals, condition operators, keys and values, `Version`, `Id`).
    pub fn for_each_text_mut(&mut self, f: &mut dyn FnMut(&mut Text)) {
        for t in [&mut self.version, &mut self.id].into_iter().flatten() {
            f(t);
        }
        for st in &mut self.statements {
            for t in [&mut st.sid, &mut st.effect_text].into_iter().flatten() {
                f(t);
            }
            for l in [&mut st.action, &mut st.resource].into_iter().flatten() {
                l.items.iter_mut().for_each(&mut *f);
            }
            if let Some(p) = &mut st.principal {
                p.values.iter_mut().for_each(|v| f(&mut v.value));
            }
            if let Some(c) = &mut st.condition {
                for cl in &mut c.clauses {
                    f(&mut cl.operator_text);
                    for e in &mut cl.entries {
                        f(&mut e.key);
                        e.values.iter_mut().for_each(&mut *f);
                    }
                }
            }
        }
    }
}
