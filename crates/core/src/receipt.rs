//! The receipt a citizen takes away: application code, procedure, due date, delivery choice,
//! fee, how to follow it, and a QR code of the lookup link, in the citizen's language. The
//! core builds the view model and the QR code as SVG; the UI prints it.

use opendvc_api::{AdminUnits, Application, DeliveryAddress, DeliveryMethod};
use qrcode::QrCode;
use qrcode::render::svg;
use serde::Serialize;

use crate::app::OpenDvc;
use crate::error::CoreError;
use crate::i18n::{Arg, Lang, Localizer};

/// The receipt's messages (`locales/*/receipt.ftl`).
pub use crate::i18n::RECEIPT_SOURCES;

/// One labelled line of the receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ReceiptLine {
    pub label: String,
    pub value: String,
}

/// A receipt, ready to print.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Receipt {
    pub lang: String,
    pub title: String,
    pub application_code: String,
    /// Code, procedure, dates, delivery, fee, in print order.
    pub lines: Vec<ReceiptLine>,
    pub follow_up: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub served_by: Option<String>,
    /// What the QR code holds: the portal's public status page of the application
    /// (`{portal}/s/{code}`), which any phone's camera opens in a browser, app or not.
    pub lookup_link: String,
    pub qr_caption: String,
    /// The QR code of [`Receipt::lookup_link`], as an SVG document.
    pub qr_svg: String,
}

/// Characters escaped in the link; the code's own `.`, `-` and `_` stay readable.
const LINK_ESCAPES: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'.')
    .remove(b'-')
    .remove(b'_');

/// The link a receipt's QR code holds: the public status page of the application on the
/// portal at `portal_url` (`{portal}/s/{code}`). A resident without the app opens it with a
/// phone's camera and reads the status after typing the last 4 digits of their ID number.
pub fn lookup_link(portal_url: &str, code: &str) -> String {
    format!(
        "{}/s/{}",
        portal_url.trim_end_matches('/'),
        percent_encoding::utf8_percent_encode(code, LINK_ESCAPES)
    )
}

/// `50000` → `50.000 ₫` (Vietnamese grouping, used on receipts in every language).
fn vnd(amount: u64) -> String {
    let digits = amount.to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(digit);
    }
    format!("{grouped} ₫")
}

/// The QR code of `payload` as SVG.
pub fn qr_svg(payload: &str) -> Result<String, CoreError> {
    let code =
        QrCode::new(payload.as_bytes()).map_err(|error| CoreError::Receipt(error.to_string()))?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build())
}

/// `12 Lê Văn Hiến, Phường Ngũ Hành Sơn, Thành phố Đà Nẵng`: the units by name where `units`
/// knows them, by code otherwise.
fn address_text(address: &DeliveryAddress, units: Option<&AdminUnits>) -> String {
    let place = &address.address;
    let unit = units
        .and_then(|units| units.units.iter().find(|unit| unit.code == place.unit_code))
        .map_or(place.unit_code.as_str(), |unit| unit.name.as_str());
    let province = units
        .and_then(|units| {
            units
                .provinces
                .iter()
                .find(|province| province.code == place.province_code)
        })
        .map_or(place.province_code.as_str(), |province| {
            province.name.as_str()
        });
    format!("{}, {unit}, {province}", place.street)
}

