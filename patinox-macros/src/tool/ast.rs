//! The parsed model of a `#[tool]` function.

use proc_macro2::{Span, TokenStream};
use syn::{Attribute, Ident, ItemFn, LitStr, Pat, ReturnType, Type};

use crate::attrs::{self, Once};
use crate::ctxt::Ctxt;
use crate::docs::{self, Docs};
use crate::signature;

/// The arguments of `#[tool(...)]`.
pub(crate) struct ToolArgs {
    /// `name = "..."`.
    pub(crate) name: Once<LitStr>,
    /// `description = "..."`.
    pub(crate) description: Once<LitStr>,
}

impl ToolArgs {
    /// Parses the attribute's arguments, reporting unknown and repeated keys.
    pub(crate) fn parse(cx: &Ctxt, args: TokenStream) -> Self {
        let mut parsed = Self {
            name: Once::new("name"),
            description: Once::new("description"),
        };
        attrs::parse_args(
            cx,
            args,
            "`name = \"...\"` or `description = \"...\"`",
            |meta| {
                let slot = if meta.path.is_ident("name") {
                    &mut parsed.name
                } else if meta.path.is_ident("description") {
                    &mut parsed.description
                } else {
                    return Ok(false);
                };
                let value = attrs::string_value(meta)?;
                slot.set(
                    cx,
                    meta.path
                        .get_ident()
                        .map_or_else(Span::call_site, Ident::span),
                    value,
                );
                Ok(true)
            },
        );
        parsed
    }
}

/// A `#[tool]` function, ready to expand.
pub(crate) struct ToolFn {
    /// The function as it will be emitted: parameter docs and serde attributes moved off.
    pub(crate) function: ItemFn,
    /// The tool's name for the model.
    pub(crate) name: String,
    /// What the tool does, for the model.
    pub(crate) description: String,
    /// The injected `&RunContext` parameter, if any.
    pub(crate) context: Option<Context>,
    /// The parameters the model fills in, in order.
    pub(crate) params: Vec<Param>,
    /// How the return value becomes a tool result.
    pub(crate) output: Output,
}

/// How the first parameter receives the run context.
pub(crate) enum Context {
    /// `&RunContext`: the type-erased context as the agent passes it.
    Erased,
    /// `&RunContext<D>`: downcast to `D`.
    Typed(Box<Type>),
}

/// One model-filled parameter, which becomes one field of the arguments struct.
pub(crate) struct Param {
    pub(crate) ident: Ident,
    pub(crate) ty: Type,
    pub(crate) description: Option<String>,
    /// `#[serde(...)]` and `#[schemars(...)]` attributes, moved to the field.
    pub(crate) field_attrs: Vec<Attribute>,
}

/// What the function returns.
pub(crate) enum Output {
    /// A value to serialize (`()` when there is no return type).
    Value(Option<Type>),
    /// A `Result`: `Ok` is serialized, `Err` goes to the model as a failure.
    Result {
        /// The whole return type.
        ty: Type,
        /// `E` of `Result<T, E>`; `None` for an alias such as `anyhow::Result<T>`.
        error: Option<Box<Type>>,
    },
}

impl ToolFn {
    /// Reads `function`, moving parameter attributes off it. Parameters that
    /// break a rule (already reported by `valid`) are left out.
    pub(crate) fn from_fn(cx: &Ctxt, mut function: ItemFn, args: ToolArgs) -> Self {
        let docs = Docs::parse(&function.attrs);
        let name = args
            .name
            .into_value()
            .map_or_else(|| unraw(&function.sig.ident), |lit| lit.value());
        let description = args
            .description
            .into_value()
            .map_or_else(|| docs.description.clone(), |lit| lit.value());
        let mut context = None;
        let mut params = Vec::new();
        for (index, param) in signature::typed_params(&mut function).enumerate() {
            let param_docs = docs::text(&param.attrs);
            let (field_attrs, kept) = param
                .attrs
                .drain(..)
                .filter(|a| !docs::is_doc(a))
                .partition(|a| a.path().is_ident("serde") || a.path().is_ident("schemars"));
            param.attrs = kept;
            if let Some(found) = context_type(&param.ty) {
                if index == 0 {
                    context = Some(found);
                }
                continue;
            }
            let Pat::Ident(pat) = &*param.pat else {
                continue;
            };
            let ident = pat.ident.clone();
            let description =
                param_docs.or_else(|| docs.argument(&unraw(&ident)).map(|doc| doc.text.clone()));
            if description.as_deref() == Some("") {
                cx.error_spanned_by(&ident, "this parameter's description is empty");
            }
            params.push(Param {
                ident,
                ty: (*param.ty).clone(),
                description,
                field_attrs,
            });
        }
        let output = match &function.sig.output {
            ReturnType::Default => Output::Value(None),
            ReturnType::Type(_, ty) => match signature::last_segment(ty) {
                Some((name, args)) if name == "Result" => Output::Result {
                    error: args.get(1).map(|error| Box::new((*error).clone())),
                    ty: (**ty).clone(),
                },
                _ => Output::Value(Some((**ty).clone())),
            },
        };
        Self {
            function,
            name,
            description,
            context,
            params,
            output,
        }
    }
}

/// `Some` if `ty` is `&RunContext` or `&RunContext<D>`.
pub(crate) fn context_type(ty: &Type) -> Option<Context> {
    let Type::Reference(reference) = ty else {
        return None;
    };
    let (name, args) = signature::last_segment(&reference.elem)?;
    if name != "RunContext" {
        return None;
    }
    Some(match args.first() {
        Some(deps) => Context::Typed(Box::new((*deps).clone())),
        None => Context::Erased,
    })
}

/// An identifier as the model sees it: `r#type` is `type`.
pub(crate) fn unraw(ident: &Ident) -> String {
    let name = ident.to_string();
    name.strip_prefix("r#")
        .map_or_else(|| name.clone(), ToOwned::to_owned)
}
