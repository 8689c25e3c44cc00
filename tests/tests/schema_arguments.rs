//! Arguments that satisfy a tool's schemas deserialize into its parameters:
//! generated values of every catalogue type are serialized, validated
//! against the canonical schema, put in the strict wire form (maps as entry
//! lists, tuples as objects) and validated against the strict schema, and
//! both forms are parsed back, also with `null` in place of each optional
//! argument, as strict-mode models send.

// Test helpers fail the test by panicking, like the assertions they serve.
#![allow(clippy::unwrap_used)]

mod schema_support;

use std::collections::HashMap;
use std::fmt::Debug;

use jsonschema::Validator;
use patinox::model::ToolSpec;
use patinox::schema::{parse_arguments, tool_spec};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use schema_support::catalogue::*;
use schema_support::wire::wire_form;
use schema_support::{json, rules};
use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::value::RawValue;

/// A tool's two schemas, compiled once for many generated values.
struct Checker {
    spec: ToolSpec,
    canonical: Validator,
    strict: Validator,
    strict_schema: Value,
    optional: Vec<String>,
}

impl Checker {
    fn new<T: JsonSchema>(name: &str) -> Self {
        let spec = tool_spec::<T>(name, "A catalogue tool.").unwrap();
        let canonical = json(spec.parameters());
        let required = canonical["required"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let optional = canonical["properties"]
            .as_object()
            .unwrap()
            .keys()
            .filter(|name| !required.contains(&Value::from(name.as_str())))
            .cloned()
            .collect();
        let strict_schema = json(spec.strict_parameters().unwrap());
        Self {
            canonical: jsonschema::draft202012::new(&canonical).unwrap(),
            strict: jsonschema::draft202012::new(&strict_schema).unwrap(),
            strict_schema,
            spec,
            optional,
        }
    }

    fn parse<T: DeserializeOwned>(&self, arguments: &Value) -> Result<T, TestCaseError> {
        let raw = RawValue::from_string(arguments.to_string()).unwrap();
        parse_arguments(self.spec.parameters(), &raw)
            .map_err(|err| TestCaseError::fail(format!("{err} for {arguments}")))
    }

    fn check<T>(&self, value: &T) -> Result<(), TestCaseError>
    where
        T: Serialize + DeserializeOwned + PartialEq + Debug,
    {
        let plain = serde_json::to_value(value).unwrap();
        let wire = wire_form(&plain, &self.strict_schema);
        for (dialect, validator, arguments) in [
            ("canonical", &self.canonical, &plain),
            ("strict", &self.strict, &wire),
        ] {
            let errors: Vec<String> = validator
                .iter_errors(arguments)
                .map(|e| e.to_string())
                .collect();
            prop_assert!(
                errors.is_empty(),
                "{} rejects {}: {:?}",
                dialect,
                arguments,
                errors
            );
            prop_assert_eq!(&self.parse::<T>(arguments)?, value, "{}", dialect);
        }

        for name in &self.optional {
            let mut nulled = wire.clone();
            nulled[name.as_str()] = Value::Null;
            prop_assert!(self.strict.is_valid(&nulled), "strict rejects {}", nulled);
            let mut omitted = plain.clone();
            omitted.as_object_mut().unwrap().remove(name);
            let expected: T = serde_json::from_value(omitted).unwrap();
            prop_assert_eq!(self.parse::<T>(&nulled)?, expected, "`{}: null`", name);
        }

        // Whatever the strict schema lets a model send must parse, nulls at
        // any depth included.
        for pointer in member_pointers(&wire, String::new()) {
            let mut nulled = wire.clone();
            *nulled.pointer_mut(&pointer).unwrap() = Value::Null;
            if self.strict.is_valid(&nulled) {
                self.parse::<T>(&nulled)?;
            }
        }
        Ok(())
    }
}

/// JSON Pointers of every object member inside `value`.
fn member_pointers(value: &Value, at: String) -> Vec<String> {
    let children: Vec<(String, &Value)> = match value {
        Value::Object(members) => members
            .iter()
            .map(|(k, v)| {
                (
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    v,
                )
            })
            .collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("{at}/{i}"), v))
            .collect(),
        _ => return Vec::new(),
    };
    let mut pointers = Vec::new();
    for (pointer, child) in children {
        if value.is_object() && !child.is_null() {
            pointers.push(pointer.clone());
        }
        pointers.extend(member_pointers(child, pointer));
    }
    pointers
}

