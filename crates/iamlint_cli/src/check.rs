//! `iamlint check`: discover → load → normalize → rules → report.

use crate::config::{self, Config};
use crate::discover::{self, display_path};
use crate::input;
use crate::LoadArgs;
use clap::ValueEnum;
use iamlint_catalog::Catalog;
use iamlint_report::{render_to, Format, RenderOptions, Report, Severity};
use iamlint_rules::suppress::ConfigSuppression;
use iamlint_rules::{check_file, CheckOptions, RuleSelection};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum OutputFormat {
    Human,
    Json,
    Sarif,
    Github,
    Compact,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Files and directories to check (`-` for standard input)
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// Exit with 1 when a finding is at or above this severity
    #[arg(long, value_name = "SEVERITY", value_parser = ["error", "warning", "info"])]
    pub fail_on: Option<String>,
    /// Run only these rules: codes, code prefixes (`IAM2`), names, or `ALL`
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,
    /// Skip these rules: codes, code prefixes or names
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    /// Use this configuration file instead of looking for `iamlint.toml`
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore any `iamlint.toml`
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Record today's findings in FILE (and exit 0)
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Report only findings that are not in FILE
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// When to use colours (`auto`: on a terminal, unless NO_COLOR is set)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Use a catalog imported with `cargo xtask catalog-import` instead of the embedded one
    #[arg(long, value_name = "DIR")]
    pub catalog: Option<PathBuf>,
    /// Report every grant beyond this reference policy (`exceeds-reference`): a file or
    /// `builtin:NAME` (see `iamlint references`)
    #[arg(long, value_name = "REF")]
    pub reference: Option<String>,
    #[command(flatten)]
    pub load: LoadArgs,
}

/// Load the catalog: embedded, or `--catalog DIR`.
pub fn catalog(dir: Option<&Path>) -> Result<&'static Catalog, String> {
    match dir {
        None => Ok(Catalog::embedded()),
        Some(d) => {
            let c = Catalog::from_dir(d)
                .map_err(|e| format!("cannot load the catalog in {}: {e}", d.display()))?;
            Ok(Box::leak(Box::new(c)))
        }
    }
}

/// A reference named in the configuration: `builtin:NAME` as is, a path relative to the
/// configuration file's directory.
fn reference_path(r: &str, root: &Path) -> String {
    if r.starts_with("builtin:") || Path::new(r).is_absolute() {
        r.to_string()
    } else {
        root.join(r).to_string_lossy().to_string()
    }
}

fn severity_arg(s: &str, what: &str) -> Result<Severity, String> {
    Severity::parse(s).ok_or_else(|| format!("{what} `{s}` is not one of error, warning, info"))
}

