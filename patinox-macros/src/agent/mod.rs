//! `#[agent]`: parse → validate → expand.

use proc_macro2::TokenStream;

/// Expands `#[agent]`.
pub(crate) fn expand(_attr: TokenStream, item: TokenStream) -> TokenStream {
    let error = syn::Error::new(
        proc_macro2::Span::call_site(),
        "#[agent] is not available in this version of patinox",
    )
    .to_compile_error();
    quote::quote! { #error #item }
}
