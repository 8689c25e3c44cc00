//! What `#[tool]` and `#[validator]` share: reading the annotated item as a
//! plain function and the rules such a function must follow.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::{FnArg, GenericArgument, Item, ItemFn, PathArguments, ReturnType, Safety, Type};

use crate::ctxt::Ctxt;

/// The annotated item as a function, or the error to emit (with the item
/// itself, so its other uses do not fail too).
pub(crate) fn parse_fn(item: TokenStream, macro_name: &str) -> Result<ItemFn, TokenStream> {
    match syn::parse2::<Item>(item) {
        Ok(Item::Fn(function)) => Ok(function),
        Ok(other) => {
            let message = format!(
                "#[{macro_name}] goes on a function; this is {}. Write a `fn` or `async fn` and put #[{macro_name}] on it",
                describe(&other)
            );
            let error = syn::Error::new_spanned(item_keyword(&other), message).to_compile_error();
            Err(quote::quote! { #error #other })
        }
        // Not an item at all: rustc reports the syntax error on the tokens.
        Err(error) => Err(error.to_compile_error()),
    }
}

fn describe(item: &Item) -> &'static str {
    match item {
        Item::Struct(_) => "a struct",
        Item::Enum(_) => "an enum",
        Item::Impl(_) => "an impl block; put it on a free function instead of a method",
        Item::Trait(_) => "a trait",
        Item::Mod(_) => "a module",
        Item::Const(_) | Item::Static(_) => "a constant",
        _ => "not a function",
    }
}

/// The token a "this is not a function" error points at: the item's keyword
/// rather than its whole body.
fn item_keyword(item: &Item) -> TokenStream {
    match item {
        Item::Struct(s) => s.struct_token.into_token_stream(),
        Item::Enum(e) => e.enum_token.into_token_stream(),
        Item::Impl(i) => i.impl_token.into_token_stream(),
        Item::Trait(t) => t.trait_token.into_token_stream(),
        Item::Mod(m) => m.mod_token.into_token_stream(),
        other => other.into_token_stream(),
    }
}

/// Rules for every annotated function: free (no `self`), not generic, safe,
/// Rust ABI, not variadic.
pub(crate) fn check_plain_fn(cx: &Ctxt, function: &ItemFn, macro_name: &str) {
    let sig = &function.sig;
    if let Some(receiver) = sig.receiver() {
        cx.error_spanned_by(
            receiver,
            format!(
                "#[{macro_name}] cannot take `self`: it goes on a free function. Move the function out of the impl block and pass what it needs as parameters{}",
                if macro_name == "tool" { " or through `&RunContext<D>`" } else { "" }
            ),
        );
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        cx.error_spanned_by(
            &sig.generics,
            format!(
                "#[{macro_name}] functions cannot be generic: the agent calls one concrete function. Use concrete types"
            ),
        );
    }
    if let Safety::Unsafe(token) = &sig.safety {
        cx.error_spanned_by(
            token,
            format!("#[{macro_name}] functions cannot be `unsafe`: the agent calls them with no way to uphold their safety contract"),
        );
    }
    if let Some(abi) = &sig.abi {
        cx.error_spanned_by(
            abi,
            format!("#[{macro_name}] functions use the Rust ABI; remove `extern`"),
        );
    }
    if let Some(variadic) = &sig.variadic {
        cx.error_spanned_by(
            variadic,
            format!("#[{macro_name}] functions cannot be variadic"),
        );
    }
    if let ReturnType::Type(_, ty) = &sig.output
        && let Some(impl_trait) = find_impl_trait(ty)
    {
        cx.error_spanned_by(
            impl_trait,
            format!("#[{macro_name}] needs a concrete return type, not `impl Trait`"),
        );
    }
}

/// The typed parameters, skipping a receiver (reported by [`check_plain_fn`]).
pub(crate) fn typed_params(function: &mut ItemFn) -> impl Iterator<Item = &mut syn::PatType> {
    function.sig.inputs.iter_mut().filter_map(|arg| match arg {
        FnArg::Typed(pat_type) => Some(pat_type),
        FnArg::Receiver(_) => None,
    })
}

/// The first `impl Trait` inside `ty`, if any.
pub(crate) fn find_impl_trait(ty: &Type) -> Option<&Type> {
    find_type(ty, &|ty| matches!(ty, Type::ImplTrait(_)))
}

/// The first reference inside `ty` (`ty` itself included), if any.
pub(crate) fn find_reference(ty: &Type) -> Option<&Type> {
    find_type(ty, &|ty| matches!(ty, Type::Reference(_)))
}

/// The first type inside `ty` (`ty` itself included) that `matches`.
fn find_type<'t>(ty: &'t Type, matches: &dyn Fn(&Type) -> bool) -> Option<&'t Type> {
    if matches(ty) {
        return Some(ty);
    }
    match ty {
        Type::Reference(r) => find_type(&r.elem, matches),
        Type::Slice(s) => find_type(&s.elem, matches),
        Type::Array(a) => find_type(&a.elem, matches),
        Type::Paren(p) => find_type(&p.elem, matches),
        Type::Group(g) => find_type(&g.elem, matches),
        Type::Tuple(t) => t.elems.iter().find_map(|ty| find_type(ty, matches)),
        Type::Path(p) => p
            .path
            .segments
            .iter()
            .find_map(|segment| match &segment.arguments {
                PathArguments::AngleBracketed(args) => args.args.iter().find_map(|arg| match arg {
                    GenericArgument::Type(ty) => find_type(ty, matches),
                    _ => None,
                }),
                _ => None,
            }),
        _ => None,
    }
}

