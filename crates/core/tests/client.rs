//! The portal client against a tiny local server that answers with canned — and broken —
//! responses.

mod support;

use std::sync::Arc;

use opendvc_api::{ErrorCode, Profile, TokenResponse};
use opendvc_core::client::{
    CatalogFetch, ClientConfig, ClientError, MemoryTokens, PortalClient, RetryAfter, TokenStore,
    Tokens,
};
use opendvc_core::queue::{OutboundRequest, Transport};
use support::{Canned, TestServer};
use uuid::Uuid;

fn tokens() -> Arc<MemoryTokens> {
    Arc::new(MemoryTokens::new(Some(Tokens {
        access_token: "access-1".into(),
        refresh_token: "refresh-1".into(),
    })))
}

fn client(server: &TestServer, tokens: Arc<MemoryTokens>) -> PortalClient {
    PortalClient::new(&server.base_url, tokens, ClientConfig::default()).expect("client builds")
}

pub fn profile_json() -> String {
    serde_json::to_string(&Profile {
        id_number: "048090001234".into(),
        full_name: "Nguyễn Thị Mai".into(),
        birth_date: chrono::NaiveDate::from_ymd_opt(1990, 5, 12).expect("date"),
        gender: "female".into(),
        phone: "+84905000001".into(),
        email: None,
        address: opendvc_api::Address {
            province_code: "48".into(),
            unit_code: "20194".into(),
            street: "1 Bạch Đằng".into(),
        },
        current_address: None,
        language: "vi".into(),
        updated_at: support::local("2026-11-29T10:00:00+07:00"),
    })
    .expect("serialises")
}

const PROBLEM_EXPIRED: &str = r#"{"type":"https://opendvc.org/problems/token_expired","title":"Access token expired","status":401,"code":"token_expired"}"#;
const PROBLEM_REFRESH_INVALID: &str = r#"{"type":"https://opendvc.org/problems/refresh_token_invalid","title":"Refresh token invalid","status":401,"code":"refresh_token_invalid"}"#;

#[tokio::test]
async fn malformed_server_answers_are_typed_errors_not_panics() {
    let server = TestServer::start().await;
    let bodies: [&[u8]; 6] = [
        b"<html>oops</html>",
        b"{\"idNumber\": 12}",
        b"{\"idNumber\": \"0480",
        b"",
        b"\xff\xfe\x00garbage",
        b"null",
    ];
    for body in bodies {
        server.answer("/v1/me", Canned::raw(200, body));
    }
    let client = client(&server, tokens());
    for body in bodies {
        let error = client
            .me()
            .await
            .expect_err("an undecodable body is an error");
        assert!(
            matches!(error, ClientError::Malformed { .. }),
            "{:?} gave {error:?}",
            String::from_utf8_lossy(body)
        );
        assert_eq!(error.code(), "malformed");
    }
}

#[tokio::test]
async fn oversized_answer_is_refused_not_buffered() {
    let server = TestServer::start().await;
    server.answer("/v1/me", Canned::raw(200, &vec![b' '; 64 * 1024]));
    let config = ClientConfig {
        max_answer_bytes: 1024,
        ..ClientConfig::default()
    };
    let client = PortalClient::new(&server.base_url, tokens(), config).expect("builds");
    let error = client.me().await.expect_err("too large");
    assert!(matches!(error, ClientError::Malformed { .. }), "{error:?}");
}

