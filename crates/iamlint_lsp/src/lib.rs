//! `iamlint server`: a language server over standard input and output.
//!
//! Built on `lsp-server` and `lsp-types` (rust-analyzer's protocol crates): a synchronous
//! loop over one connection, as the checks themselves are synchronous. The editor's open
//! documents are checked by the pipeline `iamlint check` runs (the format chosen from the
//! file name, `iamlint_rules::check_file` with the configuration found as the command
//! line finds it), on open and, debounced, on change; hovers say what an action pattern
//! or an AWS managed policy grants; code actions apply the rules' fixes or suppress a
//! finding with a comment.

mod actions;
mod convert;
mod hover;
mod position;
mod settings;
mod uri;

use iamlint_catalog::Catalog;
use iamlint_policy::{FileKind, PolicyFile};
use iamlint_report::{Diagnostic, SourceFile};
use iamlint_rules::{check_file, CheckOptions, RuleData};
use iamlint_semantic::Semantic;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability, Hover,
    HoverContents, HoverParams, HoverProviderCapability, InitializeParams, InitializeResult,
    MarkupContent, MarkupKind, MessageType, PositionEncodingKind, PublishDiagnosticsParams,
    ServerCapabilities, ServerInfo, ShowMessageParams, TextDocumentSyncCapability,
    TextDocumentSyncKind, Uri,
};
use position::Lines;
use settings::{Configs, Settings};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a document must stay unchanged before it is checked again.
pub const DEBOUNCE: Duration = Duration::from_millis(200);

/// Serve on standard input and output until the client says `exit`. `Ok(true)` when it
/// asked for `shutdown` first (the process then exits with 0), `Ok(false)` when it did not
/// or the input ended (exit status 1, as the protocol says).
pub fn run_stdio() -> Result<bool, String> {
    let (connection, io_threads) = Connection::stdio();
    let clean = serve(&connection)?;
    drop(connection);
    io_threads
        .join()
        .map_err(|e| format!("the connection failed: {e}"))?;
    Ok(clean)
}

/// Serve one connection (standard I/O, or one made in memory by a test).
pub fn serve(connection: &Connection) -> Result<bool, String> {
    let protocol = |e: lsp_server::ProtocolError| e.to_string();
    let (id, params) = connection.initialize_start().map_err(protocol)?;
    let params: InitializeParams =
        serde_json::from_value(params).map_err(|e| format!("invalid initialize request: {e}"))?;
    let result = InitializeResult {
        capabilities: capabilities(),
        server_info: Some(ServerInfo {
            name: "iamlint".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
    };
    let result = serde_json::to_value(result).map_err(|e| e.to_string())?;
    connection.initialize_finish(id, result).map_err(protocol)?;

    let catalog = Catalog::embedded();
    let data = RuleData::new(&catalog);
    let semantic = Semantic::with_managed(&catalog, iamlint_managed::ManagedPolicies::embedded());
    let mut server = Server {
        connection,
        checker: Checker {
            semantic: &semantic,
            data: &data,
        },
        roots: workspace_roots(&params),
        configs: Configs::new(),
        documents: HashMap::new(),
        shutdown: false,
        shown: HashSet::new(),
    };
    server.run()
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        ..ServerCapabilities::default()
    }
}

/// The workspace folders (or the root) the client opened: documents outside any
/// configuration's directory are named relative to them.
#[allow(deprecated)] // `root_uri`: older clients send only it
fn workspace_roots(params: &InitializeParams) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = params
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|f| uri::file_path(f.uri.as_str()))
        .collect();
    if out.is_empty() {
        out.extend(
            params
                .root_uri
                .as_ref()
                .and_then(|u| uri::file_path(u.as_str())),
        );
    }
    out.iter()
        .map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()))
        .collect()
}

/// What a document is checked as: its name (as `iamlint check` would show it), its
/// local path, its configuration.
pub(crate) struct Target {
    pub name: String,
    pub path: Option<PathBuf>,
    pub settings: Arc<Settings>,
}

/// The run's pipeline, as `iamlint check` sets it up once per run.
pub(crate) struct Checker<'s, 'c> {
    semantic: &'s Semantic<'c>,
    data: &'s RuleData<'c>,
}

impl Checker<'_, '_> {
    /// Load `text` as the target's file.
    pub fn load(&self, t: &Target, text: &str) -> PolicyFile {
        iamlint_formats::load_text(&t.name, text, &t.settings.load)
    }

