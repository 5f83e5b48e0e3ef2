//! Uploads: the bytes must be the image or PDF their type says, each citizen has a quota, and
//! files no application uses are collected once no window can still need them.

use opendvc_api::{Attachment, AttachmentRef};
use opendvc_tests::fixtures::{
    Citizen, counter_delivery, deliverable_procedure, jpeg_bytes, pdf_bytes, png_bytes,
};
use opendvc_tests::{Portal, PortalOptions, Reply};

const DAY: i64 = 24 * 3600;

fn upload(citizen: &Citizen, bytes: Vec<u8>, content_type: &str) -> Reply {
    citizen
        .call("POST", "/v1/attachments")
        .body(bytes, content_type)
        .send()
}

/// A PDF of about `size` bytes (its comment padded), different for each `note`.
fn pdf_of_size(note: &str, size: usize) -> Vec<u8> {
    let filler = "x".repeat(size.saturating_sub(400));
    pdf_bytes(&format!("{note} {filler}"))
}

#[test]
fn a_file_whose_bytes_do_not_match_its_type_is_refused() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    for (bytes, content_type) in [
        (pdf_bytes("giấy khai sinh"), "application/pdf"),
        (png_bytes(7), "image/png"),
        (jpeg_bytes("ảnh 4x6"), "image/jpeg"),
    ] {
        upload(&citizen, bytes, content_type)
            .expect_status(201, &format!("a real {content_type} file is stored"));
    }
    for (bytes, content_type, what) in [
        (png_bytes(8), "application/pdf", "a PNG sent as a PDF"),
        (
            pdf_bytes("not a photo"),
            "image/jpeg",
            "a PDF sent as a JPEG",
        ),
        (
            b"Just some text, not a scan".to_vec(),
            "text/plain",
            "a text file",
        ),
        (
            b"<html><script>alert(1)</script></html>".to_vec(),
            "image/png",
            "HTML sent as a PNG",
        ),
        (
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".to_vec(),
            "application/pdf",
            "a Windows program sent as a PDF",
        ),
        (
            b"PK\x03\x04\x14\x00\x00\x00\x08\x00".to_vec(),
            "application/octet-stream",
            "a ZIP archive",
        ),
    ] {
        upload(&citizen, bytes, content_type).expect_problem(
            415,
            "unsupported_media_type",
            &format!("{what} is refused"),
        );
    }
}

#[test]
fn uploads_beyond_the_quota_are_refused() {
    const QUOTA: usize = 1024 * 1024;
    let mut portal = Portal::start(
        PortalOptions::default()
            .with_limits(serde_json::json!({"attachments": {"quotaBytesPerCitizen": QUOTA}})),
    );
    let citizen = Citizen::demo(&mut portal, 0);
    let first = pdf_of_size("first", 600 * 1024);
    upload(&citizen, first.clone(), "application/pdf").expect_status(201, "within the quota");
    upload(
        &citizen,
        pdf_of_size("second", QUOTA - first.len() - 1024),
        "application/pdf",
    )
    .expect_status(201, "just within the quota");
    upload(&citizen, pdf_of_size("third", 8 * 1024), "application/pdf").expect_problem(
        413,
        "quota_exceeded",
        "an upload beyond the citizen's quota is refused",
    );
    upload(&citizen, first, "application/pdf")
        .expect_status(200, "a file the citizen already holds costs nothing more");
    let other = Citizen::demo(&mut portal, 1);
    upload(&other, pdf_of_size("other", 600 * 1024), "application/pdf")
        .expect_status(201, "each citizen has a quota of their own");
}

#[test]
fn unreferenced_files_are_collected_only_after_the_windows() {
    let mut portal = Portal::start(PortalOptions::default());
    let citizen = Citizen::demo(&mut portal, 0);
    let loose_bytes = pdf_bytes("uploaded, never used");
    let used_bytes = pdf_bytes("uploaded and attached to an application");
    let loose: Attachment = upload(&citizen, loose_bytes.clone(), "application/pdf")
        .expect_json(201, "a file nobody uses yet");
    let used: Attachment = upload(&citizen, used_bytes.clone(), "application/pdf")
        .expect_json(201, "a file for an application");
    let procedure = deliverable_procedure(&citizen.catalog());
    let mut application = citizen.valid_application(&procedure, counter_delivery());
    application.attachments.push(AttachmentRef::Upload {
        attachment_id: used.id.clone(),
        requirement_id: None,
    });
    citizen.submit(&application);

    // Inside the late-delivery (7 days) and idempotency (30 days) windows nothing goes.
    portal.advance_clock(29 * DAY);
    // The clock moved past the access token's lifetime: sign in again.
    let citizen = Citizen::demo(&mut portal, 0);
    let kept: Attachment = upload(&citizen, loose_bytes.clone(), "application/pdf").expect_json(
        200,
        "an unused file is kept while a queued submission may still refer to it",
    );
    assert_eq!(kept.id, loose.id);

    portal.advance_clock(2 * DAY);
    let citizen = Citizen::demo(&mut portal, 0);
    upload(&citizen, used_bytes, "application/pdf")
        .expect_status(200, "a file an application refers to is never collected");
    upload(&citizen, loose_bytes, "application/pdf").expect_status(
        201,
        "an unused file older than the windows was collected: it is new again",
    );
}
