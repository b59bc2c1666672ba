//! The `iamlint` command line: the binary (`src/main.rs` of the root package `iamlint`)
//! calls [`main`].

// first: its `outln!` and `out!` are used by the modules after it
#[macro_use]
mod out;

mod analyze_cmd;
mod catalog_cmd;
mod check;
mod config;
mod deploy_cmd;
mod discover;
mod input;
mod managed_cmd;
mod overview;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use iamlint_formats::LoadOptions;
use iamlint_policy::{PolicyKind, Vars};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "iamlint",
    version,
    about = "Lint AWS IAM policies and check them against least-privilege references",
    long_about = None,
    // an option given twice takes its last value, as in ruff: a pre-commit user's `args`
    // come after the hook's entry and override it (`--format github` after the entry's
    // `--format compact`)
    args_override_self = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum InspectFormat {
    Text,
    Json,
}

/// Options shared by every command that reads policies.
#[derive(clap::Args, Clone, Debug)]
struct LoadArgs {
    /// Bind a placeholder or CloudFormation reference: `--var REGION=us-east-1`,
    /// `--var 'AWS ACCOUNT ID=123456789012'`
    #[arg(long = "var", value_name = "NAME=VALUE")]
    vars: Vec<String>,
    /// The kind of plain policy files whose kind cannot be inferred from the content
    #[arg(long, value_name = "KIND", value_parser = ["identity", "resource", "trust", "scp", "boundary", "rcp"])]
    policy_type: Option<String>,
    /// Largest file read, in bytes
    #[arg(long, default_value_t = 10 * 1024 * 1024, value_name = "BYTES")]
    max_file_size: u64,
}

impl LoadArgs {
    fn options(&self) -> Result<LoadOptions, String> {
        let mut vars = Vars::new();
        for v in &self.vars {
            let Some((name, value)) = v.split_once('=') else {
                return Err(format!("`--var {v}` must be NAME=VALUE"));
            };
            let name = name.trim();
            let name = name
                .strip_prefix('<')
                .and_then(|n| n.strip_suffix('>'))
                .unwrap_or(name);
            if name.is_empty() {
                return Err(format!("`--var {v}` has an empty name"));
            }
            vars.insert(name.to_string(), value.to_string());
        }
        Ok(LoadOptions {
            vars,
            forced_kind: self.policy_type.as_deref().and_then(PolicyKind::parse),
            max_file_size: self.max_file_size,
            ..LoadOptions::default()
        })
    }
}

#[derive(Subcommand)]
enum CatalogCommand {
    /// Where the catalog comes from and what it holds
    Info {
        #[arg(long, value_enum, default_value_t = InspectFormat::Text)]
        format: InspectFormat,
    },
    /// One action: access level, resource types (ARN formats, required or not),
    /// condition keys
    Show {
        /// `service:Action`, case-insensitive
        action: String,
        #[arg(long, value_enum, default_value_t = InspectFormat::Text)]
        format: InspectFormat,
    },
}

#[derive(Subcommand)]
enum ManagedCommand {
    /// One AWS managed policy: ARN, version, dates, deprecation and replacement, and its
    /// document
    Show {
        /// A policy name (case-sensitive) or ARN: `AWSLambda_FullAccess`,
        /// `arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole`
        policy: String,
        #[arg(long, value_enum, default_value_t = InspectFormat::Text)]
        format: InspectFormat,
    },
    /// Every AWS managed policy: name, default version, path, deprecation
    List {
        /// Only the deprecated policies (with their documented replacements)
        #[arg(long)]
        deprecated: bool,
        #[arg(long, value_enum, default_value_t = InspectFormat::Text)]
        format: InspectFormat,
    },
}

