//! The parsed model of an `#[agent]` item: the attribute's arguments as
//! written, the struct, and the settings `valid` derives from the arguments.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::meta::ParseNestedMeta;
use syn::parse::{Parse, Parser};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Fields, Generics, Ident, Item, Lit, LitStr, Path, Token, Type, Visibility};

use crate::attrs::{self, Once};
use crate::ctxt::Ctxt;
use crate::docs;

const EXPECTED: &str = "`tools(..)`, `validators(..)`, `max_turns = ..`, `output = ..`, `deps = ..`, `instructions = \"..\"`, `model = \"..\"` or `name = \"..\"`";

/// The arguments of `#[agent(...)]`, as written.
pub(crate) struct AgentArgs {
    pub(crate) tools: Vec<Path>,
    pub(crate) validators: Vec<Path>,
    pub(crate) max_turns: Once<Lit>,
    pub(crate) output: Once<Type>,
    pub(crate) deps: Once<Type>,
    pub(crate) instructions: Once<LitStr>,
    pub(crate) model: Once<LitStr>,
    pub(crate) name: Once<LitStr>,
}

impl AgentArgs {
    /// Parses the attribute's arguments, reporting unknown and repeated keys
    /// and malformed values. Several `tools(..)` lists add up.
    pub(crate) fn parse(cx: &Ctxt, args: TokenStream) -> Self {
        let mut parsed = Self {
            tools: Vec::new(),
            validators: Vec::new(),
            max_turns: Once::new("max_turns"),
            output: Once::new("output"),
            deps: Once::new("deps"),
            instructions: Once::new("instructions"),
            model: Once::new("model"),
            name: Once::new("name"),
        };
        attrs::parse_args(cx, args, EXPECTED, |meta| {
            let Some(key) = meta.path.get_ident() else {
                return Ok(false);
            };
            let span = key.span();
            const TOOLS: &str = "tools(get_weather, forecast::by_city)";
            const VALIDATORS: &str = "validators(one_sentence)";
            match key.to_string().as_str() {
                "tools" => parsed.tools.extend(list(meta, "tool", TOOLS)?),
                "validators" => parsed
                    .validators
                    .extend(list(meta, "validator", VALIDATORS)?),
                "max_turns" => {
                    let value = value(meta, "an integer: `max_turns = 6`")?;
                    parsed.max_turns.set(cx, span, value);
                }
                "output" => {
                    let value = value(meta, "a type: `output = Forecast`")?;
                    parsed.output.set(cx, span, value);
                }
                "deps" => {
                    let value = value(meta, "a type: `deps = AppState`")?;
                    parsed.deps.set(cx, span, value);
                }
                "instructions" => {
                    let value = attrs::string_value(meta)?;
                    parsed.instructions.set(cx, span, value);
                }
                "model" => parsed.model.set(cx, span, attrs::string_value(meta)?),
                "name" => parsed.name.set(cx, span, attrs::string_value(meta)?),
                _ => return Ok(false),
            }
            Ok(true)
        });
        parsed
    }
}

/// `(a, b::c)` after `tools` or `validators`.
fn list(meta: &ParseNestedMeta<'_>, what: &str, example: &str) -> syn::Result<Vec<Path>> {
    let expected = || format!("expected the names of `#[{what}]` functions: `{example}`");
    if !meta.input.peek(syn::token::Paren) {
        return Err(meta.error(expected()));
    }
    let content;
    syn::parenthesized!(content in meta.input);
    // Taken whole, so that a bad list is one error, not one more for the
    // tokens left unread in the parentheses.
    let tokens: TokenStream = content.parse()?;
    Punctuated::<Path, Token![,]>::parse_terminated
        .parse2(tokens)
        .map(|paths| paths.into_iter().collect())
        .map_err(|error| syn::Error::new(error.span(), expected()))
}

/// `= value` after a key; `expected` completes "expected …".
fn value<T: Parse>(meta: &ParseNestedMeta<'_>, expected: &str) -> syn::Result<T> {
    let message = |span| syn::Error::new(span, format!("expected {expected}"));
    meta.value()
        .map_err(|_| message(meta.path.span()))?
        .parse()
        .map_err(|error| message(error.span()))
}

/// What the arguments declare, checked by `valid`: what `expand` generates from.
#[derive(Default)]
pub(crate) struct Settings {
    pub(crate) tools: Vec<Path>,
    pub(crate) validators: Vec<Path>,
    pub(crate) max_turns: Option<u32>,
    pub(crate) output: Option<Type>,
    pub(crate) deps: Option<Type>,
    pub(crate) instructions: Option<String>,
    pub(crate) model: Option<DefaultModel>,
    pub(crate) name: Option<String>,
    /// Checks of paths that name an associated function (`Type::function`):
    /// each is an error unless the function's own macro reported it.
    pub(crate) misplaced: TokenStream,
}

/// `model = "provider:model-id"`, split at compile time.
pub(crate) struct DefaultModel {
    pub(crate) provider: String,
    pub(crate) model: String,
}

/// The struct `#[agent]` is on.
pub(crate) struct AgentStruct {
    /// Its attributes, doc comments included, without the derives `valid` rejects.
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) vis: Visibility,
    pub(crate) ident: Ident,
    pub(crate) generics: Generics,
    pub(crate) fields: Vec<Field>,
    /// Derived traits that need every field, such as `Clone` (`valid` reports them).
    pub(crate) field_derives: Vec<Path>,
    /// The doc comment's text, the default instructions.
    pub(crate) doc: Option<String>,
}

