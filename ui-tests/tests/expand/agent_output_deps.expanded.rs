#[serde(crate = "patinox::__private::serde")]
#[schemars(crate = "patinox::__private::schemars")]
pub struct Forecast {
    pub celsius: f64,
}
#[doc(hidden)]
#[allow(
    non_upper_case_globals,
    unused_attributes,
    unused_qualifications,
    clippy::absolute_paths,
)]
const _: () = {
    use patinox::__private::serde as _serde;
    #[automatically_derived]
    impl<'de> _serde::Deserialize<'de> for Forecast {
        fn deserialize<__D>(
            __deserializer: __D,
        ) -> _serde::__private229::Result<Self, __D::Error>
        where
            __D: _serde::Deserializer<'de>,
        {
            #[allow(non_camel_case_types)]
            #[doc(hidden)]
            enum __Field {
                __field0,
                __ignore,
            }
            #[doc(hidden)]
            struct __FieldVisitor;
            #[automatically_derived]
            impl<'de> _serde::de::Visitor<'de> for __FieldVisitor {
                type Value = __Field;
                fn expecting(
                    &self,
                    __formatter: &mut _serde::__private229::Formatter,
                ) -> _serde::__private229::fmt::Result {
                    _serde::__private229::Formatter::write_str(
                        __formatter,
                        "field identifier",
                    )
                }
                fn visit_u64<__E>(
                    self,
                    __value: u64,
                ) -> _serde::__private229::Result<Self::Value, __E>
                where
                    __E: _serde::de::Error,
                {
                    match __value {
                        0u64 => _serde::__private229::Ok(__Field::__field0),
                        _ => _serde::__private229::Ok(__Field::__ignore),
                    }
                }
                fn visit_str<__E>(
                    self,
                    __value: &str,
                ) -> _serde::__private229::Result<Self::Value, __E>
                where
                    __E: _serde::de::Error,
                {
                    match __value {
                        "celsius" => _serde::__private229::Ok(__Field::__field0),
                        _ => _serde::__private229::Ok(__Field::__ignore),
                    }
                }
                fn visit_bytes<__E>(
                    self,
                    __value: &[u8],
                ) -> _serde::__private229::Result<Self::Value, __E>
                where
                    __E: _serde::de::Error,
                {
                    match __value {
                        b"celsius" => _serde::__private229::Ok(__Field::__field0),
                        _ => _serde::__private229::Ok(__Field::__ignore),
                    }
                }
            }
            #[automatically_derived]
            impl<'de> _serde::Deserialize<'de> for __Field {
                #[inline]
                fn deserialize<__D>(
                    __deserializer: __D,
                ) -> _serde::__private229::Result<Self, __D::Error>
                where
                    __D: _serde::Deserializer<'de>,
                {
                    _serde::Deserializer::deserialize_identifier(
                        __deserializer,
                        __FieldVisitor,
                    )
                }
            }
            #[doc(hidden)]
            struct __Visitor<'de> {
                marker: _serde::__private229::PhantomData<Forecast>,
                lifetime: _serde::__private229::PhantomData<&'de ()>,
            }
            #[automatically_derived]
            impl<'de> _serde::de::Visitor<'de> for __Visitor<'de> {
                type Value = Forecast;
                fn expecting(
                    &self,
                    __formatter: &mut _serde::__private229::Formatter,
                ) -> _serde::__private229::fmt::Result {
                    _serde::__private229::Formatter::write_str(
                        __formatter,
                        "struct Forecast",
                    )
                }
                #[inline]
                fn visit_seq<__A>(
                    self,
                    mut __seq: __A,
                ) -> _serde::__private229::Result<Self::Value, __A::Error>
                where
                    __A: _serde::de::SeqAccess<'de>,
                {
                    let __field0 = match _serde::de::SeqAccess::next_element::<
                        f64,
                    >(&mut __seq)? {
                        _serde::__private229::Some(__value) => __value,
                        _serde::__private229::None => {
                            return _serde::__private229::Err(
                                _serde::de::Error::invalid_length(
                                    0usize,
                                    &"struct Forecast with 1 element",
                                ),
                            );
                        }
                    };
                    _serde::__private229::Ok(Forecast { celsius: __field0 })
                }
                #[inline]
                fn visit_map<__A>(
                    self,
                    mut __map: __A,
                ) -> _serde::__private229::Result<Self::Value, __A::Error>
                where
                    __A: _serde::de::MapAccess<'de>,
                {
                    let mut __field0: _serde::__private229::Option<f64> = _serde::__private229::None;
                    while let _serde::__private229::Some(__key) = _serde::de::MapAccess::next_key::<
                        __Field,
                    >(&mut __map)? {
                        match __key {
                            __Field::__field0 => {
                                if _serde::__private229::Option::is_some(&__field0) {
                                    return _serde::__private229::Err(
                                        <__A::Error as _serde::de::Error>::duplicate_field(
                                            "celsius",
                                        ),
                                    );
                                }
                                __field0 = _serde::__private229::Some(
                                    _serde::de::MapAccess::next_value::<f64>(&mut __map)?,
                                );
                            }
                            _ => {
                                let _ = _serde::de::MapAccess::next_value::<
                                    _serde::de::IgnoredAny,
                                >(&mut __map)?;
                            }
                        }
                    }
                    let __field0 = match __field0 {
                        _serde::__private229::Some(__field0) => __field0,
                        _serde::__private229::None => {
                            _serde::__private229::de::missing_field("celsius")?
                        }
                    };
                    _serde::__private229::Ok(Forecast { celsius: __field0 })
                }
            }
            #[doc(hidden)]
            const FIELDS: &'static [&'static str] = &["celsius"];
            _serde::Deserializer::deserialize_struct(
                __deserializer,
                "Forecast",
                FIELDS,
                __Visitor {
                    marker: _serde::__private229::PhantomData::<Forecast>,
                    lifetime: _serde::__private229::PhantomData,
                },
            )
        }
    }
};
const _: () = {
    use patinox::__private::schemars as schemars;
    #[automatically_derived]
    #[allow(unused_braces, unused_qualifications)]
    impl schemars::JsonSchema for Forecast {
        fn schema_name() -> schemars::_private::alloc::borrow::Cow<'static, str> {
            schemars::_private::alloc::borrow::Cow::Borrowed("Forecast")
        }
        fn schema_id() -> schemars::_private::alloc::borrow::Cow<'static, str> {
            schemars::_private::alloc::borrow::Cow::Borrowed(
                "agent_output_deps::Forecast",
            )
        }
        fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
            {
                let mut schema = <::schemars::Schema as ::core::convert::TryFrom<
                    _,
                >>::try_from(
                        ::serde_json::Value::Object({
                            let mut object = ::serde_json::Map::new();
                            let _ = object
                                .insert(
                                    ("type").into(),
                                    ::serde_json::to_value(&"object").unwrap(),
                                );
                            object
                        }),
                    )
                    .unwrap();
                {
                    schemars::_private::insert_object_property(
                        &mut schema,
                        "celsius",
                        generator.contract().is_deserialize()
                            && <f64 as schemars::JsonSchema>::_schemars_private_is_option(),
                        { generator.subschema_for::<f64>() },
                    );
                }
                schema
            }
        }
        fn inline_schema() -> bool {
            false
        }
    }
};
pub struct AppState;
/// You forecast the weather.
pub struct Forecaster {
    /// The units to answer in.
    pub units: String,
    /// Whether to explain.
    pub verbose: bool,
    #[doc(hidden)]
    __patinox_runner: ::patinox::agent::Runner,
}
///The typestate of [`ForecasterBuilder`]: which members are set.
#[allow(dead_code)]
pub mod forecaster_builder {
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
    impl ModelIsSet for Unset {
        fn into_model(self) -> ::std::sync::Arc<dyn ::patinox::model::LanguageModel> {
            ::std::sync::Arc::new(
                ::patinox::model::DefaultModel::new(
                    ::patinox::model::ModelId::new("offline", "patinox"),
                ),
            )
        }
    }
    ///Whether `units` is set, or has a default.
    #[diagnostic::on_unimplemented(
        message = "the field `units` is not set: call `.units(..)` before `.build()`",
        label = "`units` is not set",
        note = "every field of `Forecaster` is required unless marked `#[agent(default)]`"
    )]
    pub trait UnitsIsSet<T> {
        /// The field's value.
        fn into_value(self) -> T;
    }
    impl<T> UnitsIsSet<T> for Set<T> {
        fn into_value(self) -> T {
            self.0
        }
    }
    ///Whether `verbose` is set, or has a default.
    #[diagnostic::on_unimplemented(
        message = "the field `verbose` is not set: call `.verbose(..)` before `.build()`",
        label = "`verbose` is not set",
        note = "every field of `Forecaster` is required unless marked `#[agent(default)]`"
    )]
    pub trait VerboseIsSet<T> {
        /// The field's value.
        fn into_value(self) -> T;
    }
    impl<T> VerboseIsSet<T> for Set<T> {
        fn into_value(self) -> T {
            self.0
        }
    }
    impl<T: ::core::default::Default> VerboseIsSet<T> for Unset {
        fn into_value(self) -> T {
            T::default()
        }
    }
    /// Whether the dependencies are set.
    #[diagnostic::on_unimplemented(
        message = "the dependencies are not set: call `.deps(..)` before `.build()`",
        label = "the dependencies are not set",
        note = "this agent declares `deps = ..`: tools receive them through `&RunContext<..>`"
    )]
    pub trait DepsIsSet<T> {
        /// The dependencies.
        fn into_deps(self) -> ::std::sync::Arc<T>;
    }
    impl<T> DepsIsSet<T> for Set<::std::sync::Arc<T>> {
        fn into_deps(self) -> ::std::sync::Arc<T> {
            self.0
        }
    }
}
/**Builds a [`Forecaster`] agent; start with [`Forecaster::builder`].

Members:
- `.model(..)`, optional (default: `offline:patinox`, see `patinox::model::DefaultModel`)
- `.units(..)`, required
- `.verbose(..)`, optional (default: `Default::default()`)
- `.deps(..)`, required

`.build()` compiles only once every required member is set; the
compiler names the missing one otherwise. The state parameter `S`
records which members are set (see [`forecaster_builder`]).*/
#[must_use = "a builder does nothing until `.build()` is called"]
#[allow(dead_code)]
pub struct ForecasterBuilder<
    S
        = (
            forecaster_builder::Unset,
            forecaster_builder::Unset,
            forecaster_builder::Unset,
            forecaster_builder::Unset,
        ),
