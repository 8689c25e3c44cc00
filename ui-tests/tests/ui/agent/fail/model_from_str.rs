use patinox::agent;

#[agent]
struct WeatherBot;

fn main() {
    let _ = WeatherBot::builder().model("openai:gpt-4o-mini").build();
}