/// Builds the receipt of `application` in `lang`; `units` name the delivery address's units;
/// the QR code links to the status page of the portal at `portal_url`.
pub fn build(
    application: &Application,
    lang: Lang,
    units: Option<&AdminUnits>,
    portal_url: &str,
) -> Result<Receipt, CoreError> {
    let text = Localizer::new(lang, &RECEIPT_SOURCES)
        .map_err(|error| CoreError::Receipt(error.to_string()))?;
    let date = |at: &chrono::DateTime<chrono::FixedOffset>| at.format("%d/%m/%Y").to_string();
    let delivery = match application.delivery.method {
        DeliveryMethod::Counter => text.text("receipt-delivery-counter"),
        DeliveryMethod::Post => text.format(
            "receipt-delivery-post",
            &[
                ("fee", Arg::from(vnd(application.delivery.fee))),
                ("subsidy", Arg::from(vnd(application.delivery.subsidy))),
                ("payable", Arg::from(vnd(application.delivery.payable))),
            ],
        ),
    };
    let fee = if application.fee == 0 {
        text.text("receipt-fee-free")
    } else {
        vnd(application.fee)
    };
    let line = |label: &str, value: String| ReceiptLine {
        label: text.text(label),
        value,
    };
    let link = lookup_link(portal_url, &application.code);
    let mut lines = vec![
        line("receipt-code", application.code.clone()),
        line(
            "receipt-procedure",
            application.procedure_name.get(lang.code()).to_owned(),
        ),
        line("receipt-submitted", date(&application.submitted_at)),
        line("receipt-due", date(&application.due_at)),
        line("receipt-delivery", delivery),
    ];
    if let (DeliveryMethod::Post, Some(address)) =
        (application.delivery.method, &application.delivery.address)
    {
        lines.push(line("receipt-address", address_text(address, units)));
    }
    // The lines of the fee charged (case, add-ons, exemptions), where there is more than one.
    if application.fee_lines.len() > 1 {
        for charged in &application.fee_lines {
            let amount = vnd(charged.amount.unsigned_abs());
            lines.push(ReceiptLine {
                label: charged.label.get(lang.code()).to_owned(),
                value: if charged.amount < 0 {
                    format!("−{amount}")
                } else {
                    amount
                },
            });
        }
    }
    lines.push(line("receipt-fee", fee));
    Ok(Receipt {
        lang: lang.code().to_owned(),
        title: text.text("receipt-title"),
        application_code: application.code.clone(),
        lines,
        follow_up: text.format(
            "receipt-follow-text",
            &[("code", Arg::from(application.code.clone()))],
        ),
        served_by: application.submitted_by.as_ref().map(|by| {
            text.format(
                "receipt-served-by",
                &[
                    ("staff", Arg::from(by.staff_code.clone())),
                    ("venue", Arg::from(by.venue.clone())),
                ],
            )
        }),
        qr_svg: qr_svg(&link)?,
        lookup_link: link,
        qr_caption: text.text("receipt-qr-caption"),
    })
}

