//! `iamlint check`: discover → load → normalize → rules → report.

use crate::config::{self, matches_shown_or_relative, severity_arg, Config};
use crate::discover;
use crate::input;
use crate::LoadArgs;
use clap::ValueEnum;
use iamlint_catalog::Catalog;
use iamlint_report::{render_to, Format, RenderOptions, Report, Severity};
use iamlint_rules::{check_file, CheckOptions};
use rayon::prelude::*;
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
    /// JUnit XML test report
    Junit,
    /// GitLab Code Quality JSON
    Gitlab,
    /// One self-contained HTML page
    Html,
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
    /// Exit with 1 when a finding is at or above this severity (`never`: findings never
    /// fail the run)
    #[arg(long, value_name = "SEVERITY", value_parser = ["error", "warning", "info", "never"])]
    pub fail_on: Option<String>,
    /// Exit with 0 whatever the findings (as `--fail-on never`); usage and I/O errors still
    /// exit with 2
    #[arg(long)]
    pub exit_zero: bool,
    /// Run only these rules: codes, code prefixes (`IAM2`), names, or `ALL`
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,
    /// Run these rules as well as the selected ones (rules off by default, such as
    /// `not-a-policy`): codes, code prefixes or names
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub extend_select: Vec<String>,
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
    /// Check a deployment role against the CloudFormation templates checked: what they need
    /// and it lacks, what it grants and none needs (a policy file, a template holding the
    /// role, or `builtin:NAME`; docs/deployment-role.md)
    #[arg(long, value_name = "ROLE")]
    pub deploy_role: Option<String>,
    /// The stack operations `--deploy-role` must cover
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "OPS",
        requires = "deploy_role"
    )]
    pub deploy_operations: Vec<String>,
    #[command(flatten)]
    pub load: LoadArgs,
}

/// Load the catalog: embedded, or `--catalog DIR`.
pub fn catalog(dir: Option<&Path>) -> Result<Catalog, String> {
    match dir {
        None => Ok(Catalog::embedded()),
        Some(d) => Catalog::from_dir(d)
            .map_err(|e| format!("cannot load the catalog in {}: {e}", d.display())),
    }
}

