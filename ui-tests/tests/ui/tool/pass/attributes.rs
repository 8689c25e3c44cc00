//! `name`, `description`, parameter docs and serde attributes on parameters.
use patinox::tool::Tool;

#[patinox::tool(name = "search-web", description = "Searches the web.")]
fn search(
    /// What to look for.
    query: String,
    #[serde(rename = "max")]
    /// At most this many results.
    max_results: Option<u8>,
) -> Vec<String> {
    vec![query; usize::from(max_results.unwrap_or(1))]
}

mod tools {
    /// A tool in another module, named by path.
    #[patinox::tool]
    pub fn ping() -> &'static str {
        "pong"
    }
}

fn main() {
    let tool = search {};
    assert_eq!(tool.spec().name(), "search-web");
    assert!(tool.spec().parameters().get().contains("\"max\""));
    let _ = tools::ping {};
}
