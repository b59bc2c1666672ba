//! A document's configuration: `iamlint.toml`, found as `iamlint check` finds it (in the
//! document's directory or a parent), read and compiled by `iamlint_rules::config` as the
//! command line does, and kept until the file changes.

use iamlint_formats::LoadOptions;
use iamlint_rules::config::{self, matches_shown_or_relative, Config};
use iamlint_rules::suppress::ConfigSuppression;
use iamlint_rules::{Reference, RuleData, RuleInput, RuleSelection};
use iamlint_semantic::Semantic;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// What a configuration sets for a check, compiled.
pub struct Settings {
    /// The configuration's directory: documents are named relative to it, and globs
    /// match those names.
    pub root: Option<PathBuf>,
    pub selection: RuleSelection,
    pub suppressions: Vec<ConfigSuppression>,
    pub load: LoadOptions,
    exclude: globset::GlobSet,
    /// `[rules.options.exceeds-reference]`: every document's reference.
    reference: Option<Reference>,
    /// `[references]`: by glob, in the file's order.
    reference_globs: Vec<(globset::GlobMatcher, Reference)>,
}

impl Settings {
    /// No configuration: the rules enabled by default.
    pub fn defaults() -> Settings {
        Settings {
            root: None,
            selection: RuleSelection::default(),
            suppressions: Vec::new(),
            load: LoadOptions::default(),
            exclude: globset::GlobSet::empty(),
            reference: None,
            reference_globs: Vec::new(),
        }
    }

    fn from_config(
        cfg: &Config,
        semantic: &Semantic<'_>,
        data: &RuleData<'_>,
    ) -> Result<Settings, String> {
        let mut selection = cfg.rule_selection(&[], &[], &[])?;
        let mut load = LoadOptions::default();
        for (k, v) in &cfg.vars {
            load.vars.insert(k.clone(), v.clone());
        }
        let reference_of =
            |spec: &str| Reference::load(semantic, data, spec, &load.vars, load.max_file_size);
        let reference = cfg
            .option_reference()
            .map(|s| reference_of(&s))
            .transpose()?;
        let mut reference_globs = Vec::new();
        for (glob, spec) in cfg.reference_globs()? {
            reference_globs.push((glob, reference_of(&spec)?));
        }
        if reference.is_some() || !reference_globs.is_empty() {
            selection.inputs.push(RuleInput::Reference);
        }
        Ok(Settings {
            root: Some(cfg.root.clone()),
            selection,
            suppressions: cfg.suppressions()?,
            load,
            exclude: cfg.exclude_set()?,
            reference,
            reference_globs,
        })
    }

    /// Whether the configuration's `exclude` names this file (its diagnostics are not
    /// shown, as a directory walk of `iamlint check` would not read it).
    pub fn is_excluded(&self, path: &Path) -> bool {
        let Some(root) = &self.root else {
            return false;
        };
        !self.exclude.is_empty()
            && matches_shown_or_relative(|x| self.exclude.is_match(x), path, root)
    }

    /// The reference a file is compared with: the one of every file, or the first glob of
    /// `[references]` that matches it.
    pub fn reference_for(&self, path: Option<&Path>) -> Option<&Reference> {
        if self.reference.is_some() {
            return self.reference.as_ref();
        }
        let (path, root) = (path?, self.root.as_ref()?);
        self.reference_globs
            .iter()
            .find(|(g, _)| matches_shown_or_relative(|x| g.is_match(x), path, root))
            .map(|(_, r)| r)
    }
}

type Loaded = (Option<SystemTime>, Result<Arc<Settings>, String>);

/// The configurations met so far, by file, each with the modification time it was read at.
pub struct Configs {
    defaults: Arc<Settings>,
    by_file: HashMap<PathBuf, Loaded>,
}

impl Configs {
    pub fn new() -> Configs {
        Configs {
            defaults: Arc::new(Settings::defaults()),
            by_file: HashMap::new(),
        }
    }

    /// The settings of a document in `dir` (`None`: a document that is not a local file,
    /// which gets the defaults). An invalid configuration is an error, as for `iamlint
    /// check`.
    pub fn for_dir(
        &mut self,
        dir: Option<&Path>,
        semantic: &Semantic<'_>,
        data: &RuleData<'_>,
    ) -> Result<Arc<Settings>, String> {
        let Some(file) = dir.and_then(config::find) else {
            return Ok(Arc::clone(&self.defaults));
        };
        let modified = std::fs::metadata(&file).and_then(|m| m.modified()).ok();
        if let Some((at, loaded)) = self.by_file.get(&file) {
            if *at == modified && modified.is_some() {
                return loaded.clone();
            }
        }
        let loaded = config::load(&file)
            .and_then(|cfg| Settings::from_config(&cfg, semantic, data))
            .map(Arc::new);
        self.by_file.insert(file, (modified, loaded.clone()));
        loaded
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use iamlint_catalog::Catalog;

    #[test]
    fn found_in_a_parent_compiled_and_reread_when_changed() {
        let dir = std::env::temp_dir().join(format!("iamlint-lsp-settings-{}", std::process::id()));
        let sub = dir.join("policies");
        std::fs::create_dir_all(&sub).unwrap();
        let toml = dir.join("iamlint.toml");
        std::fs::write(
            &toml,
            "exclude = [\"vendor/**\"]\n[rules]\nignore = [\"missing-version\"]\n",
        )
        .unwrap();
        let catalog = Catalog::embedded();
        let semantic = Semantic::new(&catalog);
        let data = RuleData::new(&catalog);
        let mut configs = Configs::new();
        let s = configs.for_dir(Some(&sub), &semantic, &data).unwrap();
        let root = std::fs::canonicalize(&dir).unwrap();
        assert_eq!(s.root.as_deref(), Some(root.as_path()));
        assert_eq!(s.selection.ignore, ["missing-version"]);
        assert!(s.is_excluded(&root.join("vendor/x.json")));
        assert!(!s.is_excluded(&root.join("policies/x.json")));
        // an invalid file is an error with its location; a file changed is read again
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&toml, "[rules]\nselect = [\"no-such-rule\"]\n").unwrap();
        let file = std::fs::File::options().write(true).open(&toml).unwrap();
        file.set_modified(SystemTime::now() + std::time::Duration::from_secs(5))
            .unwrap();
        let e = configs.for_dir(Some(&sub), &semantic, &data).err().unwrap();
        assert!(e.contains("no-such-rule"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
        let s = configs
            .for_dir(Some(Path::new("/nonexistent-iamlint/x")), &semantic, &data)
            .unwrap();
        assert!(s.root.is_none());
    }
}
