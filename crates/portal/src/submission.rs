//! What the portal adds to the shared rules of a submission (`opendvc_rules::form`, the same
//! the app applies before it queues): whose attachments they are, the delivery's postage and
//! subsidy and the procedure's fee (both by the shared fee computation,
//! `opendvc_rules::fees`), and application codes.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate};
use opendvc_api::{
    AttachmentRef, Channel, Delivery, DeliveryChoice, DeliveryMethod, DeliveryState, FieldError,
    FieldProblemCode, Procedure, Quote, QuoteLineKind,
};
use opendvc_rules::VIETNAM;
use opendvc_rules::fees::{self, QuoteInput};
use opendvc_rules::form::{check_delivery, check_requirements};
use uuid::Uuid;

use crate::data::ReferenceData;

pub use opendvc_rules::form::DEFAULT_MAX_TEXT;

/// The agency part of application codes, in the style of Da Nang's receipts.
pub const CODE_AGENCY: &str = "000.00.48.H17";

/// The code prefix of an application submitted at `submitted_at`; the store appends the
/// day's sequence number (`-NNNN`).
pub fn code_prefix(submitted_at: DateTime<FixedOffset>) -> String {
    format!(
        "{CODE_AGENCY}-{}",
        submitted_at.with_timezone(&VIETNAM).format("%y%m%d")
    )
}

/// Checks attachment references: uploads must be the caller's own, wallet documents the
/// caller's documents, and requirement ids those of the procedure (the shared rule).
pub fn check_attachments(
    procedure: &Procedure,
    attachments: &[AttachmentRef],
    owned_uploads: &[String],
    wallet_documents: &[Uuid],
    field_prefix: &str,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (index, attachment) in attachments.iter().enumerate() {
        let at = format!("{field_prefix}[{index}]");
        match attachment {
            AttachmentRef::Upload { attachment_id, .. } => {
                if !owned_uploads.contains(attachment_id) {
                    errors.push(FieldError::new(
                        format!("{at}.attachmentId"),
                        FieldProblemCode::AttachmentNotYours,
                    ));
                }
            }
            AttachmentRef::Wallet { document_id, .. } => {
                if !wallet_documents.contains(document_id) {
                    errors.push(FieldError::new(
                        format!("{at}.documentId"),
                        FieldProblemCode::DocumentNotYours,
                    ));
                }
            }
        }
    }
    errors.extend(
        check_requirements(procedure, attachments, field_prefix)
            .into_iter()
            .map(FieldError::from),
    );
    errors
}

/// The upload ids referenced by `attachments`.
pub fn upload_ids(attachments: &[AttachmentRef]) -> Vec<String> {
    attachments
        .iter()
        .filter_map(|attachment| match attachment {
            AttachmentRef::Upload { attachment_id, .. } => Some(attachment_id.clone()),
            AttachmentRef::Wallet { .. } => None,
        })
        .collect()
}

/// The delivery of a choice for `procedure`, checked by the shared rules against the portal's
/// administrative units and kept as they normalise it, with its postage for the items the
/// `form` sends, the city's subsidy and what the citizen pays (the shared fee computation).
pub fn delivery_for(
    data: &ReferenceData,
    procedure: &Procedure,
    form: &BTreeMap<String, String>,
    choice: &DeliveryChoice,
) -> Result<Delivery, Vec<FieldError>> {
    let kept = check_delivery(procedure, choice, Some(&data.admin_units))
        .into_result()
        .map_err(|problems| {
            problems
                .into_iter()
                .map(FieldError::from)
                .collect::<Vec<_>>()
        })?;
    let lines =
        fees::postage(procedure, form, Some(&kept)).map_err(|error| error.field_errors())?;
    let sum = |kind: QuoteLineKind| -> u64 {
        lines
            .iter()
            .filter(|line| line.kind == kind)
            .map(|line| line.amount.unsigned_abs())
            .sum()
    };
    let fee = sum(QuoteLineKind::Postage);
    let subsidy = sum(QuoteLineKind::PostageSubsidy).min(fee);
    Ok(Delivery {
        method: kept.method,
        address: kept.address,
        fee,
        subsidy,
        payable: fee - subsidy,
        state: (kept.method == DeliveryMethod::Post).then_some(DeliveryState::Preparing),
        tracking_number: None,
    })
}

