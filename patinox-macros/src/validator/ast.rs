//! The parsed model of a `#[validator]` function.

use proc_macro2::{Span, TokenStream};
use syn::{FnArg, Ident, ItemFn, LitStr, Type};

use crate::attrs::{self, Once};
use crate::ctxt::Ctxt;

/// When the validator runs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    Input,
    Output,
    ToolCall,
}

impl Stage {
    fn from_ident(ident: &Ident) -> Option<Self> {
        Some(match ident.to_string().as_str() {
            "input" => Self::Input,
            "output" => Self::Output,
            "tool_call" => Self::ToolCall,
            _ => return None,
        })
    }

    /// The stage as written in the attribute.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Input => "input",
            Self::Output => "output",
            Self::ToolCall => "tool_call",
        }
    }
}

/// The arguments of `#[validator(...)]`.
pub(crate) struct ValidatorArgs {
    /// `input`, `output` or `tool_call`.
    pub(crate) stage: Once<Stage>,
    /// `name = "..."`.
    pub(crate) name: Once<LitStr>,
    /// Whether something that looked like a stage was written (reported if unknown).
    pub(crate) stage_written: bool,
}

const EXPECTED: &str = "a stage (`input`, `output` or `tool_call`) or `name = \"...\"`";

impl ValidatorArgs {
    /// Parses the attribute's arguments, reporting unknown and repeated keys.
    pub(crate) fn parse(cx: &Ctxt, args: TokenStream) -> Self {
        let mut parsed = Self {
            stage: Once::new("stage"),
            name: Once::new("name"),
            stage_written: false,
        };
        attrs::parse_args(cx, args, EXPECTED, |meta| {
            let Some(ident) = meta.path.get_ident() else {
                return Ok(false);
            };
            if ident == "name" {
                let value = attrs::string_value(meta)?;
                parsed.name.set(cx, ident.span(), value);
                return Ok(true);
            }
            if meta.input.peek(syn::Token![=]) || meta.input.peek(syn::token::Paren) {
                return Ok(false);
            }
            parsed.stage_written = true;
            let Some(stage) = Stage::from_ident(ident) else {
                return Err(meta.error(format!(
                    "unknown stage `{ident}`; a validator runs at `input`, `output` or `tool_call`"
                )));
            };
            if let Some((first, _)) = parsed.stage.get() {
                cx.syn_error(syn::Error::new(
                    ident.span(),
                    format!(
                        "a validator runs at one stage, and this one already runs at `{}`; write a second validator function for `{ident}`",
                        first.as_str()
                    ),
                ));
            } else {
                parsed.stage.set(cx, ident.span(), stage);
            }
            Ok(true)
        });
        parsed
    }
}

/// A `#[validator]` function, ready to expand.
pub(crate) struct ValidatorFn {
    pub(crate) function: ItemFn,
    pub(crate) name: String,
    pub(crate) stage: Stage,
    /// For `tool_call`: how the arguments are passed.
    pub(crate) arguments: Arguments,
}

/// How a `tool_call` validator takes the call's arguments.
pub(crate) enum Arguments {
    /// Not a `tool_call` validator.
    None,
    /// `&RawValue`: as received.
    Raw,
    /// `&str`: the JSON text.
    Text,
    /// `&T`: deserialized into `T`.
    Borrowed(Type),
    /// `T`: deserialized into `T`.
    Owned(Type),
}

impl ValidatorFn {
    /// The model of a function `valid` has accepted.
    pub(crate) fn new(function: ItemFn, args: ValidatorArgs, stage: Stage) -> Self {
        let name = args
            .name
            .into_value()
            .map_or_else(|| function.sig.ident.to_string(), |lit| lit.value());
        let arguments = match (stage, function.sig.inputs.iter().nth(1)) {
            (Stage::ToolCall, Some(FnArg::Typed(param))) => arguments_kind(&param.ty),
            _ => Arguments::None,
        };
        Self {
            function,
            name,
            stage,
            arguments,
        }
    }
}

fn arguments_kind(ty: &Type) -> Arguments {
    if crate::signature::is_str_ref(ty) {
        return Arguments::Text;
    }
    match ty {
        Type::Reference(reference) => match crate::signature::last_segment(&reference.elem) {
            Some((name, _)) if name == "RawValue" => Arguments::Raw,
            _ => Arguments::Borrowed((*reference.elem).clone()),
        },
        other => Arguments::Owned(other.clone()),
    }
}

/// Where a missing stage is reported: the attribute itself.
pub(crate) fn attribute_span() -> Span {
    Span::call_site()
}
