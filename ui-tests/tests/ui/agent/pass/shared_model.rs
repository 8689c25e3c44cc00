#![deny(warnings)]

use std::sync::Arc;

use patinox::model::LanguageModel;
use patinox::model::offline::OfflineModel;

#[patinox::agent]
struct Assistant;

fn main() -> patinox::Result<()> {
    // What `patinox::model::from_env()` returns.
    let model: Arc<dyn LanguageModel> = Arc::new(OfflineModel::new());
    let _bot = Assistant::builder().model(Arc::clone(&model)).build()?;
    let _bot = Assistant::builder().model(model).build()?;
    Ok(())
}