/// The procedure's fee for a submission of `form` on `channel` (postage aside, which
/// `delivery_for` prices): the quote of the shared fee computation, as the application
/// records it. `birth_date` is the applicant's, for exemptions by age; `today` in Vietnam.
pub fn fee_quote(
    procedure: &Procedure,
    form: &BTreeMap<String, String>,
    fee_case: Option<&str>,
    birth_date: Option<NaiveDate>,
    channel: Channel,
    today: NaiveDate,
) -> Result<Quote, Vec<FieldError>> {
    fees::quote(
        procedure,
        &QuoteInput {
            form,
            fee_case,
            delivery: None,
            birth_date,
            filing: channel.into(),
            today,
        },
    )
    .map_err(|error| error.field_errors())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> ReferenceData {
        ReferenceData::load().expect("data loads")
    }

    /// A procedure of its own, so the tests do not depend on the shipped catalog's fields.
    fn renewal(_data: &ReferenceData) -> Procedure {
        serde_json::from_value(serde_json::json!({
            "id": "id-card-renewal", "code": "1.001612",
            "name": {"vi": "Cấp đổi thẻ căn cước", "en": "ID card renewal"},
            "agency": {"vi": "Công an", "en": "Police"},
            "sector": "identity", "onlineLevel": "full",
            "feeCases": [{"id": "renewal", "label": {"vi": "Lệ phí", "en": "Fee"}, "amount": 50000, "onlineAmount": 25000}],
            "processingDays": {"inPerson": 7, "online": 4},
            "requiredDocuments": [],
            "formFields": [
                {"id": "fullName", "label": {"vi": "Họ tên", "en": "Name"}, "kind": "text", "required": true, "maxLength": 100},
                {"id": "birthDate", "label": {"vi": "Ngày sinh", "en": "Birth date"}, "kind": "date", "required": true},
                {"id": "idNumber", "label": {"vi": "Số ĐDCN", "en": "ID number"}, "kind": "id_number", "required": true},
                {"id": "reason", "label": {"vi": "Lý do", "en": "Reason"}, "kind": "select", "required": true,
                 "options": [{"value": "age", "label": {"vi": "Tuổi", "en": "Age"}}]}
            ],
            "delivery": {"counter": true, "post": true,
                "postage": [{"id": "anywhere", "label": {"vi": "Bưu phí", "en": "Postage"},
                             "firstItem": 30000, "additionalItem": 5000}],
                "postageSubsidy": {"percent": 50, "label": {"vi": "Hỗ trợ", "en": "Subsidy"}}}
        }))
        .expect("test procedure parses")
    }

    #[test]
    fn online_filing_pays_the_online_fee() {
        let procedure = renewal(&data());
        let today = NaiveDate::from_ymd_opt(2026, 12, 5).expect("a date");
        for channel in [Channel::Online, Channel::Assisted] {
            let quote = fee_quote(&procedure, &BTreeMap::new(), None, None, channel, today)
                .expect("a one-case procedure is quoted");
            assert_eq!(
                quote.fee, 25000,
                "{channel:?} filing pays the online amount"
            );
        }
    }

    #[test]
    fn codes_follow_the_receipt_style() {
        let at = DateTime::parse_from_rfc3339("2026-11-29T20:30:00Z").expect("time");
        assert_eq!(
            code_prefix(at),
            "000.00.48.H17-261130",
            "the local date counts"
        );
    }

    #[test]
    fn post_needs_an_address_in_a_real_unit() {
        let data = data();
        let procedure = renewal(&data);
        let choice: DeliveryChoice = serde_json::from_str(
            r#"{"method":"post","address":{"recipientName":"A","phone":"0905000000",
                "provinceCode":"48","unitCode":"99999","street":"1 Bach Dang"}}"#,
        )
        .expect("choice parses");
        let errors = delivery_for(&data, &procedure, &BTreeMap::new(), &choice)
            .expect_err("unknown unit refused");
        assert_eq!(errors[0].field, "delivery.address.unitCode");
        let no_address = DeliveryChoice {
            method: DeliveryMethod::Post,
            address: None,
        };
        assert!(delivery_for(&data, &procedure, &BTreeMap::new(), &no_address).is_err());
    }

    #[test]
    fn post_fee_is_reduced_by_the_subsidy() {
        let data = data();
        let procedure = renewal(&data);
        let unit = &data.admin_units.units[0];
        let choice: DeliveryChoice = serde_json::from_value(serde_json::json!({
            "method": "post",
            "address": {"recipientName": "A", "phone": "0905000000",
                        "provinceCode": unit.province_code, "unitCode": unit.code,
                        "street": "1 Bach Dang"}
        }))
        .expect("choice parses");
        let delivery =
            delivery_for(&data, &procedure, &BTreeMap::new(), &choice).expect("valid post choice");
        assert_eq!(
            (delivery.fee, delivery.subsidy, delivery.payable),
            (30000, 15000, 15000),
            "the zone's postage less the city's half"
        );
        assert_eq!(delivery.state, Some(DeliveryState::Preparing));
    }
}
