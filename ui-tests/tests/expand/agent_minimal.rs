/// You are a helpful assistant.
#[patinox::agent]
pub struct Assistant;

fn main() {}