#[tokio::test]
async fn error_bodies_that_are_not_problem_documents_still_map_to_codes() {
    let server = TestServer::start().await;
    server.answer("/v1/me", Canned::raw(502, b"<html>Bad gateway</html>"));
    server.answer("/v1/me", Canned::raw(422, b"not a problem"));
    server.answer("/v1/me", Canned::raw(404, b""));
    let client = client(&server, tokens());
    assert!(matches!(
        client.me().await,
        Err(ClientError::Server { status: 502, .. })
    ));
    match client.me().await {
        Err(ClientError::Validation {
            status: 422,
            problem,
        }) => {
            assert_eq!(
                problem.code,
                ErrorCode::ValidationFailed,
                "a stand-in problem is made"
            )
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
    assert!(matches!(
        client.me().await,
        Err(ClientError::NotFound { .. })
    ));
}

#[tokio::test]
async fn malformed_answer_to_a_submission_keeps_it_for_a_retry() {
    let server = TestServer::start().await;
    server.answer(
        "/v1/applications",
        Canned::json(201, "{\"id\": \"not-a-uuid\"}"),
    );
    let client = client(&server, tokens());
    let outcome = client
        .deliver(
            Uuid::now_v7(),
            OutboundRequest::Create(opendvc_api::NewApplication {
                procedure_id: "p".into(),
                form: Default::default(),
                attachments: Vec::new(),
                delivery: opendvc_api::DeliveryChoice {
                    method: opendvc_api::DeliveryMethod::Counter,
                    address: None,
                },
                fee_case: None,
            }),
        )
        .await;
    assert!(
        matches!(outcome, Err(ClientError::Malformed { .. })),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn expired_access_token_is_refreshed_once_and_the_rotated_token_stored() {
    let server = TestServer::start().await;
    server.answer("/v1/me", Canned::json(401, PROBLEM_EXPIRED));
    let fresh = TokenResponse {
        access_token: "access-2".into(),
        refresh_token: "refresh-2".into(),
        expires_in: 900,
        token_type: "Bearer".into(),
    };
    server.answer(
        "/v1/auth/refresh",
        Canned::json(200, &serde_json::to_string(&fresh).expect("serialises")),
    );
    server.answer("/v1/me", Canned::json(200, &profile_json()));
    let store = tokens();
    let client = client(&server, store.clone());
    let profile = client
        .me()
        .await
        .expect("the refresh makes the request succeed");
    assert_eq!(profile.full_name, "Nguyễn Thị Mai");
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].header("authorization"), Some("Bearer access-1"));
    assert!(
        String::from_utf8_lossy(&requests[1].body).contains("refresh-1"),
        "the refresh sends the stored refresh token"
    );
    assert_eq!(requests[2].header("authorization"), Some("Bearer access-2"));
    let stored = store.current().expect("reads").expect("tokens");
    assert_eq!(
        stored.refresh_token, "refresh-2",
        "the rotated refresh token is kept"
    );
}

#[tokio::test]
async fn failed_refresh_is_unauthorized() {
    let server = TestServer::start().await;
    server.answer("/v1/me", Canned::json(401, PROBLEM_EXPIRED));
    server.answer(
        "/v1/auth/refresh",
        Canned::json(401, PROBLEM_REFRESH_INVALID),
    );
    let client = client(&server, tokens());
    let error = client.me().await.expect_err("no session");
    assert!(
        matches!(error, ClientError::Unauthorized { .. }),
        "{error:?}"
    );
    assert_eq!(
        server.requests().len(),
        2,
        "exactly one refresh attempt, no loop"
    );
}

#[tokio::test]
async fn a_lost_refresh_answer_keeps_the_session() {
    let server = TestServer::start().await;
    server.answer("/v1/me", Canned::json(401, PROBLEM_EXPIRED));
    server.answer("/v1/auth/refresh", Canned::hang_up());
    let store = tokens();
    let client = client(&server, store.clone());
    let error = client
        .me()
        .await
        .expect_err("the refresh's answer never arrives");
    assert!(
        error.is_offline(),
        "a lost answer is the network's fault, not a refused session: {error:?}"
    );
    assert_eq!(
        store.current().expect("reads"),
        tokens().current().expect("reads"),
        "the tokens are kept until an answer replaces them"
    );

    server.answer("/v1/me", Canned::json(401, PROBLEM_EXPIRED));
    let fresh = TokenResponse {
        access_token: "access-2".into(),
        refresh_token: "refresh-2".into(),
        expires_in: 900,
        token_type: "Bearer".into(),
    };
    server.answer(
        "/v1/auth/refresh",
        Canned::json(200, &serde_json::to_string(&fresh).expect("serialises")),
    );
    server.answer("/v1/me", Canned::json(200, &profile_json()));
    client
        .me()
        .await
        .expect("the kept refresh token is tried again later");
    let refreshes: Vec<String> = server
        .requests()
        .iter()
        .filter(|request| request.target == "/v1/auth/refresh")
        .map(|request| String::from_utf8_lossy(&request.body).into_owned())
        .collect();
    assert_eq!(refreshes.len(), 2, "one refresh per attempt");
    assert!(
        refreshes.iter().all(|body| body.contains("refresh-1")),
        "both refreshes send the refresh token the client kept: {refreshes:?}"
    );
    assert_eq!(
        store
            .current()
            .expect("reads")
            .map(|tokens| tokens.refresh_token),
        Some("refresh-2".to_owned()),
        "the new pair is stored"
    );
}

#[tokio::test]
async fn a_refresh_refused_for_another_reason_than_the_token_is_not_the_items_fault() {
    let server = TestServer::start().await;
    server.answer("/v1/me", Canned::json(401, PROBLEM_EXPIRED));
    server.answer(
        "/v1/auth/refresh",
        Canned::raw(503, b"<html>maintenance</html>"),
    );
    server.answer("/v1/me", Canned::json(401, PROBLEM_EXPIRED));
    server.answer("/v1/auth/refresh", Canned::raw(400, b"bad request"));
    let store = tokens();
    let client = client(&server, store.clone());
    let error = client.me().await.expect_err("the portal is down");
    assert!(
        matches!(error, ClientError::Server { status: 503, .. }),
        "a failed refresh on a down portal is retried later: {error:?}"
    );
    let error = client.me().await.expect_err("the refresh is refused");
    assert!(
        matches!(error, ClientError::Unauthorized { .. }),
        "a refused refresh asks the person to sign in, it does not blame the request: {error:?}"
    );
    assert_eq!(
        store.current().expect("reads"),
        tokens().current().expect("reads"),
        "the client never throws tokens away itself"
    );
}

#[tokio::test]
async fn a_logout_with_an_expired_access_token_still_revokes_the_refresh_token() {
    let server = TestServer::start().await;
    server.answer("/v1/auth/logout", Canned::json(401, PROBLEM_EXPIRED));
    server.answer("/v1/auth/logout", Canned::raw(204, b""));
    let client = client(&server, tokens());
    client.logout().await.expect("signed out");
    let requests = server.requests();
    assert_eq!(
        requests.len(),
        2,
        "the bearer first, then the refresh token alone"
    );
    assert_eq!(requests[0].header("authorization"), Some("Bearer access-1"));
    assert_eq!(
        requests[1].header("authorization"),
        None,
        "an expired bearer token is not sent again"
    );
    for request in &requests {
        assert!(
            String::from_utf8_lossy(&request.body).contains("refresh-1"),
            "every logout names the refresh token to revoke"
        );
    }

    // A portal that insists on a live bearer token: the tokens are refreshed and the new pair
    // is signed out.
    let server = TestServer::start().await;
    server.answer("/v1/auth/logout", Canned::json(401, PROBLEM_EXPIRED));
    server.answer("/v1/auth/logout", Canned::json(401, PROBLEM_EXPIRED));
    let fresh = TokenResponse {
        access_token: "access-2".into(),
        refresh_token: "refresh-2".into(),
        expires_in: 900,
        token_type: "Bearer".into(),
    };
    server.answer(
        "/v1/auth/refresh",
        Canned::json(200, &serde_json::to_string(&fresh).expect("serialises")),
    );
    server.answer("/v1/auth/logout", Canned::raw(204, b""));
    let client = self::client(&server, tokens());
    client.logout().await.expect("signed out after a refresh");
    let last = server.requests().pop().expect("requests");
    assert_eq!(last.target, "/v1/auth/logout");
    assert_eq!(last.header("authorization"), Some("Bearer access-2"));
    assert!(
        String::from_utf8_lossy(&last.body).contains("refresh-2"),
        "the refreshed pair is the one revoked"
    );

    // A refresh token the portal refuses has nothing left to revoke.
    let server = TestServer::start().await;
    server.answer("/v1/auth/logout", Canned::json(401, PROBLEM_EXPIRED));
    server.answer("/v1/auth/logout", Canned::json(401, PROBLEM_EXPIRED));
    server.answer(
        "/v1/auth/refresh",
        Canned::json(401, PROBLEM_REFRESH_INVALID),
    );
    let client = self::client(&server, tokens());
    client
        .logout()
        .await
        .expect("a dead refresh token counts as signed out");
}

#[tokio::test]
async fn state_changing_requests_carry_the_idempotency_key() {
    let server = TestServer::start().await;
    server.answer("/v1/attachments", Canned::json(500, "{}"));
    let client = client(&server, tokens());
    let key = Uuid::now_v7();
    let outcome = client
        .deliver(
            key,
            OutboundRequest::Upload {
                bytes: b"scan".to_vec(),
                content_type: "application/pdf".into(),
                file_name: Some("giấy khai sinh.pdf".into()),
                progress: None,
            },
        )
        .await;
    assert!(matches!(
        outcome,
        Err(ClientError::Server { status: 500, .. })
    ));
    let request = &server.requests()[0];
    assert_eq!(
        request.header("idempotency-key"),
        Some(key.to_string().as_str())
    );
    assert_eq!(request.header("content-type"), Some("application/pdf"));
    assert_eq!(
        request.header("x-file-name"),
        Some("gi%E1%BA%A5y%20khai%20sinh%2Epdf"),
        "the file name is percent-encoded UTF-8"
    );
    assert_eq!(request.body, b"scan");
}

#[tokio::test]
async fn unavailable_portal_may_say_when_to_come_back() {
    let server = TestServer::start().await;
    let mut answer = Canned::raw(503, b"maintenance");
    answer
        .headers
        .push(("Retry-After".into(), "Sun, 29 Nov 2026 10:01:00 GMT".into()));
    server.answer("/v1/me", answer);
    let client = client(&server, tokens());
    match client.me().await {
        Err(ClientError::Server {
            status: 503,
            retry_after,
            ..
        }) => assert_eq!(
            retry_after.map(|wait| wait.duration_from(support::at("2026-11-29T10:00:00Z"))),
            Some(std::time::Duration::from_secs(60))
        ),
        other => panic!("expected a server error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_request_the_portal_timed_out_is_sent_again_not_put_to_the_person() {
    // The portal answers 408 when a body arrives too slowly (a weak link): it did not act,
    // so the item is retried like a server failure, never marked as needing attention.
    let server = TestServer::start().await;
    server.answer(
        "/v1/me",
        Canned::raw(
            408,
            br#"{"type":"about:blank","title":"Request timeout","status":408,"code":"malformed_request"}"#,
        ),
    );
    let client = client(&server, tokens());
    let error = client.me().await.expect_err("a 408 is an error");
    assert!(
        matches!(error, ClientError::Server { status: 408, .. }),
        "a request timeout is the link's fault, retried later: {error:?}"
    );
}

#[tokio::test]
async fn rate_limit_carries_retry_after() {
    let server = TestServer::start().await;
    let mut answer = Canned::json(429, "{}");
    answer.headers.push(("Retry-After".into(), "42".into()));
    server.answer("/v1/me", answer);
    let client = client(&server, tokens());
    match client.me().await {
        Err(ClientError::RateLimited { retry_after }) => {
            assert_eq!(retry_after, Some(RetryAfter::Seconds(42)))
        }
        other => panic!("expected rate limiting, got {other:?}"),
    }
}

#[tokio::test]
async fn catalog_is_fetched_with_if_none_match_and_304_means_unchanged() {
    let server = TestServer::start().await;
    let mut fresh = Canned::json(200, r#"{"version":"v1","items":[]}"#);
    fresh.headers.push(("ETag".into(), "\"v1\"".into()));
    server.answer("/v1/procedures", fresh);
    server.answer("/v1/procedures", Canned::raw(304, b""));
    let client = client(&server, tokens());
    let CatalogFetch::Fresh { etag, catalog } = client.catalog(None).await.expect("fetches") else {
        panic!("first fetch brings the catalog");
    };
    assert_eq!(catalog.version, "v1");
    assert_eq!(etag.as_deref(), Some("\"v1\""));
    let second = client.catalog(etag.as_deref()).await.expect("fetches");
    assert_eq!(second, CatalogFetch::NotModified);
    assert_eq!(server.requests()[1].header("if-none-match"), Some("\"v1\""));
}

#[tokio::test]
async fn unreachable_portal_is_a_network_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let client = PortalClient::new(
        &format!("http://{address}"),
        tokens(),
        ClientConfig::default(),
    )
    .expect("builds");
    let error = client.me().await.expect_err("nobody listens");
    assert!(error.is_offline(), "{error:?}");
}

#[tokio::test]
async fn large_upload_reports_its_progress() {
    let server = TestServer::start().await;
    let attachment = opendvc_api::Attachment {
        id: "sha256:x".into(),
        size: 300_000,
        content_type: "image/jpeg".into(),
        file_name: None,
        uploaded_at: support::local("2026-11-29T10:00:00+07:00"),
    };
    server.answer(
        "/v1/attachments",
        Canned::json(201, &serde_json::to_string(&attachment).expect("json")),
    );
    let client = client(&server, tokens());
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = seen.clone();
    let bytes = vec![7_u8; 300_000];
    client
        .deliver(
            Uuid::now_v7(),
            OutboundRequest::Upload {
                bytes: bytes.clone(),
                content_type: "image/jpeg".into(),
                file_name: None,
                progress: Some(opendvc_core::queue::UploadProgress::new(move |sent| {
                    record.lock().expect("lock").push(sent)
                })),
            },
        )
        .await
        .expect("uploads");
    let seen = seen.lock().expect("lock").clone();
    assert!(
        seen.len() > 1,
        "a 300 kB upload reports more than once: {seen:?}"
    );
    assert!(
        seen.windows(2).all(|pair| pair[0] < pair[1]),
        "progress only grows"
    );
    assert_eq!(seen.last().copied(), Some(300_000), "ends at the full size");
    assert_eq!(
        server.requests()[0].body,
        bytes,
        "the streamed body arrives whole"
    );
}

#[tokio::test]
async fn staff_requests_that_record_or_deliver_a_session_late_carry_the_device_time() {
    use opendvc_api::{AssistSessionRequest, Consent};
    use opendvc_core::clock::ManualClock;

    let server = TestServer::start().await;
    server.answer(
        "/v1/applications",
        Canned::json(
            201,
            &serde_json::to_string(&support::application(
                Uuid::now_v7(),
                "000.00.48.H17-261129-0001",
                "id-card-renewal",
                Default::default(),
            ))
            .expect("json"),
        ),
    );
    server.answer(
        "/v1/assist/sessions",
        Canned::json(
            422,
            r#"{"type":"x","title":"no","status":422,"code":"validation_failed"}"#,
        ),
    );
    server.answer(
        "/v1/assist/sessions",
        Canned::json(
            422,
            r#"{"type":"x","title":"no","status":422,"code":"validation_failed"}"#,
        ),
    );
    let device_now = support::at("2026-11-29T02:15:30Z");
    let staff = client(&server, tokens()).with_device_clock(Arc::new(ManualClock::new(device_now)));
    let session = Uuid::now_v7();
    staff
        .clone()
        .delivering_for(session)
        .deliver(
            Uuid::now_v7(),
            OutboundRequest::Create(opendvc_api::NewApplication {
                procedure_id: "id-card-renewal".into(),
                form: Default::default(),
                attachments: Vec::new(),
                delivery: opendvc_api::DeliveryChoice {
                    method: opendvc_api::DeliveryMethod::Counter,
                    address: None,
                },
                fee_case: None,
            }),
        )
        .await
        .expect("delivered");
    let recording = AssistSessionRequest {
        id_number: "048090001234".into(),
        consent: Consent::Paper {
            reference: "GIAYUQ-1".into(),
        },
        venue: None,
        opened_at: Some(support::local("2026-11-29T08:00:00+07:00")),
    };
    let _refused = staff.open_assist_session(&recording).await;
    let online = AssistSessionRequest {
        opened_at: None,
        ..recording
    };
    let _refused = staff.open_assist_session(&online).await;

    let requests = server.requests();
    let device_time = |index: usize| {
        requests[index]
            .header(opendvc_api::DEVICE_TIME_HEADER)
            .map(|value| {
                chrono::DateTime::parse_from_rfc3339(value).expect("the header is RFC 3339")
            })
    };
    assert_eq!(
        requests[0].header("X-Assist-Session"),
        Some(session.to_string().as_str())
    );
    assert_eq!(
        device_time(0),
        Some(device_now.fixed_offset()),
        "a late delivery carries the device's clock reading"
    );
    assert_eq!(
        device_time(1),
        Some(device_now.fixed_offset()),
        "recording a session opened offline carries the device's clock reading"
    );
    assert_eq!(
        device_time(2),
        None,
        "opening a session online does not need it"
    );
}

#[tokio::test]
async fn the_access_log_is_read_page_by_page_with_the_citizens_token() {
    let server = TestServer::start().await;
    let entry = |at: &str, action: &str, resource: &str, consent: &str| {
        serde_json::json!({
            "id": Uuid::now_v7(),
            "at": at,
            "action": action,
            "resource": resource,
            "staff": {"code": "BDDN-HC-01", "name": "Trần Văn Minh", "kind": "agent", "organisation": "Bưu điện Hải Châu"},
            "venue": {"name": "Bưu cục Hải Châu"},
            "sessionId": Uuid::now_v7(),
            "consent": consent,
        })
    };
    server.answer(
        "/v1/me/access-log",
        Canned::json(
            200,
            &serde_json::json!({
                "items": [entry("2026-11-29T02:15:00Z", "read", "profile", "otp")],
                "nextCursor": "older+page/1",
            })
            .to_string(),
        ),
    );
    server.answer(
        "/v1/me/access-log",
        Canned::json(
            200,
            &serde_json::json!({
                "items": [entry("2026-11-28T09:00:00+07:00", "session_opened", "session", "paper")],
            })
            .to_string(),
        ),
    );
    let client = client(&server, tokens());
    let first = client.access_log(None).await.expect("the first page");
    assert_eq!(first.items.len(), 1);
    assert_eq!(first.items[0].staff.code, "BDDN-HC-01");
    assert_eq!(first.next_cursor.as_deref(), Some("older+page/1"));
    let second = client
        .access_log(first.next_cursor.as_deref())
        .await
        .expect("the next page");
    assert_eq!(second.items[0].consent, opendvc_api::ConsentMethod::Paper);
    assert_eq!(second.next_cursor, None, "the last page has no cursor");
    let requests = server.requests();
    assert_eq!(requests[0].target, "/v1/me/access-log");
    assert_eq!(
        requests[1].target, "/v1/me/access-log?cursor=older%2Bpage%2F1",
        "the cursor goes back encoded"
    );
    assert!(
        requests
            .iter()
            .all(|request| request.header("authorization") == Some("Bearer access-1")),
        "with the citizen's token"
    );
    let view = opendvc_core::views::access_log_view(first);
    assert_eq!(
        view.entries[0].vietnam_time, "2026-11-29 09:15",
        "the time is shown in Vietnam time"
    );
}
