use patinox::agent;

#[agent(max_turns = 3)]
enum Bot {
    Weather,
}

fn main() {}
