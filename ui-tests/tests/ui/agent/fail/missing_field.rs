use patinox::agent;
use patinox::model::offline::OfflineModel;

#[agent]
struct WeatherBot {
    units: String,
}

fn main() {
    let _bot = WeatherBot::builder().model(OfflineModel::new()).build();
}