    /// Check a loaded file; `None` (and a message on standard error) if a rule panicked,
    /// so that one file cannot stop the server.
    pub fn check_loaded(
        &self,
        t: &Target,
        text: &str,
        file: &PolicyFile,
    ) -> Option<Vec<Diagnostic>> {
        if file.kind == FileKind::NotAPolicy {
            // as a directory walk: a file that holds no policy is not reported on
            return Some(Vec::new());
        }
        let source = SourceFile::new(t.name.as_str(), text);
        let opts = CheckOptions {
            semantic: self.semantic,
            data: self.data,
            reference: t.settings.reference_for(t.path.as_deref()),
            deploy_role: None,
            selection: &t.settings.selection,
            config_suppressions: &t.settings.suppressions,
        };
        let run = std::panic::AssertUnwindSafe(|| check_file(&opts, &source, Ok(file), false));
        match std::panic::catch_unwind(run) {
            Ok(mut diags) => {
                iamlint_report::sort_diagnostics(&mut diags);
                Some(diags)
            }
            Err(_) => {
                eprintln!(
                    "iamlint server: checking {} failed (a bug: please report it)",
                    t.name
                );
                None
            }
        }
    }
}

/// The last check of a document, of its text as it is now.
struct Checked {
    target: Target,
    lines: Lines,
    file: PolicyFile,
    diagnostics: Vec<Diagnostic>,
}

struct Document {
    uri: Uri,
    version: i32,
    language_id: String,
    text: String,
    /// When the next check is due (a change waits for [`DEBOUNCE`]).
    due: Option<Instant>,
    /// `None` when the text changed since, or the configuration could not be read.
    checked: Option<Checked>,
}

struct Server<'a, 's, 'c> {
    connection: &'a Connection,
    checker: Checker<'s, 'c>,
    roots: Vec<PathBuf>,
    configs: Configs,
    documents: HashMap<String, Document>,
    shutdown: bool,
    /// Configuration errors already shown in a message.
    shown: HashSet<String>,
}

fn send_failed<T>(_: T) -> String {
    "the client's connection is closed".to_string()
}