#[derive(Subcommand)]
enum Command {
    /// Lint policies: files, directories (walked, honouring .gitignore) or `-`
    Check(Box<check::CheckArgs>),
    /// List the catalog actions a pattern matches (`s3:Get*`, `*Object*`, `iam:Pass?ole`)
    Expand {
        /// Action patterns
        #[arg(required = true)]
        patterns: Vec<String>,
        /// Print the complement of the patterns' union, as `NotAction` grants it
        #[arg(long)]
        not: bool,
        #[arg(long, value_enum, default_value_t = InspectFormat::Text)]
        format: InspectFormat,
        /// Use a catalog imported with `cargo xtask catalog-import`
        #[arg(long, value_name = "DIR")]
        catalog: Option<PathBuf>,
    },
    /// The embedded AWS catalog
    Catalog {
        #[command(subcommand)]
        command: CatalogCommand,
        /// Use a catalog imported with `cargo xtask catalog-import`
        #[arg(long, value_name = "DIR", global = true)]
        catalog: Option<PathBuf>,
    },
    /// The embedded AWS managed policies (current and deprecated)
    Managed {
        #[command(subcommand)]
        command: ManagedCommand,
    },
    /// List every rule: code, name, group, default severity
    Rules {
        #[arg(long, value_enum, default_value_t = InspectFormat::Text)]
        format: InspectFormat,
    },
    /// Print a rule's documentation page
    Explain {
        /// A rule code (`IAM202`) or name (`service-wildcard`)
        rule: String,
    },
    /// Show what the parser understood: documents, kinds, logical paths and the
    /// normalized statements with the line:col of each element
    Inspect {
        /// Files to inspect (`-` for standard input)
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = InspectFormat::Text)]
        format: InspectFormat,
        #[command(flatten)]
        load: LoadArgs,
    },
    // -- least-privilege analyzer commands (analyze_cmd.rs) --
    /// List every grant of a policy, or of each principal of a template, beyond a reference,
    /// each with a witness request; exit 1 when there is any
    Diff {
        /// The reference: a policy file, a template's principal (`FILE#NAME`) or `builtin:NAME`
        /// (see `iamlint references`)
        #[arg(long, value_name = "REF")]
        reference: String,
        /// Compare only this principal: logical id, name, ARN or instance profile
        #[arg(long, value_name = "NAME")]
        principal: Option<String>,
        /// The policy or template to compare (`-` for standard input)
        policy: PathBuf,
        #[arg(long, value_enum, default_value_t = InspectFormat::Text)]
        format: InspectFormat,
        #[command(flatten)]
        load: LoadArgs,
    },
    /// What a policy, or each principal of a template (every policy it holds, AWS managed
    /// ones included), grants, per service and access level, with risk categories
    Summarize {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Summarize only this principal: logical id, name, ARN or instance profile
        #[arg(long, value_name = "NAME")]
        principal: Option<String>,
        #[arg(long, value_enum, default_value_t = InspectFormat::Text)]
        format: InspectFormat,
        #[command(flatten)]
        load: LoadArgs,
    },
    /// Print a policy granting only what both the policy (or a principal's policies) and
    /// the reference allow
    Tighten {
        /// The reference: a policy file, a template's principal (`FILE#NAME`) or `builtin:NAME`
        #[arg(long, value_name = "REF")]
        reference: String,
        /// Tighten this principal's policies: logical id, name, ARN or instance profile
        #[arg(long, value_name = "NAME")]
        principal: Option<String>,
        policy: PathBuf,
        #[command(flatten)]
        load: LoadArgs,
    },
    /// The policy a principal needs to create, update and delete the stacks of these
    /// CloudFormation templates (docs/deployment-role.md)
    DeployPolicy(deploy_cmd::DeployArgs),
    /// List the built-in reference policies and principals
    References {
        #[arg(long, value_enum, default_value_t = InspectFormat::Text)]
        format: InspectFormat,
    },
    /// Serve the Language Server Protocol on standard input and output, for editors
    /// (docs/editors.md)
    Server,
}

