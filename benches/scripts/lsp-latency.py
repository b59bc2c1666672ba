"""Latency of `iamlint server` as an editor sees it, on one file: initialize, didOpen ->
publishDiagnostics, didChange -> publishDiagnostics (less the 200 ms debounce), and the
codeAction and hover round trips at the first diagnostic; the server's resident memory.

    python3 benches/scripts/lsp-latency.py target/release/iamlint FILE RUNS

(docs/editors.md, "Latency")."""
import json, subprocess, sys, time, os, statistics, threading, queue

bin_, path, runs = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), int(sys.argv[3])
p = subprocess.Popen([bin_, "server"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=os.path.dirname(path))
q = queue.Queue()
def reader():
    f = p.stdout
    while True:
        n = None
        while True:
            line = f.readline()
            if not line: return
            line = line.strip()
            if not line: break
            if line.startswith(b"Content-Length:"): n = int(line.split()[1])
        q.put((time.perf_counter(), json.loads(f.read(n))))
threading.Thread(target=reader, daemon=True).start()
def send(m):
    b = json.dumps(m).encode(); p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(b) + b); p.stdin.flush()
nid = [0]
def request(method, params):
    nid[0] += 1; t = time.perf_counter(); send({"jsonrpc": "2.0", "id": nid[0], "method": method, "params": params})
    while True:
        at, m = q.get(timeout=60)
        if m.get("id") == nid[0] and "method" not in m: return at - t, m
def publish():
    while True:
        at, m = q.get(timeout=60)
        if m.get("method") == "textDocument/publishDiagnostics": return at, m["params"]
t0 = time.perf_counter()
request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
init = time.perf_counter() - t0
send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
text = open(path).read()
uri = "file://" + path
t = time.perf_counter()
send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}})
at, d = publish(); first = at - t
n = len(d["diagnostics"])
changes, actions, hovers = [], [], []
first_diag = d["diagnostics"][0]["range"] if n else {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}
for i in range(runs):
    t = time.perf_counter()
    send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": i + 2}, "contentChanges": [{"text": text + "\n" * (i % 2)}]}})
    at, d = publish(); changes.append((at - t) * 1000 - 200)
    dt, _ = request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": first_diag, "context": {"diagnostics": []}}); actions.append(dt * 1000)
    dt, _ = request("textDocument/hover", {"textDocument": {"uri": uri}, "position": first_diag["start"]}); hovers.append(dt * 1000)
hwm = [l for l in open(f"/proc/{p.pid}/status") if l.startswith(("VmHWM", "VmRSS"))]
print("memory:", " ".join(x.split()[0] + " " + x.split()[1] + " kB" for x in hwm))
request("shutdown", None); send({"jsonrpc": "2.0", "method": "exit", "params": None})
rc = p.wait(timeout=30)
med = lambda v: "median %.1f ms (min %.1f, max %.1f)" % (statistics.median(v), min(v), max(v))
print(f"{os.path.basename(path)}: {len(text)} bytes, {n} diagnostics")
print(f"initialize: {init*1000:.1f} ms; didOpen -> diagnostics: {first*1000:.1f} ms")
print(f"didChange -> diagnostics, less the 200 ms debounce ({runs} runs): {med(changes)}")
print(f"codeAction on the first diagnostic: {med(actions)}")
print(f"hover at the first diagnostic: {med(hovers)}")
print(f"exit status {rc}")
