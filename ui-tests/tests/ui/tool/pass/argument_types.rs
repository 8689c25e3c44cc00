//! Options, vectors, maps, enums and nested structs as parameters.
use std::collections::HashMap;

use patinox::tool::Tool;
use schemars::JsonSchema;
use serde::Deserialize;

#[derive(Deserialize, JsonSchema)]
enum Shape {
    Circle { radius: f64 },
    Square(f64),
    Empty,
}

#[derive(Deserialize, JsonSchema)]
struct Canvas {
    width: u32,
    height: u32,
    shapes: Vec<Shape>,
}

/// Draws shapes.
#[patinox::tool]
fn draw(
    canvas: Canvas,
    labels: HashMap<String, String>,
    scale: Option<f32>,
    tags: Vec<String>,
    r#type: char,
) -> usize {
    let _ = (labels, scale, tags, r#type, canvas.width, canvas.height);
    canvas
        .shapes
        .iter()
        .filter(|s| !matches!(s, Shape::Empty | Shape::Circle { .. } | Shape::Square(_)))
        .count()
}

fn main() {
    assert_eq!(draw {}.spec().name(), "draw");
}
