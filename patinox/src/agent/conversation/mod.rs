//! Conversations: the history of one conversation kept across runs.

mod saved;
mod v1;

pub use saved::{CONVERSATION_FORMAT_VERSION, SavedConversation};
