//! `#[agent]`: parse → validate → expand.
//!
//! - [`ast`]: the parsed model of the attribute and the struct;
//! - [`parse`]: attribute and struct parsing, which records every mistake;
//! - [`expand`]: code generation from a model that parsed cleanly.

mod ast;
mod errors;
mod expand;
mod parse;

use proc_macro2::TokenStream;

use errors::Errors;

/// Expands `#[agent]`.
pub(crate) fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let args = parse::args(attr, &mut errors);
    let agent = parse::item(item.clone(), &mut errors);
    match (errors.into_result(), agent) {
        (Ok(()), Some(agent)) => expand::agent(&args, &agent),
        // Keep the item so that its other uses do not add unrelated errors.
        (Err(error), Some(agent)) => {
            let error = error.to_compile_error();
            let item = agent.item_without_agent_attrs();
            quote::quote! { #error #item }
        }
        (Err(error), None) => {
            let error = error.to_compile_error();
            quote::quote! { #error #item }
        }
        (Ok(()), None) => item,
    }
}
