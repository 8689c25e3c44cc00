//! The parsed model of an `#[agent]` item.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Attribute, Ident, LitStr, Path, Type, Visibility};

/// The arguments of `#[agent(...)]`.
#[derive(Default)]
pub(crate) struct Args {
    pub(crate) tools: Vec<Path>,
    pub(crate) validators: Vec<Path>,
    pub(crate) max_turns: Option<u32>,
    pub(crate) output: Option<Type>,
    pub(crate) deps: Option<Type>,
    pub(crate) instructions: Option<LitStr>,
    pub(crate) model: Option<DefaultModel>,
    pub(crate) name: Option<LitStr>,
}

/// `model = "provider:model-id"`, split at compile time.
pub(crate) struct DefaultModel {
    pub(crate) provider: String,
    pub(crate) model: String,
}

/// The struct `#[agent]` is on.
pub(crate) struct AgentStruct {
    /// Its attributes, doc comments included.
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) vis: Visibility,
    pub(crate) ident: Ident,
    pub(crate) fields: Vec<Field>,
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
    pub(crate) default: Option<Ident>,
}

impl AgentStruct {
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

impl Field {
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
