use patinox::agent;

#[agent]
union Bot {
    turns: u32,
}

fn main() {}
