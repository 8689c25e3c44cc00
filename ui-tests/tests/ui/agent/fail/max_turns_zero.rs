use patinox::agent;
use patinox::model::offline::OfflineModel;

#[agent(max_turns = 0)]
struct WeatherBot;

fn main() {
    // The mistake above is the only error: the builder still exists.
    let _bot = WeatherBot::builder().model(OfflineModel::new()).build();
}
