//! The builder struct, its setters, `.configure(..)` and `build()`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Ident, Path};

use super::{Member, Members, Names, Setter};
use crate::agent::ast::{AgentStruct, Settings};

pub(super) fn builder(
    settings: &Settings,
    agent: &AgentStruct,
    names: &Names,
    members: &Members,
) -> TokenStream {
    let AgentStruct { ident, vis, .. } = agent;
    let (builder, module) = (&names.builder, &names.module);
    let params: Vec<&Ident> = members.iter().map(|m| &m.slot.param).collect();
    let setters = setters(names, members);
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
    let build = build_fn(settings, agent, names, members);
    let runner = &names.runner;
    quote! {
        #[doc = #builder_doc]
        #[must_use = "a builder does nothing until `.build()` is called"]
        #[allow(dead_code)]
        #vis struct #builder<S = (#(#unset,)*)> {
            state: S,
            configure: ::patinox::__private::Configure,
        }

        #[allow(dead_code)]
        impl #ident {
            #[doc = #fn_doc]
            #vis fn builder() -> #builder {
                #builder {
                    state: (#(#unset,)*),
                    configure: ::core::default::Default::default(),
                }
            }

            /// The runner that drives this agent's conversations (model,
            /// tools, validators, turn limit); it is also an untyped `Agent`.
            #vis fn runner(&self) -> &::patinox::agent::Runner {
                &self.#runner
            }
        }

        #[allow(dead_code)]
        impl<#(#params),*> #builder<(#(#params,)*)> {
            #setters

            /// Sets what the attribute does not declare, on the
            /// [`RunnerBuilder`](::patinox::agent::RunnerBuilder) the agent
            /// is built on: monitors, model settings, the tool timeout,
            /// resources, tools that are not `#[tool]` functions (such as MCP
            /// tools), any of its options. `f` runs in `build()`, after the
            /// declared options; several calls run in order.
            ///
            /// e.g. `.configure(|b| b.monitor(monitor).tool_timeout(Duration::from_secs(5)))`
            pub fn configure(
                self,
                f: impl ::core::ops::FnOnce(::patinox::agent::RunnerBuilder) -> ::patinox::agent::RunnerBuilder
                    + ::core::marker::Send
                    + 'static,
            ) -> Self {
                #builder {
                    state: self.state,
                    configure: self.configure.then(f),
                }
            }

            #build
        }
    }
}

