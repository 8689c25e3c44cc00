//! Parsing of macro arguments such as `#[tool(name = "...", description = "...")]`.
//!
//! Every key may appear once; unknown and repeated keys are reported with the
//! keys that are accepted, and parsing goes on so later mistakes show too.

use proc_macro2::{Span, TokenStream};
use syn::LitStr;
use syn::meta::ParseNestedMeta;
use syn::parse::Parser;

use crate::ctxt::Ctxt;

/// A setting that may be given at most once, with where it was given.
pub(crate) struct Once<T> {
    key: &'static str,
    value: Option<(T, Span)>,
}

impl<T> Once<T> {
    /// An unset setting for `key`.
    pub(crate) fn new(key: &'static str) -> Self {
        Self { key, value: None }
    }

    /// Sets the value, reporting a duplicate at `span`.
    pub(crate) fn set(&mut self, cx: &Ctxt, span: Span, value: T) {
        if self.value.is_some() {
            cx.syn_error(syn::Error::new(
                span,
                format!("`{}` is given twice; keep one", self.key),
            ));
        } else {
            self.value = Some((value, span));
        }
    }

    /// The value and its span, if set.
    pub(crate) fn get(&self) -> Option<(&T, Span)> {
        self.value.as_ref().map(|(value, span)| (value, *span))
    }

    /// The value, if set.
    pub(crate) fn into_value(self) -> Option<T> {
        self.value.map(|(value, _)| value)
    }
}

/// Runs `each` on every comma-separated entry of a macro's arguments.
///
/// `each` returns `Ok(false)` for a key it does not know; that is reported as
/// unknown, listing `expected`, and its value is skipped.
pub(crate) fn parse_args(
    cx: &Ctxt,
    args: TokenStream,
    expected: &str,
    mut each: impl FnMut(&ParseNestedMeta<'_>) -> syn::Result<bool>,
) {
    let parser = syn::meta::parser(|meta| {
        match each(&meta) {
            Ok(true) => {}
            Ok(false) => {
                let path = &meta.path;
                let key = quote::quote!(#path).to_string().replace(' ', "");
                cx.syn_error(meta.error(format!("unknown key `{key}`; expected {expected}")));
                skip_value(&meta)?;
            }
            Err(error) => {
                cx.syn_error(error);
                skip_value(&meta)?;
            }
        }
        Ok(())
    });
    if let Err(error) = parser.parse2(args) {
        cx.syn_error(error);
    }
}

/// The string value of `key = "..."`.
pub(crate) fn string_value(meta: &ParseNestedMeta<'_>) -> syn::Result<LitStr> {
    let key = meta
        .path
        .get_ident()
        .map(ToString::to_string)
        .unwrap_or_default();
    let value = meta
        .value()
        .map_err(|_| meta.error(format!("`{key}` takes a string: `{key} = \"...\"`")))?;
    value.parse::<LitStr>().map_err(|e| {
        syn::Error::new(
            e.span(),
            format!("`{key}` takes a string: `{key} = \"...\"`"),
        )
    })
}

/// Skips what follows a rejected key (`= value` or `(...)`) so parsing can go on.
fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.input.parse::<proc_macro2::TokenTree>()?;
    }
    Ok(())
}

/// Whether `name` is a tool or validator name every provider accepts.
pub(crate) fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}
