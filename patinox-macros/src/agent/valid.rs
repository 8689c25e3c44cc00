//! Every rule an `#[agent]` item can break, each reported on the offending
//! token; and the settings of the arguments that keep to them.

use proc_macro2::TokenStream;
use syn::spanned::Spanned;
use syn::{Lit, LitStr, Path};

use super::ast::{AgentArgs, AgentStruct, DefaultModel, Settings};
use crate::ctxt::Ctxt;

/// Builder methods a field would collide with.
const RESERVED: [&str; 4] = ["model", "deps", "build", "configure"];

/// Checks the arguments; returns the settings of those that keep to the
/// rules (a broken one is left out, so the agent still expands).
pub(crate) fn settings(cx: &Ctxt, args: AgentArgs) -> Settings {
    let mut misplaced = TokenStream::new();
    Settings {
        tools: unique_paths(cx, args.tools, "tool", &mut misplaced),
        validators: unique_paths(cx, args.validators, "validator", &mut misplaced),
        max_turns: args
            .max_turns
            .into_value()
            .and_then(|lit| max_turns(cx, &lit)),
        output: args.output.into_value(),
        deps: args.deps.into_value(),
        instructions: args.instructions.into_value().map(|lit| lit.value()),
        model: args
            .model
            .into_value()
            .and_then(|lit| default_model(cx, &lit)),
        name: args.name.into_value().and_then(|lit| name(cx, &lit)),
        misplaced,
    }
}

/// Checks the struct: what `valid` finds here still lets the agent expand.
pub(crate) fn check_derives(cx: &Ctxt, agent: &AgentStruct) {
    let ident = &agent.ident;
    for derive in &agent.field_derives {
        let Some(last) = derive.segments.last() else {
            continue;
        };
        let message = match last.ident.to_string().as_str() {
            "Clone" | "Copy" => format!(
                "the agent `{ident}` cannot derive `{}`: it owns its runner and its lifecycle state, so there is one of it; share it with `Arc`, e.g. `Arc::new(agent)`",
                last.ident
            ),
            other => format!(
                "the agent `{ident}` cannot derive `{other}`: it holds a runner besides its fields; implement `{other}` by hand over the fields if you need it"
            ),
        };
        cx.error_spanned_by(derive, message);
    }
}

/// Checks the struct: what `valid` finds here stops the expansion.
pub(crate) fn check_struct(cx: &Ctxt, agent: &AgentStruct) {
    let generics = &agent.generics;
    if !generics.params.is_empty() || generics.where_clause.is_some() {
        cx.error_spanned_by(
            generics,
            "an #[agent] struct cannot be generic: name concrete types in its fields",
        );
    }
    for field in &agent.fields {
        let name = field.ident.to_string();
        if RESERVED.contains(&name.as_str()) || name.starts_with("__patinox") {
            cx.error_spanned_by(
                &field.ident,
                format!("the field name `{name}` is taken by the agent's builder (`.{name}(..)`); rename the field"),
            );
        }
    }
}

/// The paths of `tools(..)` or `validators(..)`, each once. A path to an
/// associated function is left out, and a check of it added to `misplaced`.
fn unique_paths(cx: &Ctxt, paths: Vec<Path>, what: &str, misplaced: &mut TokenStream) -> Vec<Path> {
    let mut unique: Vec<(String, Path)> = Vec::with_capacity(paths.len());
    for path in paths {
        let text = quote::quote!(#path).to_string().replace(' ', "");
        if unique.iter().any(|(seen, _)| *seen == text) {
            cx.error_spanned_by(&path, format!("the {what} `{text}` is listed twice"));
        } else if let Some(method) = associated_function(&path) {
            let message = format!(
                "`{text}` is an associated function, and #[{what}] goes on free functions: move `{method}` out of the `impl` block and list it by its path"
            );
            misplaced.extend(misplaced_check(&path, &message));
        } else {
            unique.push((text, path));
        }
    }
    unique.into_iter().map(|(_, path)| path).collect()
}

/// Fails with `message` at `path` (`Type::function`), unless the function
/// carries `#[tool]` or `#[validator]`: that macro has then reported the
/// mistake at the function and left a marker constant in the `impl` block
/// ([`crate::signature::misplaced_marker`]), which an inherent item takes
/// before the trait constant whose bound carries the message. One mistake,
/// one error.
fn misplaced_check(path: &Path, message: &str) -> TokenStream {
    let mut owner = path.clone();
    let Some(method) = owner.segments.pop() else {
        return TokenStream::new();
    };
    owner.segments.pop_punct();
    let marker = crate::signature::marker_name(&method.ident);
    quote::quote_spanned! {path.span()=>
        const _: () = {
            #[diagnostic::on_unimplemented(message = #message, label = "not a free function")]
            trait Misplaced {}
            trait Marker {
                const #marker: ();
            }
            impl<T: ?Sized + Misplaced> Marker for T {
                const #marker: () = ();
            }
            #owner::#marker
        };
    }
}

/// The function's name if `path` is `Type::function`: a segment before the
/// last that reads as a type (modules are snake case).
fn associated_function(path: &Path) -> Option<String> {
    let mut segments = path.segments.iter().rev();
    let last = segments.next()?;
    segments
        .next()
        .filter(|owner| {
            owner
                .ident
                .to_string()
                .starts_with(|c: char| c.is_ascii_uppercase())
        })
        .map(|_| last.ident.to_string())
}

fn max_turns(cx: &Ctxt, value: &Lit) -> Option<u32> {
    let Lit::Int(int) = value else {
        cx.error_spanned_by(
            value,
            "`max_turns` takes an integer of at least 1, e.g. `max_turns = 6`",
        );
        return None;
    };
    match int.base10_parse::<u32>() {
        Ok(0) => {
            cx.error_spanned_by(
                int,
                "`max_turns` must be at least 1: the model needs one turn to answer",
            );
            None
        }
        Ok(n) => Some(n),
        Err(_) => {
            cx.error_spanned_by(
                int,
                format!("`max_turns` must be an integer from 1 to {}", u32::MAX),
            );
            None
        }
    }
}

fn default_model(cx: &Ctxt, value: &LitStr) -> Option<DefaultModel> {
    let text = value.value();
    match text.split_once(':') {
        Some((provider, model)) if !provider.trim().is_empty() && !model.trim().is_empty() => {
            Some(DefaultModel {
                provider: provider.trim().to_owned(),
                model: model.trim().to_owned(),
            })
        }
        _ => {
            cx.error_spanned_by(
                value,
                "`model` takes `provider:model-id`, e.g. `model = \"openai:gpt-4o-mini\"`",
            );
            None
        }
    }
}

fn name(cx: &Ctxt, value: &LitStr) -> Option<String> {
    let name = value.value();
    if name.trim().is_empty() {
        cx.error_spanned_by(value, "the agent's `name` must not be empty");
        return None;
    }
    Some(name)
}
