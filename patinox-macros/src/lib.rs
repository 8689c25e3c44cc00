//! Procedural macros of Patinox. Use them through the `patinox` crate
//! (`patinox::tool`, `patinox::validator`, `patinox::agent`), which re-exports
//! them and documents them with examples.
//!
//! Each macro is parse → validate → expand, in its own module. Errors are
//! `syn::Error`s spanned on the offending token and collected, so one compile
//! reports every mistake in an item. Generated code names runtime items by
//! absolute path (`::patinox::…`).

use proc_macro::TokenStream;

mod agent;
mod attrs;
mod ctxt;
mod docs;
mod signature;
mod tool;
mod validator;

/// Turns a function into a tool; see `patinox::tool`.
#[proc_macro_attribute]
pub fn tool(attr: TokenStream, item: TokenStream) -> TokenStream {
    tool::expand(attr.into(), item.into()).into()
}

/// Turns a function into a validator; see `patinox::validator`.
#[proc_macro_attribute]
pub fn validator(attr: TokenStream, item: TokenStream) -> TokenStream {
    validator::expand(attr.into(), item.into()).into()
}

/// Turns a struct into an agent with a typestate builder; see `patinox::agent`.
#[proc_macro_attribute]
pub fn agent(attr: TokenStream, item: TokenStream) -> TokenStream {
    agent::expand(attr.into(), item.into()).into()
}

/// Emits the struct it is on, then the items given as its argument.
///
/// `#[tool]` and `#[validator]` hang their generated items on the companion
/// struct this way: inside an `impl` block, where a struct is not allowed,
/// rustc rejects the struct once and drops the items with it, so a misplaced
/// function gives one error instead of one per generated item.
#[doc(hidden)]
#[proc_macro_attribute]
pub fn __companion(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut out = item;
    out.extend(attr);
    out
}
