use schemars::JsonSchema;
use serde::Deserialize;
enum Unit {
    Celsius,
    Fahrenheit,
}
#[doc(hidden)]
#[allow(
    non_upper_case_globals,
    unused_attributes,
    unused_qualifications,
    clippy::absolute_paths,
)]
const _: () = {
    #[allow(unused_extern_crates, clippy::useless_attribute)]
    extern crate serde as _serde;
    #[automatically_derived]
    impl<'de> _serde::Deserialize<'de> for Unit {
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
                __field1,
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
                        "variant identifier",
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
                        1u64 => _serde::__private229::Ok(__Field::__field1),
                        _ => {
                            _serde::__private229::Err(
                                _serde::de::Error::invalid_value(
                                    _serde::de::Unexpected::Unsigned(__value),
                                    &"variant index 0 <= i < 2",
                                ),
                            )
                        }
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
                        "Celsius" => _serde::__private229::Ok(__Field::__field0),
                        "Fahrenheit" => _serde::__private229::Ok(__Field::__field1),
                        _ => {
                            _serde::__private229::Err(
                                _serde::de::Error::unknown_variant(__value, VARIANTS),
                            )
                        }
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
                        b"Celsius" => _serde::__private229::Ok(__Field::__field0),
                        b"Fahrenheit" => _serde::__private229::Ok(__Field::__field1),
                        _ => {
                            let __value = &_serde::__private229::from_utf8_lossy(
                                __value,
                            );
                            _serde::__private229::Err(
                                _serde::de::Error::unknown_variant(__value, VARIANTS),
                            )
                        }
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
                marker: _serde::__private229::PhantomData<Unit>,
                lifetime: _serde::__private229::PhantomData<&'de ()>,
            }
            #[automatically_derived]
            impl<'de> _serde::de::Visitor<'de> for __Visitor<'de> {
                type Value = Unit;
                fn expecting(
                    &self,
                    __formatter: &mut _serde::__private229::Formatter,
                ) -> _serde::__private229::fmt::Result {
                    _serde::__private229::Formatter::write_str(__formatter, "enum Unit")
                }
                fn visit_enum<__A>(
                    self,
                    __data: __A,
                ) -> _serde::__private229::Result<Self::Value, __A::Error>
                where
                    __A: _serde::de::EnumAccess<'de>,
                {
                    match _serde::de::EnumAccess::variant(__data) {
                        _serde::__private229::Ok((__Field::__field0, __variant)) => {
                            _serde::de::VariantAccess::unit_variant(__variant)?;
                            _serde::__private229::Ok(Unit::Celsius)
                        }
                        _serde::__private229::Ok((__Field::__field1, __variant)) => {
                            _serde::de::VariantAccess::unit_variant(__variant)?;
                            _serde::__private229::Ok(Unit::Fahrenheit)
                        }
                        _serde::__private229::Err(__err) => {
                            _serde::__private229::Err(__err)
                        }
                    }
                }
            }
            #[doc(hidden)]
            const VARIANTS: &'static [&'static str] = &["Celsius", "Fahrenheit"];
            _serde::Deserializer::deserialize_enum(
                __deserializer,
                "Unit",
                VARIANTS,
                __Visitor {
                    marker: _serde::__private229::PhantomData::<Unit>,
                    lifetime: _serde::__private229::PhantomData,
                },
            )
        }
    }
};
const _: () = {
    #[automatically_derived]
    #[allow(unused_braces, unused_qualifications)]
    impl schemars::JsonSchema for Unit {
        fn schema_name() -> schemars::_private::alloc::borrow::Cow<'static, str> {
            schemars::_private::alloc::borrow::Cow::Borrowed("Unit")
        }
        fn schema_id() -> schemars::_private::alloc::borrow::Cow<'static, str> {
            schemars::_private::alloc::borrow::Cow::Borrowed("tool_args::Unit")
        }
        fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
            {
                {
                    let mut map = schemars::_private::serde_json::Map::new();
                    map.insert("type".into(), "string".into());
                    map.insert(
                        "enum".into(),
                        schemars::_private::serde_json::Value::Array({
                            let mut enum_values = schemars::_private::alloc::vec::Vec::new();
                            enum_values.push(("Celsius").into());
                            enum_values.push(("Fahrenheit").into());
                            enum_values
                        }),
                    );
                    schemars::Schema::from(map)
                }
            }
        }
        fn inline_schema() -> bool {
            false
        }
    }
};
struct Place {
    city: String,
    country: Option<String>,
}
#[doc(hidden)]
#[allow(
    non_upper_case_globals,
    unused_attributes,
    unused_qualifications,
    clippy::absolute_paths,
)]
const _: () = {
    #[allow(unused_extern_crates, clippy::useless_attribute)]
    extern crate serde as _serde;
    #[automatically_derived]
    impl<'de> _serde::Deserialize<'de> for Place {
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
                __field1,
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
                        1u64 => _serde::__private229::Ok(__Field::__field1),
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
                        "city" => _serde::__private229::Ok(__Field::__field0),
                        "country" => _serde::__private229::Ok(__Field::__field1),
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
                        b"city" => _serde::__private229::Ok(__Field::__field0),
                        b"country" => _serde::__private229::Ok(__Field::__field1),
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
                marker: _serde::__private229::PhantomData<Place>,
                lifetime: _serde::__private229::PhantomData<&'de ()>,
            }
            #[automatically_derived]
            impl<'de> _serde::de::Visitor<'de> for __Visitor<'de> {
                type Value = Place;
                fn expecting(
                    &self,
                    __formatter: &mut _serde::__private229::Formatter,
                ) -> _serde::__private229::fmt::Result {
                    _serde::__private229::Formatter::write_str(
                        __formatter,
                        "struct Place",
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
                        String,
                    >(&mut __seq)? {
                        _serde::__private229::Some(__value) => __value,
                        _serde::__private229::None => {
                            return _serde::__private229::Err(
                                _serde::de::Error::invalid_length(
                                    0usize,
                                    &"struct Place with 2 elements",
                                ),
                            );
                        }
                    };
                    let __field1 = match _serde::de::SeqAccess::next_element::<
                        Option<String>,
                    >(&mut __seq)? {
                        _serde::__private229::Some(__value) => __value,
                        _serde::__private229::None => {
                            return _serde::__private229::Err(
                                _serde::de::Error::invalid_length(
                                    1usize,
                                    &"struct Place with 2 elements",
                                ),
                            );
                        }
                    };
                    _serde::__private229::Ok(Place {
                        city: __field0,
                        country: __field1,
                    })
                }
                #[inline]
                fn visit_map<__A>(
                    self,
                    mut __map: __A,
                ) -> _serde::__private229::Result<Self::Value, __A::Error>
                where
                    __A: _serde::de::MapAccess<'de>,
                {
                    let mut __field0: _serde::__private229::Option<String> = _serde::__private229::None;
                    let mut __field1: _serde::__private229::Option<Option<String>> = _serde::__private229::None;
                    while let _serde::__private229::Some(__key) = _serde::de::MapAccess::next_key::<
                        __Field,
                    >(&mut __map)? {
                        match __key {
                            __Field::__field0 => {
                                if _serde::__private229::Option::is_some(&__field0) {
                                    return _serde::__private229::Err(
                                        <__A::Error as _serde::de::Error>::duplicate_field("city"),
                                    );
                                }
                                __field0 = _serde::__private229::Some(
                                    _serde::de::MapAccess::next_value::<String>(&mut __map)?,
                                );
                            }
                            __Field::__field1 => {
                                if _serde::__private229::Option::is_some(&__field1) {
                                    return _serde::__private229::Err(
                                        <__A::Error as _serde::de::Error>::duplicate_field(
                                            "country",
                                        ),
                                    );
                                }
                                __field1 = _serde::__private229::Some(
                                    _serde::de::MapAccess::next_value::<
                                        Option<String>,
                                    >(&mut __map)?,
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
                            _serde::__private229::de::missing_field("city")?
                        }
                    };
                    let __field1 = match __field1 {
                        _serde::__private229::Some(__field1) => __field1,
                        _serde::__private229::None => {
                            _serde::__private229::de::missing_field("country")?
                        }
                    };
                    _serde::__private229::Ok(Place {
                        city: __field0,
                        country: __field1,
                    })
                }
            }
            #[doc(hidden)]
            const FIELDS: &'static [&'static str] = &["city", "country"];
            _serde::Deserializer::deserialize_struct(
                __deserializer,
                "Place",
                FIELDS,
                __Visitor {
                    marker: _serde::__private229::PhantomData::<Place>,
                    lifetime: _serde::__private229::PhantomData,
                },
            )
        }
    }
};
const _: () = {
    #[automatically_derived]
    #[allow(unused_braces, unused_qualifications)]
    impl schemars::JsonSchema for Place {
        fn schema_name() -> schemars::_private::alloc::borrow::Cow<'static, str> {
            schemars::_private::alloc::borrow::Cow::Borrowed("Place")
        }
        fn schema_id() -> schemars::_private::alloc::borrow::Cow<'static, str> {
            schemars::_private::alloc::borrow::Cow::Borrowed("tool_args::Place")
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
                        "city",
                        generator.contract().is_deserialize()
                            && <String as schemars::JsonSchema>::_schemars_private_is_option(),
                        { generator.subschema_for::<String>() },
                    );
                }
                {
                    schemars::_private::insert_object_property(
                        &mut schema,
                        "country",
                        generator.contract().is_deserialize()
                            && <Option<
                                String,
                            > as schemars::JsonSchema>::_schemars_private_is_option(),
                        { generator.subschema_for::<Option<String>>() },
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
/// Forecast for a place.
fn forecast(place: Place, unit: Option<Unit>, days: Vec<u8>) -> String {
    let _ = (place.city, place.country, unit, days);
    String::new()
}
///Tool `forecast`, generated by `#[tool]` from the function [`forecast()`].
#[allow(non_camel_case_types)]
struct forecast {}
#[automatically_derived]
#[doc(hidden)]
#[allow(non_camel_case_types)]
unsafe impl ::core::clone::TrivialClone for forecast {}
#[automatically_derived]
#[allow(non_camel_case_types)]
impl ::core::clone::Clone for forecast {
    #[inline]
    fn clone(&self) -> forecast {
        *self
    }
}
#[automatically_derived]
#[allow(non_camel_case_types)]
impl ::core::marker::Copy for forecast {}
#[automatically_derived]
#[allow(non_camel_case_types)]
impl ::core::fmt::Debug for forecast {
    #[inline]
    fn fmt(&self, f: &mut ::core::fmt::Formatter) -> ::core::fmt::Result {
        ::core::fmt::Formatter::write_str(f, "forecast")
    }
}
#[automatically_derived]
#[allow(non_camel_case_types)]
impl ::core::default::Default for forecast {
    #[inline]
    fn default() -> forecast {
        forecast {}
    }
}
const _: () = {
    #[serde(
        crate = "::patinox::__private::serde",
        deny_unknown_fields,
        rename = "forecast_arguments"
    )]
    #[schemars(crate = "::patinox::__private::schemars")]
    struct __PatinoxArguments {
        ///Where.
        place: Place,
        ///Unit; Celsius when absent.
        unit: Option<Unit>,
        ///Days ahead.
        days: Vec<u8>,
    }
    #[doc(hidden)]
    #[allow(
        non_upper_case_globals,
        unused_attributes,
        unused_qualifications,
        clippy::absolute_paths,
    )]
    const _: () = {
        use ::patinox::__private::serde as _serde;
        #[automatically_derived]
        impl<'de> _serde::Deserialize<'de> for __PatinoxArguments {
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
                    __field1,
                    __field2,
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
                            1u64 => _serde::__private229::Ok(__Field::__field1),
                            2u64 => _serde::__private229::Ok(__Field::__field2),
                            _ => {
                                _serde::__private229::Err(
                                    _serde::de::Error::invalid_value(
                                        _serde::de::Unexpected::Unsigned(__value),
                                        &"field index 0 <= i < 3",
                                    ),
                                )
                            }
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
                            "place" => _serde::__private229::Ok(__Field::__field0),
                            "unit" => _serde::__private229::Ok(__Field::__field1),
                            "days" => _serde::__private229::Ok(__Field::__field2),
                            _ => {
                                _serde::__private229::Err(
                                    _serde::de::Error::unknown_field(__value, FIELDS),
                                )
                            }
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
                            b"place" => _serde::__private229::Ok(__Field::__field0),
                            b"unit" => _serde::__private229::Ok(__Field::__field1),
                            b"days" => _serde::__private229::Ok(__Field::__field2),
                            _ => {
                                let __value = &_serde::__private229::from_utf8_lossy(
                                    __value,
                                );
                                _serde::__private229::Err(
                                    _serde::de::Error::unknown_field(__value, FIELDS),
                                )
                            }
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
                    marker: _serde::__private229::PhantomData<__PatinoxArguments>,
                    lifetime: _serde::__private229::PhantomData<&'de ()>,
                }
                #[automatically_derived]
                impl<'de> _serde::de::Visitor<'de> for __Visitor<'de> {
                    type Value = __PatinoxArguments;
                    fn expecting(
                        &self,
                        __formatter: &mut _serde::__private229::Formatter,
                    ) -> _serde::__private229::fmt::Result {
                        _serde::__private229::Formatter::write_str(
                            __formatter,
                            "struct __PatinoxArguments",
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
                            Place,
                        >(&mut __seq)? {
                            _serde::__private229::Some(__value) => __value,
                            _serde::__private229::None => {
                                return _serde::__private229::Err(
                                    _serde::de::Error::invalid_length(
                                        0usize,
                                        &"struct __PatinoxArguments with 3 elements",
                                    ),
                                );
                            }
                        };
                        let __field1 = match _serde::de::SeqAccess::next_element::<
                            Option<Unit>,
                        >(&mut __seq)? {
                            _serde::__private229::Some(__value) => __value,
                            _serde::__private229::None => {
                                return _serde::__private229::Err(
                                    _serde::de::Error::invalid_length(
                                        1usize,
                                        &"struct __PatinoxArguments with 3 elements",
                                    ),
                                );
                            }
                        };
                        let __field2 = match _serde::de::SeqAccess::next_element::<
                            Vec<u8>,
                        >(&mut __seq)? {
                            _serde::__private229::Some(__value) => __value,
                            _serde::__private229::None => {
                                return _serde::__private229::Err(
                                    _serde::de::Error::invalid_length(
                                        2usize,
                                        &"struct __PatinoxArguments with 3 elements",
                                    ),
                                );
                            }
                        };
                        _serde::__private229::Ok(__PatinoxArguments {
                            place: __field0,
                            unit: __field1,
                            days: __field2,
                        })
                    }
                    #[inline]
                    fn visit_map<__A>(
                        self,
                        mut __map: __A,
                    ) -> _serde::__private229::Result<Self::Value, __A::Error>
                    where
                        __A: _serde::de::MapAccess<'de>,
                    {
                        let mut __field0: _serde::__private229::Option<Place> = _serde::__private229::None;
                        let mut __field1: _serde::__private229::Option<Option<Unit>> = _serde::__private229::None;
                        let mut __field2: _serde::__private229::Option<Vec<u8>> = _serde::__private229::None;
                        while let _serde::__private229::Some(__key) = _serde::de::MapAccess::next_key::<
                            __Field,
                        >(&mut __map)? {
                            match __key {
                                __Field::__field0 => {
                                    if _serde::__private229::Option::is_some(&__field0) {
                                        return _serde::__private229::Err(
                                            <__A::Error as _serde::de::Error>::duplicate_field("place"),
                                        );
                                    }
                                    __field0 = _serde::__private229::Some(
                                        _serde::de::MapAccess::next_value::<Place>(&mut __map)?,
                                    );
                                }
                                __Field::__field1 => {
                                    if _serde::__private229::Option::is_some(&__field1) {
                                        return _serde::__private229::Err(
                                            <__A::Error as _serde::de::Error>::duplicate_field("unit"),
                                        );
                                    }
                                    __field1 = _serde::__private229::Some(
                                        _serde::de::MapAccess::next_value::<
                                            Option<Unit>,
                                        >(&mut __map)?,
                                    );
                                }
                                __Field::__field2 => {
                                    if _serde::__private229::Option::is_some(&__field2) {
                                        return _serde::__private229::Err(
                                            <__A::Error as _serde::de::Error>::duplicate_field("days"),
                                        );
                                    }
                                    __field2 = _serde::__private229::Some(
                                        _serde::de::MapAccess::next_value::<Vec<u8>>(&mut __map)?,
                                    );
                                }
                            }
                        }
                        let __field0 = match __field0 {
                            _serde::__private229::Some(__field0) => __field0,
                            _serde::__private229::None => {
                                _serde::__private229::de::missing_field("place")?
                            }
                        };
                        let __field1 = match __field1 {
                            _serde::__private229::Some(__field1) => __field1,
                            _serde::__private229::None => {
                                _serde::__private229::de::missing_field("unit")?
                            }
                        };
                        let __field2 = match __field2 {
                            _serde::__private229::Some(__field2) => __field2,
                            _serde::__private229::None => {
                                _serde::__private229::de::missing_field("days")?
                            }
                        };
                        _serde::__private229::Ok(__PatinoxArguments {
                            place: __field0,
                            unit: __field1,
                            days: __field2,
                        })
                    }
                }
                #[doc(hidden)]
                const FIELDS: &'static [&'static str] = &["place", "unit", "days"];
                _serde::Deserializer::deserialize_struct(
                    __deserializer,
                    "forecast_arguments",
                    FIELDS,
                    __Visitor {
                        marker: _serde::__private229::PhantomData::<__PatinoxArguments>,
                        lifetime: _serde::__private229::PhantomData,
                    },
                )
            }
        }
    };
    const _: () = {
        use ::patinox::__private::schemars as schemars;
        #[automatically_derived]
        #[allow(unused_braces, unused_qualifications)]
        impl schemars::JsonSchema for __PatinoxArguments {
            fn schema_name() -> schemars::_private::alloc::borrow::Cow<'static, str> {
                schemars::_private::alloc::borrow::Cow::Borrowed("forecast_arguments")
            }
            fn schema_id() -> schemars::_private::alloc::borrow::Cow<'static, str> {
                schemars::_private::alloc::borrow::Cow::Borrowed(
                    "tool_args::forecast_arguments",
                )
            }
            fn json_schema(
                generator: &mut schemars::SchemaGenerator,
            ) -> schemars::Schema {
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
                                let _ = object
                                    .insert(
                                        ("additionalProperties").into(),
                                        ::serde_json::Value::Bool(false),
                                    );
                                object
                            }),
                        )
                        .unwrap();
                    {
                        schemars::_private::insert_object_property(
                            &mut schema,
                            "place",
                            generator.contract().is_deserialize()
                                && <Place as schemars::JsonSchema>::_schemars_private_is_option(),
                            {
                                let mut schema = generator.subschema_for::<Place>();
                                schemars::_private::insert_metadata_property_if_nonempty(
                                    &mut schema,
                                    "title",
                                    {
                                        const TITLE: &str = schemars::_private::get_title_and_description(
                                                "Where.",
                                            )
                                            .0;
                                        TITLE
                                    },
                                );
                                schemars::_private::insert_metadata_property_if_nonempty(
                                    &mut schema,
                                    "description",
                                    {
                                        const DESCRIPTION: &str = schemars::_private::get_title_and_description(
                                                "Where.",
                                            )
                                            .1;
                                        DESCRIPTION
                                    },
                                );
                                schema
                            },
                        );
                    }
                    {
                        schemars::_private::insert_object_property(
                            &mut schema,
                            "unit",
                            generator.contract().is_deserialize()
                                && <Option<
                                    Unit,
                                > as schemars::JsonSchema>::_schemars_private_is_option(),
                            {
                                let mut schema = generator.subschema_for::<Option<Unit>>();
                                schemars::_private::insert_metadata_property_if_nonempty(
                                    &mut schema,
                                    "title",
                                    {
                                        const TITLE: &str = schemars::_private::get_title_and_description(
                                                "Unit; Celsius when absent.",
                                            )
                                            .0;
                                        TITLE
                                    },
                                );
                                schemars::_private::insert_metadata_property_if_nonempty(
                                    &mut schema,
                                    "description",
                                    {
                                        const DESCRIPTION: &str = schemars::_private::get_title_and_description(
                                                "Unit; Celsius when absent.",
                                            )
                                            .1;
                                        DESCRIPTION
                                    },
                                );
                                schema
                            },
                        );
                    }
                    {
                        schemars::_private::insert_object_property(
                            &mut schema,
                            "days",
                            generator.contract().is_deserialize()
                                && <Vec<
                                    u8,
                                > as schemars::JsonSchema>::_schemars_private_is_option(),
                            {
                                let mut schema = generator.subschema_for::<Vec<u8>>();
                                schemars::_private::insert_metadata_property_if_nonempty(
                                    &mut schema,
                                    "title",
                                    {
                                        const TITLE: &str = schemars::_private::get_title_and_description(
                                                "Days ahead.",
                                            )
                                            .0;
                                        TITLE
                                    },
                                );
                                schemars::_private::insert_metadata_property_if_nonempty(
                                    &mut schema,
                                    "description",
                                    {
                                        const DESCRIPTION: &str = schemars::_private::get_title_and_description(
                                                "Days ahead.",
                                            )
                                            .1;
                                        DESCRIPTION
                                    },
                                );
                                schema
                            },
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
    fn __patinox_spec() -> &'static ::patinox::__private::GeneratedSpec {
        static SPEC: ::std::sync::OnceLock<::patinox::__private::GeneratedSpec> = ::std::sync::OnceLock::new();
        SPEC.get_or_init(|| ::patinox::__private::GeneratedSpec::new::<
            __PatinoxArguments,
        >("forecast", "Forecast for a place."))
    }
    impl ::patinox::tool::Tool for forecast {
        fn spec(&self) -> &::patinox::model::ToolSpec {
            __patinox_spec().spec()
        }
        fn check_spec(&self) -> ::patinox::Result<()> {
            __patinox_spec().check()
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
        fn call<'life0, 'life1, 'life2, 'async_trait>(
            &'life0 self,
            __patinox_ctx: &'life1 ::patinox::tool::RunContext,
            __patinox_arguments: &'life2 ::patinox::__private::serde_json::value::RawValue,
        ) -> ::core::pin::Pin<
            Box<
                dyn ::core::future::Future<
                    Output = ::patinox::tool::ToolResult,
                > + ::core::marker::Send + 'async_trait,
            >,
        >
        where
            'life0: 'async_trait,
            'life1: 'async_trait,
            'life2: 'async_trait,
            Self: 'async_trait,
        {
            Box::pin(async move {
                if let ::core::option::Option::Some(__ret) = ::core::option::Option::None::<
                    ::patinox::tool::ToolResult,
                > {
                    #[allow(unreachable_code)] return __ret;
                }
                let __self = self;
                let __ret: ::patinox::tool::ToolResult = {
                    let __patinox_args: __PatinoxArguments = __patinox_spec()
                        .parse_arguments(__patinox_arguments)?;
                    let __patinox_output = forecast(
                        __patinox_args.place,
                        __patinox_args.unit,
                        __patinox_args.days,
                    );
                    ::patinox::__private::tool_output::<String>(&__patinox_output)
                };
                #[allow(unreachable_code)] __ret
            })
        }
    }
    impl ::patinox::__private::DeclaredTool for forecast {
        const NAME: &'static str = "forecast";
        type Deps = ::patinox::tool::AnyDeps;
        fn new() -> Self {
            Self {}
        }
    }
};
fn main() {}
