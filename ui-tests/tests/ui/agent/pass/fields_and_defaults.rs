#![deny(warnings)]

use patinox::model::offline::OfflineModel;

#[derive(Debug, Default, Clone, Copy, PartialEq)]
enum Units {
    #[default]
    Metric,
    Imperial,
}

/// You answer in the configured units.
#[patinox::agent(max_turns = 2, name = "units-bot")]
struct UnitsBot {
    /// The units to answer in.
    units: Units,
    /// Whether to explain the answer.
    #[agent(default)]
    verbose: bool,
}

/// Fields named like what the generated code holds: no clash.
#[patinox::agent]
struct Named {
    runner: u8,
    builder: u8,
}

fn main() -> patinox::Result<()> {
    let named = Named::builder()
        .runner(1)
        .builder(2)
        .model(OfflineModel::new())
        .build()?;
    assert_eq!((named.inner().runner, named.inner().builder), (1, 2));

    // Setters in any order; `verbose` may be left out.
    let bot = UnitsBot::builder()
        .units(Units::Imperial)
        .model(OfflineModel::new())
        .build()?;
    assert_eq!(bot.inner().units, Units::Imperial);
    assert!(!bot.inner().verbose);
    assert_eq!(bot.inner().runner().max_turns(), 2);
    let _ = Units::Metric;

    // Setting a member again replaces it.
    let bot = UnitsBot::builder()
        .model(OfflineModel::new())
        .units(Units::Metric)
        .verbose(true)
        .units(Units::Imperial)
        .build()?;
    assert!(bot.inner().verbose && bot.inner().units == Units::Imperial);
    Ok(())
}