pub fn run(args: CheckArgs) -> Result<ExitCode, String> {
    let catalog = &catalog(args.catalog.as_deref())?;
    crate::catalog_cmd::note_catalog_age(catalog, args.catalog.is_none());
    let data = &crate::analyze_cmd::rule_data(catalog);
    let semantic = &iamlint_semantic::Semantic::with_managed(
        catalog,
        iamlint_managed::ManagedPolicies::embedded(),
    );
    let start = args
        .paths
        .iter()
        .find(|p| p.as_os_str() != "-")
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    let cfg = if args.no_config {
        Config::default()
    } else if let Some(p) = &args.config {
        config::load(p)?
    } else {
        match config::find(&start) {
            Some(p) => config::load(&p)?,
            None => Config::default(),
        }
    };

    // Rule selection: command line over configuration.
    let reference_globs = cfg.reference_globs()?;
    let mut selection = cfg.rule_selection(&args.select, &args.extend_select, &args.ignore)?;
    // None: findings never fail the run (`--exit-zero`, `--fail-on never`)
    let fail_on = match args.fail_on.as_deref().or(cfg.fail_on.as_deref()) {
        _ if args.exit_zero => None,
        Some(s) if s.eq_ignore_ascii_case("never") => None,
        Some(s) => Some(severity_arg(s, "`fail-on`")?),
        None => Some(Severity::Warning),
    };
    // A named file that holds no policy is reported only when `not-a-policy` runs; else it
    // is skipped like one a walk passes over (pre-commit names every changed file).
    let report_non_policy = selection
        .rules()
        .iter()
        .any(|r| r.info().name == "not-a-policy");
    let suppressions = cfg.suppressions()?;
    let exclude = cfg.exclude_set()?;
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

    // References: loaded once here (a missing file or an unknown built-in is a usage
    // error, not a finding per file). `--reference` applies to every file, as does
    // `reference` under `[rules.options.exceeds-reference]`; `[references]` maps globs.
    let load_reference = |spec: &str| {
        iamlint_rules::Reference::load(
            semantic,
            data,
            spec,
            &load_opts.vars,
            load_opts.max_file_size,
        )
    };
    let config_reference = cfg.option_reference();
    let global_reference = match args.reference.clone().or(config_reference) {
        Some(spec) => Some(load_reference(&spec)?),
        None => None,
    };
    let mut glob_references = Vec::new();
    for (glob, spec) in &reference_globs {
        glob_references.push((glob, load_reference(spec)?));
    }
    let reference_for = |p: Option<&Path>| -> Option<&iamlint_rules::Reference> {
        if global_reference.is_some() {
            return global_reference.as_ref();
        }
        let p = p?;
        glob_references
            .iter()
            .find(|(g, _)| matches_shown_or_relative(|x| g.is_match(x), p, &root))
            .map(|(_, r)| r)
    };
    if global_reference.is_some() || !glob_references.is_empty() {
        selection.inputs.push(iamlint_rules::RuleInput::Reference);
    }

    // ids (fingerprints) are relative to the configuration's directory, else the git
    // work tree's top, else the current directory
    let project_root =
        discover::project_root(cfg.path.as_ref().map(|_| cfg.root.as_path()), &start);
    let inputs = discover::discover(&args.paths, &is_excluded, &project_root);
    // `--deploy-role`: the role compared with every template of the run, once
    let deploy_role = match &args.deploy_role {
        Some(spec) => Some(crate::deploy_cmd::load_deploy_role(
            semantic,
            data,
            spec,
            &args.deploy_operations,
            &inputs,
            &load_opts,
        )?),
        None => None,
    };
    if deploy_role.is_some() {
        selection.inputs.push(iamlint_rules::RuleInput::DeployRole);
    }
    let positions_only = matches!(
        args.format,
        OutputFormat::Json | OutputFormat::Compact | OutputFormat::Github
    );
    let copts = CheckOptions {
        semantic,
        data,
        reference: None,
        deploy_role: deploy_role.as_ref().map(|(d, _)| d),
        selection: &selection,
        config_suppressions: &suppressions,
    };
    // the HTML report shows what each file grants, from the files as loaded here
    let html = args.format == OutputFormat::Html;
    let risks = &crate::analyze_cmd::risk_data(data);
    type Checked = (
        Vec<iamlint_report::Diagnostic>,
        bool,
        bool,
        Option<crate::overview::FilePart>,
    );
    let check_one = |i: &discover::Input| -> Checked {
        let loaded = input::load(i, &load_opts);
        let unreadable = loaded.file.is_err();
        let skipped = match &loaded.file {
            Ok(f) => {
                f.kind == iamlint_policy::FileKind::NotAPolicy
                    && !(i.is_explicit() && report_non_policy)
            }
            Err(_) => false,
        };
        if skipped {
            return (Vec::new(), true, false, None);
        }
        let file_opts = CheckOptions {
            reference: reference_for(i.path()),
            ..copts
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
        let part = match loaded.file {
            Ok(file) if html => Some(crate::overview::file_part(
                semantic,
                risks,
                &loaded.source,
                file,
            )),
            _ => None,
        };
        (diags, false, unreadable, part)
    };
    let results: Vec<Checked> = if inputs.len() > 1 {
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
        .reserve_exact(results.iter().map(|(d, _, _, _)| d.len()).sum());
    let mut parts = Vec::new();
    for (input, (diags, skipped, unreadable, part)) in inputs.iter().zip(results) {
        if skipped {
            report.files_skipped += 1;
        } else {
            report.files_checked += 1;
            report.files.push(input.display_name());
        }
        parts.extend(part);
        io_error |= unreadable;
        report.diagnostics.extend(diags);
    }
    if let Some((deploy, role_source)) = &deploy_role {
        report.diagnostics.extend(crate::deploy_cmd::role_findings(
            deploy,
            role_source.as_ref(),
            &copts,
            &load_opts,
        ));
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

    // after the baseline: the escalation graph draws the findings reported
    if html {
        report.overview = Some(crate::overview::combine(
            catalog,
            data,
            parts,
            &report.diagnostics,
        ));
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
        OutputFormat::Junit => Format::Junit,
        OutputFormat::Gitlab => Format::Gitlab,
        OutputFormat::Html => Format::Html,
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
        fail_on.map_or(0, |f| u8::try_from(report.exit_code(f)).unwrap_or(1))
    };
    // The process ends right after: freeing every finding and source one by one would
    // only delay the exit (~2 ms on the managed policies); the OS takes the memory back.
    std::mem::forget(report);
    Ok(ExitCode::from(code))
}