impl OpenDvc {
    /// The receipt of a sent application (by code, id, or the queue item that created it),
    /// in `lang` — the citizen's language, from their profile when not given.
    pub fn receipt(&self, code_or_id: &str, lang: Option<Lang>) -> Result<Receipt, CoreError> {
        let detail = self.application(code_or_id)?;
        let application = detail
            .application
            .ok_or_else(|| CoreError::ReceiptNotReady(code_or_id.to_owned()))?;
        let lang = match lang {
            Some(lang) => lang,
            None => self
                .profile()?
                .and_then(|profile| Lang::parse(&profile.language))
                .unwrap_or(Lang::Vi),
        };
        // Names for the delivery address's units, if they are on the device (the receipt
        // shows the codes otherwise).
        let active = self.active()?;
        let units = active
            .cache
            .read(crate::store::reference::admin_units)
            .ok()
            .flatten();
        let portal_url = self.portal_url_for(Some(&active.session))?;
        build(&application, lang, units.as_deref(), &portal_url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipt_messages_exist_in_every_language() {
        let vietnamese = crate::i18n::message_ids(RECEIPT_SOURCES[0].text);
        assert!(vietnamese.contains(&"receipt-code".to_owned()));
        for source in &RECEIPT_SOURCES[1..] {
            assert_eq!(
                crate::i18n::message_ids(source.text),
                vietnamese,
                "{} has the same messages as the Vietnamese file",
                source.name
            );
        }
    }

    #[test]
    fn amounts_are_grouped_the_vietnamese_way() {
        assert_eq!(vnd(0), "0 ₫");
        assert_eq!(vnd(50_000), "50.000 ₫");
        assert_eq!(vnd(1_250_000), "1.250.000 ₫");
    }

    #[test]
    fn the_receipt_lists_the_fee_lines_charged_before_the_total() {
        let mut application: Application = serde_json::from_value(serde_json::json!({
            "id": "0193a1b2-0000-7000-8000-000000000001", "code": "000.00.48.H17-261205-0001",
            "procedureId": "judicial-record-certificate",
            "procedureName": {"vi": "Cấp phiếu lý lịch tư pháp", "en": "Judicial record"},
            "status": "received", "channel": "online",
            "submittedAt": "2026-12-05T09:00:00+07:00", "dueAt": "2026-12-19T17:00:00+07:00",
            "processingDays": 10, "form": {}, "attachments": [],
            "delivery": {"method": "counter", "fee": 0, "subsidy": 0, "payable": 0},
            "fee": 0, "timeline": [], "updatedAt": "2026-12-05T09:00:00+07:00"
        }))
        .expect("an application");
        application.fee_lines = serde_json::from_value(serde_json::json!([
            {"kind": "case", "id": "standard", "label": {"vi": "Lệ phí", "en": "Standard fee"},
             "quantity": 1, "amount": 200_000},
            {"kind": "exemption", "id": "elderly-60", "label": {"vi": "Miễn", "en": "Aged 60 or over"},
             "quantity": 1, "amount": -200_000}
        ]))
        .expect("fee lines");
        let receipt = build(&application, Lang::En, None, PORTAL).expect("a receipt");
        let shown: Vec<(&str, &str)> = receipt
            .lines
            .iter()
            .map(|line| (line.label.as_str(), line.value.as_str()))
            .collect();
        assert!(
            shown.contains(&("Standard fee", "200.000 ₫"))
                && shown.contains(&("Aged 60 or over", "−200.000 ₫")),
            "the receipt names each fee line charged: {shown:?}"
        );
    }

    /// A city's portal, as the app is configured with it.
    const PORTAL: &str = "https://dvc.danang.gov.vn/";

    #[test]
    fn the_lookup_link_is_the_portals_status_page_of_the_code() {
        assert_eq!(
            lookup_link(PORTAL, "000.17.48.H17-261129-0001"),
            "https://dvc.danang.gov.vn/s/000.17.48.H17-261129-0001"
        );
        assert_eq!(
            lookup_link("http://127.0.0.1:8080", "a/b c"),
            "http://127.0.0.1:8080/s/a%2Fb%20c",
            "a code never leaves its path segment"
        );
    }

    /// Decodes the QR code of `payload` as a scanner would: the module matrix drawn as a
    /// greyscale picture, four pixels a module, with the quiet zone, read by `rqrr`.
    fn scan(payload: &str) -> String {
        let code = QrCode::new(payload.as_bytes()).expect("encodes");
        let width = code.width();
        let colors = code.to_colors();
        let scale = 4;
        let quiet = 4;
        let side = (width + 2 * quiet) * scale;
        let mut picture = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| {
            let (mx, my) = (x / scale, y / scale);
            if mx < quiet || my < quiet || mx >= width + quiet || my >= width + quiet {
                return 255;
            }
            match colors[(my - quiet) * width + (mx - quiet)] {
                qrcode::Color::Dark => 0,
                qrcode::Color::Light => 255,
            }
        });
        let grids = picture.detect_grids();
        assert_eq!(grids.len(), 1, "one QR code in the picture");
        grids[0].decode().expect("decodes").1
    }

    #[test]
    fn the_receipt_qr_code_decodes_to_the_lookup_link_with_the_code() {
        let code = "000.17.48.H17-261129-0001";
        let link = lookup_link(PORTAL, code);
        let scanned = scan(&link);
        assert_eq!(scanned, link);
        assert!(scanned.contains(code), "the scanned link carries the code");
    }

    #[test]
    fn the_qr_code_is_the_one_of_the_lookup_link() {
        let link = lookup_link(PORTAL, "H17-261129-0001");
        let svg = qr_svg(&link).expect("renders");
        assert!(svg.starts_with("<?xml"), "an SVG document");
        assert_eq!(
            svg,
            qr_svg(&link).expect("renders"),
            "rendering is deterministic"
        );
        assert_ne!(
            svg,
            qr_svg(&lookup_link(PORTAL, "H17-261129-0002")).expect("renders"),
            "another code gives another QR code"
        );
    }
}
