//! The builder's members: the model, each field, the deps; and the state
//! module of their `…IsSet` traits.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::Ident;

use super::{Member, Members, Names, Setter, Slot, pascal_case};
use crate::agent::ast::{AgentStruct, Field, Settings};
use crate::docs;

pub(super) fn members(settings: &Settings, agent: &AgentStruct, names: &Names) -> Members {
    Members {
        model: model_member(settings, names),
        fields: agent
            .fields
            .iter()
            .map(|field| field_member(agent, field, names))
            .collect(),
        deps: settings.deps.as_ref().map(|deps| deps_member(deps, names)),
    }
}

fn field_member(agent: &AgentStruct, field: &Field, names: &Names) -> Member {
    let module = &names.module;
    let vis = &names.item_vis;
    let (ident, ty) = (&field.ident, &field.ty);
    let name = ident.to_string();
    let trait_name = format_ident!("{}IsSet", pascal_case(name.trim_start_matches("r#")));
    let message = format!("the field `{name}` is not set: call `.{name}(..)` before `.build()`");
    let label = format!("`{name}` is not set");
    let note = format!(
        "every field of `{}` is required unless marked `#[agent(default)]`",
        agent.ident
    );
    let default_impl = field.default.then(|| {
        quote! {
            impl<T: ::core::default::Default> #trait_name<T> for Unset {
                fn into_value(self) -> T {
                    T::default()
                }
            }
        }
    });
    let trait_doc = format!("Whether `{name}` is set, or has a default.");
    let setter_doc = field_setter_doc(field);
    Member {
        slot: Slot::new(&name),
        bound: quote!(#module::#trait_name<#ty>),
        declaration: quote! {
            #[doc = #trait_doc]
            #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
            #vis trait #trait_name<T> {
                /// The field's value.
                fn into_value(self) -> T;
            }
            impl<T> #trait_name<T> for Set<T> {
                fn into_value(self) -> T {
                    self.0
                }
            }
            #default_impl
        },
        setter: Setter {
            docs: quote!(#[doc = #setter_doc]),
            name: ident.clone(),
            params: quote!(#ident: #ty),
            slot: quote!(#module::Set<#ty>),
            value: quote!(#module::Set(#ident)),
        },
        consume: quote!(#module::#trait_name::into_value),
        doc: if field.default {
            format!("- `.{name}(..)`, optional (default: `Default::default()`)")
        } else {
            format!("- `.{name}(..)`, required")
        },
    }
}

fn field_setter_doc(field: &Field) -> String {
    docs::text(&field.attrs).unwrap_or_else(|| format!("Sets the field `{}`.", field.ident))
}

fn model_member(settings: &Settings, names: &Names) -> Member {
    let module = &names.module;
    let vis = &names.item_vis;
    let default_impl = settings.model.as_ref().map(|model| {
        let (provider, id) = (&model.provider, &model.model);
        quote! {
            impl ModelIsSet for Unset {
                fn into_model(self) -> ::std::sync::Arc<dyn ::patinox::model::LanguageModel> {
                    ::std::sync::Arc::new(::patinox::model::DefaultModel::new(
                        ::patinox::model::ModelId::new(#provider, #id),
                    ))
                }
            }
        }
    });
    let doc = match &settings.model {
        Some(model) => format!(
            "- `.model(..)`, optional (default: `{}:{}`, see `patinox::model::DefaultModel`)",
            model.provider, model.model
        ),
        None => "- `.model(..)`, required".to_owned(),
    };
    Member {
        slot: Slot::new("model"),
        bound: quote!(#module::ModelIsSet),
        declaration: quote! {
            /// Whether the model is set, or has a default.
            #[diagnostic::on_unimplemented(
                message = "the model is not set: call `.model(..)` before `.build()`",
                label = "the model is not set",
                note = "e.g. `.model(patinox::model::from_env().await?)`, or declare a default with `#[agent(model = \"provider:model-id\")]`"
            )]
            #vis trait ModelIsSet {
                /// The model.
                fn into_model(self) -> ::std::sync::Arc<dyn ::patinox::model::LanguageModel>;
            }
            impl ModelIsSet for Set<::std::sync::Arc<dyn ::patinox::model::LanguageModel>> {
                fn into_model(self) -> ::std::sync::Arc<dyn ::patinox::model::LanguageModel> {
                    self.0
                }
            }
            #default_impl
        },
        setter: Setter {
            docs: quote! {
                /// Sets the model: a provider's model, the offline model, or an
                /// `Arc<dyn LanguageModel>` such as `patinox::model::from_env()` returns.
            },
            name: Ident::new("model", Span::call_site()),
            params: quote!(model: impl ::patinox::__private::IntoModel),
            slot: quote!(#module::Set<::std::sync::Arc<dyn ::patinox::model::LanguageModel>>),
            value: quote!(#module::Set(::patinox::__private::IntoModel::into_model(model))),
        },
        consume: quote!(#module::ModelIsSet::into_model),
        doc,
    }
}

fn deps_member(deps: &syn::Type, names: &Names) -> Member {
    let module = &names.module;
    let vis = &names.item_vis;
    Member {
        slot: Slot::new("deps"),
        bound: quote!(#module::DepsIsSet<#deps>),
        declaration: quote! {
            /// Whether the dependencies are set.
            #[diagnostic::on_unimplemented(
                message = "the dependencies are not set: call `.deps(..)` before `.build()`",
                label = "the dependencies are not set",
                note = "this agent declares `deps = ..`: tools receive them through `&RunContext<..>`"
            )]
            #vis trait DepsIsSet<T> {
                /// The dependencies.
                fn into_deps(self) -> ::std::sync::Arc<T>;
            }
            impl<T> DepsIsSet<T> for Set<::std::sync::Arc<T>> {
                fn into_deps(self) -> ::std::sync::Arc<T> {
                    self.0
                }
            }
        },
        setter: Setter {
            docs: quote! {
                /// Sets the dependencies handed to tools through `&RunContext<..>`:
                /// a value or an `Arc` of it.
            },
            name: Ident::new("deps", Span::call_site()),
            params: quote!(deps: impl ::core::convert::Into<::std::sync::Arc<#deps>>),
            slot: quote!(#module::Set<::std::sync::Arc<#deps>>),
            value: quote!(#module::Set(::core::convert::Into::into(deps))),
        },
        consume: quote!(#module::DepsIsSet::into_deps),
        doc: "- `.deps(..)`, required".to_owned(),
    }
}

pub(super) fn state_module(agent: &AgentStruct, names: &Names, members: &Members) -> TokenStream {
    let vis = &agent.vis;
    let (module, item_vis) = (&names.module, &names.item_vis);
    let module_doc = format!(
        "The typestate of [`{}`]: which members are set.",
        names.builder
    );
    let declarations = members.iter().map(|member| &member.declaration);
    quote! {
        #[doc = #module_doc]
        #[allow(dead_code)]
        #vis mod #module {
            /// A member that has been set, holding its value.
            #[derive(Debug)]
            #item_vis struct Set<T>(pub(super) T);

            /// A member that has not been set.
            #[derive(Debug)]
            #item_vis struct Unset;

            #(#declarations)*
        }
    }
}
