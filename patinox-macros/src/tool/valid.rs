//! Every rule a `#[tool]` function can break, each reported on the offending token.

use proc_macro2::Span;
use syn::{FnArg, ItemFn, Pat, Type};

use super::ast::{ToolArgs, context_type, unraw};
use crate::attrs;
use crate::ctxt::Ctxt;
use crate::docs::{self, Docs};
use crate::signature;

/// Checks `function` and the attribute's arguments.
pub(crate) fn check(cx: &Ctxt, function: &ItemFn, args: &ToolArgs) {
    signature::check_plain_fn(cx, function, "tool");
    check_name(cx, function, args);
    check_params(cx, function);
    check_docs(cx, function, args);
}

fn check_name(cx: &Ctxt, function: &ItemFn, args: &ToolArgs) {
    match args.name.get() {
        Some((lit, _)) if !attrs::is_valid_name(&lit.value()) => cx.error_spanned_by(
            lit,
            "a tool name is 1 to 64 ASCII letters, digits, `_` or `-` (what every provider accepts)",
        ),
        Some(_) => {}
        None if !attrs::is_valid_name(&unraw(&function.sig.ident)) => cx.error_spanned_by(
            &function.sig.ident,
            "this function name is not a valid tool name (ASCII letters, digits, `_` or `-`); set one with #[tool(name = \"...\")]",
        ),
        None => {}
    }
}

fn check_params(cx: &Ctxt, function: &ItemFn) {
    for (index, arg) in function.sig.inputs.iter().enumerate() {
        let FnArg::Typed(param) = arg else { continue };
        if context_type(&param.ty).is_some() {
            if index != 0 {
                cx.error_spanned_by(
                    &param.ty,
                    "`&RunContext` must be the first parameter of a tool; move it before the model's arguments",
                );
            }
            continue;
        }
        match &*param.pat {
            Pat::Ident(pat) if pat.by_ref.is_none() && pat.subpat.is_none() => {}
            pat => cx.error_spanned_by(
                pat,
                "a tool parameter needs a plain name, which becomes the argument's name in the schema: write `name: Type` and destructure inside the function",
            ),
        }
        check_param_type(cx, &param.ty);
    }
}

fn check_param_type(cx: &Ctxt, ty: &Type) {
    if let Some(impl_trait) = signature::find_impl_trait(ty) {
        cx.error_spanned_by(
            impl_trait,
            "a tool parameter needs a concrete type that implements `Deserialize` and `JsonSchema`, not `impl Trait`: the model's JSON is deserialized into it",
        );
    } else if let Some(reference) = signature::find_reference(ty) {
        let owned = if signature::is_str_ref(reference) {
            "`String`"
        } else {
            "an owned type"
        };
        cx.error_spanned_by(
            reference,
            format!("tool parameters are deserialized from the model's JSON for each call, so they are owned values: use {owned} here"),
        );
    } else if signature::last_segment(ty).is_some_and(|(name, _)| name == "RunContext") {
        cx.error_spanned_by(ty, "take the run context by reference: `&RunContext<D>`");
    }
}

fn check_docs(cx: &Ctxt, function: &ItemFn, args: &ToolArgs) {
    let docs = Docs::parse(&function.attrs);
    if args.description.get().is_none() && docs.description.is_empty() {
        cx.error_spanned_by(
            &function.sig.ident,
            "a tool needs a description for the model: add a doc comment (`/// What the tool does.`) or #[tool(description = \"...\")]",
        );
    }
    let params: Vec<(String, bool, Span)> = function
        .sig
        .inputs
        .iter()
        .filter_map(|arg| match arg {
            FnArg::Typed(param) if context_type(&param.ty).is_none() => match &*param.pat {
                Pat::Ident(pat) => Some((
                    unraw(&pat.ident),
                    docs::text(&param.attrs).is_some(),
                    pat.ident.span(),
                )),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let context_names: Vec<String> = function
        .sig
        .inputs
        .iter()
        .filter_map(|arg| match arg {
            FnArg::Typed(param) if context_type(&param.ty).is_some() => match &*param.pat {
                Pat::Ident(pat) => Some(unraw(&pat.ident)),
                _ => None,
            },
            _ => None,
        })
        .collect();
    for (index, entry) in docs.arguments.iter().enumerate() {
        if context_names.contains(&entry.name) {
            // Documenting the injected context is harmless: it is not in the schema.
            continue;
        }
        if docs.arguments[..index].iter().any(|e| e.name == entry.name) {
            cx.syn_error(syn::Error::new(
                entry.span,
                format!(
                    "`# Arguments` describes `{}` twice; keep one entry",
                    entry.name
                ),
            ));
        }
        match params.iter().find(|(name, ..)| *name == entry.name) {
            None => cx.syn_error(syn::Error::new(
                entry.span,
                format!(
                    "`# Arguments` describes `{}`, but `{}` has no such parameter; the parameters are: {}",
                    entry.name,
                    function.sig.ident,
                    list(&params)
                ),
            )),
            Some((name, true, span)) => cx.syn_error(syn::Error::new(
                *span,
                format!("`{name}` is described both by its own doc comment and in `# Arguments`; keep one"),
            )),
            Some(_) => {}
        }
    }
}

fn list(params: &[(String, bool, Span)]) -> String {
    if params.is_empty() {
        return "none".to_owned();
    }
    params
        .iter()
        .map(|(name, ..)| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
