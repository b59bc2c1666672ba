//! Renderers (to be implemented).
use crate::Report;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Compact,
}

#[derive(Clone, Debug, Default)]
pub struct RenderOptions {
    pub color: bool,
}

pub fn render(_report: &Report, _format: Format, _opts: &RenderOptions) -> String {
    String::new()
}
