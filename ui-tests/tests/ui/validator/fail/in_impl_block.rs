struct Checks;

impl Checks {
    /// Answers must not be empty.
    #[patinox::validator(output)]
    fn not_empty(answer: &str) -> Result<(), String> {
        if answer.is_empty() { Err("Please answer.".into()) } else { Ok(()) }
    }
}

fn main() {}
