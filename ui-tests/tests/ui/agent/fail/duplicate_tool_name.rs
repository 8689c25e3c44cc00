use patinox::agent;

mod web {
    /// Searches the web.
    #[patinox::tool]
    pub fn search(query: String) -> String {
        query
    }
}

mod docs {
    /// Searches the docs.
    #[patinox::tool]
    pub fn search(query: String) -> String {
        query
    }
}

/// Finds a page.
#[patinox::tool(name = "find")]
fn find_page(query: String) -> String {
    query
}

/// Finds a file.
#[patinox::tool(name = "find")]
fn find_file(query: String) -> String {
    query
}

#[agent(tools(web::search, docs::search, find_page, find_file))]
struct Researcher;

fn main() {}
