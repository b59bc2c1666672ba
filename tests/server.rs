#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `iamlint server` driven as an editor drives it: the real binary, spoken to over its
//! standard input and output with the protocol's `Content-Length` framing.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// What a response may take at most (a debug build on a busy machine).
const WAIT: Duration = Duration::from_secs(60);

struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Value>,
    next_id: i64,
    /// Notifications received while waiting for something else, in order.
    seen: Vec<(Instant, Value)>,
}

fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            length = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    fn start(root: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_iamlint"))
            .arg("server")
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("iamlint server starts");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(v) = read_message(&mut r) {
                if tx.send(v).is_err() {
                    break;
                }
            }
        });
        let stdin = child.stdin.take();
        Client {
            child,
            stdin,
            rx,
            next_id: 1,
            seen: Vec::new(),
        }
    }

    fn send(&mut self, v: &Value) {
        let body = v.to_string();
        let stdin = self.stdin.as_mut().unwrap();
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn recv(&mut self) -> Value {
        match self.rx.recv_timeout(WAIT) {
            Ok(v) => v,
            Err(RecvTimeoutError::Timeout) => panic!("no message from the server in {WAIT:?}"),
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
        }
    }

    /// Send a request and wait for its response (keeping the notifications met).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let v = self.recv();
            if v.get("id") == Some(&json!(id)) && v.get("method").is_none() {
                assert!(v.get("error").is_none(), "{method} failed: {v}");
                return v["result"].clone();
            }
            self.seen.push((Instant::now(), v));
        }
    }

    /// The next `publishDiagnostics` for `uri` and when it came.
    fn diagnostics(&mut self, uri: &str) -> (Value, Instant) {
        let is_it = |v: &Value| {
            v["method"] == "textDocument/publishDiagnostics" && v["params"]["uri"] == uri
        };
        if let Some(i) = self.seen.iter().position(|(_, v)| is_it(v)) {
            let (at, v) = self.seen.remove(i);
            return (v["params"].clone(), at);
        }
        loop {
            let v = self.recv();
            if is_it(&v) {
                return (v["params"].clone(), Instant::now());
            }
            self.seen.push((Instant::now(), v));
        }
    }

    /// No `publishDiagnostics` for `uri` within `d`.
    fn no_diagnostics_within(&mut self, uri: &str, d: Duration) -> bool {
        let end = Instant::now() + d;
        while let Some(left) = end.checked_duration_since(Instant::now()) {
            match self.rx.recv_timeout(left) {
                Ok(v) => {
                    if v["method"] == "textDocument/publishDiagnostics" && v["params"]["uri"] == uri
                    {
                        return false;
                    }
                    self.seen.push((Instant::now(), v));
                }
                Err(_) => break,
            }
        }
        true
    }

    fn initialize(&mut self, root: &Path) -> Value {
        let root_uri = file_uri(root);
        let result = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "workspaceFolders": [{"uri": root_uri, "name": "test"}],
                "capabilities": {}
            }),
        );
        self.notify("initialized", json!({}));
        result
    }

    /// `shutdown`, `exit`, and the process's exit status.
    fn finish(mut self, shutdown: bool) -> std::process::ExitStatus {
        if shutdown {
            let r = self.request("shutdown", Value::Null);
            assert_eq!(r, Value::Null);
        }
        self.notify("exit", Value::Null);
        drop(self.stdin.take());
        let end = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < end, "the server did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

fn file_uri(p: &Path) -> String {
    let mut out = String::from("file://");
    for b in p.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The LSP position (line, UTF-16 unit) of the first `needle` in `text`, computed here
/// independently of the server.
fn position(text: &str, needle: &str) -> (u64, u64) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` in the text"));
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..at].matches('\n').count();
    let character = text[line_start..at].encode_utf16().count();
    (line as u64, character as u64)
}

fn range_of(text: &str, needle: &str) -> Value {
    let (l, c) = position(text, needle);
    let len = needle.encode_utf16().count() as u64;
    json!({"start": {"line": l, "character": c}, "end": {"line": l, "character": c + len}})
}

/// Apply LSP text edits (sorted last first, as they do not overlap) to `text`.
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |pos: &Value| -> usize {
        let (line, ch) = (
            pos["line"].as_u64().unwrap() as usize,
            pos["character"].as_u64().unwrap() as usize,
        );
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let mut units = 0;
        for (i, c) in text[start..].char_indices() {
            if units >= ch {
                return start + i;
            }
            units += c.len_utf16();
        }
        text.len()
    };
    let mut edits: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (a, b, t) in edits {
        out.replace_range(a..b, &t);
    }
    out
}

fn codes(params: &Value) -> Vec<String> {
    let mut v: Vec<String> = params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect();
    v.sort();
    v
}

fn find_code<'a>(params: &'a Value, code: &str) -> &'a Value {
    params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("a {code} diagnostic in {params}"))
}

/// The edits of the code action titled `title` for `uri`.
fn action_edits(actions: &Value, title: &str, uri: &str) -> Vec<Value> {
    let a = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == title)
        .unwrap_or_else(|| panic!("an action `{title}` in {actions:#}"));
    assert_eq!(a["kind"], "quickfix");
    a["edit"]["changes"][uri].as_array().unwrap().clone()
}

const POLICY: &str = r#"{
  "Statement": [
    {"Effect": "Allow", "Resource": "arn:aws:s3:::b/été😀/*", "Action": ["s3:GetObjects", "s3:PutObject"]},
    {"Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"}
  ]
}
"#;

const TEMPLATE: &str = "Resources:
  FunctionRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: \"2012-10-17\"
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/AWSLambdaReadOnlyAccess
";

#[test]
fn an_editor_session_over_stdio() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    std::fs::create_dir_all(root.join("policies")).unwrap();
    // the configuration is found as `iamlint check` finds it: missing-version is an error
    std::fs::write(
        root.join("iamlint.toml"),
        concat!(
            "exclude = [\"vendor/**\"]\n",
            "[rules.severity]\nmissing-version = \"error\"\n",
            "[[suppress]]\nfile = \"policies/legacy.json\"\nrule = \"missing-version\"\n",
            "reason = \"read by a tool that predates Version\"\n",
        ),
    )
    .unwrap();
    let path = root.join("policies/p é.json");
    std::fs::write(&path, POLICY).unwrap();
    let uri = file_uri(&path);

    let mut c = Client::start(&root);
    let init = c.initialize(&root);
    let caps = &init["capabilities"];
    assert_eq!(caps["textDocumentSync"], 1, "full-text sync: {init}");
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(init["serverInfo"]["name"], "iamlint");

    // open: diagnostics at once, with UTF-16 ranges, codes linked to their pages
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "json", "version": 1, "text": POLICY}}),
    );
    let (d, _) = c.diagnostics(&uri);
    assert_eq!(d["version"], 1);
    assert_eq!(codes(&d), ["IAM101", "IAM108"], "{d:#}");
    let unknown = find_code(&d, "IAM108");
    assert_eq!(unknown["range"], range_of(POLICY, "\"s3:GetObjects\""));
    let line = POLICY.lines().nth(2).unwrap();
    let before = line[..line.find("\"s3:GetObjects").unwrap()]
        .chars()
        .count() as u64;
    assert_eq!(
        unknown["range"]["start"]["character"],
        before + 1,
        "the emoji before it on its line counts two UTF-16 units"
    );
    assert_eq!(unknown["severity"], 2);
    assert_eq!(unknown["source"], "iamlint");
    assert!(unknown["codeDescription"]["href"]
        .as_str()
        .unwrap()
        .ends_with("/docs/rules/unknown-action.md"));
    assert!(
        unknown["message"]
            .as_str()
            .unwrap()
            .contains("help: did you mean `s3:GetObject`?"),
        "{unknown}"
    );
    let missing = find_code(&d, "IAM101");
    assert_eq!(missing["range"], range_of(POLICY, "\"Statement\""));
    assert_eq!(missing["severity"], 1, "raised to an error by iamlint.toml");

    // hover: a wildcard's expansion and access levels; a single action's level
    let (l, ch) = position(POLICY, "s3:Delete*");
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": l, "character": ch + 4}}),
    );
    let md = h["contents"]["value"].as_str().unwrap();
    assert!(md.starts_with("**`s3:Delete*`** matches **"), "{md}");
    assert!(md.contains("| `s3:DeleteObject` | Write |"), "{md}");
    assert_eq!(h["range"], range_of(POLICY, "s3:Delete*"));
    let (l, ch) = position(POLICY, "s3:PutObject");
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": l, "character": ch}}),
    );
    assert!(h["contents"]["value"]
        .as_str()
        .unwrap()
        .starts_with("**`s3:PutObject`** · access level **Write**"));
    // nothing to say about a key
    let (l, ch) = position(POLICY, "Effect");
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": l, "character": ch}}),
    );
    assert_eq!(h, Value::Null);

    // code actions: the Version the rule knows to add, the did-you-mean
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": missing["range"], "context": {"diagnostics": []}}),
    );
    let version = action_edits(&actions, "add `Version: 2012-10-17`", &uri);
    let (l, ch) = position(POLICY, "\"Statement\"");
    assert_eq!(
        version,
        [json!({
            "range": {"start": {"line": l, "character": ch}, "end": {"line": l, "character": ch}},
            "newText": "\"Version\": \"2012-10-17\",\n  "
        })]
    );
    // JSON has no comments: no suppression is offered
    assert!(
        !actions.to_string().contains("iamlint:ignore"),
        "{actions:#}"
    );
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": unknown["range"], "context": {"diagnostics": []}}),
    );
    let rename = action_edits(&actions, "replace with `s3:GetObject`", &uri);

    // change: both fixes applied, in three quick edits; one check after the last, once
    // the edits stop for the debounce delay, and the diagnostics are gone
    let fixed = apply(&apply(POLICY, &rename), &version);
    assert!(fixed.contains("\"Version\": \"2012-10-17\",\n  \"Statement\""));
    let sent = Instant::now();
    for (v, text) in [(2, "{"), (3, POLICY), (4, fixed.as_str())] {
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": v}, "contentChanges": [{"text": text}]}),
        );
    }
    let (d, at) = c.diagnostics(&uri);
    assert!(
        at.duration_since(sent) >= Duration::from_millis(200),
        "debounced"
    );
    assert_eq!(d["version"], 4, "only the last version is checked: {d}");
    assert_eq!(d["diagnostics"], json!([]), "{d:#}");
    assert!(c.no_diagnostics_within(&uri, Duration::from_millis(500)));

    // a CloudFormation template: the deprecated managed policy, its replacement, a
    // suppression comment; a hover on the ARN says what the policy grants
    let tpath = root.join("template.yaml");
    std::fs::write(&tpath, TEMPLATE).unwrap();
    let turi = file_uri(&tpath);
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": turi, "languageId": "yaml", "version": 1, "text": TEMPLATE}}),
    );
    let (d, _) = c.diagnostics(&turi);
    assert_eq!(codes(&d), ["IAM214"], "{d:#}");
    let dep = find_code(&d, "IAM214");
    assert_eq!(
        dep["range"],
        range_of(TEMPLATE, "arn:aws:iam::aws:policy/AWSLambdaReadOnlyAccess")
    );
    let (l, ch) = position(TEMPLATE, "AWSLambdaReadOnlyAccess");
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": turi}, "position": {"line": l, "character": ch}}),
    );
    let md = h["contents"]["value"].as_str().unwrap();
    assert!(
        md.starts_with("**`AWSLambdaReadOnlyAccess`** · AWS managed policy"),
        "{md}"
    );
    assert!(md.contains("**Deprecated**"), "{md}");
    assert!(md.contains("Grants **"), "{md}");
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": turi}, "range": dep["range"], "context": {"diagnostics": [dep]}}),
    );
    let replace = action_edits(&actions, "replace with `AWSLambda_ReadOnlyAccess`", &turi);
    assert!(apply(TEMPLATE, &replace)
        .contains("        - arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess\n"));
    let suppress = action_edits(
        &actions,
        "Suppress `deprecated-managed-policy` here with an `iamlint:ignore` comment",
        &turi,
    );
    let suppressed = apply(TEMPLATE, &suppress);
    assert!(suppressed.contains(
        "      ManagedPolicyArns:\n        # iamlint:ignore[deprecated-managed-policy] TODO: say why this is acceptable\n        - arn:"
    ), "{suppressed}");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": turi, "version": 2}, "contentChanges": [{"text": suppressed}]}),
    );
    let (d, _) = c.diagnostics(&turi);
    assert_eq!(d["diagnostics"], json!([]), "suppressed: {d:#}");

    // the configuration's globs match documents named as `iamlint check` run in its
    // directory names them: a `[[suppress]]` entry, an excluded directory
    for (name, expected) in [
        ("policies/legacy.json", &["IAM108"][..]),
        ("vendor/p.json", &[][..]),
    ] {
        let p = root.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, POLICY).unwrap();
        let u = file_uri(&p);
        c.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": u, "languageId": "json", "version": 1, "text": POLICY}}),
        );
        let (d, _) = c.diagnostics(&u);
        assert_eq!(codes(&d), expected, "{name}: {d:#}");
    }

    // close: the document's diagnostics are cleared
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    let (d, _) = c.diagnostics(&uri);
    assert_eq!(d["diagnostics"], json!([]));

    let status = c.finish(true);
    assert_eq!(status.code(), Some(0), "shutdown then exit");
}

#[test]
fn exit_without_shutdown_is_status_1_and_a_bad_configuration_is_shown() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    std::fs::write(
        root.join("iamlint.toml"),
        "[rules]\nselect = [\"no-such-rule\"]\n",
    )
    .unwrap();
    let path = root.join("p.json");
    let uri = file_uri(&path);
    let mut c = Client::start(&root);
    c.initialize(&root);
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "json", "version": 1, "text": POLICY}}),
    );
    let (d, _) = c.diagnostics(&uri);
    let only = &d["diagnostics"].as_array().unwrap()[..];
    assert_eq!(only.len(), 1, "{d:#}");
    assert!(only[0]["message"]
        .as_str()
        .unwrap()
        .contains("no rule is named `no-such-rule`"));
    let shown = c
        .seen
        .iter()
        .any(|(_, v)| v["method"] == "window/showMessage");
    // the message comes before the diagnostics
    assert!(shown, "{:?}", c.seen);
    let status = c.finish(false);
    assert_eq!(status.code(), Some(1));
}

/// What Neovim's own LSP client does with the server (when `nvim` is installed; CI
/// installs Debian's): diagnostics, a hover, a code action applied to the buffer, the
/// diagnostics again after Neovim sends the change.
const NEOVIM_SESSION: &str = r#"
local cmd = { os.getenv("IAMLINT_BIN"), "server" }
vim.cmd("edit policies/p.json")
local buf = vim.api.nvim_get_current_buf()
local client_id
if vim.lsp.start then
  client_id = vim.lsp.start({ name = "iamlint", cmd = cmd, root_dir = vim.fn.getcwd() })
else -- Neovim 0.7
  client_id = vim.lsp.start_client({ name = "iamlint", cmd = cmd, root_dir = vim.fn.getcwd() })
  vim.lsp.buf_attach_client(buf, client_id)
end
local out = {}
vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 20)
for _, d in ipairs(vim.diagnostic.get(buf)) do
  table.insert(out, string.format("diag %s %d:%d-%d:%d", d.code, d.lnum, d.col, d.end_lnum, d.end_col))
end
local uri = vim.uri_from_bufnr(buf)
local col = vim.fn.getline(4):find("s3:Delete") + 3
local res = vim.lsp.buf_request_sync(buf, "textDocument/hover",
  { textDocument = { uri = uri }, position = { line = 3, character = col } }, 30000)
for _, r in pairs(res or {}) do
  if r.result then table.insert(out, "hover " .. r.result.contents.value:gsub("\n.*", "")) end
end
res = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", {
  textDocument = { uri = uri },
  range = { start = { line = 1, character = 2 }, ["end"] = { line = 1, character = 2 } },
  context = { diagnostics = {} },
}, 30000)
for _, r in pairs(res or {}) do
  for _, a in ipairs(r.result or {}) do
    table.insert(out, "action " .. a.title)
    if a.title:find("Version") then vim.lsp.util.apply_workspace_edit(a.edit, "utf-16") end
  end
end
vim.wait(30000, function()
  for _, d in ipairs(vim.diagnostic.get(buf)) do if d.code == "IAM101" then return false end end
  return true
end, 20)
for _, d in ipairs(vim.diagnostic.get(buf)) do table.insert(out, "after " .. d.code) end
table.insert(out, "line " .. vim.fn.getline(2))
vim.fn.writefile(out, "session.txt")
vim.lsp.stop_client(client_id)
vim.wait(10000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 20)
vim.cmd("qa!")
"#;

#[test]
fn neovim_drives_the_server() {
    let Some(nvim) = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join("nvim"))
            .find(|p| p.is_file())
    }) else {
        eprintln!("note: nvim not found; skipping the Neovim session");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("policies")).unwrap();
    std::fs::write(root.join("policies/p.json"), POLICY).unwrap();
    std::fs::write(root.join("session.lua"), NEOVIM_SESSION).unwrap();
    let status = Command::new(nvim)
        .args(["--headless", "--clean", "-c", "luafile session.lua"])
        .current_dir(root)
        .env("IAMLINT_BIN", env!("CARGO_BIN_EXE_iamlint"))
        .stdin(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let session = std::fs::read_to_string(root.join("session.txt")).unwrap();
    // Neovim shows byte columns: `été😀` before the action is 5 bytes more than characters
    let line = POLICY.lines().nth(2).unwrap();
    let col = line.find("\"s3:GetObjects").unwrap();
    let expected = [
        "diag IAM101 1:2-1:13".to_string(),
        format!("diag IAM108 2:{col}-2:{}", col + "\"s3:GetObjects\"".len()),
        "hover **`s3:Delete*`** matches **".to_string(),
        "action add `Version: 2012-10-17`".to_string(),
        "after IAM108".to_string(),
        "line   \"Version\": \"2012-10-17\",".to_string(),
    ];
    for e in &expected {
        assert!(session.contains(e.as_str()), "`{e}` in:\n{session}");
    }
    assert!(!session.contains("after IAM101"), "{session}");
}
