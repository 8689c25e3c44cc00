use patinox::agent;
use patinox::model::offline::OfflineModel;

#[derive(Debug)]
#[agent]
struct Before {
    city: String,
}

#[agent]
#[derive(Debug)]
struct After {
    city: String,
}

fn main() -> patinox::Result<()> {
    let before = Before::builder().city("Paris".into()).model(OfflineModel::new()).build()?;
    assert!(format!("{:?}", before.inner()).contains("Paris"));
    let after = After::builder().city("Oslo".into()).model(OfflineModel::new()).build()?;
    assert!(format!("{:?}", after.inner()).contains("Oslo"));
    Ok(())
}
