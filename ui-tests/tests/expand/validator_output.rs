/// Keeps answers to one sentence.
#[patinox::validator(output)]
async fn one_sentence(answer: &str) -> Result<(), String> {
    if answer.contains(". ") { Err("One sentence, please.".to_owned()) } else { Ok(()) }
}

fn main() {}
