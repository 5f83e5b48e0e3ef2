//! Helpers the views share: server text in the person's language, and Vietnam's calendar.

use chrono::{DateTime, FixedOffset, NaiveDate, Offset, Utc};
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

/// Vietnam's offset (UTC+7, no daylight saving).
pub fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).unwrap_or(Utc.fix())
}

/// Today in Vietnam (UTC+7, no daylight saving), the day renewal rules count in.
pub fn vietnam_today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&vietnam()).date_naive()
}
