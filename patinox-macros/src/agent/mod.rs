//! `#[agent]`: parse → validate → expand.
//!
//! [`ast`] reads the attribute's arguments and the struct, [`valid`] checks
//! every rule a user can break and settles the arguments into
//! [`ast::Settings`], [`expand`](expand::agent) generates the builder and the
//! agent's implementation.

mod ast;
mod expand;
mod valid;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ctxt::Ctxt;

/// Expands `#[agent]`.
///
/// Mistakes in the attribute's arguments (and derives the agent cannot
/// have) still expand the agent, without them, so that code using its
/// builder does not add errors of its own; mistakes in the struct emit it
/// unchanged.
pub(crate) fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let args_cx = Ctxt::default();
    let args = ast::AgentArgs::parse(&args_cx, attr);
    let settings = valid::settings(&args_cx, args);
    let item_cx = Ctxt::default();
    let agent = ast::AgentStruct::parse(&item_cx, item.clone());
    if let Some(agent) = &agent {
        valid::check_derives(&args_cx, agent);
        valid::check_struct(&item_cx, agent);
    }
    let args_errors = args_cx.check().err().map(|e| e.to_compile_error());
    // Reported with the arguments' errors: checks of `Type::function` paths.
    let misplaced = &settings.misplaced;
    let args_errors = quote! { #args_errors #misplaced };
    match (item_cx.check(), agent) {
        (Ok(()), Some(agent)) => {
            let expanded = expand::agent(&settings, &agent);
            quote! { #args_errors #expanded }
        }
        (Err(error), Some(agent)) => {
            let error = error.to_compile_error();
            let item = agent.item_without_agent_attrs();
            quote! { #args_errors #error #item }
        }
        (Err(error), None) => {
            let error = error.to_compile_error();
            quote! { #args_errors #error #item }
        }
        (Ok(()), None) => quote! { #args_errors #item },
    }
}
