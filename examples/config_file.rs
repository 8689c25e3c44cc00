//! Every effective setting and where it came from, like
//! `git config --show-origin --list`; API keys and header values redacted.
//!
//! With no `patinox.toml` and no `PATINOX_*` variable it prints the
//! defaults. Try:
//!
//! ```text
//! cargo run --example config_file
//! PATINOX_TIMEOUTS_CONNECT=3s PATINOX_MODEL=ollama:llama3.2 cargo run --example config_file
//! ```

use std::process::ExitCode;

use patinox::config::PatinoxConfig;

fn main() -> ExitCode {
    patinox_examples::init_logging();
    match PatinoxConfig::load() {
        Ok(config) => {
            for setting in config.show_origin() {
                println!("{setting}");
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            // The error names the key, where the value came from and what is expected.
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}