fn text() -> impl Strategy<Value = String> {
    "\\PC{0,12}"
}

fn number() -> impl Strategy<Value = f64> {
    prop::num::f64::NORMAL | prop::num::f64::ZERO
}

fn unit() -> impl Strategy<Value = Unit> {
    prop_oneof![Just(Unit::Celsius), Just(Unit::Fahrenheit)]
}

fn point() -> impl Strategy<Value = Point> {
    (number(), number()).prop_map(|(x, y)| Point { x, y })
}

fn shape() -> impl Strategy<Value = Shape> {
    prop_oneof![
        Just(Shape::Dot),
        number().prop_map(|radius| Shape::Circle { radius }),
        (number(), number()).prop_map(|(width, height)| Shape::Rect { width, height }),
        prop::collection::vec(point(), 0..4).prop_map(Shape::Polygon),
    ]
}

fn command() -> impl Strategy<Value = Command> {
    prop_oneof![
        (any::<i32>(), any::<i32>()).prop_map(|(dx, dy)| Command::Move { dx, dy }),
        text().prop_map(|text| Command::Say { text }),
        Just(Command::Stop),
    ]
}

fn address() -> impl Strategy<Value = Address> {
    (text(), text(), prop::option::of(text()), any::<bool>()).prop_map(
        |(street, city, zip, residential)| Address {
            street,
            city,
            zip,
            residential,
        },
    )
}

fn folder() -> impl Strategy<Value = Folder> {
    let leaf = text().prop_map(|name| Folder {
        name,
        children: Vec::new(),
    });
    leaf.prop_recursive(3, 12, 3, |inner| {
        (text(), prop::collection::vec(inner, 0..3))
            .prop_map(|(name, children)| Folder { name, children })
    })
}

#[test]
fn weather_arguments_round_trip() {
    let checker = Checker::new::<WeatherArgs>("get_weather");
    proptest!(|(city in text(), unit in prop::option::of(unit()), days: u8)| {
        checker.check(&WeatherArgs { city, unit, days })?;
    });
}

#[test]
fn scalar_arguments_round_trip() {
    let checker = Checker::new::<ScalarArgs>("scalars");
    proptest!(|(text in text(), count: i64, ratio in number(), enabled: bool, level: u8)| {
        checker.check(&ScalarArgs { text, count, ratio, enabled, level })?;
    });
}

#[test]
fn optional_arguments_round_trip() {
    let checker = Checker::new::<SearchArgs>("search");
    let tags = prop::option::of(prop::collection::vec(text(), 0..4));
    proptest!(|(query in text(), limit: Option<u32>, tags in tags, include_archived: bool)| {
        checker.check(&SearchArgs { query, limit, tags, include_archived })?;
    });
}

#[test]
fn list_arguments_round_trip() {
    let checker = Checker::new::<BatchArgs>("batch");
    let ids = prop::collection::vec(any::<u64>(), 0..5);
    let matrix = prop::collection::vec(prop::collection::vec(any::<i32>(), 0..4), 0..4);
    let units = prop::collection::vec(unit(), 0..4);
    proptest!(|(ids in ids, matrix in matrix, units in units)| {
        checker.check(&BatchArgs { ids, matrix, units })?;
    });
}

#[test]
fn enum_arguments_round_trip() {
    let checker = Checker::new::<DrawArgs>("draw");
    proptest!(|(shape in shape(), command in command(), fill in prop::option::of(unit()))| {
        checker.check(&DrawArgs { shape, command, fill })?;
    });
}

