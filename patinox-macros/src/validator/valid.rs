//! Every rule a `#[validator]` function can break, each reported on the offending token.

use syn::{FnArg, ItemFn, ReturnType};

use super::ast::{Stage, ValidatorArgs, attribute_span};
use crate::attrs;
use crate::ctxt::Ctxt;
use crate::signature;

/// Checks `function` against its stage; returns the stage if one was given.
pub(crate) fn check(cx: &Ctxt, function: &ItemFn, args: &ValidatorArgs) -> Option<Stage> {
    signature::check_plain_fn(cx, function, "validator");
    if let Some((lit, _)) = args.name.get()
        && !attrs::is_valid_name(&lit.value())
    {
        cx.error_spanned_by(
            lit,
            "a validator name is 1 to 64 ASCII letters, digits, `_` or `-`",
        );
    }
    let Some((&stage, _)) = args.stage.get() else {
        if args.stage_written {
            return None;
        }
        cx.syn_error(syn::Error::new(
            attribute_span(),
            "say when the validator runs: #[validator(input)], #[validator(output)] or #[validator(tool_call)]",
        ));
        return None;
    };
    check_params(cx, function, stage);
    if let ReturnType::Default = function.sig.output {
        cx.error_spanned_by(
            &function.sig.ident,
            "a validator returns its verdict: add `-> ValidationOutcome` or `-> Result<(), E>` where `E: Display`",
        );
    }
    Some(stage)
}

fn check_params(cx: &Ctxt, function: &ItemFn, stage: Stage) {
    let sig = &function.sig;
    let expected = match stage {
        Stage::Input => "the user's input: `fn check(input: &str) -> ValidationOutcome`",
        Stage::Output => "the final answer: `fn check(output: &str) -> ValidationOutcome`",
        Stage::ToolCall => {
            "the tool's name and its arguments: `fn check(tool: &str, arguments: &serde_json::Value) -> ValidationOutcome` (arguments may also be `&RawValue`, `&str` or any `Deserialize` type)"
        }
    };
    let message = format!("#[validator({})] takes {expected}", stage.as_str());
    let arity = if stage == Stage::ToolCall { 2 } else { 1 };
    let typed: Vec<_> = sig
        .inputs
        .iter()
        .filter_map(|arg| match arg {
            FnArg::Typed(param) => Some(param),
            FnArg::Receiver(_) => None,
        })
        .collect();
    if typed.len() != arity {
        let count = typed.len();
        let message = format!(
            "{message}; this function takes {count} parameter{}",
            if count == 1 { "" } else { "s" }
        );
        match typed.get(arity) {
            Some(extra) => cx.error_spanned_by(extra, message),
            None => cx.syn_error(syn::Error::new(sig.paren_token.span.join(), message)),
        }
        return;
    }
    if !signature::is_str_ref(&typed[0].ty) {
        cx.error_spanned_by(&typed[0].ty, message);
    } else if let Some(arguments) = typed.get(1)
        && let Some(impl_trait) = signature::find_impl_trait(&arguments.ty)
    {
        cx.error_spanned_by(impl_trait, message);
    }
}
