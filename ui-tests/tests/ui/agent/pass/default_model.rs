#![deny(warnings)]

use patinox::model::offline::OfflineModel;

/// You are a helpful assistant.
#[patinox::agent(model = "offline:patinox")]
struct Assistant;

fn main() -> patinox::Result<()> {
    // No `.model(..)`: the declared default is used...
    let _bot = Assistant::builder().build()?;
    // ...unless one is given.
    let _bot = Assistant::builder().model(OfflineModel::new()).build()?;
    Ok(())
}
