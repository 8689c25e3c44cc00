//! Tool schemas in both dialects: the JSON users get, valid JSON Schema,
//! OpenAI strict rules, and the OpenAPI shape of a chat-completions tool.

// Test helpers fail the test by panicking, like the assertions they serve.
#![allow(clippy::unwrap_used)]

mod schema_support;

use patinox::PatinoxError;
use patinox::schema::{output_schema, strict_schema, strict_tool_spec, tool_spec};
use schema_support::catalogue::*;
use schema_support::{json, rules};
use serde_json::{Value, json};

fn strict(spec: &patinox::model::ToolSpec) -> Value {
    json(
        spec.strict_parameters()
            .expect("the tool has a strict schema"),
    )
}

#[test]
fn weather_schema_in_both_dialects() {
    let spec = tool_spec::<WeatherArgs>("get_weather", "Current weather for a city.").unwrap();
    let unit = json!({
        "description": "Temperature unit.",
        "enum": ["celsius", "fahrenheit"],
        "type": "string"
    });
    assert_eq!(
        json(spec.parameters()),
        json!({
            "$defs": {"Unit": unit},
            "description": "`get_weather(city, unit, days)`.",
            "properties": {
                "city": {"description": "City name, e.g. \"Lyon\".", "type": "string"},
                "days": {
                    "default": 1,
                    "description": "Days of forecast.",
                    "format": "uint8",
                    "maximum": 255,
                    "minimum": 0,
                    "type": "integer"
                },
                "unit": {
                    "anyOf": [{"$ref": "#/$defs/Unit"}, {"type": "null"}],
                    "description": "Temperature unit; Celsius when not given."
                }
            },
            "required": ["city"],
            "type": "object"
        })
    );
    assert_eq!(
        strict(&spec),
        json!({
            "$defs": {"Unit": unit},
            "additionalProperties": false,
            "description": "`get_weather(city, unit, days)`.",
            "properties": {
                "city": {"description": "City name, e.g. \"Lyon\".", "type": "string"},
                "days": {
                    "description": "Days of forecast. (default: 1)",
                    "maximum": 255,
                    "minimum": 0,
                    "type": ["integer", "null"]
                },
                "unit": {
                    "anyOf": [{"$ref": "#/$defs/Unit"}, {"type": "null"}],
                    "description": "Temperature unit; Celsius when not given."
                }
            },
            "required": ["city", "days", "unit"],
            "type": "object"
        })
    );
}

#[test]
fn reused_struct_stays_in_defs_and_is_closed_there() {
    let spec = tool_spec::<ShipArgs>("ship", "Ships a parcel.").unwrap();
    let address = json!({
        "additionalProperties": false,
        "description": "A postal address.",
        "properties": {
            "city": {"type": "string"},
            "residential": {
                "description": "A home rather than a business. (default: false)",
                "type": ["boolean", "null"]
            },
            "street": {"type": "string"},
            "zip": {"description": "Postal code, where the country has them.", "type": ["string", "null"]}
        },
        "required": ["city", "residential", "street", "zip"],
        "type": "object"
    });
    // `to` carries a doc comment, and strict mode rejects keywords next to
    // `$ref`, so it gets a copy of the definition with its own description.
    let mut to = address.clone();
    to["description"] = json!("Where the parcel goes.");
    assert_eq!(
        strict(&spec),
        json!({
            "$defs": {"Address": address},
            "additionalProperties": false,
            "description": "`ship(to, from, via)`: one struct used three times.",
            "properties": {
                "from": {"$ref": "#/$defs/Address"},
                "to": to,
                "via": {
                    "anyOf": [{"$ref": "#/$defs/Address"}, {"type": "null"}],
                    "description": "A relay point, if any."
                }
            },
            "required": ["from", "to", "via"],
            "type": "object"
        })
    );
}

#[test]
fn serde_renames_are_the_property_names() {
    let spec = tool_spec::<ContactArgs>("add_contact", "Adds a contact.").unwrap();
    let schema = strict(&spec);
    assert_eq!(
        schema["properties"],
        json!({
            "e-mail": {"type": ["string", "null"]},
            "firstName": {"type": "string"},
            "lastSeenDays": {"minimum": 0, "type": ["integer", "null"]}
        })
    );
    assert_eq!(
        schema["required"],
        json!(["e-mail", "firstName", "lastSeenDays"])
    );
}

#[test]
fn enums_become_any_of_with_closed_variants() {
    let spec = tool_spec::<DrawArgs>("draw", "Draws a shape.").unwrap();
    let schema = strict(&spec);
    assert_eq!(
        schema["$defs"]["Command"]["anyOf"][2],
        json!({
            "additionalProperties": false,
            "properties": {"kind": {"const": "stop", "type": "string"}},
            "required": ["kind"],
            "type": "object"
        })
    );
    let circle = &schema["$defs"]["Shape"]["anyOf"][1];
    assert_eq!(circle["additionalProperties"], false);
    assert_eq!(
        circle["properties"]["Circle"]["additionalProperties"],
        false
    );
    assert!(!schema.to_string().contains("oneOf"));
}

