//! Resource patterns of policies for the matcher's region search
//! ([`iamlint_matcher::region`]): the search itself, its patterns, words and unknowns live
//! there; this module turns a policy's `Resource` text, with its placeholders and
//! CloudFormation values, into a pattern.

pub use iamlint_matcher::region::{
    word_is_concrete, word_text, Pattern, Piece, Query, ResSet, Search, VarTable, Word,
};
use iamlint_policy::{HoleKind, Part, Text};

/// Compile a `Resource` value: its holes become unknowns interned in `vars` (one per
/// display form; a placeholder's value cannot hold `:`, any other hole's may).
pub fn compile(text: &Text, vars: &mut VarTable) -> Pattern {
    let pieces = text.parts.iter().map(|part| match part {
        Part::Literal(s) => Piece::Text(s),
        Part::Hole { kind, .. } => {
            let display = Text {
                parts: iamlint_policy::Parts::one(part.clone()),
                span: text.span,
                path: String::new(),
            }
            .display();
            Piece::Unknown {
                key: format!("hole:{display}"),
                display,
                may_colon: !matches!(kind, HoleKind::Placeholder),
            }
        }
    });
    Pattern::from_pieces(pieces, text.display(), vars)
}

/// The unknown that stands for the resource a policy without `Resource` is attached to
/// (trust and resource policies): the same on both sides of a comparison.
pub fn attached_resource(vars: &mut VarTable) -> Pattern {
    let display = "<the resource the policy is attached to>";
    let piece = Piece::Unknown {
        key: "this-resource".into(),
        display: display.into(),
        may_colon: true,
    };
    Pattern::from_pieces([piece], display.into(), vars)
}
