//! The builder struct, its setters and `build()`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::Ident;
use syn::spanned::Spanned;

use super::{Member, Names, Setter};
use crate::agent::ast::{AgentStruct, Args};

pub(super) fn builder(
    args: &Args,
    agent: &AgentStruct,
    names: &Names,
    members: &[Member],
) -> TokenStream {
    let AgentStruct { ident, vis, .. } = agent;
    let (builder, module) = (&names.builder, &names.module);
    let vars: Vec<Ident> = (0..members.len())
        .map(|i| format_ident!("__s{}", i))
        .collect();
    let params: Vec<Ident> = (0..members.len())
        .map(|i| format_ident!("__S{}", i))
        .collect();
    let setters = setters(names, members, &params, &vars);
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
            #setters

            #build
        }

    }
}

/// One setter per member: it fills its slot of the state tuple and keeps the others.
fn setters(names: &Names, members: &[Member], params: &[Ident], vars: &[Ident]) -> TokenStream {
    let builder = &names.builder;
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
    quote!(#(#setters)*)
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
    let instructions = instructions.map(|text| quote!(.instructions(#text)));
    // Spanned on the type: a type that cannot be an output is reported
    // once, there, for each missing trait.
    let output = args
        .output
        .as_ref()
        .map(|output| quote_spanned!(output.span()=> .output::<#output>()));
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
        #output
        #max_turns
        #(#tools)*
        #(#validators)*
    }
}
