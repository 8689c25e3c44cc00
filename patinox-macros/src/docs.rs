//! Doc comments as descriptions for the model.
//!
//! The description is the text before the first `#` heading. A `# Arguments`
//! section lists parameters as `` * `name` - text `` entries (`-` or `:` after
//! the name; indented lines continue an entry). Headings inside code fences
//! do not count.

use proc_macro2::Span;
use syn::{Attribute, Expr, Lit, Meta};

/// One line of a doc comment and the attribute it came from.
struct DocLine {
    text: String,
    span: Span,
}

/// The `# Arguments` entry of one parameter.
pub(crate) struct ArgumentDoc {
    /// The parameter's name as written between backticks.
    pub(crate) name: String,
    /// Where the entry is, for errors.
    pub(crate) span: Span,
    /// The description.
    pub(crate) text: String,
}

/// What a function's doc comment says.
#[derive(Default)]
pub(crate) struct Docs {
    /// The text before the first heading, trimmed; empty if none.
    pub(crate) description: String,
    /// The entries of the `# Arguments` section.
    pub(crate) arguments: Vec<ArgumentDoc>,
}

impl Docs {
    /// Reads the doc comment among `attrs`.
    pub(crate) fn parse(attrs: &[Attribute]) -> Self {
        let lines = doc_lines(attrs);
        let mut docs = Docs::default();
        let mut description = Vec::new();
        let mut section: Option<String> = None;
        let mut in_fence = false;
        for line in &lines {
            let trimmed = line.text.trim();
            if trimmed.starts_with("```") {
                in_fence = !in_fence;
            }
            if !in_fence && trimmed.starts_with('#') {
                section = Some(trimmed.trim_start_matches('#').trim().to_ascii_lowercase());
                continue;
            }
            match section.as_deref() {
                None => description.push(line.text.as_str()),
                Some("arguments" | "parameters") if !in_fence => docs.argument_line(line),
                Some(_) => {}
            }
        }
        docs.description = description.join("\n").trim().to_owned();
        docs
    }

    fn argument_line(&mut self, line: &DocLine) {
        let trimmed = line.text.trim();
        if let Some((name, text)) = argument_entry(trimmed) {
            self.arguments.push(ArgumentDoc {
                name: name.to_owned(),
                span: line.span,
                text: text.to_owned(),
            });
        } else if let Some(last) = self.arguments.last_mut().filter(|_| !trimmed.is_empty()) {
            last.text.push(' ');
            last.text.push_str(trimmed);
        }
    }

    /// The `# Arguments` description of `name`.
    pub(crate) fn argument(&self, name: &str) -> Option<&ArgumentDoc> {
        self.arguments.iter().find(|a| a.name == name)
    }
}

/// `` * `name` - text `` → `("name", "text")`.
fn argument_entry(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix(['*', '-'])?.trim_start();
    let rest = rest.strip_prefix('`')?;
    let (name, rest) = rest.split_once('`')?;
    let rest = rest.trim_start();
    let text = rest
        .strip_prefix('-')
        .or_else(|| rest.strip_prefix(':'))
        .or_else(|| rest.strip_prefix('\u{2013}'))
        .unwrap_or(rest);
    Some((name.trim(), text.trim()))
}

/// The doc comment among `attrs` as one string (e.g. a parameter's own docs),
/// or `None` if there is none.
pub(crate) fn text(attrs: &[Attribute]) -> Option<String> {
    let text = doc_lines(attrs)
        .into_iter()
        .map(|line| line.text)
        .collect::<Vec<_>>()
        .join("\n");
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// Whether `attr` is a doc comment.
pub(crate) fn is_doc(attr: &Attribute) -> bool {
    attr.path().is_ident("doc")
}

fn doc_lines(attrs: &[Attribute]) -> Vec<DocLine> {
    let mut lines = Vec::new();
    for attr in attrs.iter().filter(|a| is_doc(a)) {
        let Meta::NameValue(nv) = &attr.meta else {
            continue;
        };
        let Expr::Lit(lit) = &nv.value else { continue };
        let Lit::Str(s) = &lit.lit else { continue };
        // `split`, not `lines`: an empty `///` line is a paragraph break to keep.
        for text in s.value().split('\n') {
            let text = text.strip_suffix('\r').unwrap_or(text);
            // `/// text` arrives as " text".
            let text = text.strip_prefix(' ').unwrap_or(text);
            lines.push(DocLine {
                text: text.to_owned(),
                span: s.span(),
            });
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use syn::parse_quote;

    use super::*;

    fn attrs(lines: &[&str]) -> Vec<Attribute> {
        lines
            .iter()
            .map(|line| parse_quote!(#[doc = #line]))
            .collect()
    }

    #[test]
    fn description_stops_at_the_first_heading_and_arguments_are_read() {
        let docs = Docs::parse(&attrs(&[
            " Current weather.",
            "",
            " Uses made-up data.",
            "",
            " # Arguments",
            " * `city` - City name,",
            "   e.g. \"Paris\".",
            " - `unit`: Unit.",
            "",
            " # Examples",
            " * `ignored` - not an argument",
        ]));
        assert_eq!(docs.description, "Current weather.\n\nUses made-up data.");
        let args: Vec<_> = docs
            .arguments
            .iter()
            .map(|a| (a.name.as_str(), a.text.as_str()))
            .collect();
        assert_eq!(
            args,
            [("city", "City name, e.g. \"Paris\"."), ("unit", "Unit.")]
        );
    }

    #[test]
    fn headings_inside_code_fences_do_not_end_the_description() {
        let docs = Docs::parse(&attrs(&[
            " Runs.",
            " ```",
            " # hidden",
            " ```",
            " # Notes",
            " x",
        ]));
        assert_eq!(docs.description, "Runs.\n```\n# hidden\n```");
    }

    #[test]
    fn block_doc_comments_are_split_into_lines() {
        let docs = Docs::parse(&attrs(&["Adds.\n# Arguments\n* `a` - First."]));
        assert_eq!(docs.description, "Adds.");
        assert_eq!(docs.argument("a").map(|a| a.text.as_str()), Some("First."));
    }

    proptest! {
        /// Whatever the description and entries, writing them as a doc comment
        /// and reading it back gives them back.
        #[test]
        fn written_docs_read_back(
            description in "[A-Za-z][A-Za-z ,.]{0,40}",
            entries in proptest::collection::vec(("[a-z_][a-z0-9_]{0,10}", "[A-Za-z][A-Za-z ,.]{0,30}"), 0..5),
        ) {
            let mut lines = vec![format!(" {description}"), String::new(), " # Arguments".to_owned()];
            lines.extend(entries.iter().map(|(name, text)| format!(" * `{name}` - {text}")));
            let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
            let docs = Docs::parse(&attrs(&refs));
            prop_assert_eq!(docs.description, description.trim());
            let read: Vec<(String, String)> =
                docs.arguments.into_iter().map(|a| (a.name, a.text)).collect();
            let expected: Vec<(String, String)> =
                entries.into_iter().map(|(n, t)| (n, t.trim().to_owned())).collect();
            prop_assert_eq!(read, expected);
        }
    }
}
