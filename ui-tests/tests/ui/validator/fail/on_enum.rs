#[patinox::validator(output)]
enum Verdict {
    Good,
    Bad,
}

fn main() {}
