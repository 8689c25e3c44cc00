//! Parsing `#[agent(...)]` and the struct under it. Every mistake is recorded
//! in [`Errors`] and parsing goes on, so that one compile reports them all.

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, Fields, Ident, Item, Lit, LitStr, Meta, Path, Token};

use super::ast::{AgentStruct, Args, DefaultModel, Field};
use super::errors::Errors;

const KEYS: &str = "tools, validators, max_turns, output, deps, instructions, model, name";

/// Builder methods a field would collide with.
const RESERVED: [&str; 3] = ["model", "deps", "build"];

/// Parses the attribute's arguments.
pub(crate) fn args(attr: TokenStream, errors: &mut Errors) -> Args {
    let mut args = Args::default();
    let mut seen: Vec<String> = Vec::new();
    let parser = |input: ParseStream<'_>| {
        while !input.is_empty() {
            if let Err(error) = entry(input, &mut args, &mut seen, errors) {
                errors.push(error);
                skip_entry(input)?;
            }
            if !input.is_empty()
                && let Err(error) = input.parse::<Token![,]>()
            {
                errors.push(error);
                skip_entry(input)?;
                let _ = input.parse::<Option<Token![,]>>()?;
            }
        }
        Ok(())
    };
    if let Err(error) = parser.parse2(attr) {
        errors.push(error);
    }
    args
}

