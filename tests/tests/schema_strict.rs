//! `strict_schema` on hand-written schemas: the corner cases derived types
//! rarely produce, each checked against the OpenAI strict rules too.

// Test helpers fail the test by panicking, like the assertions they serve.
#![allow(clippy::unwrap_used)]

mod schema_support;

use patinox::PatinoxError;
use patinox::schema::strict_schema;
use proptest::prelude::*;
use schema_support::rules;
use serde_json::{Value, json};

fn strict(schema: Value) -> Value {
    let strict = strict_schema(&schema).unwrap();
    let found = rules::violations(&strict);
    assert!(found.is_empty(), "{found:#?}\n{strict:#}");
    strict
}

fn refused(schema: Value) -> (String, String) {
    match strict_schema(&schema).unwrap_err() {
        PatinoxError::Configuration(detail) => (detail.message, detail.key.unwrap()),
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

fn object(properties: Value) -> Value {
    json!({"type": "object", "properties": properties})
}

#[test]
fn optional_enums_and_constants_get_a_null_branch_not_a_type_array() {
    // `"type": ["string", "null"]` next to `enum` would still reject null.
    let schema = strict(object(json!({
        "unit": {"type": "string", "enum": ["c", "f"], "description": "Unit."},
        "mode": {"type": "string", "const": "fast"}
    })));
    assert_eq!(
        schema["properties"]["unit"],
        json!({
            "description": "Unit.",
            "anyOf": [{"type": "string", "enum": ["c", "f"]}, {"type": "null"}]
        })
    );
    assert_eq!(
        schema["properties"]["mode"],
        json!({"anyOf": [{"type": "string", "const": "fast"}, {"type": "null"}]})
    );
}

#[test]
fn optional_objects_and_unions_become_nullable_once() {
    let schema = strict(object(json!({
        "point": {"type": "object", "properties": {"x": {"type": "number"}}, "required": ["x"]},
        "id": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
        "note": {"type": ["string", "null"]},
        "tags": {"type": ["array", "null"], "items": {"type": "string"}, "description": "Tags."}
    })));
    assert_eq!(
        schema["properties"]["tags"],
        json!({
            "description": "Tags.",
            "anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "null"}]
        })
    );
    assert_eq!(
        schema["properties"]["point"]["anyOf"][1],
        json!({"type": "null"})
    );
    assert_eq!(
        schema["properties"]["point"]["anyOf"][0]["additionalProperties"],
        false
    );
    assert_eq!(
        schema["properties"]["id"],
        json!({"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]})
    );
    assert_eq!(
        schema["properties"]["note"],
        json!({"type": ["string", "null"]})
    );
}

#[test]
fn recursion_through_the_root_and_through_defs_is_kept() {
    let schema = strict(json!({
        "type": "object",
        "properties": {
            "next": {"$ref": "#", "description": "The rest of the list."},
            "tree": {"$ref": "#/$defs/Tree", "description": "A tree."}
        },
        "required": ["next", "tree"],
        "$defs": {"Tree": object(json!({
            "kids": {"type": "array", "items": {"$ref": "#/$defs/Tree", "description": "A kid."}}
        }))}
    }));
    assert_eq!(schema["properties"]["next"], json!({"$ref": "#"}));
    assert_eq!(schema["properties"]["tree"]["description"], "A tree.");
    assert_eq!(
        schema["$defs"]["Tree"]["properties"]["kids"]["anyOf"][0]["items"],
        json!({"$ref": "#/$defs/Tree"})
    );
}

#[test]
fn a_single_all_of_is_merged_and_annotations_are_dropped() {
    let schema = strict(object(json!({
        "name": {
            "allOf": [{"type": "string", "pattern": "^[a-z]+$"}],
            "description": "Lower-case name.",
            "examples": ["ada"],
            "deprecated": true,
            "x-internal": 1
        }
    })));
    assert_eq!(
        schema["properties"]["name"],
        json!({
            "type": ["string", "null"],
            "pattern": "^[a-z]+$",
            "description": "Lower-case name."
        })
    );
}

#[test]
fn unexpressible_parts_are_reported_by_json_pointer() {
    let cases = [
        (
            object(json!({"a b/c": {"type": "object", "additionalProperties": true}})),
            "/properties/a b~1c/additionalProperties",
        ),
        (
            object(json!({"m": {"type": "object", "patternProperties": {
                "^x": {"type": "string"},
                "^y": {"type": "integer"}
            }}})),
            "/properties/m/patternProperties",
        ),
        (
            object(json!({"n": {"type": "integer", "not": {"const": 0}}})),
            "/properties/n/not",
        ),
        (
            object(json!({"list": {"type": "array"}})),
            "/properties/list",
        ),
        (
            object(json!({"list": {"type": "array", "items": false}})),
            "/properties/list/items",
        ),
        (
            object(json!({"when": {"type": "date"}})),
            "/properties/when/type",
        ),
        (
            object(json!({"old": {"$ref": "#/definitions/Old"}})),
            "/properties/old/$ref",
        ),
        (
            json!({"type": "object", "$defs": {"Bad": {"type": "object", "additionalProperties": {}}}}),
            "/$defs/Bad/additionalProperties",
        ),
        (json!({"anyOf": [object(json!({}))]}), "/"),
        (
            json!({"type": "object", "oneOf": [object(json!({"a": {"type": "string"}}))]}),
            "/oneOf",
        ),
    ];
    for (schema, path) in cases {
        let (message, key) = refused(schema);
        assert_eq!(key, path, "{message}");
        assert!(
            message.ends_with("cannot be expressed in OpenAI strict mode"),
            "{message}"
        );
    }
}

#[test]
fn maps_become_entry_lists_and_tuples_objects_of_positions() {
    let schema = strict(object(json!({
        "scores": {
            "type": "object",
            "description": "Scores by player.",
            "additionalProperties": {"type": "integer", "minimum": 0},
            "minProperties": 1,
            "maxProperties": 8,
            "default": {"ada": 3}
        },
        "pair": {
            "type": ["array", "null"],
            "prefixItems": [{"type": "string"}, {"type": "boolean"}],
            "minItems": 2,
            "maxItems": 2
        }
    })));
    assert_eq!(
        schema["properties"]["scores"],
        json!({
            "description": "Scores by player. (default: [{\"key\":\"ada\",\"value\":3}])",
            "anyOf": [
                {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 8,
                    "items": {
                        "type": "object",
                        "properties": {
                            "key": {"type": "string"},
                            "value": {"type": "integer", "minimum": 0}
                        },
                        "required": ["key", "value"],
                        "additionalProperties": false
                    }
                },
                {"type": "null"}
            ]
        })
    );
    assert_eq!(
        schema["properties"]["pair"],
        json!({
            "anyOf": [
                {
                    "type": "object",
                    "properties": {"0": {"type": "string"}, "1": {"type": "boolean"}},
                    "required": ["0", "1"],
                    "additionalProperties": false
                },
                {"type": "null"}
            ]
        })
    );
}

#[test]
fn a_map_of_values_of_any_shape_is_reported_at_its_values() {
    let (message, key) = refused(object(json!({
        "extra": {"type": "object", "additionalProperties": true}
    })));
    assert_eq!(key, "/properties/extra/additionalProperties", "{message}");
    assert!(message.contains("any value"), "{message}");
}

#[test]
fn size_limits_are_checked() {
    let properties: serde_json::Map<String, Value> = (0..5001)
        .map(|i| (format!("p{i}"), json!({"type": "boolean"})))
        .collect();
    let (message, _) = refused(object(Value::Object(properties)));
    assert!(message.contains("5001 object properties"), "{message}");

    let values: Vec<Value> = (0..1001).map(|i| json!(format!("v{i}"))).collect();
    let (message, _) = refused(object(json!({"e": {"type": "string", "enum": values}})));
    assert!(message.contains("1001 enum values"), "{message}");
}

#[test]
fn a_null_default_is_not_repeated_in_the_description() {
    let schema = strict(object(
        json!({"note": {"type": ["string", "null"], "default": null}}),
    ));
    assert_eq!(
        schema["properties"]["note"],
        json!({"type": ["string", "null"]})
    );
}

/// Schemas as serde types and hand-written specs produce them, including
/// parts strict mode cannot express (maps, `not`).
fn any_schema() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(json!({"type": "string"})),
        Just(json!({"type": "string", "format": "date-time"})),
        Just(json!({"type": "string", "format": "uri", "minLength": 1})),
        Just(json!({"type": "integer", "format": "uint32", "minimum": 0, "default": 3})),
        Just(json!({"type": "number", "description": "A ratio."})),
        Just(json!({"type": ["boolean", "null"]})),
        Just(json!({"type": "string", "enum": ["a", "b"]})),
        Just(json!({"const": "x", "type": "string"})),
        Just(json!({"$ref": "#/$defs/Leaf"})),
        Just(json!({"$ref": "#/$defs/Node", "description": "A node."})),
        Just(json!({"type": "integer", "not": {"const": 0}})),
    ];
    leaf.prop_recursive(4, 40, 4, |inner| {
        let props = prop::collection::btree_map("[a-d]", (inner.clone(), any::<bool>()), 0..4);
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(|v| json!({"anyOf": v})),
            prop::collection::vec(inner.clone(), 1..4).prop_map(|v| json!({"oneOf": v})),
            inner
                .clone()
                .prop_map(|s| json!({"type": "array", "items": s, "maxItems": 3})),
            inner
                .clone()
                .prop_map(|s| json!({"allOf": [s], "description": "Merged."})),
            inner.prop_map(|s| json!({"type": "object", "additionalProperties": s})),
            props.prop_map(|props| {
                let required: Vec<&String> = props
                    .iter()
                    .filter(|(_, (_, r))| *r)
                    .map(|(k, _)| k)
                    .collect();
                let properties: serde_json::Map<String, Value> = props
                    .iter()
                    .map(|(k, (s, _))| (k.clone(), s.clone()))
                    .collect();
                json!({"type": "object", "properties": properties, "required": required})
            }),
        ]
    })
}

fn tool_schema() -> impl Strategy<Value = Value> {
    prop::collection::btree_map("[a-e]", any_schema(), 0..4).prop_map(|properties| {
        json!({
            "type": "object",
            "properties": properties,
            "required": properties.keys().take(1).collect::<Vec<_>>(),
            "$defs": {
                "Leaf": {"type": "object", "properties": {"v": {"type": "string"}}},
                "Node": {
                    "type": "object",
                    "properties": {"next": {"anyOf": [{"$ref": "#/$defs/Node"}, {"type": "null"}]}}
                }
            }
        })
    })
}

proptest! {
    #[test]
    fn strict_schema_complies_or_points_at_the_reason(schema in tool_schema()) {
        match strict_schema(&schema) {
            Ok(strict) => {
                let found = rules::violations(&strict);
                prop_assert!(found.is_empty(), "{:#?}\n{:#}", found, strict);
                prop_assert_eq!(&strict_schema(&strict).unwrap(), &strict);
                prop_assert!(jsonschema::draft202012::meta::is_valid(&strict));
            }
            Err(PatinoxError::Configuration(detail)) => {
                let key = detail.key.unwrap();
                prop_assert!(schema.pointer(&key).is_some(), "{} is not in {:#}", key, schema);
            }
            Err(other) => prop_assert!(false, "unexpected error {:?}", other),
        }
    }
}