> {
    state: S,
    configure: ::patinox::__private::Configure,
}
#[allow(dead_code)]
impl Forecaster {
    /**Starts building a [`Forecaster`] agent.

- `.model(..)`, optional (default: `offline:patinox`, see `patinox::model::DefaultModel`)
- `.units(..)`, required
- `.verbose(..)`, optional (default: `Default::default()`)
- `.deps(..)`, required

then `.build()?` returns the created agent: `.start().await?` it, then `.run(input).await?`, then `.stop().await?`.*/
    pub fn builder() -> ForecasterBuilder {
        ForecasterBuilder {
            state: (
                forecaster_builder::Unset,
                forecaster_builder::Unset,
                forecaster_builder::Unset,
                forecaster_builder::Unset,
            ),
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
impl<
    __SModel,
    __SUnits,
    __SVerbose,
    __SDeps,
> ForecasterBuilder<(__SModel, __SUnits, __SVerbose, __SDeps)> {
    /// Sets the model: a provider's model, the offline model, or an
    /// `Arc<dyn LanguageModel>` such as `patinox::model::from_env()` returns.
    pub fn model(
        self,
        model: impl ::patinox::__private::IntoModel,
    ) -> ForecasterBuilder<
        (
            forecaster_builder::Set<
                ::std::sync::Arc<dyn ::patinox::model::LanguageModel>,
            >,
            __SUnits,
            __SVerbose,
            __SDeps,
        ),
    > {
        let (
            _,
            __patinox_member_units,
            __patinox_member_verbose,
            __patinox_member_deps,
        ) = self.state;
        ForecasterBuilder {
            state: (
                forecaster_builder::Set(
                    ::patinox::__private::IntoModel::into_model(model),
                ),
                __patinox_member_units,
                __patinox_member_verbose,
                __patinox_member_deps,
            ),
            configure: self.configure,
        }
    }
    ///The units to answer in.
    pub fn units(
        self,
        units: String,
    ) -> ForecasterBuilder<
        (__SModel, forecaster_builder::Set<String>, __SVerbose, __SDeps),
    > {
        let (
            __patinox_member_model,
            _,
            __patinox_member_verbose,
            __patinox_member_deps,
        ) = self.state;
        ForecasterBuilder {
            state: (
                __patinox_member_model,
                forecaster_builder::Set(units),
                __patinox_member_verbose,
                __patinox_member_deps,
            ),
            configure: self.configure,
        }
    }
    ///Whether to explain.
    pub fn verbose(
        self,
        verbose: bool,
    ) -> ForecasterBuilder<
        (__SModel, __SUnits, forecaster_builder::Set<bool>, __SDeps),
    > {
        let (__patinox_member_model, __patinox_member_units, _, __patinox_member_deps) = self
            .state;
        ForecasterBuilder {
            state: (
                __patinox_member_model,
                __patinox_member_units,
                forecaster_builder::Set(verbose),
                __patinox_member_deps,
            ),
            configure: self.configure,
        }
    }
    /// Sets the dependencies handed to tools through `&RunContext<..>`:
    /// a value or an `Arc` of it.
    pub fn deps(
        self,
        deps: impl ::core::convert::Into<::std::sync::Arc<AppState>>,
    ) -> ForecasterBuilder<
        (
            __SModel,
            __SUnits,
            __SVerbose,
            forecaster_builder::Set<::std::sync::Arc<AppState>>,
        ),
    > {
        let (
            __patinox_member_model,
            __patinox_member_units,
            __patinox_member_verbose,
            _,
        ) = self.state;
        ForecasterBuilder {
            state: (
                __patinox_member_model,
                __patinox_member_units,
                __patinox_member_verbose,
                forecaster_builder::Set(::core::convert::Into::into(deps)),
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
        ForecasterBuilder {
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
        ::patinox::agent::AgentHandle<Forecaster, ::patinox::agent::Created>,
    >
    where
        __SModel: forecaster_builder::ModelIsSet,
        __SUnits: forecaster_builder::UnitsIsSet<String>,
        __SVerbose: forecaster_builder::VerboseIsSet<bool>,
        __SDeps: forecaster_builder::DepsIsSet<AppState>,
    {
        let (
            __patinox_member_model,
            __patinox_member_units,
            __patinox_member_verbose,
            __patinox_member_deps,
        ) = self.state;
        let __patinox_builder = ::patinox::agent::Runner::builder(
            forecaster_builder::ModelIsSet::into_model(__patinox_member_model),
        );
        let __patinox_builder = __patinox_builder.name("Forecaster");
        let __patinox_builder = __patinox_builder
            .instructions("You forecast the weather.");
        let __patinox_builder = __patinox_builder.output::<Forecast>().max_turns(3u32);
        let __patinox_builder = __patinox_builder
            .deps(forecaster_builder::DepsIsSet::into_deps(__patinox_member_deps));
        let __patinox_runner = self.configure.apply(__patinox_builder).build()?;
        ::core::result::Result::Ok(
            ::patinox::agent::AgentHandle::new(Forecaster {
                units: forecaster_builder::UnitsIsSet::into_value(
                    __patinox_member_units,
                ),
                verbose: forecaster_builder::VerboseIsSet::into_value(
                    __patinox_member_verbose,
                ),
                __patinox_runner,
            }),
        )
    }
}
impl ::patinox::agent::Runnable for Forecaster {
    type Format = ::patinox::agent::Json<Forecast>;
    fn runner(&self) -> &::patinox::agent::Runner {
        &self.__patinox_runner
    }
}
fn main() {}