#[test]
fn every_schema_is_valid_json_schema_2020_12() {
    for spec in strict_tools() {
        for schema in [json(spec.parameters()), strict(&spec)] {
            if let Err(err) = jsonschema::draft202012::meta::validate(&schema) {
                panic!("{}: {err}\n{schema:#}", spec.name());
            }
        }
    }
    let labels = tool_spec::<LabelArgs>("label", "Labels a resource.").unwrap();
    jsonschema::draft202012::meta::validate(&json(labels.parameters())).unwrap();
}

#[test]
fn every_strict_schema_follows_the_openai_rules() {
    for spec in strict_tools() {
        let found = rules::violations(&strict(&spec));
        assert!(found.is_empty(), "{}: {found:#?}", spec.name());
    }
}

#[test]
fn the_rule_checker_finds_what_peers_get_wrong() {
    // Canonical schemas break strict rules (open objects, optional
    // properties), so the checker must flag them.
    let weather = tool_spec::<WeatherArgs>("get_weather", "Weather.").unwrap();
    let found = rules::violations(&json(weather.parameters()));
    assert!(
        found
            .iter()
            .any(|v| v.contains("additionalProperties: false")),
        "{found:?}"
    );
    assert!(found.iter().any(|v| v.contains("required")), "{found:?}");
    assert!(found.iter().any(|v| v.contains("`default`")), "{found:?}");
    let ship = tool_spec::<ShipArgs>("ship", "Ships.").unwrap();
    let found = rules::violations(&json(ship.parameters()));
    assert!(
        found.iter().any(|v| v.starts_with("/$defs/Address")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|v| v.contains("next to $ref")),
        "{found:?}"
    );
}

/// Validates `instance` against `#/components/schemas/{component}` of the
/// schemas extracted from the OpenAI OpenAPI description.
fn openapi_errors(component: &str, instance: &Value) -> Vec<String> {
    let components: Value =
        serde_json::from_str(include_str!("../fixtures/openai/components.json")).unwrap();
    let mut schema = components;
    schema["$ref"] = json!(format!("#/components/schemas/{component}"));
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    validator
        .iter_errors(instance)
        .map(|e| e.to_string())
        .collect()
}

#[test]
fn every_strict_tool_is_a_chat_completion_tool() {
    for spec in strict_tools() {
        let tool = json!({
            "type": "function",
            "function": {
                "name": spec.name(),
                "description": spec.description(),
                "parameters": strict(&spec),
                "strict": true
            }
        });
        let errors = openapi_errors("ChatCompletionTool", &tool);
        assert!(errors.is_empty(), "{}: {errors:?}", spec.name());
    }
}

#[test]
fn the_openapi_tool_shape_rejects_a_malformed_tool() {
    let spec = tool_spec::<SearchArgs>("search", "Searches.").unwrap();
    let no_name = json!({"type": "function", "function": {"parameters": strict(&spec)}});
    assert!(!openapi_errors("ChatCompletionTool", &no_name).is_empty());
    let array_parameters = json!({
        "type": "function",
        "function": {"name": "search", "parameters": [strict(&spec)], "strict": true}
    });
    assert!(!openapi_errors("ChatCompletionTool", &array_parameters).is_empty());
}

