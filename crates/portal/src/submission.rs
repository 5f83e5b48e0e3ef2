//! Rules of a submission: form validation, attachments, delivery and fees, codes.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate};
use opendvc_api::{
    AttachmentRef, Channel, Delivery, DeliveryChoice, DeliveryMethod, DeliveryState, FieldError,
    FieldKind, Procedure,
};
use uuid::Uuid;

use crate::data::{ReferenceData, is_id_number};
use crate::working_days::VIETNAM;

/// The agency part of application codes, in the style of Da Nang's receipts.
pub const CODE_AGENCY: &str = "000.00.48.H17";

/// Longest free text accepted where the catalog sets no limit (notes, comments, fields).
pub const DEFAULT_MAX_TEXT: usize = 2000;

fn field_error(field: String, message: &str) -> FieldError {
    FieldError {
        field,
        message: message.to_owned(),
    }
}

/// The code prefix of an application submitted at `submitted_at`; the store appends the
/// day's sequence number (`-NNNN`).
pub fn code_prefix(submitted_at: DateTime<FixedOffset>) -> String {
    format!(
        "{CODE_AGENCY}-{}",
        submitted_at.with_timezone(&VIETNAM).format("%y%m%d")
    )
}

/// Whether `phone` looks like a Vietnamese phone number (`+84` or `0`, then 9 or 10 digits).
pub fn is_phone(phone: &str) -> bool {
    let digits = phone
        .strip_prefix("+84")
        .or_else(|| phone.strip_prefix('0'))
        .unwrap_or("");
    (9..=10).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Checks form values against the procedure's fields. With `require_all`, required fields
/// must be present (a submission); without, only given values are checked (a supplement).
pub fn validate_form(
    procedure: &Procedure,
    form: &BTreeMap<String, String>,
    require_all: bool,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for key in form.keys() {
        if !procedure.form_fields.iter().any(|field| &field.id == key) {
            errors.push(field_error(
                format!("form.{key}"),
                "not a field of this procedure",
            ));
        }
    }
    for field in &procedure.form_fields {
        let name = format!("form.{}", field.id);
        let value = form.get(&field.id).map(|value| value.trim()).unwrap_or("");
        if value.is_empty() {
            if field.required && require_all {
                errors.push(field_error(name, "required"));
            }
            continue;
        }
        let max = field
            .max_length
            .map(|max| max as usize)
            .unwrap_or(DEFAULT_MAX_TEXT);
        if value.chars().count() > max {
            errors.push(field_error(name.clone(), "too long"));
            continue;
        }
        let valid = match field.kind {
            FieldKind::Text | FieldKind::Textarea => true,
            FieldKind::Date => NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok(),
            FieldKind::Number => value.bytes().all(|b| b.is_ascii_digit()),
            FieldKind::IdNumber => is_id_number(value),
            FieldKind::Phone => is_phone(value),
            FieldKind::Select => field.options.iter().any(|option| option.value == value),
        };
        if !valid {
            let message = match field.kind {
                FieldKind::Date => "must be a date YYYY-MM-DD",
                FieldKind::Number => "must be a whole number",
                FieldKind::IdNumber => "must be 12 digits",
                FieldKind::Phone => "must be a Vietnamese phone number",
                FieldKind::Select => "must be one of the options",
                FieldKind::Text | FieldKind::Textarea => "invalid",
            };
            errors.push(field_error(name, message));
        }
    }
    errors
}

/// Checks attachment references: uploads must be the caller's own, wallet documents the
/// caller's documents, and requirement ids those of the procedure.
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
        let requirement = match attachment {
            AttachmentRef::Upload {
                attachment_id,
                requirement_id,
            } => {
                if !owned_uploads.contains(attachment_id) {
                    errors.push(field_error(
                        format!("{at}.attachmentId"),
                        "not an attachment you uploaded",
                    ));
                }
                requirement_id
            }
            AttachmentRef::Wallet {
                document_id,
                requirement_id,
            } => {
                if !wallet_documents.contains(document_id) {
                    errors.push(field_error(
                        format!("{at}.documentId"),
                        "not a document in your wallet",
                    ));
                }
                requirement_id
            }
        };
        if let Some(requirement) = requirement
            && !procedure
                .required_documents
                .iter()
                .any(|document| &document.id == requirement)
        {
            errors.push(field_error(
                format!("{at}.requirementId"),
                "not a required document of this procedure",
            ));
        }
    }
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

