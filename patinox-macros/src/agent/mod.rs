//! `#[agent]`: parse → validate → expand.
//!
//! - [`ast`]: the parsed model of the attribute and the struct;
//! - [`parse`]: attribute and struct parsing, which records every mistake;
//! - [`expand`]: code generation from the parsed model.

mod ast;
mod errors;
mod expand;
mod parse;

use proc_macro2::TokenStream;
use quote::quote;

use errors::Errors;

/// Expands `#[agent]`.
///
/// Mistakes in the attribute's arguments still expand the agent, without the
/// faulty arguments, so that code using its builder does not add errors of
/// its own; mistakes in the struct emit it unchanged.
pub(crate) fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut arg_errors = Errors::default();
    let mut item_errors = Errors::default();
    let args = parse::args(attr, &mut arg_errors);
    let agent = parse::item(item.clone(), &mut item_errors);
    let arg_errors = arg_errors.into_result().err().map(|e| e.to_compile_error());
    match (item_errors.into_result(), agent) {
        (Ok(()), Some(agent)) => {
            let expanded = expand::agent(&args, &agent);
            quote! { #arg_errors #expanded }
        }
        (Err(error), Some(agent)) => {
            let error = error.to_compile_error();
            let item = agent.item_without_agent_attrs();
            quote! { #arg_errors #error #item }
        }
        (Err(error), None) => {
            let error = error.to_compile_error();
            quote! { #arg_errors #error #item }
        }
        (Ok(()), None) => quote! { #arg_errors #item },
    }
}
