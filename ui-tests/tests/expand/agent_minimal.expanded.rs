/// You are a helpful assistant.
pub struct Assistant {
    #[doc(hidden)]
    __patinox_runner: ::patinox::agent::Runner,
}
///The typestate of [`AssistantBuilder`]: which members are set.
#[allow(dead_code)]
pub mod assistant_builder {
    /// A member that has been set, holding its value.
    pub struct Set<T>(pub(super) T);
    #[automatically_derived]
    impl<T: ::core::fmt::Debug> ::core::fmt::Debug for Set<T> {
        #[inline]
        fn fmt(&self, f: &mut ::core::fmt::Formatter) -> ::core::fmt::Result {
            ::core::fmt::Formatter::debug_tuple_field1_finish(f, "Set", &&self.0)
        }
    }
    /// A member that has not been set.
    pub struct Unset;
    #[automatically_derived]
    impl ::core::fmt::Debug for Unset {
        #[inline]
        fn fmt(&self, f: &mut ::core::fmt::Formatter) -> ::core::fmt::Result {
            ::core::fmt::Formatter::write_str(f, "Unset")
        }
    }
    /// Whether the model is set, or has a default.
    #[diagnostic::on_unimplemented(
        message = "the model is not set: call `.model(..)` before `.build()`",
        label = "the model is not set",
        note = "e.g. `.model(patinox::model::from_env().await?)`, or declare a default with `#[agent(model = \"provider:model-id\")]`"
    )]
    pub trait ModelIsSet {
        /// The model.
        fn into_model(self) -> ::std::sync::Arc<dyn ::patinox::model::LanguageModel>;
    }
    impl ModelIsSet for Set<::std::sync::Arc<dyn ::patinox::model::LanguageModel>> {
        fn into_model(self) -> ::std::sync::Arc<dyn ::patinox::model::LanguageModel> {
            self.0
        }
    }
}
/**Builds a [`Assistant`] agent; start with [`Assistant::builder`].

Members:
- `.model(..)`, required

`.build()` compiles only once every required member is set; the
compiler names the missing one otherwise. The state parameter `S`
records which members are set (see [`assistant_builder`]).*/
#[must_use = "a builder does nothing until `.build()` is called"]
#[allow(dead_code)]
pub struct AssistantBuilder<S = (assistant_builder::Unset,)> {
    state: S,
    configure: ::patinox::__private::Configure,
}
#[allow(dead_code)]
impl Assistant {
    /**Starts building a [`Assistant`] agent.

- `.model(..)`, required

then `.build()?` returns the created agent: `.start().await?` it, then `.run(input).await?`, then `.stop().await?`.*/
    pub fn builder() -> AssistantBuilder {
        AssistantBuilder {
            state: (assistant_builder::Unset,),
            configure: ::core::default::Default::default(),
        }
    }
    /// The runner that drives this agent's conversations (model,
    /// tools, validators, turn limit); it is also an untyped `Agent`.
    pub fn runner(&self) -> &::patinox::agent::Runner {
        &self.__patinox_runner
    }
}
#[allow(dead_code)]
impl<__SModel> AssistantBuilder<(__SModel,)> {
    /// Sets the model: a provider's model, the offline model, or an
    /// `Arc<dyn LanguageModel>` such as `patinox::model::from_env()` returns.
    pub fn model(
        self,
        model: impl ::patinox::__private::IntoModel,
    ) -> AssistantBuilder<
        (assistant_builder::Set<::std::sync::Arc<dyn ::patinox::model::LanguageModel>>,),
    > {
        let (_,) = self.state;
        AssistantBuilder {
            state: (
                assistant_builder::Set(
                    ::patinox::__private::IntoModel::into_model(model),
                ),
            ),
            configure: self.configure,
        }
    }
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
        f: impl ::core::ops::FnOnce(
            ::patinox::agent::RunnerBuilder,
        ) -> ::patinox::agent::RunnerBuilder + ::core::marker::Send + 'static,
    ) -> Self {
        AssistantBuilder {
            state: self.state,
            configure: self.configure.then(f),
        }
    }
    /// Builds the agent, in the `Created` state: call `.start().await?`
    /// on it before `.run(..)`.
    ///
    /// # Errors
    /// A `PatinoxError::Configuration` if the runner cannot be built,
    /// e.g. two tools added with `.configure(..)` share a name.
    pub fn build(
        self,
    ) -> ::patinox::Result<
        ::patinox::agent::AgentHandle<Assistant, ::patinox::agent::Created>,
    >
    where
        __SModel: assistant_builder::ModelIsSet,
    {
        let (__patinox_member_model,) = self.state;
        let __patinox_builder = ::patinox::agent::Runner::builder(
            assistant_builder::ModelIsSet::into_model(__patinox_member_model),
        );
        let __patinox_builder = __patinox_builder.name("Assistant");
        let __patinox_builder = __patinox_builder
            .instructions("You are a helpful assistant.");
        let __patinox_builder = __patinox_builder;
        let __patinox_builder = __patinox_builder;
        let __patinox_runner = self.configure.apply(__patinox_builder).build()?;
        ::core::result::Result::Ok(
            ::patinox::agent::AgentHandle::new(Assistant { __patinox_runner }),
        )
    }
}
impl ::patinox::agent::Runnable for Assistant {
    type Format = ::patinox::agent::Text;
    fn runner(&self) -> &::patinox::agent::Runner {
        &self.__patinox_runner
    }
}
impl ::patinox::agent::Agent for Assistant {
    fn name(&self) -> &str {
        ::patinox::agent::Agent::name(&self.__patinox_runner)
    }
    #[allow(
        elided_named_lifetimes,
        clippy::async_yields_async,
        clippy::diverging_sub_expression,
        clippy::let_unit_value,
        clippy::needless_arbitrary_self_type,
        clippy::no_effect_underscore_binding,
        clippy::shadow_same,
        clippy::type_complexity,
        clippy::type_repetition_in_bounds,
        clippy::used_underscore_binding
    )]
    fn start<'life0, 'async_trait>(
        &'life0 self,
    ) -> ::core::pin::Pin<
        Box<
            dyn ::core::future::Future<
                Output = ::patinox::Result<()>,
            > + ::core::marker::Send + 'async_trait,
        >,
    >
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        Box::pin(async move {
            if let ::core::option::Option::Some(__ret) = ::core::option::Option::None::<
                ::patinox::Result<()>,
            > {
                #[allow(unreachable_code)] return __ret;
            }
            let __self = self;
            let __ret: ::patinox::Result<()> = {
                ::patinox::agent::Agent::start(&__self.__patinox_runner).await
            };
            #[allow(unreachable_code)] __ret
        })
    }
    #[allow(
        elided_named_lifetimes,
        clippy::async_yields_async,
        clippy::diverging_sub_expression,
        clippy::let_unit_value,
        clippy::needless_arbitrary_self_type,
        clippy::no_effect_underscore_binding,
        clippy::shadow_same,
        clippy::type_complexity,
        clippy::type_repetition_in_bounds,
        clippy::used_underscore_binding
    )]
    fn execute<'life0, 'life1, 'async_trait>(
        &'life0 self,
        input: &'life1 str,
    ) -> ::core::pin::Pin<
        Box<
            dyn ::core::future::Future<
                Output = ::patinox::Result<::patinox::agent::RunResult>,
            > + ::core::marker::Send + 'async_trait,
        >,
    >
    where
        'life0: 'async_trait,
        'life1: 'async_trait,
        Self: 'async_trait,
    {
        Box::pin(async move {
            if let ::core::option::Option::Some(__ret) = ::core::option::Option::None::<
                ::patinox::Result<::patinox::agent::RunResult>,
            > {
                #[allow(unreachable_code)] return __ret;
            }
            let __self = self;
            let __ret: ::patinox::Result<::patinox::agent::RunResult> = {
                ::patinox::agent::Agent::execute(&__self.__patinox_runner, input).await
            };
            #[allow(unreachable_code)] __ret
        })
    }
    #[allow(
        elided_named_lifetimes,
        clippy::async_yields_async,
        clippy::diverging_sub_expression,
        clippy::let_unit_value,
        clippy::needless_arbitrary_self_type,
        clippy::no_effect_underscore_binding,
        clippy::shadow_same,
        clippy::type_complexity,
        clippy::type_repetition_in_bounds,
        clippy::used_underscore_binding
    )]
    fn stop<'life0, 'async_trait>(
        &'life0 self,
    ) -> ::core::pin::Pin<
        Box<
            dyn ::core::future::Future<
                Output = ::patinox::Result<()>,
            > + ::core::marker::Send + 'async_trait,
        >,
    >
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        Box::pin(async move {
            if let ::core::option::Option::Some(__ret) = ::core::option::Option::None::<
                ::patinox::Result<()>,
            > {
                #[allow(unreachable_code)] return __ret;
            }
            let __self = self;
            let __ret: ::patinox::Result<()> = {
                ::patinox::agent::Agent::stop(&__self.__patinox_runner).await
            };
            #[allow(unreachable_code)] __ret
        })
    }
    #[allow(
        elided_named_lifetimes,
        clippy::async_yields_async,
        clippy::diverging_sub_expression,
        clippy::let_unit_value,
        clippy::needless_arbitrary_self_type,
        clippy::no_effect_underscore_binding,
        clippy::shadow_same,
        clippy::type_complexity,
        clippy::type_repetition_in_bounds,
        clippy::used_underscore_binding
    )]
    fn health<'life0, 'async_trait>(
        &'life0 self,
    ) -> ::core::pin::Pin<
        Box<
            dyn ::core::future::Future<
                Output = ::patinox::agent::Health,
            > + ::core::marker::Send + 'async_trait,
        >,
    >
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        Box::pin(async move {
            if let ::core::option::Option::Some(__ret) = ::core::option::Option::None::<
                ::patinox::agent::Health,
            > {
                #[allow(unreachable_code)] return __ret;
            }
            let __self = self;
            let __ret: ::patinox::agent::Health = {
                ::patinox::agent::Agent::health(&__self.__patinox_runner).await
            };
            #[allow(unreachable_code)] __ret
        })
    }
}
fn main() {}
