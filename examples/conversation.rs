//! A chat on standard input that remembers: after every answer the
//! conversation is saved to a file, and the next start resumes it.
//!
//! Runs offline on the built-in model by default (it only repeats what you
//! said); set a provider's key (see the README) to chat with a real model,
//! which then remembers across restarts. End the chat with Ctrl-D (EOF).
//!
//! ```text
//! cargo run --example conversation                 # saved in the temp directory
//! cargo run --example conversation -- chat.json    # saved in chat.json
//! printf 'I am Ada.\nWhat is my name?\n' | cargo run --example conversation
//! ```

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use patinox::agent::{Conversation, SavedConversation};
use tokio::sync::mpsc;

/// You are a friendly assistant. Remember what the user tells you and use
/// it in your answers.
#[patinox::agent]
struct ChatBot;

#[tokio::main]
async fn main() -> patinox::Result<()> {
    patinox_examples::init_logging();
    let path = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("patinox-conversation.json"));

    let model = patinox::model::from_env().await?;
    let bot = ChatBot::builder().model(model).build()?.start().await?;
    let mut chat = Conversation::new(&bot);
    match load(&path)? {
        Some(saved) => {
            println!(
                "Resumed {} messages from {}.",
                saved.messages.len(),
                path.display()
            );
            chat = chat.restore(saved);
        }
        None => println!("A new conversation, saved to {}.", path.display()),
    }
    println!("Say something (Ctrl-D ends the chat).");

    let mut lines = stdin_lines();
    while let Some(line) = lines.recv().await {
        let line = line?;
        let input = line.trim();
        if input.is_empty() {
            continue;
        }
        println!("> {input}");
        match chat.run(input).await {
            Ok(reply) => println!("{}", reply.output),
            // The conversation is unchanged: the user may try again.
            Err(error) => eprintln!("error: {error}"),
        }
        save(&chat, &path)?;
    }

    save(&chat, &path)?;
    let usage = chat.usage();
    println!(
        "{} messages saved to {} ({} requests, {} tokens in all).",
        chat.messages().len(),
        path.display(),
        usage.requests,
        usage.total_tokens()
    );
    drop(chat);
    bot.stop().await?;
    Ok(())
}

/// The lines of standard input, read on a thread of their own so that
/// waiting for the user never blocks the runtime. The channel closes at EOF.
fn stdin_lines() -> mpsc::Receiver<std::io::Result<String>> {
    let (sender, receiver) = mpsc::channel(1);
    std::thread::spawn(move || {
        for line in std::io::stdin().lines() {
            if sender.blocking_send(line).is_err() {
                break;
            }
        }
    });
    receiver
}

/// The conversation saved at `path`, if there is one.
fn load(path: &Path) -> patinox::Result<Option<SavedConversation>> {
    match std::fs::read_to_string(path) {
        Ok(json) => SavedConversation::from_json(&json).map(Some),
        Err(error) if error.kind() == ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error.into()),
    }
}

/// Saves the conversation: written beside `path`, then renamed over it, so
/// that an interrupted save never leaves half a file.
fn save(chat: &Conversation<'_, ChatBot>, path: &Path) -> patinox::Result<()> {
    let partial = path.with_extension("json.partial");
    std::fs::write(&partial, chat.to_json()?)?;
    std::fs::rename(&partial, path)?;
    Ok(())
}