/// The delivery of a choice for `procedure`, with its fee, subsidy and what the citizen pays.
pub fn delivery_for(
    data: &ReferenceData,
    procedure: &Procedure,
    choice: &DeliveryChoice,
) -> Result<Delivery, Vec<FieldError>> {
    match choice.method {
        DeliveryMethod::Counter => {
            if !procedure.delivery.counter {
                return Err(vec![field_error(
                    "delivery.method".into(),
                    "this procedure's result is not collected at the counter",
                )]);
            }
            Ok(Delivery {
                method: DeliveryMethod::Counter,
                address: None,
                fee: 0,
                subsidy: 0,
                payable: 0,
                state: None,
                tracking_number: None,
            })
        }
        DeliveryMethod::Post => {
            let mut errors = Vec::new();
            if !procedure.delivery.post {
                errors.push(field_error(
                    "delivery.method".into(),
                    "this procedure's result cannot be sent by post",
                ));
            }
            match &choice.address {
                None => errors.push(field_error(
                    "delivery.address".into(),
                    "required for delivery by post",
                )),
                Some(address) => {
                    if address.recipient_name.trim().is_empty()
                        || address.recipient_name.chars().count() > 200
                    {
                        errors.push(field_error(
                            "delivery.address.recipientName".into(),
                            "required, at most 200 characters",
                        ));
                    }
                    if !is_phone(&address.phone) {
                        errors.push(field_error(
                            "delivery.address.phone".into(),
                            "must be a Vietnamese phone number",
                        ));
                    }
                    if !data.unit_in_province(
                        &address.address.province_code,
                        &address.address.unit_code,
                    ) {
                        errors.push(field_error(
                            "delivery.address.unitCode".into(),
                            "not a unit of that province",
                        ));
                    }
                    if address.address.street.trim().is_empty()
                        || address.address.street.chars().count() > 300
                    {
                        errors.push(field_error(
                            "delivery.address.street".into(),
                            "required, at most 300 characters",
                        ));
                    }
                }
            }
            if !errors.is_empty() {
                return Err(errors);
            }
            let fee = procedure.delivery.post_fee;
            let subsidy = procedure.delivery.post_subsidy.min(fee);
            Ok(Delivery {
                method: DeliveryMethod::Post,
                address: choice.address.clone(),
                fee,
                subsidy,
                payable: fee - subsidy,
                state: Some(DeliveryState::Preparing),
                tracking_number: None,
            })
        }
    }
}

/// The procedure's fee for a submission on `channel`: online and assisted filing pay the
/// online amount where the catalog gives one.
pub fn procedure_fee(procedure: &Procedure, channel: Channel) -> u64 {
    procedure
        .fees
        .iter()
        .map(|fee| match channel {
            Channel::Online | Channel::Assisted => fee.online_amount.unwrap_or(fee.amount),
        })
        .sum()
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
            "fees": [{"label": {"vi": "Lệ phí", "en": "Fee"}, "amount": 50000, "onlineAmount": 25000}],
            "processingDays": {"inPerson": 7, "online": 4},
            "requiredDocuments": [],
            "formFields": [
                {"id": "fullName", "label": {"vi": "Họ tên", "en": "Name"}, "kind": "text", "required": true, "maxLength": 100},
                {"id": "birthDate", "label": {"vi": "Ngày sinh", "en": "Birth date"}, "kind": "date", "required": true},
                {"id": "idNumber", "label": {"vi": "Số ĐDCN", "en": "ID number"}, "kind": "id_number", "required": true},
                {"id": "reason", "label": {"vi": "Lý do", "en": "Reason"}, "kind": "select", "required": true,
                 "options": [{"value": "age", "label": {"vi": "Tuổi", "en": "Age"}}]}
            ],
            "delivery": {"counter": true, "post": true, "postFee": 30000, "postSubsidy": 15000}
        }))
        .expect("test procedure parses")
    }

    #[test]
    fn online_filing_pays_the_online_fee() {
        let procedure = renewal(&data());
        assert_eq!(procedure_fee(&procedure, Channel::Online), 25000);
        assert_eq!(procedure_fee(&procedure, Channel::Assisted), 25000);
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
    fn phones_are_vietnamese_numbers() {
        assert!(is_phone("0905123456"));
        assert!(is_phone("+84905123456"));
        assert!(!is_phone("905123456"));
        assert!(!is_phone("+8490512345a"));
    }

    #[test]
    fn form_values_are_checked_by_kind() {
        let data = data();
        let procedure = renewal(&data);
        let form: BTreeMap<String, String> = [
            ("fullName", "Nguyễn Văn A"),
            ("birthDate", "1990-02-30"),
            ("idNumber", "123"),
            ("reason", "bored"),
            ("shoeSize", "42"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let fields: Vec<String> = validate_form(&procedure, &form, true)
            .into_iter()
            .map(|error| error.field)
            .collect();
        assert_eq!(
            fields,
            vec![
                "form.shoeSize",
                "form.birthDate",
                "form.idNumber",
                "form.reason"
            ],
            "unknown field, impossible date, short ID number and unknown option are refused"
        );
    }

    #[test]
    fn required_fields_are_required_only_on_submission() {
        let data = data();
        let procedure = renewal(&data);
        let empty = BTreeMap::new();
        assert!(!validate_form(&procedure, &empty, true).is_empty());
        assert!(validate_form(&procedure, &empty, false).is_empty());
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
        let errors = delivery_for(&data, &procedure, &choice).expect_err("unknown unit refused");
        assert_eq!(errors[0].field, "delivery.address.unitCode");
        let no_address = DeliveryChoice {
            method: DeliveryMethod::Post,
            address: None,
        };
        assert!(delivery_for(&data, &procedure, &no_address).is_err());
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
        let delivery = delivery_for(&data, &procedure, &choice).expect("valid post choice");
        assert_eq!(delivery.payable, delivery.fee - delivery.subsidy);
        assert_eq!(delivery.state, Some(DeliveryState::Preparing));
    }
}
