//! Helpers the views share: server text in the person's language, and Vietnam's calendar.

use opendvc_api::LocalizedText;

use crate::i18n::Lang;

/// Server text in `lang`; Indonesian falls back to English where the portal has none.
pub fn localized(text: &LocalizedText, lang: Lang) -> String {
    match lang {
        Lang::Vi => text.vi.clone(),
        Lang::En => text.en.clone(),
        Lang::Id => text.id.clone().unwrap_or_else(|| text.en.clone()),
    }
}

/// Vietnam's time zone and today there, from the shared rules.
pub use opendvc_rules::time::{VIETNAM, in_vietnam, vietnam_today};
