//! Localised messages from the Fluent files in `locales/{vi,en,id}/`.
//!
//! The files are embedded at build time, so a binary never runs without its strings.
//! Vietnamese is the default and the fallback: a message missing in the chosen language is
//! looked up in Vietnamese, then English, and only then shown as its id.

use std::collections::HashMap;
use std::fmt;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// A language of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "Language"))]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Vi,
    En,
    Id,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Vi, Lang::En, Lang::Id];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
            Lang::Id => "id",
        }
    }

    /// Parses `vi`, `en`, `id` (also `vi-VN`, `en_US.UTF-8` and the like); `None` otherwise.
    pub fn parse(text: &str) -> Option<Lang> {
        let primary = text
            .split(['-', '_', '.'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            "id" | "in" => Some(Lang::Id),
            _ => None,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One embedded Fluent file.
#[derive(Debug, Clone, Copy)]
pub struct LocaleSource {
    pub lang: Lang,
    pub name: &'static str,
    pub text: &'static str,
}

/// The core's own messages (error messages, queue and sync states).
pub const CORE_SOURCES: [LocaleSource; 3] = [
    LocaleSource {
        lang: Lang::Vi,
        name: "vi/core.ftl",
        text: include_str!("../../../locales/vi/core.ftl"),
    },
    LocaleSource {
        lang: Lang::En,
        name: "en/core.ftl",
        text: include_str!("../../../locales/en/core.ftl"),
    },
    LocaleSource {
        lang: Lang::Id,
        name: "id/core.ftl",
        text: include_str!("../../../locales/id/core.ftl"),
    },
];

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

/// Error in an embedded Fluent file; only a broken build can produce it, and a test checks
/// that none does.
#[derive(Debug, thiserror::Error)]
#[error("the message file {name} has errors: {details}")]
pub struct LocaleError {
    pub name: &'static str,
    pub details: String,
}

/// Formats messages in one language with fallbacks.
pub struct Localizer {
    lang: Lang,
    bundles: HashMap<Lang, FluentBundle<FluentResource>>,
}

impl fmt::Debug for Localizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Localizer")
            .field("lang", &self.lang)
            .finish()
    }
}

impl Localizer {
    /// A localizer for `lang` over the given sources (the core's and the caller's own).
    pub fn new(lang: Lang, sources: &[LocaleSource]) -> Result<Self, LocaleError> {
        let mut bundles = HashMap::new();
        for each in Lang::ALL {
            let langid: LanguageIdentifier = each.code().parse().map_err(|error| LocaleError {
                name: "language",
                details: format!("{error}"),
            })?;
            let mut bundle = FluentBundle::new_concurrent(vec![langid]);
            // Isolation marks would end up in terminal output and JSON; the CLI prints plain text.
            bundle.set_use_isolating(false);
            for source in sources.iter().filter(|source| source.lang == each) {
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
            bundles.insert(each, bundle);
        }
        Ok(Localizer { lang, bundles })
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Whether `id` exists in `lang` itself (no fallback).
    pub fn has_message(&self, lang: Lang, id: &str) -> bool {
        self.bundles
            .get(&lang)
            .is_some_and(|bundle| bundle.has_message(id))
    }

    /// The message `id` without arguments.
    pub fn text(&self, id: &str) -> String {
        self.format(id, &[])
    }

    /// The message `id` with named arguments.
    pub fn format(&self, id: &str, args: &[(&str, Arg)]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            match value {
                Arg::Text(text) => fluent_args.set(*name, FluentValue::from(text.clone())),
                Arg::Number(number) => fluent_args.set(*name, FluentValue::from(*number)),
            }
        }
        for lang in [self.lang, Lang::Vi, Lang::En] {
            let Some(bundle) = self.bundles.get(&lang) else {
                continue;
            };
            let Some(message) = bundle.get_message(id) else {
                continue;
            };
            let Some(pattern) = message.value() else {
                continue;
            };
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
            return text.into_owned();
        }
        id.to_owned()
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
    fn every_core_message_exists_in_all_three_languages() {
        let vi = message_ids(CORE_SOURCES[0].text);
        assert!(!vi.is_empty(), "the Vietnamese core messages are not empty");
        for source in &CORE_SOURCES[1..] {
            let ids = message_ids(source.text);
            for id in &vi {
                assert!(ids.contains(id), "{} lacks {id}", source.name);
            }
            for id in &ids {
                assert!(
                    vi.contains(id),
                    "{} has {id} that Vietnamese lacks",
                    source.name
                );
            }
        }
    }

    #[test]
    fn core_messages_parse_and_vietnamese_is_the_fallback() {
        let localizer = Localizer::new(Lang::En, &CORE_SOURCES).expect("core messages parse");
        assert_eq!(localizer.lang(), Lang::En);
        let english = localizer.text("error-network");
        let vietnamese = Localizer::new(Lang::Vi, &CORE_SOURCES)
            .expect("parses")
            .text("error-network");
        assert_ne!(english, "error-network", "the message is found");
        assert_ne!(english, vietnamese, "English differs from Vietnamese");
    }

    #[test]
    fn every_error_code_has_a_message() {
        use opendvc_api::ErrorCode;
        let localizer = Localizer::new(Lang::Vi, &CORE_SOURCES).expect("parses");
        let portal_codes = [
            ErrorCode::MalformedRequest,
            ErrorCode::ValidationFailed,
            ErrorCode::Unauthorized,
            ErrorCode::TokenExpired,
            ErrorCode::RefreshTokenInvalid,
            ErrorCode::OtpInvalid,
            ErrorCode::Forbidden,
            ErrorCode::ConsentRequired,
            ErrorCode::NotFound,
            ErrorCode::InvalidState,
            ErrorCode::IdempotencyKeyMissing,
            ErrorCode::IdempotencyKeyReused,
            ErrorCode::IdempotencyInFlight,
            ErrorCode::PayloadTooLarge,
            ErrorCode::UnsupportedMediaType,
            ErrorCode::QuotaExceeded,
            ErrorCode::RateLimited,
            ErrorCode::Internal,
            ErrorCode::Unknown,
        ];
        let client_codes = [
            "network",
            "timeout",
            "server",
            "rate_limited",
            "unauthorized",
            "not_signed_in",
            "validation",
            "not_found",
            "conflict",
            "malformed",
        ];
        let core_codes = [
            "no_portal",
            "invalid_id_number",
            "otp_invalid",
            "store",
            "store_corrupt",
            "no_such_item",
            "item_not_changeable",
            "not_an_application",
            "attachment_too_large",
            "attachment_unreadable",
            "session_file",
            "catalog_missing",
            "unknown_procedure",
            "invalid_submission",
            "unknown_application",
            "unsent_items",
            "attachment_missing",
            "parent_discarded",
            "parent_not_created",
            "search_index_missing",
            "search_failed",
            "access_log_own_sign_in_only",
        ];
        let all = portal_codes
            .iter()
            .map(|code| code.as_str())
            .chain(client_codes)
            .chain(core_codes);
        for code in all {
            let id = format!("error-{}", code.replace('_', "-"));
            assert!(localizer.has_message(Lang::Vi, &id), "{id} is missing");
        }
    }

    #[test]
    fn unknown_message_shows_its_id() {
        let localizer = Localizer::new(Lang::Vi, &CORE_SOURCES).expect("parses");
        assert_eq!(localizer.text("no-such-message"), "no-such-message");
    }

    #[test]
    fn language_tags_parse_loosely() {
        assert_eq!(Lang::parse("vi-VN"), Some(Lang::Vi));
        assert_eq!(Lang::parse("en_US.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::parse("id"), Some(Lang::Id));
        assert_eq!(Lang::parse("fr"), None);
    }
}