#[test]
fn nested_and_reused_struct_arguments_round_trip() {
    let checker = Checker::new::<ShipArgs>("ship");
    proptest!(|(to in address(), from in address(), via in prop::option::of(address()))| {
        checker.check(&ShipArgs { to, from, via })?;
    });
}

#[test]
fn renamed_arguments_round_trip() {
    let checker = Checker::new::<ContactArgs>("add_contact");
    proptest!(|(first_name in text(), email in prop::option::of(text()), last_seen_days: Option<u32>)| {
        checker.check(&ContactArgs { first_name, email, last_seen_days })?;
    });
}

#[test]
fn recursive_arguments_round_trip() {
    let checker = Checker::new::<MkdirArgs>("mkdir");
    proptest!(|(root in folder())| {
        checker.check(&MkdirArgs { root })?;
    });
}

#[test]
fn a_null_default_argument_takes_its_default() {
    let checker = Checker::new::<WeatherArgs>("get_weather");
    let args: WeatherArgs = checker
        .parse(&serde_json::json!({"city": "Lyon", "unit": null, "days": null}))
        .unwrap();
    assert_eq!(
        args,
        WeatherArgs {
            city: "Lyon".into(),
            unit: None,
            days: 1
        }
    );
}

#[test]
fn a_null_required_argument_is_still_an_error() {
    let checker = Checker::new::<WeatherArgs>("get_weather");
    let raw = RawValue::from_string(r#"{"city": null}"#.into()).unwrap();
    let err = parse_arguments::<WeatherArgs>(checker.spec.parameters(), &raw).unwrap_err();
    assert!(err.to_string().starts_with("invalid arguments:"), "{err}");
    assert!(err.to_string().contains("null"), "{err}");
}

/// Map keys, including ones that look like the strict forms' own names.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("key".to_owned()),
        Just("value".to_owned()),
        Just("0".to_owned()),
        "\\PC{0,8}",
    ]
}

fn labels() -> impl Strategy<Value = HashMap<String, String>> {
    prop::collection::hash_map(key(), text(), 0..4)
}

fn inventory() -> impl Strategy<Value = Inventory> {
    let stock = prop::collection::hash_map(key(), any::<u32>(), 0..4);
    let notes = prop::option::of(prop::collection::btree_map(key(), text(), 0..3));
    (text(), stock, notes).prop_map(|(shop, stock, notes)| Inventory { shop, stock, notes })
}

fn filter() -> impl Strategy<Value = Filter> {
    prop_oneof![
        Just(Filter::All),
        labels().prop_map(Filter::Labels),
        any::<(u32, u32)>().prop_map(|bounds| Filter::Range { bounds }),
    ]
}

fn restock() -> impl Strategy<Value = RestockArgs> {
    let maps = (
        labels(),
        prop::collection::btree_map(key(), address(), 0..3),
        prop::collection::btree_map(any::<u32>(), any::<bool>(), 0..3),
        prop::option::of(prop::collection::hash_map(key(), any::<u32>(), 0..3)),
        prop::collection::btree_map(
            key(),
            prop::collection::btree_map(key(), prop::collection::vec(any::<u8>(), 0..3), 0..3),
            0..3,
        ),
    );
    let rest = (
        inventory(),
        filter(),
        (any::<u8>(), text()),
        any::<Option<(i32, i32)>>(),
        prop::collection::vec((unit(), any::<u8>()), 0..3),
    );
    (maps, rest).prop_map(
        |((labels, addresses, by_id, limits, nested), (inventory, filter, span, corner, moves))| {
            RestockArgs {
                labels,
                addresses,
                by_id,
                limits,
                nested,
                inventory,
                filter,
                span,
                corner,
                moves,
            }
        },
    )
}

#[test]
fn map_arguments_round_trip() {
    let checker = Checker::new::<LabelArgs>("label");
    proptest!(|(resource in text(), labels in labels())| {
        checker.check(&LabelArgs { resource, labels })?;
    });
}

