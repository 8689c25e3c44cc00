/// Echoes a value.
#[patinox::tool]
fn echo<T: serde::Serialize>(value: T) -> T {
    value
}

fn main() {}
