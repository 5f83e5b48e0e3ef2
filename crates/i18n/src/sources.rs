//! The Fluent files of `locales/{vi,en,id}/`, embedded at build time so that no binary runs
//! without its strings. Each constant holds one file in the three languages, Vietnamese first.
//! The UI reads the same files (`ui/src/lib/i18n.svelte.ts`); `ui.ftl` is the UI's alone.

use crate::lang::Lang;

/// One embedded Fluent file in one language.
#[derive(Debug, Clone, Copy)]
pub struct LocaleSource {
    pub lang: Lang,
    /// `vi/core.ftl` and the like, for error messages.
    pub name: &'static str,
    pub text: &'static str,
}

/// The three languages of one file under `locales/`.
macro_rules! locale_file {
    ($file:literal) => {
        [
            LocaleSource {
                lang: Lang::Vi,
                name: concat!("vi/", $file),
                text: include_str!(concat!("../../../locales/vi/", $file)),
            },
            LocaleSource {
                lang: Lang::En,
                name: concat!("en/", $file),
                text: include_str!(concat!("../../../locales/en/", $file)),
            },
            LocaleSource {
                lang: Lang::Id,
                name: concat!("id/", $file),
                text: include_str!(concat!("../../../locales/id/", $file)),
            },
        ]
    };
}

/// The core's own messages: error messages, queue and sync states.
pub const CORE_SOURCES: [LocaleSource; 3] = locale_file!("core.ftl");
/// Notifications and reminders on the device.
pub const NOTIFY_SOURCES: [LocaleSource; 3] = locale_file!("notify.ftl");
/// The citizen's receipt.
pub const RECEIPT_SOURCES: [LocaleSource; 3] = locale_file!("receipt.ftl");
/// Staff mode on shared devices.
pub const ASSIST_SOURCES: [LocaleSource; 3] = locale_file!("assist.ftl");
/// The `opendvc` command line.
pub const CLI_SOURCES: [LocaleSource; 3] = locale_file!("cli.ftl");
/// The portal's texts, SMS and inbox notices.
pub const PORTAL_SOURCES: [LocaleSource; 3] = locale_file!("portal.ftl");
/// The portal's public status page (`/s/{code}`), for people without the app; the UI does not
/// load it.
pub const STATUS_PAGE_SOURCES: [LocaleSource; 3] = locale_file!("status-page.ftl");
/// What is wrong with a field: one message per problem code of the shared rules
/// (`opendvc_api::FieldProblemCode`), shown by the UI, the CLI and the portal's problem details.
pub const FIELD_SOURCES: [LocaleSource; 3] = locale_file!("fields.ftl");

/// Every file the Rust side embeds, for checks that must see them all.
pub const ALL_SOURCES: [&[LocaleSource; 3]; 8] = [
    &CORE_SOURCES,
    &NOTIFY_SOURCES,
    &RECEIPT_SOURCES,
    &ASSIST_SOURCES,
    &CLI_SOURCES,
    &PORTAL_SOURCES,
    &STATUS_PAGE_SOURCES,
    &FIELD_SOURCES,
];
