//! The portal's user-visible texts, `locales/{vi,en,id}/portal.ftl` and the public status
//! page's `status-page.ftl`, through the one Fluent loader of the workspace (`opendvc-i18n`).

pub use opendvc_i18n::{LocaleError, Texts};

/// Message ids every language must have: the portal refuses to start without them.
const REQUIRED: [&str; 20] = [
    "otp-sms",
    "consent-sms",
    "contact-code-sms",
    "contact-code-email-subject",
    "contact-code-email",
    "old-phone-code-sms",
    "notice-received-sms",
    "assist-opened-sms",
    "status-processing",
    "delivery-dispatched",
    "inbox-status-title",
    "inbox-status-body",
    "inbox-delivery-title",
    "inbox-renewal-title",
    "inbox-renewal-body",
    "notice-renewal-sms",
    "notice-email",
    "status-page-title",
    "status-page-not-found",
    "status-page-date",
];

/// The portal's texts in every language.
pub fn load() -> Result<Texts, LocaleError> {
    let sources: Vec<opendvc_i18n::LocaleSource> = opendvc_i18n::PORTAL_SOURCES
        .into_iter()
        .chain(opendvc_i18n::STATUS_PAGE_SOURCES)
        .collect();
    Texts::new(&sources, &REQUIRED)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_loads_with_the_required_messages() {
        load().expect("the portal's ftl files are valid and complete");
    }

    #[test]
    fn otp_text_holds_the_code_as_its_only_six_digit_run() {
        let texts = load().expect("texts load");
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
