//! `#[tool]`: parse → validate → expand.
//!
//! [`ast`] reads the function into a [`ast::ToolFn`], [`valid`] checks every
//! rule a user can break, [`expand`](expand::tool) writes the `Tool` impl.

mod ast;
mod expand;
mod valid;

use proc_macro2::TokenStream;

use crate::ctxt::Ctxt;
use crate::signature;

/// Expands `#[tool]`.
pub(crate) fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let function = match signature::parse_fn(item, "tool") {
        Ok(function) => function,
        Err(tokens) => return tokens,
    };
    let cx = Ctxt::default();
    let args = ast::ToolArgs::parse(&cx, attr);
    valid::check(&cx, &function, &args);
    let tool = ast::ToolFn::from_fn(&cx, function, args);
    match cx.check() {
        Ok(()) => expand::tool(&tool),
        Err(error) => {
            // The function is still emitted (without the parameter docs rustc
            // would reject) so that only the reported mistakes show.
            let error = error.to_compile_error();
            let function = &tool.function;
            let marker = signature::misplaced_marker(function);
            quote::quote! { #error #function #marker }
        }
    }
}
