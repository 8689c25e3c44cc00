//! `#[validator]`: parse → validate → expand.
//!
//! [`ast`] reads the stage and the function, [`valid`] checks that the
//! signature fits the stage, [`expand`](expand::validator) writes the
//! `Validator` impl.

mod ast;
mod expand;
mod valid;

use proc_macro2::TokenStream;

use crate::ctxt::Ctxt;
use crate::signature;

/// Expands `#[validator]`.
pub(crate) fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let function = match signature::parse_fn(item, "validator") {
        Ok(function) => function,
        Err(tokens) => return tokens,
    };
    let cx = Ctxt::default();
    let args = ast::ValidatorArgs::parse(&cx, attr);
    let stage = valid::check(&cx, &function, &args);
    match (cx.check(), stage) {
        (Ok(()), Some(stage)) => expand::validator(&ast::ValidatorFn::new(function, args, stage)),
        (Err(error), _) => {
            let error = error.to_compile_error();
            let marker = signature::misplaced_marker(&function);
            quote::quote! { #error #function #marker }
        }
        // `valid::check` reports a missing stage, so this arm is not reached.
        (Ok(()), None) => quote::quote! { #function },
    }
}
