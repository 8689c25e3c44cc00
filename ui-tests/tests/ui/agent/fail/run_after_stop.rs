use patinox::agent;
use patinox::model::offline::OfflineModel;

#[agent]
struct WeatherBot;

async fn demo() -> patinox::Result<()> {
    let bot = WeatherBot::builder().model(OfflineModel::new()).build()?;
    let bot = bot.start().await?;
    let stopped = bot.stop().await?;
    stopped.run("Weather in Paris?").await?;
    Ok(())
}

fn main() {
    drop(demo());
}
