//! Residents' feedback through the façade: filed offline with its photos resized on the
//! device, sent once through the durable queue when the portal answers again, synced back,
//! and the services list kept for the form offline.

mod support;

use std::time::Duration;

use opendvc_api::{
    Attachment, Feedback, FeedbackCreated, FeedbackService, FeedbackServices, FeedbackStatus,
    LocalizedText, NewFeedback, Rating, SyncResponse,
};
use opendvc_core::queue::{FeedbackFollowUp, ItemPayload, ItemState};
use opendvc_core::views::queue::QueueKindView;
use opendvc_core::{CoreError, DrainEnd, FeedbackDraft, PickedPhoto};
use support::{Canned, feedback, local};
use uuid::Uuid;

type Fixture = support::SignedInDevice;

/// A 3000×2000 photo as a phone's camera would give, written as a PNG file.
fn camera_photo(fixture: &Fixture) -> std::path::PathBuf {
    let picture = image::RgbImage::from_fn(3000, 2000, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, 90])
    });
    let path = fixture.dir.path().join("pothole.png");
    picture.save(&path).expect("writes the photo");
    path
}

fn json<T: serde::Serialize>(status: u16, value: &T) -> Canned {
    Canned::json(status, &serde_json::to_string(value).expect("serialises"))
}

fn sync_page(items: Vec<Feedback>) -> Canned {
    json(
        200,
        &SyncResponse {
            cursor: "c1".into(),
            has_more: false,
            profile: None,
            applications: Vec::new(),
            documents: Vec::new(),
            inbox: Vec::new(),
            feedback: items,
        },
    )
}

fn draft(photos: Vec<std::path::PathBuf>) -> FeedbackDraft {
    let photos = photos.into_iter().map(PickedPhoto::File).collect();
    FeedbackDraft {
        category: "traffic".into(),
        description: "  Ổ gà lớn trước số 12 Bạch Đằng  ".into(),
        photos,
        place: None,
        application_id: None,
    }
}

