//! The officers' web console at `/console/`: the files `cargo xtask console` builds into
//! `console/dist`, embedded in the binary at build time (rust-embed; `build.rs` rebuilds the
//! portal when they change). Hashed assets (`assets/*`) are cached for a year, `index.html` is
//! revalidated on every load, and any other path under `/console/` is one of the console's pages
//! and answers `index.html` (the console routes in the browser). Every answer carries a strict
//! Content-Security-Policy: scripts, styles and connections from the portal itself only, no
//! inline script or style, no frames.
//!
//! A portal built before the console (or without Node) still starts: `/console/` then answers
//! a page in the reader's language (`locales/*/portal.ftl`) saying how to build it.

use std::borrow::Cow;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use opendvc_i18n::Arg;
use rust_embed::RustEmbed;

use crate::i18n::Texts;
use crate::state::AppState;
use crate::status_page::{STYLE_PATH, choose_lang, escape};

/// The command that builds the console's files, named by the page of a portal without them.
pub const BUILD_COMMAND: &str = "cargo xtask console";

/// Where the console is served; its pages are paths below.
pub const BASE_PATH: &str = "/console/";

/// The console's policy: everything from the portal itself; `blob:` images for attachments the
/// console fetched with the officer's token; nothing inline, no plugins, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' blob:; connect-src 'self'; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Policy of the page a portal without the console answers: no script at all.
const MISSING_PAGE_POLICY: &str = "default-src 'none'; style-src 'self'; base-uri 'none'; \
     form-action 'none'; frame-ancestors 'none'";

#[derive(RustEmbed)]
#[folder = "../../console/dist"]
#[allow_missing = true]
struct ConsoleFiles;

/// One of the console's files.
#[derive(Debug, Clone)]
pub struct ConsoleFile {
    pub bytes: Cow<'static, [u8]>,
    pub content_type: String,
}

/// The embedded file at `path` (relative to `console/dist`), if the build had it.
fn embedded(path: &str) -> Option<ConsoleFile> {
    ConsoleFiles::get(path).map(|file| ConsoleFile {
        content_type: file.metadata.mimetype().to_owned(),
        bytes: file.data,
    })
}

/// `GET /console`: the console lives under `/console/`, where its relative links resolve.
pub async fn redirect_to_base() -> Redirect {
    Redirect::permanent(BASE_PATH)
}

/// `GET /console/`: the console's page.
#[utoipa::path(get, path = "/console/", tag = "console",
    responses(
        (status = 200, description = "The officers' web console (`text/html`; a single-page app that signs in with `POST /v1/auth/staff-token` and uses `/v1/officer/…`). `Cache-Control: no-cache`; a Content-Security-Policy without inline script or style.", content_type = "text/html"),
        (status = 503, description = "This portal was built without the console's files: a page saying how to build them (`cargo xtask console`).", content_type = "text/html")
    ))]
pub async fn index(State(state): State<AppState>, headers: HeaderMap) -> Response {
    answer(embedded, &state.texts, &headers, "")
}

/// `GET /console/{path}`: an asset of the console, or one of its pages (answered `index.html`).
#[utoipa::path(get, path = "/console/{path}", tag = "console",
    params(("path" = String, Path, description = "An asset (`assets/…`, hashed names, cached for a year) or a page of the console (answered with `index.html`).")),
    responses(
        (status = 200, description = "The asset with its content type, or the console's `index.html`."),
        (status = 404, description = "No such asset (a path under `assets/`, or with a file extension, that the build does not have).", content_type = "text/plain"),
        (status = 503, description = "This portal was built without the console's files.", content_type = "text/html")
    ))]
pub async fn file(
    State(state): State<AppState>,
    Path(path): Path<String>,
    headers: HeaderMap,
) -> Response {
    answer(embedded, &state.texts, &headers, &path)
}

/// The answer for `path` under `/console/`, from the files `lookup` finds.
fn answer(
    lookup: impl Fn(&str) -> Option<ConsoleFile>,
    texts: &Texts,
    headers: &HeaderMap,
    path: &str,
) -> Response {
    let Some(index) = lookup("index.html") else {
        return missing_page(texts, headers);
    };
    if path.is_empty() || path == "index.html" {
        return with_headers(index, CachePolicy::Revalidate);
    }
    if let Some(found) = lookup(path) {
        let policy = if path.starts_with("assets/") {
            CachePolicy::Immutable
        } else {
            CachePolicy::Revalidate
        };
        return with_headers(found, policy);
    }
    if looks_like_a_file(path) {
        let mut response = (StatusCode::NOT_FOUND, "No such file of the console.").into_response();
        secure(response.headers_mut(), CONTENT_SECURITY_POLICY);
        return response;
    }
    with_headers(index, CachePolicy::Revalidate)
}

/// Paths the console's router never uses: assets and names with an extension. Those that are
/// missing answer 404 rather than the page, so a stale cached page asking for an old asset
/// fails visibly instead of running HTML as script.
fn looks_like_a_file(path: &str) -> bool {
    path.starts_with("assets/")
        || path
            .rsplit('/')
            .next()
            .is_some_and(|name| name.contains('.'))
}

#[derive(Debug, Clone, Copy)]
enum CachePolicy {
    /// Hashed names: the content under a name never changes.
    Immutable,
    /// The page and unhashed files: ask the portal each time (cheap, and a new build shows).
    Revalidate,
}

