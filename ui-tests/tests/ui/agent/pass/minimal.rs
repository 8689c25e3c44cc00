#![deny(warnings, missing_docs)]
//! The smallest agent: instructions from its doc comment, the model from the builder.

use patinox::agent::{AgentHandle, Created, RunResult, Started, Stopped};
use patinox::model::offline::OfflineModel;

/// You are a helpful assistant.
#[patinox::agent]
pub struct Assistant;

#[allow(dead_code)]
async fn lifecycle() -> patinox::Result<()> {
    let created: AgentHandle<Assistant, Created> =
        Assistant::builder().model(OfflineModel::new()).build()?;
    let started: AgentHandle<Assistant, Started> = created.start().await?;
    let result: RunResult = started.run("Hello").await?;
    let _: String = result.output;
    let _stopped: AgentHandle<Assistant, Stopped> = started.stop().await?;
    Ok(())
}

fn main() {}
