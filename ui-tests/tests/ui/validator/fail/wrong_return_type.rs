#[patinox::validator(output)]
fn one_sentence(answer: &str) -> bool {
    !answer.contains(". ")
}

fn main() {}
