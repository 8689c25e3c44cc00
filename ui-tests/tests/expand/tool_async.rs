/// Divides `a` by `b`.
///
/// # Arguments
/// * `a` - The dividend.
/// * `b` - The divisor; not zero.
#[patinox::tool(name = "divide")]
async fn div(a: f64, b: f64) -> Result<f64, String> {
    if b == 0.0 { Err("division by zero".to_owned()) } else { Ok(a / b) }
}

fn main() {}