/// Parses one `key = value` or `key(...)`.
fn entry(
    input: ParseStream<'_>,
    args: &mut Args,
    seen: &mut Vec<String>,
    errors: &mut Errors,
) -> syn::Result<()> {
    let key: Ident = input.parse().map_err(|error| {
        syn::Error::new(
            error.span(),
            format!("expected an `#[agent]` argument, one of: {KEYS}"),
        )
    })?;
    let name = key.to_string();
    let duplicate = seen.contains(&name);
    match name.as_str() {
        "tools" | "validators" => {
            let paths = list(input, &key)?;
            let target = if name == "tools" {
                &mut args.tools
            } else {
                &mut args.validators
            };
            for path in paths {
                let text = quote::quote!(#path).to_string();
                if target.iter().any(|p| quote::quote!(#p).to_string() == text) {
                    let what = if name == "tools" { "tool" } else { "validator" };
                    errors.spanned(
                        &path,
                        format!("the {what} `{}` is listed twice", text.replace(' ', "")),
                    );
                } else {
                    target.push(path);
                }
            }
            // Several `tools(..)` lists add up; that is not a mistake.
            seen.push(name);
            return Ok(());
        }
        "max_turns" => {
            let value = value::<Lit>(input, &key)?;
            args.max_turns = max_turns(&value, errors).or(args.max_turns);
        }
        "output" | "deps" => {
            let ty = value::<syn::Type>(input, &key).map_err(|error| {
                let example = if name == "output" {
                    "Forecast"
                } else {
                    "AppState"
                };
                syn::Error::new(
                    error.span(),
                    format!("expected a type: `{name} = {example}`"),
                )
            })?;
            if name == "output" {
                args.output = Some(ty);
            } else {
                args.deps = Some(ty);
            }
        }
        "instructions" => args.instructions = Some(value(input, &key)?),
        "name" => {
            let value: LitStr = value(input, &key)?;
            if value.value().trim().is_empty() {
                errors.spanned(&value, "the agent's `name` must not be empty");
            }
            args.name = Some(value);
        }
        "model" => {
            let value: LitStr = value(input, &key)?;
            args.model = default_model(&value, errors);
        }
        _ => {
            return Err(syn::Error::new(
                key.span(),
                format!("unknown `#[agent]` argument `{name}`; expected one of: {KEYS}"),
            ));
        }
    }
    if duplicate {
        errors.spanned(
            &key,
            format!("`{name}` is given twice; keep one `{name} = ..`"),
        );
    }
    seen.push(name);
    Ok(())
}

/// `(a, b::c)` after `key`.
fn list(input: ParseStream<'_>, key: &Ident) -> syn::Result<Punctuated<Path, Token![,]>> {
    if !input.peek(syn::token::Paren) {
        return Err(syn::Error::new(
            key.span(),
            format!("expected a list: `{key}(name, other_name)`"),
        ));
    }
    let content;
    syn::parenthesized!(content in input);
    // Taken whole, so that a bad list is one error, not one more for the
    // tokens left unread in the parentheses.
    let tokens: TokenStream = content.parse()?;
    let paths = Punctuated::<Path, Token![,]>::parse_terminated;
    paths.parse2(tokens).map_err(|error| {
        let (what, example) = if key == "tools" {
            ("tool", "tools(get_weather, forecast::by_city)")
        } else {
            ("validator", "validators(one_sentence)")
        };
        syn::Error::new(
            error.span(),
            format!("expected the names of `#[{what}]` functions: `{example}`"),
        )
    })
}

/// `= value` after `key`.
fn value<T: syn::parse::Parse>(input: ParseStream<'_>, key: &Ident) -> syn::Result<T> {
    if !input.peek(Token![=]) {
        return Err(syn::Error::new(
            key.span(),
            format!("expected a value: `{key} = ..`"),
        ));
    }
    input.parse::<Token![=]>()?;
    input.parse()
}

fn max_turns(value: &Lit, errors: &mut Errors) -> Option<u32> {
    let Lit::Int(int) = value else {
        errors.spanned(
            value,
            "`max_turns` takes an integer of at least 1, e.g. `max_turns = 6`",
        );
        return None;
    };
    match int.base10_parse::<u32>() {
        Ok(0) => {
            errors.spanned(
                int,
                "`max_turns` must be at least 1: the model needs one turn to answer",
            );
            None
        }
        Ok(n) => Some(n),
        Err(_) => {
            errors.spanned(
                int,
                format!("`max_turns` must be an integer from 1 to {}", u32::MAX),
            );
            None
        }
    }
}

fn default_model(value: &LitStr, errors: &mut Errors) -> Option<DefaultModel> {
    let text = value.value();
    match text.split_once(':') {
        Some((provider, model)) if !provider.trim().is_empty() && !model.trim().is_empty() => {
            Some(DefaultModel {
                provider: provider.trim().to_owned(),
                model: model.trim().to_owned(),
            })
        }
        _ => {
            errors.spanned(
                value,
                "`model` takes `provider:model-id`, e.g. `model = \"openai:gpt-4o-mini\"`",
            );
            None
        }
    }
}

/// Skips the rest of a malformed entry, up to the next top-level comma.
fn skip_entry(input: ParseStream<'_>) -> syn::Result<()> {
    input.step(|cursor| {
        let mut rest = *cursor;
        while let Some((tt, next)) = rest.token_tree() {
            if matches!(&tt, TokenTree::Punct(p) if p.as_char() == ',') {
                return Ok(((), rest));
            }
            rest = next;
        }
        Ok(((), rest))
    })
}

/// Parses the item; `None` if it is not a struct `#[agent]` can expand.
pub(crate) fn item(item: TokenStream, errors: &mut Errors) -> Option<AgentStruct> {
    let item = match syn::parse2::<Item>(item) {
        Ok(item) => item,
        Err(error) => {
            errors.push(error);
            return None;
        }
    };
    let strukt = match item {
        Item::Struct(strukt) => strukt,
        Item::Enum(item) => {
            errors.spanned(
                item.enum_token,
                "#[agent] goes on a struct, not an enum: declare `struct MyAgent;` (its fields become builder settings)",
            );
            return None;
        }
        Item::Union(item) => {
            errors.spanned(
                item.union_token,
                "#[agent] goes on a struct, not a union: declare `struct MyAgent;` (its fields become builder settings)",
            );
            return None;
        }
        other => {
            errors.push(syn::Error::new(
                item_span(&other),
                "#[agent] goes on a struct: declare `struct MyAgent;` and annotate it",
            ));
            return None;
        }
    };
    if !strukt.generics.params.is_empty() || strukt.generics.where_clause.is_some() {
        errors.spanned(
            &strukt.generics,
            "an #[agent] struct cannot be generic: name concrete types in its fields",
        );
    }
    let fields = match strukt.fields {
        Fields::Named(named) => named.named.into_iter().collect(),
        Fields::Unnamed(unnamed) if !unnamed.unnamed.is_empty() => {
            errors.spanned(
                &unnamed,
                "an #[agent] struct needs named fields: each becomes a builder method, e.g. `struct MyAgent { units: Units }`",
            );
            Vec::new()
        }
        _ => Vec::new(),
    };
    let fields = fields
        .into_iter()
        .filter_map(|field| agent_field(field, errors))
        .collect();
    Some(AgentStruct {
        doc: doc_text(&strukt.attrs),
        attrs: strukt.attrs,
        vis: strukt.vis,
        ident: strukt.ident,
        fields,
    })
}

fn item_span(item: &Item) -> Span {
    match item {
        Item::Fn(f) => f.sig.fn_token.span,
        Item::Impl(i) => i.impl_token.span,
        Item::Mod(m) => m.mod_token.span,
        Item::Trait(t) => t.trait_token.span,
        other => other.span(),
    }
}

fn agent_field(field: syn::Field, errors: &mut Errors) -> Option<Field> {
    let ident = field.ident?;
    let name = ident.to_string();
    if RESERVED.contains(&name.as_str()) || name.starts_with("__patinox") {
        errors.spanned(
            &ident,
            format!("the field name `{name}` is taken by the agent's builder (`.{name}(..)`); rename the field"),
        );
    }
    let mut default = None;
    let mut attrs = Vec::with_capacity(field.attrs.len());
    for attr in field.attrs {
        if !attr.path().is_ident("agent") {
            attrs.push(attr);
            continue;
        }
        let parsed = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("default") {
                default = meta.path.get_ident().cloned();
                Ok(())
            } else {
                Err(meta.error(
                    "unknown field option; the only one is `#[agent(default)]`, which makes the field optional in the builder",
                ))
            }
        });
        if let Err(error) = parsed {
            errors.push(error);
        }
    }
    Some(Field {
        attrs,
        vis: field.vis,
        ident,
        ty: field.ty,
        default,
    })
}

/// The text of `///` comments, one line each, without the space after `///`.
fn doc_text(attrs: &[syn::Attribute]) -> Option<String> {
    let lines: Vec<String> = attrs
        .iter()
        .filter_map(|attr| match &attr.meta {
            Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
                Expr::Lit(syn::ExprLit {
                    lit: Lit::Str(s), ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .map(|line| {
            line.strip_prefix(' ')
                .unwrap_or(&line)
                .trim_end()
                .to_owned()
        })
        .collect();
    let text = lines.join("\n").trim().to_owned();
    (!text.is_empty()).then_some(text)
}
