use patinox::agent;

/// Keeps answers short.
#[patinox::validator(output)]
fn short(answer: &str) -> Result<(), String> {
    if answer.len() > 100 { Err("Shorter.".into()) } else { Ok(()) }
}

#[agent(tools(short))]
struct WeatherBot;

fn main() {}
