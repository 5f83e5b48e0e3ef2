//! The public status page, `GET /s/{code}` and `POST /s/{code}`: a small server-rendered page,
//! no script, for the person holding a receipt who has no app (the receipt's QR code and the
//! texts the portal sends point here). The page asks for the last 4 digits of the holder's ID
//! number and posts them, so they never stand in a URL or a shared browser's history; the
//! answer shows the procedure, the status, the due date and the delivery state, nothing else
//! (`public_status` looks it up and keeps its limits).
//!
//! Every text comes from `locales/*/status-page.ftl` (status and delivery-state names from
//! `portal.ftl`, as in the portal's notices), in the language of `?lang=`, else of
//! `Accept-Language`, else Vietnamese. Every value written into the page goes through
//! [`escape`]. The answers forbid scripts, frames and foreign styles (CSP), and are never stored
//! by a browser or a proxy (`Cache-Control: no-store`).

use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use opendvc_api::{DeliveryMethod, PublicStatus};
use opendvc_i18n::{Arg, Lang};
use serde::Deserialize;

use crate::client_address::ClientAddress;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::notices::{delivery_state_id, status_name};
use crate::public_status::{Lookup, check_is_well_formed, lookup};
use crate::state::AppState;

/// Where the page's style sheet is served.
pub const STYLE_PATH: &str = "/static/status-page.css";

const STYLE: &str = include_str!("../static/status-page.css");

/// No script at all, styles only from the portal itself, forms only to it, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Characters escaped when a code is put into a link; the code's own `.`, `-` and `_` stay.
const PATH_ESCAPES: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'.')
    .remove(b'-')
    .remove(b'_');

/// `?lang=vi|en|id`.
#[derive(Debug, Default, Deserialize)]
pub struct LangQuery {
    #[serde(default)]
    lang: Option<String>,
}

/// The form the page posts (`application/x-www-form-urlencoded`).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct CheckForm {
    /// The last 4 digits of the holder's ID number.
    #[serde(default)]
    #[schema(pattern = "^[0-9]{4}$")]
    pub check: String,
}

/// What the page shows below the code.
#[derive(Debug)]
enum Body {
    /// The form, with a message above it after a miss or a malformed check.
    Form {
        message: Option<String>,
    },
    Found(Box<PublicStatus>),
    /// Too many misses: how many minutes to wait.
    Limited {
        minutes: u64,
    },
}

/// `GET /s/{code}`: the form.
#[utoipa::path(get, path = "/s/{code}", tag = "public",
    params(
        ("code" = String, Path, description = "The application code on the receipt."),
        ("lang" = Option<String>, Query, description = "`vi`, `en` or `id`; else the first of `Accept-Language` that is one of them; else `vi`.")
    ),
    responses((status = 200, description = "A page (`text/html`, no script) asking for the last 4 digits of the holder's ID number, posted to the same path. It does not say whether the code exists. `Cache-Control: no-store`; a Content-Security-Policy without scripts.", content_type = "text/html")))]
pub async fn show_form(
    State(state): State<AppState>,
    Path(code): Path<String>,
    ApiQuery(query): ApiQuery<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = choose_lang(query.lang.as_deref(), &headers);
    page(
        &state,
        lang,
        &code,
        StatusCode::OK,
        Body::Form { message: None },
        None,
    )
}

/// `POST /s/{code}` with `check=NNNN`: the status, or the form again.
#[utoipa::path(post, path = "/s/{code}", tag = "public",
    params(
        ("code" = String, Path, description = "The application code on the receipt."),
        ("lang" = Option<String>, Query, description = "`vi`, `en` or `id`, as for the form.")
    ),
    request_body(content = CheckForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "A page with the procedure, status, due date and delivery state; nothing personal.", content_type = "text/html"),
        (status = 400, description = "The check is not 4 digits: the form again with a message (`text/html`); nothing was looked up or counted.", content_type = "text/html"),
        (status = 404, description = "Unknown code or wrong check, one answer: the form again with a message (`text/html`).", content_type = "text/html"),
        (status = 429, description = "Too many misses from this address or on this code (the limits of `GET /v1/public/status/{code}`, shared with it): a page saying when to try again, and `Retry-After`.", content_type = "text/html")
    ))]