#[tokio::test]
async fn feedback_filed_offline_is_sent_once_with_its_photo_resized_when_the_portal_is_back() {
    let fixture = Fixture::new().await;
    let core = fixture.open();
    fixture
        .server
        .answer("/v1/attachments", Canned::raw(503, b"down"));
    let outcome = core
        .file_feedback(draft(vec![camera_photo(&fixture)]), true)
        .await
        .expect("saved on the device");
    assert!(!outcome.sent, "the portal was down");
    assert_eq!(
        outcome.state,
        ItemState::Queued,
        "the feedback waits to be sent"
    );
    let item = core
        .queue_item(outcome.item_id)
        .expect("reads")
        .expect("kept");
    let ItemPayload::FileFeedback { feedback: queued } = item.payload else {
        panic!("the queued item is new feedback: {:?}", item.payload);
    };
    assert_eq!(
        queued.description, "Ổ gà lớn trước số 12 Bạch Đằng",
        "the description is kept trimmed"
    );
    assert_eq!(queued.photos.len(), 1, "the photo is named by its hash");
    let screen = core.feedback_screen().expect("the feedback screen");
    assert_eq!(
        screen
            .queued
            .iter()
            .map(|waiting| waiting.queue_item_id)
            .collect::<Vec<_>>(),
        vec![outcome.item_id],
        "the screen shows the feedback as waiting on this device"
    );

    let uploaded = Attachment {
        id: queued.photos[0].clone(),
        size: 1,
        content_type: "image/jpeg".into(),
        file_name: Some("photo-1.jpg".into()),
        uploaded_at: local("2026-12-06T10:00:00+07:00"),
    };
    fixture
        .server
        .answer("/v1/attachments", json(201, &uploaded));
    let created = FeedbackCreated {
        id: Uuid::now_v7(),
        status: FeedbackStatus::Received,
        due_at: local("2026-12-07T02:00:00+07:00"),
        resolve_by: local("2026-12-11T17:00:00+07:00"),
    };
    fixture.server.answer("/v1/feedback", json(201, &created));
    let drained = core.drain(Duration::from_secs(30)).await.expect("drains");
    assert_eq!(drained.end, DrainEnd::Empty, "everything is sent");

    let requests = fixture.server.requests();
    let upload = requests
        .iter()
        .rfind(|request| request.target == "/v1/attachments")
        .expect("the photo was uploaded");
    let sent_photo = image::load_from_memory(&upload.body).expect("the upload is an image");
    assert_eq!(
        (sent_photo.width(), sent_photo.height()),
        (1600, 1067),
        "the 3000×2000 photo went out at 1600×1067"
    );
    assert_eq!(
        image::guess_format(&upload.body).expect("format"),
        image::ImageFormat::Jpeg,
        "the photo went out re-encoded as JPEG"
    );
    let posts: Vec<_> = requests
        .iter()
        .filter(|request| request.target == "/v1/feedback" && request.method == "POST")
        .collect();
    assert_eq!(posts.len(), 1, "the feedback was posted once");
    assert_eq!(
        posts[0].header("idempotency-key"),
        Some(outcome.item_id.to_string().as_str()),
        "with the key fixed at enqueue"
    );
    let body: NewFeedback = serde_json::from_slice(&posts[0].body).expect("a NewFeedback");
    assert_eq!(body.photos, queued.photos, "naming the uploaded photo");

    // The next sync brings the item; the list shows it.
    let mut synced = feedback(created.id, &body);
    synced.status = FeedbackStatus::Answered;
    synced.answer = Some("Đã chuyển Sở Xây dựng xử lý.".into());
    fixture.server.answer("/v1/sync", sync_page(vec![synced]));
    fixture
        .server
        .answer("/v1/procedures", Canned::raw(304, b""));
    let report = core.sync_now().await.expect("syncs");
    assert_eq!(
        report.pull.feedback, 1,
        "the sync brought one feedback item"
    );
    let items = core.feedback_items().expect("lists");
    assert_eq!(items.len(), 1);
    assert_eq!(
        items[0].answer.as_deref(),
        Some("Đã chuyển Sở Xây dựng xử lý."),
        "the answer is on the device"
    );
    let screen = core.feedback_screen().expect("the feedback screen");
    assert!(
        screen.queued.is_empty(),
        "nothing waits on the device any more"
    );
    assert_eq!(
        screen.items[0].deadline_text.as_deref(),
        Some("giải quyết trước 17:00 ngày 4/12"),
        "an answered item shows the resolution's deadline in Vietnamese"
    );
    assert_eq!(
        core.feedback_item(created.id)
            .expect("reads")
            .map(|item| item.status),
        Some(FeedbackStatus::Answered)
    );
}

#[tokio::test]
async fn a_rating_is_checked_on_the_device_and_queued_for_the_feedback_item() {
    let fixture = Fixture::new().await;
    let core = fixture.open();
    let feedback_id = Uuid::now_v7();
    let refused = core
        .feedback_follow_up(
            feedback_id,
            FeedbackFollowUp::Rating(Rating {
                stars: 6,
                comment: None,
            }),
            false,
        )
        .await;
    assert!(
        matches!(&refused, Err(CoreError::InvalidSubmission(errors)) if errors[0].field == "stars"),
        "six stars are refused on the device: {refused:?}"
    );
    let refused = core
        .feedback_follow_up(
            feedback_id,
            FeedbackFollowUp::Reopen(opendvc_api::ReopenFeedback {
                reason: "   ".into(),
            }),
            false,
        )
        .await;
    assert!(
        matches!(&refused, Err(CoreError::InvalidSubmission(errors)) if errors[0].field == "reason"),
        "a reopening needs a reason: {refused:?}"
    );
    let queued = core
        .feedback_follow_up(
            feedback_id,
            FeedbackFollowUp::Rating(Rating {
                stars: 5,
                comment: Some("  nhanh  ".into()),
            }),
            false,
        )
        .await
        .expect("queued");
    let item = core
        .queue_item(queued.item_id)
        .expect("reads")
        .expect("kept");
    assert_eq!(
        item.payload,
        ItemPayload::RateFeedback {
            feedback_id,
            rating: Rating {
                stars: 5,
                comment: Some("nhanh".into()),
            },
        },
        "the rating is queued for its item, the comment trimmed"
    );
}