/// Parses the process's arguments and runs the command; the exit code is the process's.
pub fn main() -> ExitCode {
    // the version names the catalog's data date: `iamlint 0.1.0 (AWS catalog 2026-10-27)`;
    // the catalog is opened for it only when asked (0.7 ms the commands without a catalog,
    // `explain`, `managed`, `server`, would pay at each start)
    let mut command = Cli::command();
    if std::env::args_os()
        .skip(1)
        .any(|a| a == "--version" || a == "-V")
    {
        command = command.version(catalog_cmd::version_line(
            &iamlint_catalog::Catalog::embedded(),
        ));
    }
    let matches = command.get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let result = run(cli);
    if let Some(e) = out::failure() {
        eprintln!("error: cannot write the output: {e}");
        return ExitCode::from(2);
    }
    match result {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Check(args) => check::run(*args),
        Command::Expand {
            patterns,
            not,
            format,
            catalog,
        } => catalog_cmd::expand(
            &check::catalog(catalog.as_deref())?,
            &patterns,
            not,
            format == InspectFormat::Json,
        ),
        Command::Catalog { command, catalog } => {
            let c = check::catalog(catalog.as_deref())?;
            match command {
                CatalogCommand::Info { format } => {
                    catalog_cmd::info(&c, format == InspectFormat::Json)
                }
                CatalogCommand::Show { action, format } => {
                    catalog_cmd::show(&c, &action, format == InspectFormat::Json)
                }
            }
        }
        Command::Managed { command } => {
            let managed = iamlint_managed::ManagedPolicies::embedded();
            match command {
                ManagedCommand::Show { policy, format } => {
                    managed_cmd::show(&managed, &policy, format == InspectFormat::Json)
                }
                ManagedCommand::List { deprecated, format } => {
                    managed_cmd::list(&managed, deprecated, format == InspectFormat::Json)
                }
            }
        }
        Command::Rules { format } => catalog_cmd::rules(format == InspectFormat::Json),
        Command::Explain { rule } => catalog_cmd::explain(&rule),
        Command::Inspect {
            paths,
            format,
            load,
        } => inspect(&paths, format, &load),
        // -- least-privilege analyzer commands --
        Command::Diff {
            reference,
            principal,
            policy,
            format,
            load,
        } => analyze_cmd::diff(
            &iamlint_catalog::Catalog::embedded(),
            &reference,
            &policy,
            principal.as_deref(),
            format == InspectFormat::Json,
            &load.options()?,
        ),
        Command::Summarize {
            paths,
            principal,
            format,
            load,
        } => analyze_cmd::summarize(
            &iamlint_catalog::Catalog::embedded(),
            &paths,
            principal.as_deref(),
            format == InspectFormat::Json,
            &load.options()?,
        ),
        Command::Tighten {
            reference,
            principal,
            policy,
            load,
        } => analyze_cmd::tighten(
            &iamlint_catalog::Catalog::embedded(),
            &reference,
            &policy,
            principal.as_deref(),
            &load.options()?,
        ),
        Command::References { format } => analyze_cmd::references(
            &iamlint_catalog::Catalog::embedded(),
            format == InspectFormat::Json,
        ),
        Command::DeployPolicy(args) => {
            deploy_cmd::deploy_policy(&iamlint_catalog::Catalog::embedded(), &args)
        }
        // exit status 0 after `shutdown` and `exit`, 1 after `exit` alone, as LSP says
        Command::Server => Ok(ExitCode::from(u8::from(!iamlint_lsp::run_stdio()?))),
    }
}

fn inspect(paths: &[PathBuf], format: InspectFormat, load: &LoadArgs) -> Result<ExitCode, String> {
    let opts = load.options()?;
    let root = discover::project_root(None, Path::new("."));
    let inputs = discover::discover(paths, &|_| false, &root);
    let mut failed = false;
    let mut json_out = Vec::new();
    for i in &inputs {
        let loaded = input::load(i, &opts);
        match &loaded.file {
            Err(e) => {
                failed = true;
                eprintln!("error: {}: {e}", loaded.source.name);
            }
            Ok(file) => match format {
                InspectFormat::Text => out!(
                    "{}",
                    iamlint_formats::describe::to_text(
                        &loaded.source.name,
                        &loaded.source.text,
                        file
                    )
                ),
                InspectFormat::Json => json_out.push(iamlint_formats::describe::to_json(
                    &loaded.source.name,
                    &loaded.source.text,
                    file,
                )),
            },
        }
    }
    if format == InspectFormat::Json {
        let v = serde_json::Value::Array(json_out);
        outln!(
            "{}",
            serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?
        );
    }
    Ok(if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