/// One setter per member: it fills its slot of the state tuple and keeps the others.
fn setters(names: &Names, members: &Members) -> TokenStream {
    let builder = &names.builder;
    let setters = members.iter().map(|member| {
        let Setter {
            docs,
            name,
            params: args,
            slot,
            value,
        } = &member.setter;
        let is_this = |other: &Member| std::ptr::eq(other, member);
        let types = members.iter().map(|m| {
            let param = &m.slot.param;
            if is_this(m) {
                slot.clone()
            } else {
                quote!(#param)
            }
        });
        let values = members.iter().map(|m| {
            let var = &m.slot.var;
            if is_this(m) {
                quote!(#value)
            } else {
                quote!(#var)
            }
        });
        let pattern = members.iter().map(|m| {
            let var = &m.slot.var;
            if is_this(m) { quote!(_) } else { quote!(#var) }
        });
        quote! {
            #docs
            pub fn #name(self, #args) -> #builder<(#(#types,)*)> {
                let (#(#pattern,)*) = self.state;
                #builder {
                    state: (#(#values,)*),
                    configure: self.configure,
                }
            }
        }
    });
    quote!(#(#setters)*)
}

fn build_fn(
    settings: &Settings,
    agent: &AgentStruct,
    names: &Names,
    members: &Members,
) -> TokenStream {
    let ident = &agent.ident;
    let runner = &names.runner;
    let bounds = members.iter().map(|m| {
        let (param, bound) = (&m.slot.param, &m.bound);
        quote!(#param: #bound)
    });
    let vars = members.iter().map(|m| &m.slot.var);
    let model = consume(&members.model);
    let fields = agent
        .fields
        .iter()
        .zip(&members.fields)
        .map(|(field, member)| {
            let (ident, value) = (&field.ident, consume(member));
            quote!(#ident: #value)
        });
    let deps = members.deps.as_ref().map(|member| {
        let value = consume(member);
        quote!(.deps(#value))
    });
    let tools = Tools::new(settings);
    let checks = tools.checks(settings);
    let config = runner_config(settings, agent, &tools);
    quote! {
        /// Builds the agent, in the `Created` state: call `.start().await?`
        /// on it before `.run(..)`.
        ///
        /// # Errors
        /// A `PatinoxError::Configuration` if the runner cannot be built,
        /// e.g. two tools added with `.configure(..)` share a name.
        pub fn build(
            self,
        ) -> ::patinox::Result<::patinox::agent::AgentHandle<#ident, ::patinox::agent::Created>>
        where
            #(#bounds,)*
        {
            #checks
            let (#(#vars,)*) = self.state;
            let __patinox_builder = ::patinox::agent::Runner::builder(#model);
            #config
            let __patinox_builder = __patinox_builder #deps;
            let #runner = self.configure.apply(__patinox_builder).build()?;
            ::core::result::Result::Ok(::patinox::agent::AgentHandle::new(#ident {
                #(#fields,)*
                #runner,
            }))
        }
    }
}

/// `build()`'s value of a member: its `…IsSet` trait applied to its slot.
fn consume(member: &Member) -> TokenStream {
    let (consume, var) = (&member.consume, &member.slot.var);
    quote!(#consume(#var))
}

/// The paths of `tools(..)`, each behind a type alias so that it is
/// resolved once: a path that is no `#[tool]` gives one error, not one per use.
struct Tools<'a> {
    tools: Vec<(&'a Path, Ident)>,
}

impl<'a> Tools<'a> {
    fn new(settings: &'a Settings) -> Self {
        Self {
            tools: settings
                .tools
                .iter()
                .enumerate()
                .map(|(i, path)| (path, format_ident!("__PatinoxTool{}", i)))
                .collect(),
        }
    }

    /// The aliases and the compile-time checks: each tool fits the agent's
    /// deps, and no two share a name.
    fn checks(&self, settings: &Settings) -> TokenStream {
        if self.tools.is_empty() {
            return TokenStream::new();
        }
        let deps = settings
            .deps
            .as_ref()
            .map_or_else(|| quote!(()), |deps| quote!(#deps));
        let aliases = self.tools.iter().map(|(path, alias)| {
            let alias = respan(alias, path);
            quote_spanned!(path.span()=> type #alias = #path;)
        });
        let fits = self.tools.iter().map(|(path, alias)| {
            let alias = respan(alias, path);
            quote_spanned! {path.span()=>
                ::patinox::__private::deps_fit::<
                    <#alias as ::patinox::__private::DeclaredTool>::Deps,
                    #alias,
                    #deps,
                >();
            }
        });
        let names = self.names();
        quote! {
            #(#aliases)*
            const _: () = { #(#fits)* };
            #names
        }
    }

    /// One check per pair of tools that their names differ.
    fn names(&self) -> TokenStream {
        if self.tools.len() < 2 {
            return TokenStream::new();
        }
        let count = self.tools.len();
        let names = self.tools.iter().map(|(path, alias)| {
            let alias = respan(alias, path);
            quote_spanned!(path.span()=> <#alias as ::patinox::__private::DeclaredTool>::NAME)
        });
        let mut pairs = Vec::new();
        for (j, (second, _)) in self.tools.iter().enumerate() {
            for (i, (first, _)) in self.tools[..j].iter().enumerate() {
                let message = format!(
                    "the tools `{}` and `{}` have the same name, and the model tells tools apart by name: rename one with #[tool(name = \"...\")]",
                    path_text(first),
                    path_text(second)
                );
                pairs.push(quote_spanned! {second.span()=>
                    const _: () = if ::patinox::__private::same_name(
                        __PATINOX_TOOL_NAMES[#i],
                        __PATINOX_TOOL_NAMES[#j],
                    ) {
                        ::core::panic!(#message)
                    };
                });
            }
        }
        quote! {
            const __PATINOX_TOOL_NAMES: [&str; #count] = [#(#names),*];
            #(#pairs)*
        }
    }

    /// `.tool(..)` for each tool.
    fn registrations(&self) -> impl Iterator<Item = TokenStream> + '_ {
        self.tools.iter().map(|(path, alias)| {
            let alias = respan(alias, path);
            quote_spanned!(path.span()=> .tool(<#alias as ::patinox::__private::DeclaredTool>::new()))
        })
    }
}

/// `alias`, spanned on `path`: errors about the alias point at the user's path.
fn respan(alias: &Ident, path: &Path) -> Ident {
    Ident::new(&alias.to_string(), path.span())
}

fn path_text(path: &Path) -> String {
    quote!(#path).to_string().replace(' ', "")
}

/// The `Runner::builder(..)` calls that the attribute's arguments declare,
/// on `__patinox_builder`.
fn runner_config(settings: &Settings, agent: &AgentStruct, tools: &Tools<'_>) -> TokenStream {
    let name = settings
        .name
        .clone()
        .unwrap_or_else(|| agent.ident.to_string());
    let instructions = settings
        .instructions
        .clone()
        .or_else(|| agent.doc.clone())
        .map(|text| quote!(let __patinox_builder = __patinox_builder.instructions(#text);));
    // Spanned on the type: a type that cannot be an output is reported
    // once, there, for each missing trait.
    let output = settings
        .output
        .as_ref()
        .map(|output| quote_spanned!(output.span()=> .output::<#output>()));
    let max_turns = settings.max_turns.map(|n| quote!(.max_turns(#n)));
    let tools = tools.registrations();
    // Spanned on the user's path, so that a name that is not a validator is
    // reported there.
    let validators = settings.validators.iter().map(|path| {
        let value = quote_spanned!(path.span()=> #path {});
        quote_spanned!(path.span()=> .validator(#value))
    });
    quote! {
        let __patinox_builder = __patinox_builder.name(#name);
        #instructions
        let __patinox_builder = __patinox_builder
            #output
            #max_turns
            #(#tools)*
            #(#validators)*;
    }
}
