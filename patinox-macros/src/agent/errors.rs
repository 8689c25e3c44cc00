//! Errors collected while parsing, reported together (see serde_derive's `Ctxt`).

/// Every mistake found in one `#[agent]` item.
#[derive(Default)]
pub(crate) struct Errors {
    errors: Option<syn::Error>,
}

impl Errors {
    /// Records a mistake.
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.errors {
            Some(errors) => errors.combine(error),
            None => self.errors = Some(error),
        }
    }

    /// Records a mistake spanned on `tokens`.
    pub(crate) fn spanned(
        &mut self,
        tokens: impl quote::ToTokens,
        message: impl std::fmt::Display,
    ) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    /// `Ok` if nothing was recorded, else every mistake as one error.
    pub(crate) fn into_result(self) -> syn::Result<()> {
        self.errors.map_or(Ok(()), Err)
    }
}
