//! iamlint's diagnostics as LSP diagnostics.

use crate::position::Lines;
use iamlint_report::{Diagnostic, Severity};
use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Position, Range, Uri,
};

fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// The range of a finding: its primary label's, or the file's first position for a
/// finding about the whole file.
pub fn range(d: &Diagnostic, lines: &Lines, text: &str) -> Range {
    match &d.primary {
        Some(l) => lines.range(text, l.span),
        None => Range::default(),
    }
}

/// One finding as the editor shows it: the rule's code linked to its page, the message
/// with the help and notes below it, the secondary labels as related information.
pub fn diagnostic(d: &Diagnostic, lines: &Lines, text: &str, uri: &Uri) -> lsp_types::Diagnostic {
    let mut message = d.message.clone();
    if let Some(h) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(h);
    }
    for n in &d.notes {
        message.push_str("\nnote: ");
        message.push_str(n);
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .secondary
        .iter()
        .map(|l| DiagnosticRelatedInformation {
            location: Location {
                uri: uri.clone(),
                range: lines.range(text, l.span),
            },
            message: if l.message.is_empty() {
                "related".to_string()
            } else {
                l.message.clone()
            },
        })
        .collect();
    lsp_types::Diagnostic {
        range: range(d, lines, text),
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.code.to_string())),
        code_description: d
            .help_uri()
            .parse::<Uri>()
            .ok()
            .map(|href| CodeDescription { href }),
        source: Some("iamlint".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: Some(serde_json::json!({ "name": d.name })),
    }
}

/// A diagnostic that is not a finding: the configuration could not be read.
pub fn configuration_error(message: &str) -> lsp_types::Diagnostic {
    lsp_types::Diagnostic {
        range: Range::new(Position::new(0, 0), Position::new(0, 0)),
        severity: Some(DiagnosticSeverity::ERROR),
        code: None,
        code_description: None,
        source: Some("iamlint".to_string()),
        message: format!("iamlint cannot check this file: {message}"),
        related_information: None,
        tags: None,
        data: None,
    }
}
