//! Reading the layers (file, environment, code), merging them with the
//! `config` crate, and resolving the result into a [`PatinoxConfig`].

use std::collections::{BTreeMap, HashMap};
use std::fmt::Display;
use std::path::{Path, PathBuf};

use ::config::{Map, Source, Value, ValueKind};
use secrecy::SecretString;
use toml::de::{DeTable, DeValue};

use super::origin::Origin;
use super::{PatinoxConfig, Provider, settings};
use crate::error::{ConfigurationError, Result};

/// The file read from the working directory when `PATINOX_CONFIG` is not set.
pub const DEFAULT_FILE: &str = "patinox.toml";

/// The variable naming another configuration file.
const FILE_VARIABLE: &str = "PATINOX_CONFIG";

/// Loads a [`PatinoxConfig`] from chosen layers; [`PatinoxConfig::load`] is
/// `ConfigLoader::new().load()`.
///
/// By default it reads the process environment and `patinox.toml` in the
/// working directory (or the file `PATINOX_CONFIG` names, which must exist).
/// Tests and embedders replace either: [`env`](Self::env) gives the
/// variables explicitly, [`file`](Self::file) or [`no_file`](Self::no_file)
/// choose the file.
///
/// ```
/// use patinox::config::ConfigLoader;
///
/// let config = ConfigLoader::new()
///     .no_file()
///     .env([("OPENAI_BASE_URL", "http://127.0.0.1:8080/v1")])
///     .set("agent.max_turns", 3)
///     .load()?;
/// assert_eq!(config.providers.openai.base_url.as_deref(), Some("http://127.0.0.1:8080/v1"));
/// assert_eq!(config.agent.max_turns, 3);
/// # Ok::<(), patinox::PatinoxError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct ConfigLoader {
    file: FileChoice,
    env: Env,
    code: Vec<(String, String)>,
}

#[derive(Debug, Clone, Default)]
enum FileChoice {
    /// `PATINOX_CONFIG`, else `patinox.toml` if it exists.
    #[default]
    Lookup,
    Path(PathBuf),
    None,
}

/// The variables the environment layer reads.
#[derive(Clone, Default)]
enum Env {
    #[default]
    Process,
    Given(HashMap<String, String>),
}

impl std::fmt::Debug for Env {
    // Variables hold keys: show their names only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Process => f.write_str("Process"),
            Self::Given(vars) => f.debug_set().entries(vars.keys()).finish(),
        }
    }
}

impl Env {
    /// The variable's value; an empty one counts as unset.
    fn get(&self, name: &str) -> Option<String> {
        let value = match self {
            Self::Process => std::env::var(name).ok(),
            Self::Given(vars) => vars.get(name).cloned(),
        };
        value.filter(|v| !v.trim().is_empty())
    }

    fn names(&self) -> Vec<String> {
        match self {
            Self::Process => std::env::vars_os()
                .filter_map(|(name, _)| name.into_string().ok())
                .collect(),
            Self::Given(vars) => vars.keys().cloned().collect(),
        }
    }
}

impl ConfigLoader {
    /// Reads the process environment and `patinox.toml` (or `PATINOX_CONFIG`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads this file, which must exist, instead of looking one up.
    #[must_use]
    pub fn file(mut self, path: impl Into<PathBuf>) -> Self {
        self.file = FileChoice::Path(path.into());
        self
    }

    /// Reads no file.
    #[must_use]
    pub fn no_file(mut self) -> Self {
        self.file = FileChoice::None;
        self
    }

    /// Reads these variables instead of the process environment, for the
    /// settings, `PATINOX_CONFIG` and the API keys alike.
    #[must_use]
    pub fn env<K: Into<String>, V: Into<String>>(
        mut self,
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let vars = vars.into_iter().map(|(k, v)| (k.into(), v.into()));
        self.env = Env::Given(vars.collect());
        self
    }

    /// Sets `key` in code, the highest layer. The value is parsed as the
    /// same text in an environment variable would be (`"5s"`, `4`, `true`);
    /// a bad key or value is reported by [`load`](Self::load).
    #[must_use]
    pub fn set(mut self, key: impl Into<String>, value: impl Display) -> Self {
        self.code.push((key.into(), value.to_string()));
        self
    }

