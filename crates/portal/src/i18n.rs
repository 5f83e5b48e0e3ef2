//! The portal's user-visible texts, from `locales/{vi,en,id}/portal.ftl`.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use opendvc_api::LocalizedText;
use unic_langid::LanguageIdentifier;

const SOURCES: [(&str, &str); 3] = [
    ("vi", include_str!("../../../locales/vi/portal.ftl")),
    ("en", include_str!("../../../locales/en/portal.ftl")),
    ("id", include_str!("../../../locales/id/portal.ftl")),
];

/// A Fluent file that does not parse or misses a message.
#[derive(Debug, thiserror::Error)]
#[error("locale file locales/{language}/portal.ftl is invalid: {message}")]
pub struct LocaleError {
    pub language: String,
    pub message: String,
}

/// The three bundles, Vietnamese first.
pub struct Texts {
    bundles: Vec<(String, FluentBundle<FluentResource>)>,
}

impl std::fmt::Debug for Texts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Texts")
            .field("languages", &self.bundles.len())
            .finish()
    }
}

/// Message ids every language must have.
const REQUIRED: [&str; 10] = [
    "otp-sms",
    "consent-sms",
    "assisted-received-sms",
    "assist-opened-sms",
    "status-processing",
    "delivery-dispatched",
    "inbox-status-title",
    "inbox-status-body",
    "inbox-delivery-title",
    "notice-email",
];

impl Texts {
    pub fn load() -> Result<Self, LocaleError> {
        let mut bundles = Vec::new();
        for (language, source) in SOURCES {
            let error = |message: String| LocaleError {
                language: language.to_owned(),
                message,
            };
            let resource = FluentResource::try_new(source.to_owned())
                .map_err(|(_, errors)| error(format!("{errors:?}")))?;
            let id: LanguageIdentifier = language.parse().map_err(|e| error(format!("{e}")))?;
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Isolation marks would end up inside SMS texts and break code extraction.
            bundle.set_use_isolating(false);
            bundle
                .add_resource(resource)
                .map_err(|errors| error(format!("{errors:?}")))?;
            for message in REQUIRED {
                if !bundle.has_message(message) {
                    return Err(error(format!("message {message} is missing")));
                }
            }
            bundles.push((language.to_owned(), bundle));
        }
        Ok(Texts { bundles })
    }

    /// The message `id` in `language` (falling back to Vietnamese), with `args`.
    pub fn text(&self, language: &str, id: &str, args: &[(&str, String)]) -> String {
        let bundle = self
            .bundles
            .iter()
            .find(|(lang, _)| lang == language)
            .or_else(|| self.bundles.first())
            .map(|(_, bundle)| bundle);
        let Some(bundle) = bundle else {
            return id.to_owned();
        };
        let Some(pattern) = bundle.get_message(id).and_then(|message| message.value()) else {
            return id.to_owned();
        };
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, value.clone());
        }
        let mut errors = Vec::new();
        bundle
            .format_pattern(pattern, Some(&fluent_args), &mut errors)
            .into_owned()
    }

    /// Builds a text per language from a function of the language.
    pub fn per_language(&self, build: impl Fn(&str) -> String) -> LocalizedText {
        LocalizedText {
            vi: build("vi"),
            en: build("en"),
            id: Some(build("id")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_loads_with_the_required_messages() {
        Texts::load().expect("the portal's ftl files are valid and complete");
    }

    #[test]
    fn otp_text_holds_the_code_as_its_only_six_digit_run() {
        let texts = Texts::load().expect("texts load");
        for language in ["vi", "en", "id"] {
            let body = texts.text(
                language,
                "otp-sms",
                &[("code", "012345".into()), ("minutes", "5".into())],
            );
            let runs: Vec<&str> = body
                .split(|c: char| !c.is_ascii_digit())
                .filter(|run| run.len() >= 6)
                .collect();
            assert_eq!(runs, vec!["012345"], "{language}: {body}");
        }
    }
}
