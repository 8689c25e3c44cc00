//! Where a setting's value came from, and the listing of every effective
//! value with its origin.

use std::fmt;
use std::path::PathBuf;

/// The layer a setting's value came from, lowest precedence first.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Origin {
    /// Patinox's built-in default.
    Default,
    /// A configuration file, at this (1-based) line.
    File {
        /// The file as it was named (`patinox.toml`, or `PATINOX_CONFIG`'s value).
        path: PathBuf,
        /// The line of the value.
        line: usize,
    },
    /// An environment variable.
    Env(String),
    /// A file holding a secret (`api_key_file`).
    KeyFile(PathBuf),
    /// A value set in code ([`ConfigLoader::set`](super::ConfigLoader::set)).
    Code,
}

impl fmt::Display for Origin {
    /// `default`, `file:patinox.toml:3`, `env:PATINOX_MODEL`,
    /// `key file:/run/secrets/openai`, `code`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Default => f.write_str("default"),
            Self::File { path, line } => write!(f, "file:{}:{line}", path.display()),
            Self::Env(name) => write!(f, "env:{name}"),
            Self::KeyFile(path) => write!(f, "key file:{}", path.display()),
            Self::Code => f.write_str("code"),
        }
    }
}

// Values travel through the `config` crate's layers with their origin as a
// string; these two functions carry an `Origin` through and back.
const SEPARATOR: char = '\u{0}';

impl Origin {
    pub(super) fn encode(&self) -> String {
        match self {
            Self::File { path, line } => {
                format!("file{SEPARATOR}{line}{SEPARATOR}{}", path.display())
            }
            Self::Env(name) => format!("env{SEPARATOR}{name}"),
            Self::KeyFile(path) => format!("key{SEPARATOR}{}", path.display()),
            Self::Default => "default".to_owned(),
            Self::Code => "code".to_owned(),
        }
    }

    pub(super) fn decode(encoded: Option<&str>) -> Self {
        let mut parts = encoded.unwrap_or("code").splitn(3, SEPARATOR);
        match (parts.next(), parts.next(), parts.next()) {
            (Some("file"), Some(line), Some(path)) => Self::File {
                path: path.into(),
                line: line.parse().unwrap_or(0),
            },
            (Some("env"), Some(name), None) => Self::Env(name.to_owned()),
            (Some("key"), Some(path), None) => Self::KeyFile(path.into()),
            (Some("default"), None, None) => Self::Default,
            _ => Self::Code,
        }
    }

    /// How a [`ConfigurationError`](crate::error::ConfigurationError) names the origin.
    pub(super) fn describe(&self) -> String {
        match self {
            Self::File { path, line } => format!("{}:{line}", path.display()),
            Self::Env(name) => format!("environment variable {name}"),
            Self::KeyFile(path) => format!("key file {}", path.display()),
            Self::Default => "the built-in default".to_owned(),
            Self::Code => "code".to_owned(),
        }
    }
}

/// One effective setting: its key, its value as it would be written in
/// `patinox.toml` (secrets as `[REDACTED]`), and where it came from. See
/// [`PatinoxConfig::show_origin`](super::PatinoxConfig::show_origin).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effective {
    /// The dotted key, e.g. `timeouts.connect` or `providers.openai.base_url`.
    pub key: String,
    /// The value, formatted as in the file; secrets are `[REDACTED]`.
    pub value: String,
    /// Where the value came from.
    pub origin: Origin,
}

impl fmt::Display for Effective {
    /// `origin<TAB>key = value`, like `git config --show-origin --list`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\t{} = {}", self.origin, self.key, self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_survive_the_round_trip() {
        for origin in [
            Origin::Default,
            Origin::File {
                path: "dir:with:colons/patinox.toml".into(),
                line: 12,
            },
            Origin::Env("PATINOX_MODEL".into()),
            Origin::KeyFile("/run/secrets/key".into()),
            Origin::Code,
        ] {
            assert_eq!(Origin::decode(Some(&origin.encode())), origin);
        }
    }
}