#[test]
fn output_schema_fits_the_response_format() {
    let output = output_schema::<ShipArgs>();
    let strict = output.strict().unwrap();
    assert!(rules::violations(strict).is_empty());
    let format = json!({
        "type": "json_schema",
        "json_schema": {"name": output.name(), "schema": strict, "strict": true}
    });
    let errors = openapi_errors("ResponseFormatJsonSchema", &format);
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn an_enum_output_has_no_strict_form() {
    // The root of a strict schema must be an object: wrap the enum in a struct.
    let output = output_schema::<Shape>();
    assert_eq!(output.name(), "Shape");
    assert!(output.strict().is_none());
    assert!(output.schema().get("oneOf").is_some());
}

fn configuration_key(err: PatinoxError) -> (String, Option<String>) {
    let message = err.to_string();
    match err {
        PatinoxError::Configuration(detail) => (message, detail.key),
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

#[test]
fn a_map_argument_is_a_list_of_entries_in_strict_mode() {
    let spec = tool_spec::<LabelArgs>("label", "Labels a resource.").unwrap();
    let labels = json!({"additionalProperties": {"type": "string"}, "type": "object"});
    assert_eq!(json(spec.parameters())["properties"]["labels"], labels);
    assert_eq!(
        strict(&spec)["properties"]["labels"],
        json!({
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"key": {"type": "string"}, "value": {"type": "string"}},
                "required": ["key", "value"],
                "additionalProperties": false
            }
        })
    );
    assert!(strict_tool_spec::<LabelArgs>("label", "Labels a resource.").is_ok());
}

#[test]
fn tuples_and_integer_keys_have_strict_forms() {
    let spec = tool_spec::<RestockArgs>("restock", "Restocks.").unwrap();
    let schema = strict(&spec);
    assert_eq!(
        schema["properties"]["span"],
        json!({
            "description": "A pair.",
            "type": "object",
            "properties": {
                "0": {"type": "integer", "minimum": 0, "maximum": 255},
                "1": {"type": "string"}
            },
            "required": ["0", "1"],
            "additionalProperties": false
        })
    );
    assert_eq!(
        schema["properties"]["by_id"]["items"]["properties"]["key"],
        json!({"type": "string", "pattern": "^\\d+$"})
    );
    assert_eq!(
        schema["properties"]["limits"]["anyOf"][1],
        json!({"type": "null"})
    );
    assert_eq!(
        schema["properties"]["nested"]["description"],
        "Maps of maps of lists. (default: [])"
    );
}

#[test]
fn a_structured_output_with_a_map_has_no_strict_form() {
    // Outputs are deserialized as sent, so the entry form would not parse.
    assert!(output_schema::<LabelArgs>().strict().is_none());
    assert!(output_schema::<ShipArgs>().strict().is_some());
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
#[allow(dead_code)]
struct Patch {
    target: String,
    /// Any JSON value.
    value: serde_json::Value,
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
#[allow(dead_code)]
struct Tagged {
    id: String,
    #[serde(flatten)]
    extra: std::collections::HashMap<String, String>,
}

#[test]
fn strict_registration_of_an_any_value_names_the_tool_and_the_path() {
    let err = strict_tool_spec::<Patch>("patch", "Patches.").unwrap_err();
    assert_eq!(
        err.to_string(),
        "configuration error in `/properties/value`: tool `patch`: \
         a schema that accepts any value (such as `serde_json::Value`) \
         cannot be expressed in OpenAI strict mode"
    );
    let (_, key) = configuration_key(err);
    assert_eq!(key.as_deref(), Some("/properties/value"));
    // Without strict registration the tool is still offered, non-strict.
    let spec = tool_spec::<Patch>("patch", "Patches.").unwrap();
    assert!(spec.strict_parameters().is_none());
}

#[test]
fn a_flattened_map_is_reported_where_it_is() {
    let (message, key) =
        configuration_key(strict_tool_spec::<Tagged>("tagged", "Tags.").unwrap_err());
    assert_eq!(key.as_deref(), Some("/additionalProperties"), "{message}");
    assert!(message.contains("arbitrary keys"), "{message}");
}

#[test]
fn constraints_strict_mode_ignores_move_into_the_description() {
    let schema = json!({
        "type": "object",
        "properties": {
            "code": {"type": "string", "minLength": 3, "maxLength": 8, "format": "uri"},
            "when": {"type": "string", "format": "date-time"},
            "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": true}
        },
        "required": ["code", "when", "tags"]
    });
    let strict = strict_schema(&schema).unwrap();
    assert_eq!(
        strict["properties"]["code"],
        json!({"type": "string", "description": "(minLength: 3, maxLength: 8, format: uri)"})
    );
    assert_eq!(strict["properties"]["when"]["format"], "date-time");
    assert_eq!(
        strict["properties"]["tags"]["description"],
        "(uniqueItems: true)"
    );
    assert!(rules::violations(&strict).is_empty());
}

#[test]
fn several_all_of_schemas_and_deep_nesting_are_refused() {
    let all_of = json!({
        "type": "object",
        "properties": {"a": {"allOf": [{"type": "string"}, {"minLength": 1}]}}
    });
    let (_, key) = configuration_key(strict_schema(&all_of).unwrap_err());
    assert_eq!(key.as_deref(), Some("/properties/a/allOf"));

    let mut deep = json!({"type": "object", "properties": {}});
    for _ in 0..10 {
        deep = json!({"type": "object", "properties": {"inner": deep}, "required": ["inner"]});
    }
    let (message, _) = configuration_key(strict_schema(&deep).unwrap_err());
    assert!(message.contains("11 levels of object nesting"), "{message}");
}

#[test]
fn strict_form_is_stable() {
    for spec in strict_tools() {
        let once = strict(&spec);
        assert_eq!(strict_schema(&once).unwrap(), once, "{}", spec.name());
    }
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
#[allow(dead_code)]
struct Order {
    id: String,
    #[serde(flatten)]
    payment: Payment,
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
#[allow(dead_code)]
enum Payment {
    Card { number: String },
    Cash { amount: u32 },
}

#[test]
fn a_flattened_enum_is_reported_at_the_root() {
    let err = strict_tool_spec::<Order>("order", "Places an order.").unwrap_err();
    let (message, key) = configuration_key(err);
    assert!(message.contains("tool `order`"), "{message}");
    assert_eq!(key.as_deref(), Some("/oneOf"), "{message}");
}