#[test]
fn nested_maps_and_tuples_round_trip_through_the_strict_form() {
    let checker = Checker::new::<RestockArgs>("restock");
    proptest!(|(args in restock())| {
        checker.check(&args)?;
    });
}

#[test]
fn a_map_is_read_from_an_object_or_from_entries() {
    let checker = Checker::new::<LabelArgs>("label");
    let expected = LabelArgs {
        resource: "disk".into(),
        labels: HashMap::from([("env".into(), "prod".into()), ("team".into(), "ops".into())]),
    };
    let plain = serde_json::json!({"resource": "disk", "labels": {"env": "prod", "team": "ops"}});
    let entries = serde_json::json!({"resource": "disk", "labels": [
        {"key": "team", "value": "ops"},
        {"key": "env", "value": "prod"}
    ]});
    assert_eq!(checker.parse::<LabelArgs>(&plain).unwrap(), expected);
    assert_eq!(checker.parse::<LabelArgs>(&entries).unwrap(), expected);
}

#[test]
fn a_repeated_key_or_a_malformed_entry_is_an_error_for_the_model() {
    let checker = Checker::new::<RestockArgs>("restock");
    let base = wire_form(
        &serde_json::to_value(RestockArgs {
            labels: HashMap::new(),
            addresses: Default::default(),
            by_id: Default::default(),
            limits: None,
            nested: Default::default(),
            inventory: Inventory {
                shop: "north".into(),
                stock: HashMap::new(),
                notes: None,
            },
            filter: Filter::All,
            span: (1, "one".into()),
            corner: None,
            moves: Vec::new(),
        })
        .unwrap(),
        &checker.strict_schema,
    );
    assert!(checker.strict.is_valid(&base));
    let cases = [
        (
            "/labels",
            serde_json::json!([{"key": "a", "value": "x"}, {"key": "a", "value": "y"}]),
            "the key \"a\" appears twice in a map",
        ),
        (
            "/inventory/stock",
            serde_json::json!([{"key": "bolts"}]),
            "item 0 is not one",
        ),
        (
            "/span",
            serde_json::json!({"1": "one"}),
            "a tuple of 2 items has no item \"0\"",
        ),
    ];
    for (pointer, bad, message) in cases {
        let mut arguments = base.clone();
        *arguments.pointer_mut(pointer).unwrap() = bad;
        let raw = RawValue::from_string(arguments.to_string()).unwrap();
        let err = parse_arguments::<RestockArgs>(checker.spec.parameters(), &raw).unwrap_err();
        assert!(err.message().contains(message), "{err}");
        let err = patinox::tool::ToolError::from(err);
        assert!(
            matches!(&err, patinox::tool::ToolError::InvalidArguments(m) if m.contains(message)),
            "{err:?}"
        );
    }
}

/// Counts labels per value, as a tool a user writes.
///
/// # Arguments
/// * `labels` - Labels by name.
/// * `window` - First and last day.
#[patinox::tool]
fn count_labels(labels: HashMap<String, String>, window: Option<(u8, u8)>) -> (usize, u8) {
    (
        labels.len(),
        window.map_or(0, |(first, last)| last.saturating_sub(first)),
    )
}

#[tokio::test]
async fn a_tool_with_map_and_tuple_arguments_is_strict_and_reads_the_strict_form() {
    use patinox::tool::{RunContext, Tool};

    let tool = count_labels {};
    tool.check_spec().unwrap();
    let strict = json(tool.spec().strict_parameters().expect("a strict form"));
    assert!(rules::violations(&strict).is_empty(), "{strict:#}");
    let wire = r#"{"labels": [{"key": "env", "value": "prod"}], "window": {"0": 3, "1": 5}}"#;
    let plain = r#"{"labels": {"env": "prod"}, "window": [3, 5]}"#;
    for arguments in [wire, plain] {
        let arguments = RawValue::from_string(arguments.into()).unwrap();
        let result = tool.call(&RunContext::empty(), &arguments).await;
        assert_eq!(result, Ok("[1,2]".to_owned()));
    }
}