pub async fn check(
    State(state): State<AppState>,
    client: ClientAddress,
    Path(code): Path<String>,
    ApiQuery(query): ApiQuery<LangQuery>,
    headers: HeaderMap,
    form: Result<Form<CheckForm>, FormRejection>,
) -> Result<Response, ApiError> {
    let lang = choose_lang(query.lang.as_deref(), &headers);
    let check = form.map(|Form(form)| form.check).unwrap_or_default();
    let check = check.trim();
    if !check_is_well_formed(check) {
        let message = text(&state, lang, "status-page-check-malformed", &[]);
        return Ok(page(
            &state,
            lang,
            &code,
            StatusCode::BAD_REQUEST,
            Body::Form {
                message: Some(message),
            },
            None,
        ));
    }
    Ok(match lookup(&state, &client, &code, check).await? {
        Lookup::Found(status) => page(
            &state,
            lang,
            &code,
            StatusCode::OK,
            Body::Found(status),
            None,
        ),
        Lookup::Missed => {
            let message = text(&state, lang, "status-page-not-found", &[]);
            page(
                &state,
                lang,
                &code,
                StatusCode::NOT_FOUND,
                Body::Form {
                    message: Some(message),
                },
                None,
            )
        }
        Lookup::Limited(reached) => page(
            &state,
            lang,
            &code,
            StatusCode::TOO_MANY_REQUESTS,
            Body::Limited {
                minutes: reached.retry_after.div_ceil(60).max(1),
            },
            Some(reached.retry_after),
        ),
    })
}

/// `GET /static/status-page.css`.
#[utoipa::path(get, path = "/static/status-page.css", tag = "public",
    responses((status = 200, description = "The status page's style sheet.", content_type = "text/css")))]
