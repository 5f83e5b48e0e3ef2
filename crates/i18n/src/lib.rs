//! The one Fluent loader of OpenDVC. The core, the CLI, the app shell and the portal all read
//! `locales/{vi,en,id}/*.ftl` through this crate, embedded at build time (the `sources` module).
//!
//! Vietnamese is the default and the fallback: a message missing in the chosen language is
//! looked up in Vietnamese, then English, and only then shown as its id, so a missing message
//! is visible, never blank. Two faces over the same bundles:
//! - [`Localizer`]: one person's language (the app, the CLI);
//! - [`Texts`]: every language at once (the portal writes each notice in all three).

mod lang;
mod sources;

use std::collections::HashMap;
use std::fmt;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use opendvc_api::LocalizedText;
use unic_langid::LanguageIdentifier;

pub use lang::Lang;
pub use sources::{
    ALL_SOURCES, ASSIST_SOURCES, CLI_SOURCES, CORE_SOURCES, FIELD_SOURCES, LocaleSource,
    NOTIFY_SOURCES, PORTAL_SOURCES, RECEIPT_SOURCES, STATUS_PAGE_SOURCES,
};

/// A message argument.
#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    Number(f64),
}

impl From<&str> for Arg {
    fn from(value: &str) -> Self {
        Arg::Text(value.to_owned())
    }
}

impl From<String> for Arg {
    fn from(value: String) -> Self {
        Arg::Text(value)
    }
}

impl From<&String> for Arg {
    fn from(value: &String) -> Self {
        Arg::Text(value.clone())
    }
}

impl From<u64> for Arg {
    fn from(value: u64) -> Self {
        Arg::Number(value as f64)
    }
}

impl From<usize> for Arg {
    fn from(value: usize) -> Self {
        Arg::Number(value as f64)
    }
}

impl From<i64> for Arg {
    fn from(value: i64) -> Self {
        Arg::Number(value as f64)
    }
}

/// Error in an embedded Fluent file; only a broken build can produce it, and the tests check
/// that none does.
#[derive(Debug, thiserror::Error)]
#[error("the message file {name} has errors: {details}")]
pub struct LocaleError {
    pub name: &'static str,
    pub details: String,
}

/// The bundles of the three languages over the same files.
struct Bundles {
    by_lang: HashMap<Lang, FluentBundle<FluentResource>>,
}

impl Bundles {
    fn new(sources: &[LocaleSource]) -> Result<Self, LocaleError> {
        let mut by_lang = HashMap::new();
        for lang in Lang::ALL {
            let langid: LanguageIdentifier = lang.code().parse().map_err(|error| LocaleError {
                name: "language",
                details: format!("{error}"),
            })?;
            let mut bundle = FluentBundle::new_concurrent(vec![langid]);
            // Isolation marks would end up in SMS texts, terminal output and JSON.
            bundle.set_use_isolating(false);
            for source in sources.iter().filter(|source| source.lang == lang) {
                let resource =
                    FluentResource::try_new(source.text.to_owned()).map_err(|(_, errors)| {
                        LocaleError {
                            name: source.name,
                            details: format!("{errors:?}"),
                        }
                    })?;
                bundle
                    .add_resource(resource)
                    .map_err(|errors| LocaleError {
                        name: source.name,
                        details: format!("{errors:?}"),
                    })?;
            }
            by_lang.insert(lang, bundle);
        }
        Ok(Bundles { by_lang })
    }

    fn has_message(&self, lang: Lang, id: &str) -> bool {
        self.by_lang
            .get(&lang)
            .is_some_and(|bundle| bundle.has_message(id))
    }

    /// `id` in `lang`, else Vietnamese, else English, else the id itself.
    fn format(&self, lang: Lang, id: &str, args: &[(&str, Arg)]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            match value {
                Arg::Text(text) => fluent_args.set(*name, FluentValue::from(text.clone())),
                Arg::Number(number) => fluent_args.set(*name, FluentValue::from(*number)),
            }
        }
        for lang in [lang, Lang::Vi, Lang::En] {
            let Some(bundle) = self.by_lang.get(&lang) else {
                continue;
            };
            let Some(pattern) = bundle.get_message(id).and_then(|message| message.value()) else {
                continue;
            };
            let mut errors = Vec::new();
            return bundle
                .format_pattern(pattern, Some(&fluent_args), &mut errors)
                .into_owned();
        }
        id.to_owned()
    }
}

/// Formats messages in one language with fallbacks.
pub struct Localizer {
    lang: Lang,
    bundles: Bundles,
}

impl fmt::Debug for Localizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Localizer")
            .field("lang", &self.lang)
            .finish()
    }
}

impl Localizer {
    /// A localizer for `lang` over the given sources (e.g. [`CORE_SOURCES`] and the caller's
    /// own).
    pub fn new(lang: Lang, sources: &[LocaleSource]) -> Result<Self, LocaleError> {
        Ok(Localizer {
            lang,
            bundles: Bundles::new(sources)?,
        })
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Whether `id` exists in `lang` itself (no fallback).
    pub fn has_message(&self, lang: Lang, id: &str) -> bool {
        self.bundles.has_message(lang, id)
    }

    /// The message `id` without arguments.
    pub fn text(&self, id: &str) -> String {
        self.format(id, &[])
    }

    /// The message `id` with named arguments.
    pub fn format(&self, id: &str, args: &[(&str, Arg)]) -> String {
        self.bundles.format(self.lang, id, args)
    }
}

/// Messages in every language at once, for texts written for someone whose language is data
/// (a citizen's profile) or for all three (an inbox notice).
pub struct Texts {
    bundles: Bundles,
}

impl fmt::Debug for Texts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Texts")
            .field("languages", &self.bundles.by_lang.len())
            .finish()
    }
}