fn with_headers(file: ConsoleFile, cache: CachePolicy) -> Response {
    let content_type = HeaderValue::from_str(&file.content_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    let mut response = file.bytes.into_owned().into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, content_type);
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(match cache {
            CachePolicy::Immutable => "public, max-age=31536000, immutable",
            CachePolicy::Revalidate => "no-cache",
        }),
    );
    secure(headers, CONTENT_SECURITY_POLICY);
    response
}

fn secure(headers: &mut HeaderMap, policy: &'static str) {
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(policy),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
}

/// The page of a portal built without the console, in the reader's language.
fn missing_page(texts: &Texts, headers: &HeaderMap) -> Response {
    let lang = choose_lang(None, headers);
    let title = escape(&texts.format(lang, "console-missing-title", &[]));
    let body = escape(&texts.format(
        lang,
        "console-missing-body",
        &[("command", Arg::from(BUILD_COMMAND))],
    ));
    let html = format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<link rel=\"stylesheet\" href=\"{STYLE_PATH}\">\n</head>\n\
         <body>\n<main>\n<h1>{title}</h1>\n<p id=\"console-missing\">{body}</p>\n</main>\n\
         </body>\n</html>\n",
        lang = lang.code(),
    );
    let mut response = (StatusCode::SERVICE_UNAVAILABLE, html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    secure(headers, MISSING_PAGE_POLICY);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    const INDEX: &str =
        "<!doctype html><script type=\"module\" src=\"/console/assets/index-abc123.js\"></script>";

    /// A console build of two files, as `console/dist` holds them.
    fn built(path: &str) -> Option<ConsoleFile> {
        let (bytes, content_type): (&'static [u8], &str) = match path {
            "index.html" => (INDEX.as_bytes(), "text/html"),
            "assets/index-abc123.js" => (b"console.log(1)", "text/javascript"),
            _ => return None,
        };
        Some(ConsoleFile {
            bytes: Cow::Borrowed(bytes),
            content_type: content_type.to_owned(),
        })
    }

    fn texts() -> Texts {
        crate::i18n::load().expect("the portal's texts load")
    }

    fn header(response: &Response, name: header::HeaderName) -> &str {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
    }

    async fn body(response: Response) -> String {
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .expect("the body reads");
        String::from_utf8_lossy(&bytes).into_owned()
    }

    #[tokio::test]
    async fn the_console_page_is_served_with_a_strict_policy_and_revalidated() {
        let response = answer(built, &texts(), &HeaderMap::new(), "");
        assert_eq!(response.status(), StatusCode::OK, "the page answers 200");
        assert_eq!(header(&response, header::CONTENT_TYPE), "text/html");
        assert_eq!(
            header(&response, header::CACHE_CONTROL),
            "no-cache",
            "the page is asked for again at each load"
        );
        let policy = header(&response, header::CONTENT_SECURITY_POLICY);
        assert!(
            policy.contains("default-src 'self'") && policy.contains("script-src 'self'"),
            "the policy allows the portal's own scripts only: {policy}"
        );
        assert!(
            !policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"),
            "no inline script or style, no eval: {policy}"
        );
        assert_eq!(body(response).await, INDEX);
    }

    #[tokio::test]
    async fn hashed_assets_are_cached_for_good_with_their_content_type() {
        let response = answer(built, &texts(), &HeaderMap::new(), "assets/index-abc123.js");
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            header(&response, header::CONTENT_TYPE),
            "text/javascript",
            "a script is served as a script"
        );
        assert_eq!(
            header(&response, header::CACHE_CONTROL),
            "public, max-age=31536000, immutable",
            "a hashed asset never changes under its name"
        );
        assert_eq!(header(&response, header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    }

    #[tokio::test]
    async fn a_page_of_the_console_answers_the_console_and_a_missing_asset_answers_404() {
        for page in [
            "applications/0190d6c2-0000-7000-8000-000000000001",
            "overview",
            "counter",
        ] {
            let response = answer(built, &texts(), &HeaderMap::new(), page);
            assert_eq!(
                response.status(),
                StatusCode::OK,
                "the console's page {page} reloads"
            );
            assert_eq!(
                body(response).await,
                INDEX,
                "{page} answers the console's index.html"
            );
        }
        for asset in ["assets/index-old999.js", "favicon.ico"] {
            let response = answer(built, &texts(), &HeaderMap::new(), asset);
            assert_eq!(
                response.status(),
                StatusCode::NOT_FOUND,
                "a missing file {asset} is not answered with the page"
            );
        }
    }

    #[tokio::test]
    async fn a_portal_built_without_the_console_says_how_to_build_it_in_the_readers_language() {
        let nothing = |_: &str| None;
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("en-GB,en;q=0.9"),
        );
        let response = answer(nothing, &texts(), &headers, "");
        assert_eq!(
            response.status(),
            StatusCode::SERVICE_UNAVAILABLE,
            "the console is not available in this build"
        );
        assert!(
            !header(&response, header::CONTENT_SECURITY_POLICY).contains("script-src"),
            "the page runs no script"
        );
        let text = body(response).await;
        assert!(
            text.contains(BUILD_COMMAND),
            "the page names the command that builds the console: {text}"
        );
        assert!(
            text.contains("lang=\"en\""),
            "the page is in the reader's language: {text}"
        );
        let vietnamese = body(answer(nothing, &texts(), &HeaderMap::new(), "overview")).await;
        assert!(
            vietnamese.contains("lang=\"vi\"") && vietnamese.contains(BUILD_COMMAND),
            "Vietnamese by default, on every path: {vietnamese}"
        );
    }
}