pub async fn style() -> Response {
    let mut response = STYLE.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// The language of `?lang=` when it is one of the three, else the first of `Accept-Language`
/// (by weight) that is, else Vietnamese.
pub fn choose_lang(query: Option<&str>, headers: &HeaderMap) -> Lang {
    if let Some(lang) = query.and_then(exact_lang) {
        return lang;
    }
    let accepted = headers
        .get_all(header::ACCEPT_LANGUAGE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    accept_language(&accepted).unwrap_or(Lang::Vi)
}

fn exact_lang(code: &str) -> Option<Lang> {
    Lang::ALL.into_iter().find(|lang| lang.code() == code)
}

/// The preferred supported language of an `Accept-Language` value (RFC 9110: tags with
/// optional `;q=` weights; a weight of 0 means "not this one").
fn accept_language(value: &str) -> Option<Lang> {
    let mut ranked: Vec<(u16, usize, Lang)> = value
        .split(',')
        .enumerate()
        .filter_map(|(position, item)| {
            let mut parts = item.split(';');
            let tag = parts.next()?.trim();
            let weight = parts
                .filter_map(|parameter| parameter.trim().strip_prefix("q="))
                .next()
                .map_or(Some(1000), |weight| {
                    weight
                        .trim()
                        .parse::<f32>()
                        .ok()
                        .filter(|weight| (0.0..=1.0).contains(weight))
                        .map(|weight| (weight * 1000.0).round() as u16)
                })?;
            let lang = Lang::parse(tag)?;
            (weight > 0).then_some((weight, position, lang))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked.first().map(|(_, _, lang)| *lang)
}

/// Escapes text for HTML content and attribute values: the one way values enter the page.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

fn text(state: &AppState, lang: Lang, id: &str, args: &[(&str, Arg)]) -> String {
    state.texts.format(lang, id, args)
}

/// The page of the application `code` under the portal's public address (`--public-url`), for
/// the texts the portal sends.
pub fn public_link(public_url: &str, code: &str) -> String {
    format!("{public_url}{}", page_link(code))
}

/// The page's path for `code`, in the language its reader asks for.
fn page_link(code: &str) -> String {
    format!(
        "/s/{}",
        percent_encoding::utf8_percent_encode(code, PATH_ESCAPES)
    )
}

/// The page's own path for `code`, with `lang`.
fn page_path(code: &str, lang: Lang) -> String {
    format!("{}?lang={}", page_link(code), lang.code())
}

/// The due date in Vietnam time, as the language writes dates.
fn due_date(state: &AppState, lang: Lang, status: &PublicStatus) -> String {
    let local = status.due_at.with_timezone(&opendvc_rules::VIETNAM);
    text(
        state,
        lang,
        "status-page-date",
        &[
            ("day", Arg::from(local.format("%d").to_string())),
            ("dayOfMonth", Arg::from(local.format("%-d").to_string())),
            ("month", Arg::from(local.format("%m").to_string())),
            ("monthName", Arg::from(local.format("%B").to_string())),
            ("year", Arg::from(local.format("%Y").to_string())),
        ],
    )
}

fn found_html(state: &AppState, lang: Lang, code: &str, status: &PublicStatus) -> String {
    let label = |id: &str| escape(&text(state, lang, id, &[]));
    let delivery = match status.delivery.method {
        DeliveryMethod::Counter => text(state, lang, "status-page-delivery-counter", &[]),
        DeliveryMethod::Post => {
            let method = text(state, lang, "status-page-delivery-post", &[]);
            match status.delivery.state {
                Some(delivery_state) => format!(
                    "{method}: {}",
                    text(state, lang, delivery_state_id(delivery_state), &[])
                ),
                None => method,
            }
        }
    };
    let procedure = status.procedure.name.get(lang.code());
    format!(
        "<section class=\"card\">\
         <dl>\
         <dt>{procedure_label}</dt><dd>{procedure}</dd>\
         <dt>{status_label}</dt><dd id=\"status\">{status_value}</dd>\
         <dt>{due_label}</dt><dd>{due}</dd>\
         <dt>{delivery_label}</dt><dd>{delivery}</dd>\
         </dl></section>\
         <p><a class=\"button\" href=\"{again_href}\">{again}</a></p>",
        procedure_label = label("status-page-procedure"),
        procedure = escape(procedure),
        status_label = label("status-page-status"),
        status_value = escape(&status_name(&state.texts, lang.code(), status.status)),
        due_label = label("status-page-due"),
        due = escape(&due_date(state, lang, status)),
        delivery_label = label("status-page-delivery"),
        delivery = escape(&delivery),
        again_href = escape(&page_path(code, lang)),
        again = label("status-page-again"),
    )
}

fn form_html(state: &AppState, lang: Lang, code: &str, message: Option<&str>) -> String {
    let label = |id: &str| escape(&text(state, lang, id, &[]));
    let message = message
        .map(|message| {
            format!(
                "<p class=\"message\" role=\"alert\" id=\"message\">{}</p>",
                escape(message)
            )
        })
        .unwrap_or_default();
    format!(
        "{message}\
         <form class=\"card\" method=\"post\" action=\"{action}\">\
         <p>{intro}</p>\
         <label for=\"check\">{check_label}</label>\
         <p class=\"hint\" id=\"check-hint\">{hint}</p>\
         <input type=\"text\" id=\"check\" name=\"check\" inputmode=\"numeric\" \
         pattern=\"[0-9]{{4}}\" minlength=\"4\" maxlength=\"4\" autocomplete=\"off\" required \
         aria-describedby=\"check-hint\">\
         <div><button type=\"submit\">{submit}</button></div>\
         </form>\
         <p class=\"small\">{privacy}</p>",
        action = escape(&page_path(code, lang)),
        intro = label("status-page-intro"),
        check_label = label("status-page-check-label"),
        hint = label("status-page-check-hint"),
        submit = label("status-page-submit"),
        privacy = label("status-page-privacy"),
    )
}

fn page(
    state: &AppState,
    lang: Lang,
    code: &str,
    status: StatusCode,
    body: Body,
    retry_after: Option<u64>,
) -> Response {
    let label = |id: &str| escape(&text(state, lang, id, &[]));
    let main = match &body {
        Body::Form { message } => form_html(state, lang, code, message.as_deref()),
        Body::Found(found) => found_html(state, lang, code, found),
        Body::Limited { minutes } => format!(
            "<p class=\"message\" role=\"alert\" id=\"message\">{}</p>",
            escape(&text(
                state,
                lang,
                "status-page-limited",
                &[("minutes", Arg::from(*minutes))]
            ))
        ),
    };
    let languages: String = Lang::ALL
        .into_iter()
        .map(|other| {
            let current = if other == lang {
                " aria-current=\"true\""
            } else {
                ""
            };
            format!(
                "<li><a href=\"{href}\" lang=\"{code}\" hreflang=\"{code}\"{current}>{name}</a></li>",
                href = escape(&page_path(code, other)),
                code = other.code(),
                name = escape(&text(
                    state,
                    lang,
                    &format!("status-page-language-{}", other.code()),
                    &[]
                )),
            )
        })
        .collect();
    let html = format!(
        "<!doctype html>\n<html lang=\"{lang_code}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <title>{title} {code_text}</title>\n\
         <link rel=\"stylesheet\" href=\"{STYLE_PATH}\">\n</head>\n<body>\n\
         <header><div class=\"bar\"><span class=\"brand\">OpenDVC</span>\
         <nav aria-label=\"{languages_label}\"><ul>{languages}</ul></nav></div></header>\n\
         <main>\n<h1>{title}</h1>\n\
         <p class=\"card\">{code_label}<br><span class=\"code\" id=\"code\">{code_text}</span></p>\n\
         {main}\n<p class=\"small\">{help}</p>\n</main>\n</body>\n</html>\n",
        lang_code = lang.code(),
        title = label("status-page-title"),
        code_text = escape(code),
        languages_label = label("status-page-languages"),
        code_label = label("status-page-code"),
        help = label("status-page-help"),
    );
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    // The answer may hold an application's status: no browser or proxy keeps it.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    if let Some(seconds) = retry_after {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_turns_markup_into_text() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
    }

    #[test]
    fn accept_language_picks_the_heaviest_supported_tag() {
        assert_eq!(accept_language("id-ID,id;q=0.9,en;q=0.8"), Some(Lang::Id));
        assert_eq!(accept_language("fr-FR, en;q=0.5, vi;q=0.7"), Some(Lang::Vi));
        assert_eq!(
            accept_language("de, en;q=0"),
            None,
            "q=0 refuses a language"
        );
        assert_eq!(accept_language(""), None);
        assert_eq!(
            accept_language("en;q=0.3, id;q=0.3"),
            Some(Lang::En),
            "ties keep order"
        );
    }

    #[test]
    fn the_query_wins_over_the_header_and_only_takes_the_three_codes() {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("en"));
        assert_eq!(choose_lang(Some("id"), &headers), Lang::Id);
        assert_eq!(choose_lang(Some("fr"), &headers), Lang::En);
        assert_eq!(choose_lang(None, &HeaderMap::new()), Lang::Vi);
    }

    #[test]
    fn the_public_link_is_the_page_under_the_public_address() {
        assert_eq!(
            public_link("https://dvc.danang.gov.vn", "000.17.48.H17-261129-0001"),
            "https://dvc.danang.gov.vn/s/000.17.48.H17-261129-0001"
        );
    }

    #[test]
    fn a_code_in_a_link_is_percent_encoded() {
        assert_eq!(
            page_path("000.17.48.H17-261129-0001", Lang::En),
            "/s/000.17.48.H17-261129-0001?lang=en"
        );
        assert_eq!(page_path("a/b?c", Lang::Vi), "/s/a%2Fb%3Fc?lang=vi");
    }
}