pub fn run(args: CheckArgs) -> Result<ExitCode, String> {
    let catalog = catalog(args.catalog.as_deref())?;
    let cfg = if args.no_config {
        Config::default()
    } else if let Some(p) = &args.config {
        config::load(p)?
    } else {
        let start = args
            .paths
            .iter()
            .find(|p| p.as_os_str() != "-")
            .cloned()
            .unwrap_or_else(|| PathBuf::from("."));
        match config::find(&start) {
            Some(p) => config::load(&p)?,
            None => Config::default(),
        }
    };

    // Rule selection: command line over configuration.
    let mut severity = BTreeMap::new();
    for (k, v) in &cfg.rules.severity {
        severity.insert(k.clone(), severity_arg(v, &format!("severity of `{k}`"))?);
    }
    // `--reference` and the configuration's `[references]` turn on `exceeds-reference`.
    let reference_rule = iamlint_rules::registry::find_rule("exceeds-reference");
    if (args.reference.is_some() || !cfg.references.is_empty()) && reference_rule.is_none() {
        return Err("this build of iamlint has no `exceeds-reference` rule".to_string());
    }
    let mut enable = cfg.rules.enable.clone();
    let option_reference = cfg
        .rules
        .options
        .get("exceeds-reference")
        .is_some_and(|o| o.contains_key("reference"));
    if args.reference.is_some() || !cfg.references.is_empty() || option_reference {
        enable.push("exceeds-reference".to_string());
    }
    let mut reference_globs = Vec::new();
    for (glob, reference) in &cfg.references {
        let g = globset::Glob::new(glob)
            .map_err(|e| format!("invalid glob `{glob}` in [references]: {e}"))?;
        reference_globs.push((g.compile_matcher(), reference_path(reference, &cfg.root)));
    }
    let selection = RuleSelection {
        select: if args.select.is_empty() {
            cfg.rules.select.clone()
        } else {
            args.select.clone()
        },
        ignore: cfg
            .rules
            .ignore
            .iter()
            .chain(&args.ignore)
            .cloned()
            .collect(),
        enable,
        severity,
    };
    let unknown = selection.unknown_selectors();
    if !unknown.is_empty() {
        return Err(format!(
            "no rule is named `{}` (see `iamlint rules`)",
            unknown.join("`, `")
        ));
    }
    let fail_on = match args.fail_on.as_deref().or(cfg.fail_on.as_deref()) {
        Some(s) => severity_arg(s, "`fail-on`")?,
        None => Severity::Warning,
    };
    let mut rule_options: BTreeMap<String, BTreeMap<String, String>> = cfg
        .rules
        .options
        .iter()
        .map(|(rule, opts)| {
            let o = opts
                .iter()
                .map(|(k, v)| {
                    let mut s = match v {
                        toml::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    if rule == "exceeds-reference" && k == "reference" {
                        s = reference_path(&s, &cfg.root);
                    }
                    (k.clone(), s)
                })
                .collect();
            (rule.clone(), o)
        })
        .collect();
    if let Some(r) = &args.reference {
        rule_options
            .entry("exceeds-reference".to_string())
            .or_default()
            .insert("reference".to_string(), r.clone());
    }
    let mut suppressions = Vec::new();
    for s in &cfg.suppress {
        let glob = globset::Glob::new(&s.file).map_err(|e| {
            format!(
                "invalid `file` glob `{}` in a [[suppress]] entry: {e}",
                s.file
            )
        })?;
        suppressions.push(ConfigSuppression {
            file: glob.compile_matcher(),
            file_text: s.file.clone(),
            rule: s.rule.clone(),
            sid: s.sid.clone(),
            reason: s.reason.clone(),
        });
    }
    let mut exclude = globset::GlobSetBuilder::new();
    for g in &cfg.exclude {
        exclude
            .add(globset::Glob::new(g).map_err(|e| format!("invalid `exclude` glob `{g}`: {e}"))?);
    }
    let exclude = exclude.build().map_err(|e| e.to_string())?;
    let root = cfg.root.clone();
    // Without excludes nothing is resolved per file (two `canonicalize` calls per walked
    // file cost more than reading it); the root is resolved once.
    let canonical_root = if exclude.is_empty() {
        None
    } else {
        std::fs::canonicalize(&root).ok()
    };
    let is_excluded = |p: &Path| {
        if exclude.is_empty() {
            return false;
        }
        matches_shown_or_relative(|x| exclude.is_match(x), p, &root)
            || canonical_root.as_ref().is_some_and(|r| {
                std::fs::canonicalize(p)
                    .ok()
                    .and_then(|abs| abs.strip_prefix(r).ok().map(|x| exclude.is_match(x)))
                    .unwrap_or(false)
            })
    };

    let mut load_opts = args.load.options()?;
    for (k, v) in &cfg.vars {
        load_opts.vars.entry(k.clone()).or_insert_with(|| v.clone());
    }

    // References: checked once here (a missing file or an unknown built-in is a usage
    // error, not a finding per file); `--var` bindings reach the rule as `var:NAME`.
    let mut references: Vec<String> = rule_options
        .get("exceeds-reference")
        .and_then(|o| o.get("reference"))
        .cloned()
        .into_iter()
        .collect();
    references.extend(reference_globs.iter().map(|(_, r)| r.clone()));
    for r in &references {
        iamlint_rules::rules::exceeds_reference::validate_reference(catalog, r, &load_opts.vars)?;
    }
    if !references.is_empty() {
        let o = rule_options
            .entry("exceeds-reference".to_string())
            .or_default();
        for (k, v) in &load_opts.vars {
            o.insert(format!("var:{k}"), v.clone());
        }
    }
    // One option set per `[references]` mapping; `--reference` applies to every file.
    let per_reference: Vec<BTreeMap<String, BTreeMap<String, String>>> = reference_globs
        .iter()
        .map(|(_, r)| {
            let mut o = rule_options.clone();
            o.entry("exceeds-reference".to_string())
                .or_default()
                .insert("reference".to_string(), r.clone());
            o
        })
        .collect();
    let reference_for = |p: &Path| -> Option<usize> {
        if args.reference.is_some() {
            return None;
        }
        reference_globs
            .iter()
            .position(|(g, _)| matches_shown_or_relative(|x| g.is_match(x), p, &root))
    };

    let inputs = discover::discover(&args.paths, &is_excluded);
    let positions_only = matches!(
        args.format,
        OutputFormat::Json | OutputFormat::Compact | OutputFormat::Github
    );
    let copts = CheckOptions {
        catalog,
        selection: &selection,
        rule_options: &rule_options,
        config_suppressions: &suppressions,
    };
    let check_one = |i: &discover::Input| -> (Vec<iamlint_report::Diagnostic>, bool, bool) {
        let loaded = input::load(i, &load_opts);
        let unreadable = loaded.file.is_err();
        let skipped = match &loaded.file {
            Ok(f) => !i.is_explicit() && f.kind == iamlint_policy::FileKind::NotAPolicy,
            Err(_) => false,
        };
        if skipped {
            return (Vec::new(), true, false);
        }
        let file_opts = match i.path().and_then(&reference_for) {
            Some(k) => CheckOptions {
                rule_options: &per_reference[k],
                ..copts
            },
            None => copts,
        };
        let mut diags = check_file(
            &file_opts,
            &loaded.source,
            loaded.file.as_ref(),
            i.is_explicit(),
        );
        // in the report's order already, so that the final sort is one pass
        iamlint_report::sort_diagnostics(&mut diags);
        // A report that shows no source needs only positions: the findings kept until it
        // is written hold a copy of their file without its text.
        if positions_only && !diags.is_empty() {
            if let Some(slim) = loaded.source.without_text() {
                for d in &mut diags {
                    d.file = Arc::clone(&slim);
                }
            }
        }
        (diags, false, unreadable)
    };
    let results: Vec<(Vec<iamlint_report::Diagnostic>, bool, bool)> = if inputs.len() > 1 {
        // The main thread is one of the pool's workers: it checks files too instead of
        // waiting, and one thread (with its own allocator heap) fewer is started. Fails
        // only if a pool exists already, which then serves as it is.
        let _ = rayon::ThreadPoolBuilder::new()
            .use_current_thread()
            .build_global();
        inputs.par_iter().map(check_one).collect()
    } else {
        // one file (the pre-commit case): no threads to start
        inputs.iter().map(check_one).collect()
    };
    let mut report = Report {
        rules: selection.rules().iter().map(|r| r.info().clone()).collect(),
        ..Report::default()
    };
    let mut io_error = false;
    report
        .diagnostics
        .reserve_exact(results.iter().map(|(d, _, _)| d.len()).sum());
    for (diags, skipped, unreadable) in results {
        if skipped {
            report.files_skipped += 1;
        } else {
            report.files_checked += 1;
        }
        io_error |= unreadable;
        report.diagnostics.extend(diags);
    }
    report.sort();

    if let Some(path) = &args.write_baseline {
        let b = iamlint_report::baseline::Baseline::from_report(&report);
        std::fs::write(path, b.to_json())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        eprintln!(
            "wrote {} findings to {}",
            report.diagnostics.len(),
            path.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(path) = &args.baseline {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
        let b = iamlint_report::baseline::Baseline::from_json(&text)
            .map_err(|e| format!("invalid baseline {}: {e}", path.display()))?;
        report.retain_new(&b);
    }

    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    };
    let format = match args.format {
        OutputFormat::Human => Format::Human,
        OutputFormat::Json => Format::Json,
        OutputFormat::Sarif => Format::Sarif,
        OutputFormat::Github => Format::Github,
        OutputFormat::Compact => Format::Compact,
    };
    let ropts = RenderOptions {
        color,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        base_dir: std::env::current_dir().ok(),
        ..RenderOptions::default()
    };
    // Written through one buffer (a JSON report is serialized straight into it). A reader
    // that stops early (`| head`) is not an error: the verdict below still stands.
    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let written = render_to(&report, format, &ropts, &mut stdout).and_then(|()| stdout.flush());
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            return Err(format!("cannot write the report: {e}"));
        }
        _ => {}
    }
    let code = if io_error {
        2
    } else {
        u8::try_from(report.exit_code(fail_on)).unwrap_or(1)
    };
    // The process ends right after: freeing every finding and source one by one would
    // only delay the exit (~2 ms on the managed policies); the OS takes the memory back.
    std::mem::forget(report);
    Ok(ExitCode::from(code))
}

/// Whether a config glob (`is_match`) matches `p` as displayed or relative to the config's
/// root.
fn matches_shown_or_relative(is_match: impl Fn(&Path) -> bool, p: &Path, root: &Path) -> bool {
    is_match(Path::new(&display_path(p))) || p.strip_prefix(root).is_ok_and(&is_match)
}