#[tokio::test]
async fn a_queued_rating_or_reopening_shows_on_its_item_as_waiting_to_send() {
    let fixture = Fixture::new().await;
    let core = fixture.open();
    let new = NewFeedback {
        category: "traffic".into(),
        description: "Đèn tín hiệu hỏng".into(),
        photos: Vec::new(),
        place: None,
        application_id: None,
    };
    let (answered_id, other_id) = (Uuid::now_v7(), Uuid::now_v7());
    let mut answered = feedback(answered_id, &new);
    answered.status = FeedbackStatus::Answered;
    answered.answer = Some("Đã thay bóng đèn.".into());
    let other = feedback(other_id, &new);
    fixture
        .server
        .answer("/v1/sync", sync_page(vec![answered, other]));
    fixture
        .server
        .answer("/v1/procedures", Canned::raw(304, b""));
    core.sync_now().await.expect("syncs");
    let waiting = |id: Uuid| {
        core.feedback_item_view(id)
            .expect("reads")
            .expect("the item is on the device")
            .waiting_to_send
            .into_iter()
            .map(|item| item.kind)
            .collect::<Vec<_>>()
    };
    assert!(waiting(answered_id).is_empty(), "nothing waits yet");
    core.feedback_follow_up(
        answered_id,
        FeedbackFollowUp::Rating(Rating {
            stars: 4,
            comment: None,
        }),
        false,
    )
    .await
    .expect("the rating is queued offline");
    core.feedback_follow_up(
        answered_id,
        FeedbackFollowUp::Reopen(opendvc_api::ReopenFeedback {
            reason: "Đèn lại hỏng".into(),
        }),
        false,
    )
    .await
    .expect("the reopening is queued offline");
    assert_eq!(
        waiting(answered_id),
        [QueueKindView::FeedbackRating, QueueKindView::FeedbackReopen],
        "the item shows its rating and reopening as waiting to send"
    );
    assert!(
        waiting(other_id).is_empty(),
        "another item has nothing waiting"
    );
    let screen = core.feedback_screen().expect("the feedback screen");
    let listed: Vec<(Uuid, usize)> = screen
        .items
        .iter()
        .map(|view| (view.item.id, view.waiting_to_send.len()))
        .collect();
    assert!(
        listed.contains(&(answered_id, 2)) && listed.contains(&(other_id, 0)),
        "the list says which item has something waiting: {listed:?}"
    );
}

#[tokio::test]
async fn a_file_that_is_not_a_photo_is_refused_before_anything_is_queued() {
    let fixture = Fixture::new().await;
    let core = fixture.open();
    let scan = fixture.dir.path().join("scan.pdf");
    std::fs::write(&scan, b"%PDF-1.4 not a photo").expect("writes");
    let refused = core.file_feedback(draft(vec![scan]), false).await;
    assert!(
        matches!(refused, Err(CoreError::Photo { .. })),
        "a PDF is not a feedback photo: {refused:?}"
    );
    assert!(
        core.queue_items(true).expect("lists").is_empty(),
        "nothing was queued"
    );
}

#[tokio::test]
async fn the_services_list_is_kept_for_the_form_offline() {
    let fixture = Fixture::new().await;
    let core = fixture.open();
    let services = FeedbackServices {
        services: vec![FeedbackService {
            code: "traffic".into(),
            name: LocalizedText {
                vi: "Giao thông".into(),
                en: "Traffic".into(),
                id: None,
            },
            description: LocalizedText {
                vi: "Ổ gà, đèn tín hiệu".into(),
                en: "Potholes, traffic lights".into(),
                id: None,
            },
            answer_hours: 24,
            resolve_working_days: 5,
        }],
    };
    fixture
        .server
        .answer("/v1/feedback/services", json(200, &services));
    assert_eq!(core.feedback_services().await.expect("fetched"), services);
    // The portal's answer is lost on the way (offline): the list kept on the device answers.
    fixture
        .server
        .answer("/v1/feedback/services", Canned::hang_up());
    assert_eq!(
        core.feedback_services().await.expect("the cached list"),
        services,
        "offline, the form still has the services"
    );
    // A portal that answers with an error is not offline: its error is reported.
    fixture
        .server
        .answer("/v1/feedback/services", Canned::raw(500, b"broken"));
    assert!(
        core.feedback_services().await.is_err(),
        "a server error is not hidden behind the cached list"
    );
}