impl Server<'_, '_, '_> {
    fn run(&mut self) -> Result<bool, String> {
        loop {
            let due = self.documents.values().filter_map(|d| d.due).min();
            let msg = match due {
                Some(due) => {
                    let wait = due.saturating_duration_since(Instant::now());
                    match self.connection.receiver.recv_timeout(wait) {
                        Ok(m) => Some(m),
                        Err(e) if e.is_timeout() => None,
                        Err(_) => return Ok(false),
                    }
                }
                None => match self.connection.receiver.recv() {
                    Ok(m) => Some(m),
                    Err(_) => return Ok(false),
                },
            };
            match msg {
                Some(Message::Request(req)) => self.on_request(req)?,
                Some(Message::Notification(n))
                    if n.method == lsp_types::notification::Exit::METHOD =>
                {
                    return Ok(self.shutdown);
                }
                Some(Message::Notification(n)) => self.on_notification(n)?,
                Some(Message::Response(_)) | None => {}
            }
            let now = Instant::now();
            let ready: Vec<String> = self
                .documents
                .iter()
                .filter(|(_, d)| d.due.is_some_and(|t| t <= now))
                .map(|(k, _)| k.clone())
                .collect();
            for key in ready {
                self.check(&key)?;
            }
        }
    }

    fn send(&self, msg: impl Into<Message>) -> Result<(), String> {
        self.connection.sender.send(msg.into()).map_err(send_failed)
    }

    fn respond<T: serde::Serialize>(&self, id: RequestId, result: &T) -> Result<(), String> {
        let value = serde_json::to_value(result).map_err(|e| e.to_string())?;
        self.send(Response::new_ok(id, value))
    }

    fn on_request(&mut self, req: Request) -> Result<(), String> {
        use lsp_types::request::{CodeActionRequest, HoverRequest, Shutdown};
        if self.shutdown {
            return self.send(Response::new_err(
                req.id,
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down".to_string(),
            ));
        }
        match req.method.as_str() {
            Shutdown::METHOD => {
                self.shutdown = true;
                self.respond(req.id, &())
            }
            HoverRequest::METHOD => match serde_json::from_value::<HoverParams>(req.params) {
                Ok(p) => {
                    let h = self.hover(&p);
                    self.respond(req.id, &h)
                }
                Err(e) => self.invalid_params(req.id, &e),
            },
            CodeActionRequest::METHOD => {
                match serde_json::from_value::<CodeActionParams>(req.params) {
                    Ok(p) => {
                        let actions = self.code_actions(&p)?;
                        self.respond(req.id, &actions)
                    }
                    Err(e) => self.invalid_params(req.id, &e),
                }
            }
            _ => self.send(Response::new_err(
                req.id,
                ErrorCode::MethodNotFound as i32,
                format!("iamlint's server does not answer `{}`", req.method),
            )),
        }
    }

    fn invalid_params(&self, id: RequestId, e: &serde_json::Error) -> Result<(), String> {
        self.send(Response::new_err(
            id,
            ErrorCode::InvalidParams as i32,
            format!("invalid parameters: {e}"),
        ))
    }

    fn on_notification(&mut self, n: Notification) -> Result<(), String> {
        use lsp_types::notification::{
            DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument,
        };
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(p) =
                    serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(n.params)
                else {
                    return Ok(());
                };
                let d = p.text_document;
                let key = d.uri.as_str().to_string();
                self.documents.insert(
                    key.clone(),
                    Document {
                        uri: d.uri,
                        version: d.version,
                        language_id: d.language_id,
                        text: d.text,
                        due: None,
                        checked: None,
                    },
                );
                self.check(&key)
            }
            DidChangeTextDocument::METHOD => {
                let Ok(p) =
                    serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(n.params)
                else {
                    return Ok(());
                };
                let Some(doc) = self.documents.get_mut(p.text_document.uri.as_str()) else {
                    return Ok(());
                };
                for change in p.content_changes {
                    match change.range {
                        // full-text sync is what the server asks for; a range is applied
                        // all the same
                        Some(r) => {
                            let lines = Lines::new(&doc.text);
                            let a = lines.offset(&doc.text, r.start);
                            let b = lines.offset(&doc.text, r.end).max(a);
                            doc.text.replace_range(a..b, &change.text);
                        }
                        None => doc.text = change.text,
                    }
                }
                doc.version = p.text_document.version;
                doc.checked = None;
                doc.due = Some(Instant::now() + DEBOUNCE);
                Ok(())
            }
            DidCloseTextDocument::METHOD => {
                let Ok(p) =
                    serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(n.params)
                else {
                    return Ok(());
                };
                if self
                    .documents
                    .remove(p.text_document.uri.as_str())
                    .is_some()
                {
                    self.publish(p.text_document.uri, Vec::new(), None)?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn publish(
        &self,
        uri: Uri,
        diagnostics: Vec<lsp_types::Diagnostic>,
        version: Option<i32>,
    ) -> Result<(), String> {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        let params = serde_json::to_value(params).map_err(|e| e.to_string())?;
        self.send(Notification::new(
            lsp_types::notification::PublishDiagnostics::METHOD.to_string(),
            params,
        ))
    }

    /// The name a document is checked under: relative to its configuration's directory
    /// (as `iamlint check` run there shows it, and as the configuration's globs match it)
    /// or to the workspace folder holding it; a document that is not a local file by its
    /// URI's last segment, with an ending for its language when it has none.
    fn name_of(&self, doc: &Document, path: Option<&Path>, settings: &Settings) -> String {
        if let Some(p) = path {
            let bases = settings.root.iter().chain(&self.roots);
            for base in bases {
                if let Ok(rel) = p.strip_prefix(base) {
                    return rel.to_string_lossy().to_string();
                }
            }
            return p.to_string_lossy().to_string();
        }
        let mut name = uri::file_name(doc.uri.as_str());
        if !name.contains('.') {
            let ending = match doc.language_id.as_str() {
                "json" | "jsonc" => ".json",
                "yaml" => ".yaml",
                "terraform" | "hcl" => ".tf",
                "shellscript" | "sh" | "bash" => ".sh",
                "markdown" => ".md",
                _ => "",
            };
            name.push_str(ending);
        }
        name
    }

    /// Check a document now and publish its diagnostics.
    fn check(&mut self, key: &str) -> Result<(), String> {
        let Some(doc) = self.documents.get(key) else {
            return Ok(());
        };
        let path = uri::file_path(doc.uri.as_str()).map(|p| std::fs::canonicalize(&p).unwrap_or(p));
        let dir = match &path {
            Some(p) => p.parent().map(Path::to_path_buf),
            None => self.roots.first().cloned(),
        };
        let settings =
            self.configs
                .for_dir(dir.as_deref(), self.checker.semantic, self.checker.data);
        let (uri, version) = (doc.uri.clone(), doc.version);
        let settings = match settings {
            Ok(s) => s,
            Err(e) => {
                if self.shown.insert(e.clone()) {
                    let params = ShowMessageParams {
                        typ: MessageType::ERROR,
                        message: format!("iamlint: {e}"),
                    };
                    self.send(Notification::new(
                        lsp_types::notification::ShowMessage::METHOD.to_string(),
                        serde_json::to_value(params).map_err(|e| e.to_string())?,
                    ))?;
                }
                if let Some(doc) = self.documents.get_mut(key) {
                    doc.due = None;
                    doc.checked = None;
                }
                return self.publish(uri, vec![convert::configuration_error(&e)], Some(version));
            }
        };
        let target = Target {
            name: self.name_of(doc, path.as_deref(), &settings),
            path,
            settings,
        };
        let excluded = target
            .path
            .as_deref()
            .is_some_and(|p| target.settings.is_excluded(p));
        // a document larger than `iamlint check` reads is not checked either
        let too_large = doc.text.len() as u64 > target.settings.load.max_file_size;
        let file = if too_large {
            PolicyFile::empty(
                "unknown",
                iamlint_syntax::SourceKind::Json,
                FileKind::NotAPolicy,
            )
        } else {
            self.checker.load(&target, &doc.text)
        };
        let diagnostics = if excluded {
            Vec::new()
        } else {
            self.checker
                .check_loaded(&target, &doc.text, &file)
                .unwrap_or_default()
        };
        let lines = Lines::new(&doc.text);
        let published = diagnostics
            .iter()
            .map(|d| convert::diagnostic(d, &lines, &doc.text, &uri))
            .collect();
        self.publish(uri, published, Some(version))?;
        if let Some(doc) = self.documents.get_mut(key) {
            doc.due = None;
            doc.checked = Some(Checked {
                target,
                lines,
                file,
                diagnostics,
            });
        }
        Ok(())
    }

    /// The document's last check, made now if its text changed since.
    fn checked(&mut self, key: &str) -> Result<Option<&Document>, String> {
        if self.documents.get(key).is_some_and(|d| d.checked.is_none()) {
            self.check(key)?;
        }
        Ok(self.documents.get(key).filter(|d| d.checked.is_some()))
    }

    fn hover(&mut self, p: &HoverParams) -> Option<Hover> {
        let key = p
            .text_document_position_params
            .text_document
            .uri
            .as_str()
            .to_string();
        let semantic = self.checker.semantic;
        let doc = self.checked(&key).ok().flatten()?;
        let c = doc.checked.as_ref()?;
        let offset = c
            .lines
            .offset(&doc.text, p.text_document_position_params.position);
        let (span, markdown) = hover::hover(semantic, &c.file, &doc.text, offset)?;
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: markdown,
            }),
            range: Some(c.lines.range(&doc.text, span)),
        })
    }

    fn code_actions(
        &mut self,
        p: &CodeActionParams,
    ) -> Result<Option<Vec<lsp_types::CodeActionOrCommand>>, String> {
        if let Some(only) = &p.context.only {
            if !only
                .iter()
                .any(|k| CodeActionKind::QUICKFIX.as_str().starts_with(k.as_str()))
            {
                return Ok(None);
            }
        }
        let key = p.text_document.uri.as_str().to_string();
        let checker = Checker {
            semantic: self.checker.semantic,
            data: self.checker.data,
        };
        let Some(doc) = self.checked(&key)? else {
            return Ok(None);
        };
        let Some(c) = doc.checked.as_ref() else {
            return Ok(None);
        };
        let from = c.lines.offset(&doc.text, p.range.start);
        let to = c.lines.offset(&doc.text, p.range.end);
        let found = actions::code_actions(
            &checker,
            &actions::Checked {
                target: &c.target,
                text: &doc.text,
                lines: &c.lines,
                file: &c.file,
                diagnostics: &c.diagnostics,
            },
            &doc.uri,
            (from, to),
        );
        Ok(Some(found))
    }
}
