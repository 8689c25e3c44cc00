//! Code generation for `#[agent]`, from a model that parsed cleanly.
//!
//! For `struct Bot { units: Units }` this emits:
//! - the struct, plus a hidden field holding its [`Runner`];
//! - `mod bot_builder`: the typestate markers `Set<T>`/`Unset` and one
//!   `…IsSet` trait per builder member, each with an `on_unimplemented`
//!   message naming the member;
//! - `BotBuilder<S>`: one state parameter, a tuple with one slot per member,
//!   and the closures given to `.configure(..)`;
//! - `Bot::builder()`, and the `Agent` (or, with `output = T`, `Runnable`)
//!   impl delegating to the runner.
//!
//! `build()` also holds the compile-time checks of `tools(..)`: each listed
//! path is a `#[tool]` whose `&RunContext<D>` fits the agent's deps, and no
//! two of them share a name.
//!
//! [`Runner`]: https://docs.rs/patinox/latest/patinox/agent/struct.Runner.html

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Ident, Visibility};

mod builder;
mod members;

use super::ast::{AgentStruct, Settings};

/// The hidden field that holds the runner.
const RUNNER: &str = "__patinox_runner";

/// The builder's members, in the order of the state tuple's slots.
struct Members {
    model: Member,
    fields: Vec<Member>,
    /// Present when the agent declares `deps = ..`.
    deps: Option<Member>,
}

impl Members {
    fn iter(&self) -> impl Iterator<Item = &Member> {
        std::iter::once(&self.model)
            .chain(&self.fields)
            .chain(&self.deps)
    }
}

/// Where a member lives in the builder's state.
struct Slot {
    /// The variable holding it in `build()` and the setters.
    var: Ident,
    /// The state tuple's type parameter for it.
    param: Ident,
}

impl Slot {
    /// The slot of the member called `name`.
    fn new(name: &str) -> Self {
        let name = name.trim_start_matches("r#");
        Self {
            var: format_ident!("__patinox_member_{}", name),
            param: format_ident!("__S{}", pascal_case(name)),
        }
    }
}

/// One slot of the builder's state tuple.
struct Member {
    slot: Slot,
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
pub(crate) fn agent(settings: &Settings, agent: &AgentStruct) -> TokenStream {
    let names = Names::new(agent);
    let members = members::members(settings, agent, &names);
    let strukt = struct_with_runner(agent);
    let state_mod = members::state_module(agent, &names, &members);
    let builder = builder::builder(settings, agent, &names, &members);
    let runnable = runnable(settings, agent);
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

fn runnable(settings: &Settings, agent: &AgentStruct) -> TokenStream {
    let ident = &agent.ident;
    let runner = format_ident!("{}", RUNNER);
    let Some(output) = &settings.output else {
        let runnable = runnable_impl(ident, &runner, &quote!(::patinox::agent::Text));
        return quote! {
            #runnable

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
    // Spanned on the type: a type that cannot be an output is reported
    // once, there, for each missing trait.
    let format = quote_spanned!(output.span()=> ::patinox::agent::Json<#output>);
    runnable_impl(ident, &runner, &format)
}

/// `Runnable`: the agent's runner and the format of its output.
fn runnable_impl(ident: &syn::Ident, runner: &syn::Ident, format: &TokenStream) -> TokenStream {
    quote! {
        impl ::patinox::agent::Runnable for #ident {
            type Format = #format;

            fn runner(&self) -> &::patinox::agent::Runner {
                &self.#runner
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