    /// The variables `var` gives (the settings' and the keys'), and no file.
    pub(crate) fn from_lookup(var: impl Fn(&str) -> Option<String>) -> Self {
        let mut names: Vec<String> = settings::keys()
            .flat_map(|key| settings::variables(&key))
            .collect();
        names.extend(Provider::ALL.map(Provider::default_key_variable));
        let mut vars: HashMap<String, String> = names
            .into_iter()
            .filter_map(|name| var(&name).map(|value| (name, value)))
            .collect();
        // Keys in variables that `api_key_env` renames.
        for provider in Provider::ALL {
            let setting = format!(
                "PATINOX_{}_API_KEY_ENV",
                provider.name().to_ascii_uppercase()
            );
            if let Some(name) = vars.get(&setting).cloned()
                && let Some(value) = var(name.trim())
            {
                vars.insert(name.trim().to_owned(), value);
            }
        }
        Self {
            file: FileChoice::None,
            env: Env::Given(vars),
            code: Vec::new(),
        }
    }

    /// Reads and merges the layers and resolves them, reading API keys from
    /// their variables or files.
    ///
    /// # Errors
    /// A [`PatinoxError::Configuration`](crate::PatinoxError::Configuration)
    /// naming the key, its origin and what is expected: an unknown key, a
    /// value of the wrong kind, a file that is not TOML, a missing or
    /// unreadable configuration or key file.
    pub fn load(self) -> Result<PatinoxConfig> {
        let mut builder = ::config::Config::builder();
        if let Some(file) = self.file_layer()? {
            builder = builder.add_source(file);
        }
        let merged = builder
            .add_source(self.env_layer())
            .add_source(self.code_layer())
            .build()?;
        let mut leaves = BTreeMap::new();
        flatten(String::new(), merged.cache, &mut leaves);
        let mut config = PatinoxConfig::default();
        for (key, value) in leaves {
            let origin = Origin::decode(value.origin());
            settings::apply(&mut config, &key, &value.kind, &origin)?;
            config.origins.insert(key, origin);
        }
        for provider in Provider::ALL {
            read_key(&mut config, provider, &self.env)?;
        }
        Ok(config)
    }

    fn file_layer(&self) -> Result<Option<Layer>> {
        let (path, origin) = match &self.file {
            FileChoice::None => return Ok(None),
            FileChoice::Path(path) => (path.clone(), Origin::Code),
            FileChoice::Lookup => match self.env.get(FILE_VARIABLE) {
                Some(path) => (path.into(), Origin::Env(FILE_VARIABLE.to_owned())),
                None if Path::new(DEFAULT_FILE).exists() => (DEFAULT_FILE.into(), Origin::Default),
                None => return Ok(None),
            },
        };
        let text = std::fs::read_to_string(&path).map_err(|err| {
            let error = ConfigurationError::new(format!(
                "cannot read the configuration file {}: {err}",
                path.display()
            ))
            .with_origin(origin.describe());
            match origin {
                Origin::Env(name) => error.with_key(name),
                _ => error,
            }
        })?;
        Ok(Some(Layer(toml_layer(&path, &text)?)))
    }

    fn env_layer(&self) -> Layer {
        let mut layer = Layer::default();
        for key in settings::keys() {
            for name in settings::variables(&key) {
                if let Some(value) = self.env.get(&name) {
                    layer.insert(&key, Value::new(Some(&Origin::Env(name).encode()), value));
                }
            }
        }
        for name in self.env.names() {
            let known = name == FILE_VARIABLE
                || settings::keys().any(|key| settings::variables(&key).contains(&name));
            if name.starts_with("PATINOX_") && !known {
                tracing::warn!(variable = %name, "ignoring an environment variable that is not a Patinox setting");
            }
        }
        layer
    }

    fn code_layer(&self) -> Layer {
        let origin = Origin::Code.encode();
        let mut layer = Layer::default();
        for (key, value) in &self.code {
            layer.insert(key, Value::new(Some(&origin), value.as_str()));
        }
        layer
    }
}

