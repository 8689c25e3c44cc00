//! `#[validator]`: parse → validate → expand.

use proc_macro2::TokenStream;

/// Expands `#[validator]`.
pub(crate) fn expand(_attr: TokenStream, item: TokenStream) -> TokenStream {
    let error = syn::Error::new(
        proc_macro2::Span::call_site(),
        "#[validator] is not available in this version of patinox",
    )
    .to_compile_error();
    quote::quote! { #error #item }
}