/// A named field: a builder member.
pub(crate) struct Field {
    /// Its attributes, without `#[agent(..)]`.
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) vis: Visibility,
    pub(crate) ident: Ident,
    pub(crate) ty: Type,
    /// `#[agent(default)]`: optional in the builder, `Default::default()` when unset.
    pub(crate) default: bool,
}

/// Derives that need every field, which the hidden runner field does not have.
const FIELD_DERIVES: [&str; 8] = [
    "Clone",
    "Copy",
    "Default",
    "PartialEq",
    "Eq",
    "PartialOrd",
    "Ord",
    "Hash",
];

impl AgentStruct {
    /// Parses the item; `None` (with the mistake recorded) if it is not a
    /// struct with named fields.
    pub(crate) fn parse(cx: &Ctxt, item: TokenStream) -> Option<Self> {
        let strukt = match syn::parse2::<Item>(item) {
            Ok(Item::Struct(strukt)) => strukt,
            Ok(other) => {
                cx.syn_error(syn::Error::new(item_span(&other), not_a_struct(&other)));
                return None;
            }
            Err(error) => {
                cx.syn_error(error);
                return None;
            }
        };
        let fields = match strukt.fields {
            Fields::Named(named) => named.named.into_iter().collect(),
            Fields::Unnamed(unnamed) if !unnamed.unnamed.is_empty() => {
                cx.error_spanned_by(
                    &unnamed,
                    "an #[agent] struct needs named fields: each becomes a builder method, e.g. `struct MyAgent { units: Units }`",
                );
                return None;
            }
            _ => Vec::new(),
        };
        let (attrs, field_derives) = split_field_derives(strukt.attrs);
        Some(Self {
            doc: docs::text(&attrs),
            attrs,
            vis: strukt.vis,
            ident: strukt.ident,
            generics: strukt.generics,
            fields: fields
                .into_iter()
                .filter_map(|f| Field::parse(cx, f))
                .collect(),
            field_derives,
        })
    }

    /// The struct as the user wrote it, minus `#[agent(..)]` on fields: what
    /// to emit when expansion is impossible, so that uses of the struct
    /// elsewhere do not pile up unrelated errors.
    pub(crate) fn item_without_agent_attrs(&self) -> TokenStream {
        let Self {
            attrs, vis, ident, ..
        } = self;
        let fields = self.fields.iter().map(Field::declaration);
        quote! { #(#attrs)* #vis struct #ident { #(#fields,)* } }
    }
}

fn not_a_struct(item: &Item) -> &'static str {
    match item {
        Item::Enum(_) => {
            "#[agent] goes on a struct, not an enum: declare `struct MyAgent;` (its fields become builder settings)"
        }
        Item::Union(_) => {
            "#[agent] goes on a struct, not a union: declare `struct MyAgent;` (its fields become builder settings)"
        }
        _ => "#[agent] goes on a struct: declare `struct MyAgent;` and annotate it",
    }
}

fn item_span(item: &Item) -> Span {
    match item {
        Item::Enum(e) => e.enum_token.span,
        Item::Union(u) => u.union_token.span,
        Item::Fn(f) => f.sig.fn_token.span,
        Item::Impl(i) => i.impl_token.span,
        Item::Mod(m) => m.mod_token.span,
        Item::Trait(t) => t.trait_token.span,
        other => other.span(),
    }
}

/// The attributes without the derives in [`FIELD_DERIVES`], and those derives.
fn split_field_derives(attrs: Vec<Attribute>) -> (Vec<Attribute>, Vec<Path>) {
    let mut rejected = Vec::new();
    let attrs = attrs
        .into_iter()
        .filter_map(|attr| {
            if !attr.path().is_ident("derive") {
                return Some(attr);
            }
            let Ok(paths) = attr.parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated)
            else {
                return Some(attr);
            };
            let (bad, kept): (Vec<Path>, Vec<Path>) = paths.into_iter().partition(|path| {
                path.segments
                    .last()
                    .is_some_and(|s| FIELD_DERIVES.contains(&s.ident.to_string().as_str()))
            });
            rejected.extend(bad);
            (!kept.is_empty()).then(|| syn::parse_quote!(#[derive(#(#kept),*)]))
        })
        .collect();
    (attrs, rejected)
}

impl Field {
    fn parse(cx: &Ctxt, field: syn::Field) -> Option<Self> {
        let ident = field.ident?;
        let mut default = false;
        let mut attrs = Vec::with_capacity(field.attrs.len());
        for attr in field.attrs {
            if !attr.path().is_ident("agent") {
                attrs.push(attr);
                continue;
            }
            let parsed = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("default") {
                    default = true;
                    Ok(())
                } else {
                    Err(meta.error(
                        "unknown field option; the only one is `#[agent(default)]`, which makes the field optional in the builder",
                    ))
                }
            });
            if let Err(error) = parsed {
                cx.syn_error(error);
            }
        }
        Some(Self {
            attrs,
            vis: field.vis,
            ident,
            ty: field.ty,
            default,
        })
    }

    /// `attrs vis ident: ty`.
    pub(crate) fn declaration(&self) -> TokenStream {
        let Self {
            attrs,
            vis,
            ident,
            ty,
            ..
        } = self;
        quote! { #(#attrs)* #vis #ident: #ty }
    }
}
