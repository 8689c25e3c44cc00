use patinox::agent;
use patinox::model::offline::OfflineModel;

struct AppState;

#[agent(deps = AppState)]
struct WeatherBot;

fn main() {
    let _bot = WeatherBot::builder().model(OfflineModel::new()).build();
}
