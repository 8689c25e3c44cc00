//! Code generation for `#[agent]`, from a model that parsed cleanly.
//!
//! For `struct Bot { units: Units }` this emits:
//! - the struct, plus a hidden field holding its [`Runner`];
//! - `mod bot_builder`: the typestate markers `Set<T>`/`Unset` and one
//!   `…IsSet` trait per builder member, each with an `on_unimplemented`
//!   message naming the member;
//! - `BotBuilder<S>`: one state parameter, a tuple with one slot per member;
//! - `Bot::builder()`, and the `Agent` (or, with `output = T`, `Runnable`)
//!   impl delegating to the runner.
//!
//! [`Runner`]: https://docs.rs/patinox/latest/patinox/agent/struct.Runner.html

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Ident, Visibility};

use super::ast::{AgentStruct, Args};

/// The hidden field that holds the runner.
const RUNNER: &str = "__patinox_runner";

/// One slot of the builder's state tuple.
struct Member {
    /// The `…IsSet` trait that `build()` requires of the slot.
    bound: TokenStream,
    /// The trait's declaration and impls, inside the state module.
    declaration: TokenStream,
    /// The setter, inside the builder's `impl`.
    setter: Setter,
    /// The function `build()` turns the slot into its value with.
    consume: TokenStream,
    /// The member's line in the builder's documentation.
    doc: String,
}

/// A builder method that fills one slot of the state.
struct Setter {
    /// Its documentation (`#[doc]` attributes).
    docs: TokenStream,
    name: Ident,
    params: TokenStream,
    /// The slot's type once set (`Set<..>`).
    slot: TokenStream,
    /// The slot's value, from the params.
    value: TokenStream,
}

/// Expands a valid `#[agent]` item.
pub(crate) fn agent(args: &Args, agent: &AgentStruct) -> TokenStream {
    let names = Names::new(agent);
    let members = members(args, agent, &names);
    let strukt = struct_with_runner(agent);
    let state_mod = state_module(agent, &names, &members);
    let builder = builder(args, agent, &names, &members);
    let runnable = runnable(args, agent);
    quote! {
        #strukt
        #state_mod
        #builder
        #runnable
    }
}

/// Names of the generated items.
struct Names {
    builder: Ident,
    module: Ident,
    /// The visibility of the state module's items: `pub` for a public agent,
    /// else `pub(crate)`, so that a private agent leaves no unreachable `pub`.
    item_vis: TokenStream,
    runner: Ident,
}

impl Names {
    fn new(agent: &AgentStruct) -> Self {
        let ident = &agent.ident;
        Self {
            builder: format_ident!("{}Builder", ident),
            module: format_ident!("{}_builder", snake_case(&ident.to_string())),
            item_vis: match &agent.vis {
                Visibility::Public(_) => quote!(pub),
                _ => quote!(pub(crate)),
            },
            runner: Ident::new(RUNNER, Span::call_site()),
        }
    }
}

fn struct_with_runner(agent: &AgentStruct) -> TokenStream {
    let AgentStruct {
        attrs, vis, ident, ..
    } = agent;
    let fields = agent.fields.iter().map(|f| f.declaration());
    let runner = format_ident!("{}", RUNNER);
    quote! {
        #(#attrs)*
        #vis struct #ident {
            #(#fields,)*
            #[doc(hidden)]
            #runner: ::patinox::agent::Runner,
        }
    }
}