impl Texts {
    /// The texts of `sources`, refusing them when a language lacks one of `required`.
    pub fn new(sources: &[LocaleSource], required: &[&str]) -> Result<Self, LocaleError> {
        let bundles = Bundles::new(sources)?;
        for lang in Lang::ALL {
            if let Some(missing) = required.iter().find(|id| !bundles.has_message(lang, id)) {
                return Err(LocaleError {
                    name: sources
                        .iter()
                        .find(|source| source.lang == lang)
                        .map_or("language", |source| source.name),
                    details: format!("message {missing} is missing"),
                });
            }
        }
        Ok(Texts { bundles })
    }

    /// The message `id` in `language` (a code such as `vi` or `en-US`, as profiles hold it; an
    /// unknown one reads as Vietnamese), with text arguments.
    pub fn text(&self, language: &str, id: &str, args: &[(&str, String)]) -> String {
        let args: Vec<(&str, Arg)> = args
            .iter()
            .map(|(name, value)| (*name, Arg::Text(value.clone())))
            .collect();
        self.format(Lang::parse(language).unwrap_or(Lang::Vi), id, &args)
    }

    /// The message `id` in `lang`, with arguments of any kind.
    pub fn format(&self, lang: Lang, id: &str, args: &[(&str, Arg)]) -> String {
        self.bundles.format(lang, id, args)
    }

    /// Builds a text per language from a function of the language's code.
    pub fn per_language(&self, build: impl Fn(&str) -> String) -> LocalizedText {
        LocalizedText {
            vi: build(Lang::Vi.code()),
            en: build(Lang::En.code()),
            id: Some(build(Lang::Id.code())),
        }
    }
}

/// Message ids of a Fluent file, in order.
pub fn message_ids(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let (head, _) = line.split_once('=')?;
            let head = head.trim_end();
            let starts_like_id = head
                .chars()
                .next()
                .is_some_and(|first| first.is_ascii_alphabetic());
            let all_id_chars = head
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            (starts_like_id && all_id_chars && !line.starts_with(' ')).then(|| head.to_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_file_parses_and_has_the_same_messages_in_all_three_languages() {
        for file in ALL_SOURCES {
            Localizer::new(Lang::Vi, file).expect("every embedded file parses");
            let vietnamese = message_ids(file[0].text);
            assert!(!vietnamese.is_empty(), "{} has messages", file[0].name);
            for other in &file[1..] {
                let ids = message_ids(other.text);
                for id in &vietnamese {
                    assert!(ids.contains(id), "{} lacks {id}", other.name);
                }
                for id in &ids {
                    assert!(
                        vietnamese.contains(id),
                        "{} has {id} that Vietnamese lacks",
                        other.name
                    );
                }
            }
        }
    }

    #[test]
    fn a_missing_message_falls_back_to_vietnamese_then_shows_its_id() {
        let vi = LocaleSource {
            lang: Lang::Vi,
            name: "vi/test.ftl",
            text: "only-vi = Chỉ tiếng Việt\nboth = Cả hai\n",
        };
        let en = LocaleSource {
            lang: Lang::En,
            name: "en/test.ftl",
            text: "both = Both\n",
        };
        let localizer = Localizer::new(Lang::En, &[vi, en]).expect("parses");
        assert_eq!(localizer.text("both"), "Both", "the chosen language first");
        assert_eq!(
            localizer.text("only-vi"),
            "Chỉ tiếng Việt",
            "Vietnamese is the fallback"
        );
        assert_eq!(
            localizer.text("no-such-message"),
            "no-such-message",
            "an unknown message shows its id, never a blank"
        );
    }

    #[test]
    fn texts_speak_every_language_and_refuse_a_file_missing_a_required_message() {
        let texts = Texts::new(&CORE_SOURCES, &["error-network"]).expect("core messages load");
        let all = texts.per_language(|language| texts.text(language, "error-network", &[]));
        assert_ne!(all.vi, all.en, "English differs from Vietnamese");
        assert_ne!(all.vi, "error-network", "the message is found");
        assert_eq!(
            texts.text("fr", "error-network", &[]),
            all.vi,
            "an unknown language reads as Vietnamese"
        );
        let refused = Texts::new(&CORE_SOURCES, &["no-such-message"]);
        assert!(
            refused.is_err(),
            "a required message missing is an error at start, not a blank later"
        );
    }

    #[test]
    fn arguments_are_formatted_without_isolation_marks() {
        let source = LocaleSource {
            lang: Lang::Vi,
            name: "vi/test.ftl",
            text: "code = Mã { $code }: { $count }\n",
        };
        let texts = Texts::new(&[source], &[]).expect("parses");
        assert_eq!(
            texts.format(
                Lang::Vi,
                "code",
                &[("code", "012345".into()), ("count", 3_u64.into())]
            ),
            "Mã 012345: 3",
            "no Unicode isolation marks around arguments (they break SMS code extraction)"
        );
    }

    #[test]
    fn language_tags_parse_loosely() {
        assert_eq!(Lang::parse("vi-VN"), Some(Lang::Vi));
        assert_eq!(Lang::parse("en_US.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::parse("id"), Some(Lang::Id));
        assert_eq!(Lang::parse("fr"), None);
    }
}
