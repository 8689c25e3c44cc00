use patinox::agent;

#[agent(max_turns = 0, colour = "blue", output = , name = "bot", name = "bot2")]
struct WeatherBot {
    #[agent(skip)]
    deps: u32,
}

fn main() {}