fn members(args: &Args, agent: &AgentStruct, names: &Names) -> Vec<Member> {
    let mut members = vec![model_member(args, names)];
    members.extend(agent.fields.iter().map(|field| {
        let module = &names.module;
        let vis = &names.item_vis;
        let (ident, ty) = (&field.ident, &field.ty);
        let name = ident.to_string();
        let trait_name = format_ident!("{}IsSet", pascal_case(&name));
        let message =
            format!("the field `{name}` is not set: call `.{name}(..)` before `.build()`");
        let label = format!("`{name}` is not set");
        let note = format!(
            "every field of `{}` is required unless marked `#[agent(default)]`",
            agent.ident
        );
        let default_impl = field.default.as_ref().map(|_| {
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
            doc: match field.default {
                Some(_) => format!("- `.{name}(..)`, optional (default: `Default::default()`)"),
                None => format!("- `.{name}(..)`, required"),
            },
        }
    }));
    if let Some(deps) = &args.deps {
        members.push(deps_member(deps, names));
    }
    members
}

fn field_setter_doc(field: &super::ast::Field) -> String {
    let docs: Vec<String> = field
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident("doc"))
        .filter_map(|attr| match &attr.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    if docs.is_empty() {
        format!("Sets the field `{}`.", field.ident)
    } else {
        docs.join("\n")
    }
}

fn model_member(args: &Args, names: &Names) -> Member {
    let module = &names.module;
    let vis = &names.item_vis;
    let default_impl = args.model.as_ref().map(|model| {
        let (provider, id) = (&model.provider, &model.model);
        quote! {
            impl ModelIsSet for Unset {
                fn into_model(self) -> ::std::sync::Arc<dyn ::patinox::model::LanguageModel> {
                    ::std::sync::Arc::new(::patinox::agent::DefaultModel::new(
                        ::patinox::model::ModelId::new(#provider, #id),
                    ))
                }
            }
        }
    });
    let doc = match &args.model {
        Some(model) => format!(
            "- `.model(..)`, optional (default: `{}:{}`, see `patinox::agent::DefaultModel`)",
            model.provider, model.model
        ),
        None => "- `.model(..)`, required".to_owned(),
    };
    Member {
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
            params: quote!(model: impl ::patinox::model::LanguageModel + 'static),
            slot: quote!(#module::Set<::std::sync::Arc<dyn ::patinox::model::LanguageModel>>),
            value: quote! {{
                let model: ::std::sync::Arc<dyn ::patinox::model::LanguageModel> =
                    ::std::sync::Arc::new(model);
                #module::Set(model)
            }},
        },
        consume: quote!(#module::ModelIsSet::into_model),
        doc,
    }
}

fn deps_member(deps: &syn::Type, names: &Names) -> Member {
    let module = &names.module;
    let vis = &names.item_vis;
    Member {
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

fn state_module(agent: &AgentStruct, names: &Names, members: &[Member]) -> TokenStream {
    let vis = &agent.vis;
    let (module, item_vis) = (&names.module, &names.item_vis);
    let module_doc = format!(
        "The typestate of [`{}`]: which members are set.",
        names.builder
    );
    let declarations = members.iter().map(|m| &m.declaration);
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

fn builder(args: &Args, agent: &AgentStruct, names: &Names, members: &[Member]) -> TokenStream {
    let AgentStruct { ident, vis, .. } = agent;
    let (builder, module) = (&names.builder, &names.module);
    let vars: Vec<Ident> = (0..members.len())
        .map(|i| format_ident!("__s{}", i))
        .collect();
    let params: Vec<Ident> = (0..members.len())
        .map(|i| format_ident!("__S{}", i))
        .collect();
    let setters = members.iter().enumerate().map(|(k, member)| {
        let Setter {
            docs,
            name,
            params: args,
            slot,
            value,
        } = &member.setter;
        let types = params
            .iter()
            .enumerate()
            .map(|(i, p)| if i == k { slot.clone() } else { quote!(#p) });
        let values = vars
            .iter()
            .enumerate()
            .map(|(i, v)| if i == k { quote!(#value) } else { quote!(#v) });
        let pattern = vars
            .iter()
            .enumerate()
            .map(|(i, v)| if i == k { quote!(_) } else { quote!(#v) });
        quote! {
            #docs
            pub fn #name(self, #args) -> #builder<(#(#types,)*)> {
                let (#(#pattern,)*) = self.state;
                #builder { state: (#(#values,)*) }
            }
        }
    });
    let unset: Vec<TokenStream> = members.iter().map(|_| quote!(#module::Unset)).collect();
    let member_docs = members
        .iter()
        .map(|m| m.doc.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let builder_doc = format!(
        "Builds a [`{ident}`] agent; start with [`{ident}::builder`].\n\n\
         Members:\n{member_docs}\n\n\
         `.build()` compiles only once every required member is set; the\n\
         compiler names the missing one otherwise. The state parameter `S`\n\
         records which members are set (see [`{module}`])."
    );
    let fn_doc = format!(
        "Starts building a [`{ident}`] agent.\n\n{member_docs}\n\n\
         then `.build()?` returns the created agent: `.start().await?` it, \
         then `.run(input).await?`, then `.stop().await?`."
    );
    let build = build_fn(args, agent, names, members, &vars);
    let runner = &names.runner;
    quote! {
        #[doc = #builder_doc]
        #[must_use = "a builder does nothing until `.build()` is called"]
        #[allow(dead_code)]
        #vis struct #builder<S = (#(#unset,)*)> {
            state: S,
        }

        #[allow(dead_code)]
        impl #ident {
            #[doc = #fn_doc]
            #vis fn builder() -> #builder {
                #builder { state: (#(#unset,)*) }
            }

            /// The runner that drives this agent's conversations (model,
            /// tools, validators, turn limit); it is also an untyped `Agent`.
            #vis fn runner(&self) -> &::patinox::agent::Runner {
                &self.#runner
            }
        }

        #[allow(dead_code)]
        impl<#(#params),*> #builder<(#(#params,)*)> {
            #(#setters)*

            #build
        }

    }
}

fn build_fn(
    args: &Args,
    agent: &AgentStruct,
    names: &Names,
    members: &[Member],
    vars: &[Ident],
) -> TokenStream {
    let ident = &agent.ident;
    let runner = &names.runner;
    let bounds = members.iter().enumerate().map(|(i, m)| {
        let param = format_ident!("__S{}", i);
        let bound = &m.bound;
        quote!(#param: #bound)
    });
    // Slot 0 is the model, the fields follow, then the deps.
    let model = &vars[0];
    let model_value = &members[0].consume;
    let fields =
        agent
            .fields
            .iter()
            .zip(&members[1..])
            .zip(&vars[1..])
            .map(|((field, member), var)| {
                let (ident, consume) = (&field.ident, &member.consume);
                quote!(#ident: #consume(#var))
            });
    let deps = args.deps.as_ref().map(|_| {
        let var = &vars[members.len() - 1];
        let consume = &members[members.len() - 1].consume;
        quote!(.deps(#consume(#var)))
    });
    let config = runner_config(args, agent);
    quote! {
        /// Builds the agent, in the `Created` state: call `.start().await?`
        /// on it before `.run(..)`.
        ///
        /// # Errors
        /// A `PatinoxError::Configuration` if two tools share a name.
        pub fn build(
            self,
        ) -> ::patinox::Result<::patinox::agent::AgentHandle<#ident, ::patinox::agent::Created>>
        where
            #(#bounds,)*
        {
            let (#(#vars,)*) = self.state;
            let model = #model_value(#model);
            let #runner = ::patinox::agent::Runner::builder(model)
                #config
                #deps
                .build()?;
            ::core::result::Result::Ok(::patinox::agent::AgentHandle::new(#ident {
                #(#fields,)*
                #runner,
            }))
        }
    }
}

/// The `Runner::builder(..)` calls that the attribute's arguments declare.
fn runner_config(args: &Args, agent: &AgentStruct) -> TokenStream {
    let name = args
        .name
        .as_ref()
        .map_or_else(|| agent.ident.to_string(), syn::LitStr::value);
    let instructions = args
        .instructions
        .as_ref()
        .map(syn::LitStr::value)
        .or_else(|| agent.doc.clone());
    let instructions = match (&args.output, instructions) {
        (Some(output), text) => {
            let text = text.unwrap_or_default();
            // Spanned on the type: a type that cannot be an output is
            // reported once, there, for each missing trait.
            quote_spanned! {output.span()=>
                .instructions(::patinox::agent::output_instructions::<#output>(#text))
                .validator(::patinox::agent::JsonOutput::<#output>::new())
            }
        }
        (None, Some(text)) => quote!(.instructions(#text)),
        (None, None) => quote!(),
    };
    let max_turns = args.max_turns.map(|n| quote!(.max_turns(#n)));
    // Spanned on the user's path, so that a name that is not a tool is
    // reported there.
    let tools = args.tools.iter().map(|path| {
        let value = quote_spanned!(path.span()=> #path {});
        quote_spanned!(path.span()=> .tool(#value))
    });
    let validators = args.validators.iter().map(|path| {
        let value = quote_spanned!(path.span()=> #path {});
        quote_spanned!(path.span()=> .validator(#value))
    });
    quote! {
        .name(#name)
        #instructions
        #max_turns
        #(#tools)*
        #(#validators)*
    }
}

fn runnable(args: &Args, agent: &AgentStruct) -> TokenStream {
    let ident = &agent.ident;
    let runner = format_ident!("{}", RUNNER);
    let Some(output) = &args.output else {
        return quote! {
            #[::patinox::__private::async_trait]
            impl ::patinox::agent::Agent for #ident {
                fn name(&self) -> &str {
                    ::patinox::agent::Agent::name(&self.#runner)
                }

                async fn start(&self) -> ::patinox::Result<()> {
                    ::patinox::agent::Agent::start(&self.#runner).await
                }

                async fn execute(&self, input: &str) -> ::patinox::Result<::patinox::agent::RunResult> {
                    ::patinox::agent::Agent::execute(&self.#runner, input).await
                }

                async fn stop(&self) -> ::patinox::Result<()> {
                    ::patinox::agent::Agent::stop(&self.#runner).await
                }

                async fn health(&self) -> ::patinox::agent::Health {
                    ::patinox::agent::Agent::health(&self.#runner).await
                }
            }
        };
    };
    let parse = quote_spanned!(output.span()=> run.await?.parse::<#output>());
    quote! {
        impl ::patinox::agent::Runnable for #ident {
            type Output = #output;

            fn name(&self) -> &str {
                ::patinox::agent::Agent::name(&self.#runner)
            }

            fn start(&self) -> impl ::core::future::Future<Output = ::patinox::Result<()>> + ::core::marker::Send {
                ::patinox::agent::Agent::start(&self.#runner)
            }

            fn run<'a>(
                &'a self,
                input: &'a str,
            ) -> impl ::core::future::Future<
                Output = ::patinox::Result<::patinox::agent::RunResult<#output>>,
            > + ::core::marker::Send + 'a {
                let run = ::patinox::agent::Agent::execute(&self.#runner, input);
                async move { #parse }
            }

            fn stop(&self) -> impl ::core::future::Future<Output = ::patinox::Result<()>> + ::core::marker::Send {
                ::patinox::agent::Agent::stop(&self.#runner)
            }

            fn health(&self) -> impl ::core::future::Future<Output = ::patinox::agent::Health> + ::core::marker::Send {
                ::patinox::agent::Agent::health(&self.#runner)
            }
        }
    }
}

fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn pascal_case(name: &str) -> String {
    name.split('_')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{pascal_case, snake_case};

    #[test]
    fn generated_names_follow_rust_conventions() {
        assert_eq!(snake_case("WeatherBot"), "weather_bot");
        assert_eq!(snake_case("Bot"), "bot");
        assert_eq!(pascal_case("units"), "Units");
        assert_eq!(pascal_case("max_price_eur"), "MaxPriceEur");
        assert_eq!(pascal_case("_hidden"), "Hidden");
    }
}