/// Reads `provider`'s key from its key file or its variable, once.
fn read_key(config: &mut PatinoxConfig, provider: Provider, env: &Env) -> Result<()> {
    let key = format!("providers.{provider}.api_key");
    let settings = config.providers.get_mut(provider);
    let (secret, origin) = if let Some(path) = &settings.api_key_file {
        let file_key = format!("{key}_file");
        let error = |message: String| {
            ConfigurationError::new(message)
                .with_key(file_key.clone())
                .with_origin(
                    config
                        .origins
                        .get(&file_key)
                        .map(Origin::describe)
                        .unwrap_or_default(),
                )
        };
        // The error names the path and the failure, never the content.
        let text = std::fs::read_to_string(path).map_err(|err| {
            error(format!(
                "cannot read the key file {}: {}",
                path.display(),
                err.kind()
            ))
        })?;
        let text = text.trim();
        if text.is_empty() {
            return Err(error(format!("the key file {} is empty", path.display())).into());
        }
        (SecretString::from(text), Origin::KeyFile(path.clone()))
    } else if let Some(value) = env.get(&settings.api_key_env) {
        (
            SecretString::from(value.trim()),
            Origin::Env(settings.api_key_env.clone()),
        )
    } else {
        return Ok(());
    };
    settings.api_key = Some(secret);
    config.origins.insert(key, origin);
    Ok(())
}

/// One layer: a tree of values whose leaves carry their encoded [`Origin`].
#[derive(Debug, Clone, Default)]
struct Layer(Map<String, Value>);

impl Layer {
    /// Sets the dotted `key`, creating the tables on the way.
    fn insert(&mut self, key: &str, value: Value) {
        let mut table = &mut self.0;
        let mut parts = key.split('.').peekable();
        while let Some(part) = parts.next() {
            if parts.peek().is_none() {
                table.insert(part.to_owned(), value);
                return;
            }
            let entry = table
                .entry(part.to_owned())
                .or_insert_with(|| Value::new(None, Map::<String, Value>::new()));
            if !matches!(entry.kind, ValueKind::Table(_)) {
                entry.kind = ValueKind::Table(Map::new());
            }
            let ValueKind::Table(next) = &mut entry.kind else {
                return;
            };
            table = next;
        }
    }
}

impl Source for Layer {
    fn clone_into_box(&self) -> Box<dyn Source + Send + Sync> {
        Box::new(self.clone())
    }

    fn collect(&self) -> std::result::Result<Map<String, Value>, ::config::ConfigError> {
        Ok(self.0.clone())
    }
}

/// Every leaf of `value` under its dotted key.
fn flatten(prefix: String, value: Value, leaves: &mut BTreeMap<String, Value>) {
    match value.kind {
        ValueKind::Table(table) => {
            for (key, child) in table {
                let key = if prefix.is_empty() {
                    key
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(key, child, leaves);
            }
        }
        _ if prefix.is_empty() => {}
        _ => {
            leaves.insert(prefix, value);
        }
    }
}

/// Parses a TOML file into a layer whose values remember their line.
fn toml_layer(path: &Path, text: &str) -> Result<Map<String, Value>> {
    let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
    let table = DeTable::parse(text).map_err(|err| {
        let line = err.span().map_or(1, |span| line_of(span.start));
        // Only the parser's message: its rendering quotes the line, which
        // could hold a secret.
        ConfigurationError::new(format!("not valid TOML: {}", err.message().trim()))
            .with_origin(format!("{}:{line}", path.display()))
    })?;
    let origin = |offset: usize| {
        Origin::File {
            path: path.to_owned(),
            line: line_of(offset),
        }
        .encode()
    };
    Ok(convert_table(table.into_inner(), &origin))
}

fn convert_table(table: DeTable<'_>, origin: &impl Fn(usize) -> String) -> Map<String, Value> {
    table
        .into_iter()
        .map(|(key, value)| {
            let span = value.span();
            (
                key.into_inner().into_owned(),
                convert(value.into_inner(), span.start, origin),
            )
        })
        .collect()
}

fn convert(value: DeValue<'_>, offset: usize, origin: &impl Fn(usize) -> String) -> Value {
    let kind = match value {
        DeValue::String(text) => ValueKind::String(text.into_owned()),
        DeValue::Integer(n) => match i64::from_str_radix(n.as_str(), n.radix()) {
            Ok(n) => ValueKind::I64(n),
            Err(_) => ValueKind::String(n.to_string()),
        },
        DeValue::Float(f) => ValueKind::Float(f.as_str().parse().unwrap_or(f64::NAN)),
        DeValue::Boolean(b) => ValueKind::Boolean(b),
        // No setting is a date: left as nothing, it fails as a wrong kind.
        DeValue::Datetime(_) => ValueKind::Nil,
        DeValue::Array(items) => ValueKind::Array(
            items
                .into_iter()
                .map(|item| {
                    let span = item.span();
                    convert(item.into_inner(), span.start, origin)
                })
                .collect(),
        ),
        DeValue::Table(table) => ValueKind::Table(convert_table(table, origin)),
    };
    Value::new(Some(&origin(offset)), kind)
}