/// The last path segment's name and its type arguments, for `a::b::Name<T, U>`.
pub(crate) fn last_segment(ty: &Type) -> Option<(String, Vec<&Type>)> {
    let Type::Path(path) = ty else { return None };
    if path.qself.is_some() {
        return None;
    }
    let segment = path.path.segments.last()?;
    let args = match &segment.arguments {
        PathArguments::AngleBracketed(args) => args
            .args
            .iter()
            .filter_map(|arg| match arg {
                GenericArgument::Type(ty) => Some(ty),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    Some((segment.ident.to_string(), args))
}

/// Whether `ty` is `&str` (any lifetime).
pub(crate) fn is_str_ref(ty: &Type) -> bool {
    matches!(ty, Type::Reference(r) if r.mutability.is_none()
        && last_segment(&r.elem).is_some_and(|(name, args)| name == "str" && args.is_empty()))
}

/// The function, unchanged, and a braced empty struct of the same name that
/// carries `items` (through `__companion`, emitted after the struct).
///
/// A braced struct lives only in the type namespace, so it coexists with the
/// function: `name(..)` calls the function, `name {}` is the struct. Inside
/// an `impl` block, rustc refuses the struct and with it every item it
/// carries: one error, at the function's name.
pub(crate) fn with_companion_struct(
    function: &ItemFn,
    doc: &str,
    items: TokenStream,
) -> TokenStream {
    let vis = &function.vis;
    let ident = &function.sig.ident;
    // Spanned on the function's name: an error about the struct (e.g. "is not
    // a `#[tool]` function", or a struct inside an `impl`) points there, not
    // at the attribute.
    let companion = quote::quote_spanned! {ident.span()=>
        #[::patinox::__private::companion(#items)]
        #[doc = #doc]
        #[allow(non_camel_case_types)]
        #[derive(::core::clone::Clone, ::core::marker::Copy, ::core::fmt::Debug, ::core::default::Default)]
        #vis struct #ident {}
    };
    quote::quote! {
        #function

        #companion
    }
}

/// The name of the marker [`misplaced_marker`] leaves for `function`.
pub(crate) fn marker_name(function: &syn::Ident) -> syn::Ident {
    quote::format_ident!("__patinox_misplaced_{}", function)
}

/// For a function with a `self` receiver, which the macro has reported: a
/// hidden constant beside it in its `impl` block, so that `#[agent]` does
/// not report `tools(Type::function)` a second time.
pub(crate) fn misplaced_marker(function: &ItemFn) -> Option<TokenStream> {
    function.sig.receiver()?;
    let marker = marker_name(&function.sig.ident);
    Some(quote::quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        const #marker: () = ();
    })
}
