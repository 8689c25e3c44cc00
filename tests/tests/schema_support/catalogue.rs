//! Tool parameter types as users write them: the structs `#[tool]` derives
//! from function parameters, one per kind of argument.

use std::collections::{BTreeMap, HashMap};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Temperature unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    Celsius,
    Fahrenheit,
}

/// `get_weather(city, unit, days)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct WeatherArgs {
    /// City name, e.g. "Lyon".
    pub city: String,
    /// Temperature unit; Celsius when not given.
    pub unit: Option<Unit>,
    /// Days of forecast.
    #[serde(default = "one_day")]
    pub days: u8,
}

fn one_day() -> u8 {
    1
}

/// Every scalar kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ScalarArgs {
    pub text: String,
    pub count: i64,
    pub ratio: f64,
    pub enabled: bool,
    pub level: u8,
}

/// Optional arguments of several kinds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SearchArgs {
    /// What to look for.
    pub query: String,
    /// At most this many results.
    pub limit: Option<u32>,
    /// Only results with all these tags.
    pub tags: Option<Vec<String>>,
    /// Include archived results.
    #[serde(default)]
    pub include_archived: bool,
}

/// Lists of scalars, lists of lists, lists of enums.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BatchArgs {
    pub ids: Vec<u64>,
    pub matrix: Vec<Vec<i32>>,
    pub units: Vec<Unit>,
}

/// A point in the plane.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// A shape, externally tagged as serde does by default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub enum Shape {
    /// A single point.
    Dot,
    Circle {
        radius: f64,
    },
    Rect {
        width: f64,
        height: f64,
    },
    Polygon(Vec<Point>),
}

/// A robot command, internally tagged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Command {
    Move { dx: i32, dy: i32 },
    Say { text: String },
    Stop,
}

/// `draw(shape, command, fill)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DrawArgs {
    pub shape: Shape,
    pub command: Command,
    /// Fill colour, when the shape is filled.
    pub fill: Option<Unit>,
}

/// A postal address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Address {
    pub street: String,
    pub city: String,
    /// Postal code, where the country has them.
    pub zip: Option<String>,
    /// A home rather than a business.
    #[serde(default)]
    pub residential: bool,
}

/// `ship(to, from, via)`: one struct used three times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ShipArgs {
    /// Where the parcel goes.
    pub to: Address,
    pub from: Address,
    /// A relay point, if any.
    pub via: Option<Address>,
}

/// Serde renames, per field and for the whole struct.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContactArgs {
    pub first_name: String,
    #[serde(rename = "e-mail")]
    pub email: Option<String>,
    pub last_seen_days: Option<u32>,
}

/// A map argument: an object for Anthropic, a list of entries in OpenAI strict mode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LabelArgs {
    pub resource: String,
    pub labels: HashMap<String, String>,
}

/// A recursive type: strict mode allows recursion through `$defs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Folder {
    pub name: String,
    pub children: Vec<Folder>,
}

/// `mkdir(root)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MkdirArgs {
    pub root: Folder,
}

/// Stock of a shop: maps inside a struct.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Inventory {
    pub shop: String,
    /// Units in stock, by product.
    pub stock: HashMap<String, u32>,
    /// Notes, when there are any.
    pub notes: Option<BTreeMap<String, String>>,
}

/// A filter, externally tagged, with a map and a tuple in its variants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub enum Filter {
    All,
    Labels(HashMap<String, String>),
    Range { bounds: (u32, u32) },
}

/// `restock(..)`: every kind of map and tuple the strict form stands in for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RestockArgs {
    /// Labels to set.
    pub labels: HashMap<String, String>,
    /// Where to deliver, by warehouse: a map of structs.
    pub addresses: BTreeMap<String, Address>,
    /// Integer keys.
    pub by_id: BTreeMap<u32, bool>,
    /// Per-product limits, when given.
    pub limits: Option<HashMap<String, u32>>,
    /// Maps of maps of lists.
    #[serde(default)]
    pub nested: BTreeMap<String, BTreeMap<String, Vec<u8>>>,
    pub inventory: Inventory,
    pub filter: Filter,
    /// A pair.
    pub span: (u8, String),
    /// A corner, when the area is bounded.
    pub corner: Option<(i32, i32)>,
    /// Tuples inside a list.
    pub moves: Vec<(Unit, u8)>,
}

/// The tools of the catalogue whose arguments have a strict form.
pub fn strict_tools() -> Vec<patinox::model::ToolSpec> {
    use patinox::schema::tool_spec;
    vec![
        tool_spec::<WeatherArgs>("get_weather", "Current weather for a city.").unwrap(),
        tool_spec::<ScalarArgs>("scalars", "Every scalar kind.").unwrap(),
        tool_spec::<SearchArgs>("search", "Searches the notes.").unwrap(),
        tool_spec::<BatchArgs>("batch", "Runs a batch.").unwrap(),
        tool_spec::<DrawArgs>("draw", "Draws a shape.").unwrap(),
        tool_spec::<ShipArgs>("ship", "Ships a parcel.").unwrap(),
        tool_spec::<ContactArgs>("add_contact", "Adds a contact.").unwrap(),
        tool_spec::<MkdirArgs>("mkdir", "Creates a folder tree.").unwrap(),
        tool_spec::<LabelArgs>("label", "Labels a resource.").unwrap(),
        tool_spec::<RestockArgs>("restock", "Restocks the shops.").unwrap(),
    ]
}
