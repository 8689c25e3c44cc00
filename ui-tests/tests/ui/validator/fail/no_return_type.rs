#[patinox::validator(input)]
fn log_input(input: &str) {
    let _ = input;
}

fn main() {}
