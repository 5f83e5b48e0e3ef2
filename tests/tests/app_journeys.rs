//! Whole journeys of a resident in the real app (its real webview, driven through
//! tauri-driver, see `opendvc_tests::webdriver`) against a real demo portal: paying a fee
//! through the sandbox bank in the system browser and coming back by the deep link (issue 17),
//! and "declared once" (issue 18): pre-filled forms, the profile's e-mail changed with the
//! code sent to it, and the wallet document picked being the one attached.
//!
//! The "system browser" is a recorder the test makes the desktop's default browser: the app
//! opens the bank's page through tauri-plugin-opener and `xdg-open`, the recorder notes the
//! URL, and the test plays the page with an HTTP client, pressing its buttons as a person
//! would; the sandbox then sends its signed IPN to the portal. The way back is the return
//! page's `opendvc://payments/{id}` link, handed to the app as the desktop does (a second
//! start of the app, which passes it to the running one).
//!
//! Needs what `app_webdriver.rs` needs: tauri-driver, WebKitWebDriver, Xvfb, dbus and dunst,
//! and a built `opendvc-app` with the UI in it (`cargo xtask test --only ui`, then
//! `cargo build -p opendvc-app -p opendvc-portal -p opendvc-cli`).

use opendvc_api::{ApplicationStatus, NewDocument, PaymentList, PaymentStatus};
use opendvc_tests::fixtures::{Citizen, png_bytes};
use opendvc_tests::wait::eventually;
use opendvc_tests::webdriver::{App, WAIT, ui_text};
use opendvc_tests::{Portal, PortalOptions, new_idempotency_key, six_digit_code};
use serde_json::json;
use uuid::Uuid;

/// Paid before processing starts; a first passport costs 200,000 VND.
const PASSPORT: &str = "passport-issuance";
const FIRST_PASSPORT_FEE: i64 = 200_000;
/// A resident's phone is 360 px wide; the screenshots of the journeys are taken at that width.
const PHONE: [(u32, u32); 1] = [(360, 780)];

/// Saves `target/e2e-screenshots/{name}-360x780.png` with `selector` (its section, where it
/// is in one) scrolled to the top.
fn phone_screenshot(app: &App, name: &str, selector: &str) {
    let [(width, height)] = PHONE;
    app.resize(width, height);
    app.script(
        "const element = document.querySelector(arguments[0]);\
         (element.closest('section') ?? element).scrollIntoView({ block: 'start' });",
        json!([selector]),
    );
    app.screenshots_at(name, &PHONE);
}

/// The digits of `text` (money as the UI formats it: `200.000 ₫`).
fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

fn portal_payments(citizen: &Citizen, application_id: Uuid) -> PaymentList {
    citizen
        .get(&format!("/v1/applications/{application_id}/payments"))
        .expect_json(200, "the citizen lists the application's payments")
}

/// Undoes the HTML escaping of an attribute value the portal's pages write.
fn unescape_html(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The value of the attribute `name` in the first tag of `html` that holds `marker`.
fn attribute_near(html: &str, marker: &str, name: &str) -> String {
    let at = html
        .find(marker)
        .unwrap_or_else(|| panic!("the page has {marker:?}: {html}"));
    let start = html[..at].rfind('<').expect("the tag's start");
    let end = at + html[at..].find('>').expect("the tag's end");
    let tag = &html[start..end];
    let needle = format!("{name}=\"");
    let from = tag
        .find(&needle)
        .unwrap_or_else(|| panic!("{tag} has {name}"))
        + needle.len();
    let to = from + tag[from..].find('"').expect("the attribute's end");
    unescape_html(&tag[from..to])
}

/// Plays the sandbox bank's page at `url` as a person in a browser: shows it, presses the
/// button `action` (`pay`, `cancel`, `fail`; the page's form posts its hidden fields and the
/// button's value), follows the bank back to the portal's return page and returns the
/// `opendvc://` link that page offers to go back to the app.
fn press_on_bank_page(url: &str, action: &str) -> String {
    let client = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client");
    let shown = client.get(url).send().expect("the bank's page");
    assert_eq!(shown.status(), 200, "the sandbox bank shows its page");
    let page = shown.text().expect("the page's HTML");
    let button = format!("name=\"action\" value=\"{action}\"");
    assert!(page.contains(&button), "the page has the {action} button");
    let form_action = attribute_near(&page, "<form", "action");
    let query = attribute_near(&page, "name=\"query\"", "value");
    let base = reqwest::Url::parse(url).expect("the page's URL");
    let post_to = base.join(&form_action).expect("the form's target");
    let pressed = client
        .post(post_to)
        .form(&[("query", query.as_str()), ("action", action)])
        .send()
        .expect("the bank takes the button");
    assert_eq!(
        pressed.status(),
        303,
        "the bank sends the browser back to the portal's return page"
    );
    let location = pressed
        .headers()
        .get("location")
        .and_then(|value| value.to_str().ok())
        .expect("where the bank sends the browser");
    let back = base.join(location).expect("the return page's URL");
    let returned = client.get(back).send().expect("the portal's return page");
    assert_eq!(returned.status(), 200, "the portal shows the return page");
    let html = returned.text().expect("the return page's HTML");
    attribute_near(&html, "href=\"opendvc://", "href")
}

/// The application `id` as the portal holds it, for the first demo citizen.
fn portal_application(portal: &mut Portal, id_number: &str, id: Uuid) -> opendvc_api::Application {
    Citizen::sign_in(portal, id_number).application(id)
}

/// Fills in the passport application through the task list (details, documents, delivery),
/// checks the quote on "check your answers", sends it, and returns the application's id.
fn apply_for_first_passport(app: &App) -> Uuid {
    apply_for_passport_with(app, |_| {})
}

/// [`apply_for_first_passport`], with `documents` done on the documents step before saving it.
fn apply_for_passport_with(app: &App, documents: impl FnOnce(&App)) -> Uuid {
    app.open(&format!("#/apply/{PASSPORT}"));
    app.click(&format!("main a[href=\"#/apply/{PASSPORT}/details\"]"));
    app.wait_for_element("#field-placeOfBirth");
    app.fill("#field-placeOfBirth", "Quảng Nam");
    app.choose("#field-applicationType", "first");
    app.submit_form_of("#field-applicationType");

    // The ID card comes from the wallet; the portrait photo is a file picked on the device.
    app.click(&format!("main a[href=\"#/apply/{PASSPORT}/documents\"]"));
    app.wait_for_element("#doc-photo");
    pick_file(app, "#doc-photo", "anh-chan-dung.png", &png_bytes(7));
    app.wait_for_text("anh-chan-dung.png");
    documents(app);
    app.submit_form_of("#doc-photo");

    app.click(&format!("main a[href=\"#/apply/{PASSPORT}/delivery\"]"));
    app.click("#delivery-counter");
    app.submit_form_of("#delivery-counter");

    // The quote before sending: the first passport's fee, and that total.
    app.wait_for_text(&ui_text("vi", "ui-check-declaration-title"));
    app.wait_for(
        "the fee quote",
        "return document.querySelector('[data-testid=\"fee-quote\"]') !== null;",
    );
    let quote = app
        .script(
            "return document.querySelector('[data-testid=\"fee-quote\"]').innerText;",
            json!([]),
        )
        .as_str()
        .expect("the quote's text")
        .to_owned();
    assert!(
        digits(&quote).ends_with(&FIRST_PASSPORT_FEE.to_string()),
        "the quote's total is the first passport's fee: {quote}"
    );
    app.click_text("main button", &ui_text("vi", "ui-check-submit"));
    app.wait_for_text(&ui_text("vi", "ui-done-sent-title"));
    let href = app.wait_for(
        "the link to the sent application",
        "const link = document.querySelector('main a[href^=\"#/applications/\"]');\
         return link === null ? false : link.getAttribute('href');",
    );
    let id = href
        .as_str()
        .and_then(|href| href.strip_prefix("#/applications/"))
        .expect("the application's route");
    Uuid::parse_str(id).expect("the application's id")
}

/// Picks a file in the file input `selector`, as choosing it in the file dialog does.
fn pick_file(app: &App, selector: &str, name: &str, bytes: &[u8]) {
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
    app.script(
        "const input = document.querySelector(arguments[0]);\
         const bytes = Uint8Array.from(atob(arguments[2]), (c) => c.charCodeAt(0));\
         const transfer = new DataTransfer();\
         transfer.items.add(new File([bytes], arguments[1], { type: 'image/png' }));\
         input.files = transfer.files;\
         input.dispatchEvent(new Event('change', { bubbles: true }));",
        json!([selector, name, encoded]),
    );
}

/// On the application's page, pays online: picks VNPay and presses Pay (or "try again").
fn press_pay_online(app: &App) {
    app.wait_for_element("main .pay-step input[name=\"payment-method\"][value=\"vnpay\"]");
    app.click("main .pay-step input[name=\"payment-method\"][value=\"vnpay\"]");
    app.click("main .pay-step form button[type=\"submit\"]:not([disabled])");
}

#[test]
fn a_passport_is_quoted_paid_in_the_browser_and_its_receipt_kept_in_the_wallet() {
    let mut portal = Portal::start(PortalOptions::default());
    let person = portal.demo_accounts().citizens[0].clone();
    let app = App::launch(&portal.url());
    app.record_browser();
    app.sign_in(&portal, &person);

    let id = apply_for_first_passport(&app);
    assert_eq!(
        portal_application(&mut portal, &person.id_number, id).status,
        ApplicationStatus::AwaitingPayment,
        "the passport waits for its fee before processing starts"
    );

    // The application's page: the Pay step with the amount due.
    app.open(&format!("#/applications/{id}"));
    app.wait_for_element("main .pay-step");
    app.wait_for_text(&ui_text("vi", "ui-payment-awaiting-hint"));
    let due = app.script(
        "return document.querySelector('main .pay-amount strong').innerText;",
        json!([]),
    );
    assert_eq!(
        digits(due.as_str().unwrap_or_default()),
        FIRST_PASSPORT_FEE.to_string(),
        "the amount due is the quoted fee"
    );
    phone_screenshot(&app, "pay-step", "main .pay-step");

    press_pay_online(&app);
    app.wait_for_text(&ui_text("vi", "ui-payment-opened-browser"));
    let urls = app.browser_urls(1);
    assert!(
        urls[0].starts_with(&format!("{}/dev/pay/", portal.url())),
        "the sandbox bank's page opened in the system browser: {}",
        urls[0]
    );

    let link = press_on_bank_page(&urls[0], "pay");
    let citizen = Citizen::sign_in(&mut portal, &person.id_number);
    let payments = portal_payments(&citizen, id).payments;
    assert_eq!(payments.len(), 1, "one payment");
    let payment = &payments[0];
    assert_eq!(payment.status, PaymentStatus::Paid, "the IPN confirmed it");
    assert_eq!(payment.amount, FIRST_PASSPORT_FEE);
    assert_eq!(link, format!("opendvc://payments/{}", payment.payment_id));
    let receipt = payment
        .receipt
        .clone()
        .expect("a paid payment has a receipt");

    // Back in the app through the deep link: the application's page shows it paid, with the
    // receipt.
    app.open("#/services");
    app.open_link(&link);
    app.wait_for_with(
        "the application's page with the receipt",
        "return location.hash === `#/applications/${arguments[0]}` \
         && document.querySelector('main .pay-step .receipt-card') !== null;",
        json!([id]),
    );
    app.wait_for_element("main .pay-step .notification.success");
    assert_eq!(
        app.script(
            "return document.querySelector('main .pay-step .pay-amount') === null;",
            json!([])
        ),
        json!(true),
        "paid, the step no longer says an amount is due"
    );
    let shown = app
        .script(
            "return document.querySelector('main .pay-step .receipt-card').innerText;",
            json!([]),
        )
        .as_str()
        .expect("the receipt's text")
        .to_owned();
    for (what, expected) in [
        ("number", receipt.receipt_no.as_str()),
        ("payer", receipt.payer.as_str()),
        ("procedure", receipt.procedure_name.vi.as_str()),
        ("application code", receipt.application_code.as_str()),
        ("provider's reference", receipt.provider_ref.as_str()),
    ] {
        assert!(
            shown.contains(expected),
            "the receipt shows its {what} {expected:?}: {shown}"
        );
    }
    assert_eq!(receipt.payer, person.name, "the payer is the applicant");
    assert!(
        digits(&shown).contains("200000"),
        "the receipt shows the amount: {shown}"
    );
    let year = receipt.paid_at.format("%Y").to_string();
    assert!(
        shown.contains(&year),
        "the receipt shows when it was paid: {shown}"
    );
    phone_screenshot(&app, "payment-receipt", "main .pay-step");
    assert_eq!(
        portal_application(&mut portal, &person.id_number, id).status,
        ApplicationStatus::Received,
        "paid, the application goes on to processing"
    );

    // The receipt is kept in the wallet.
    app.open("#/documents");
    app.wait_for_element("#receipts-heading");
    app.wait_for_text(&receipt.receipt_no);
    app.wait_for_text(&receipt.provider_ref);
}

#[test]
fn a_cancelled_and_a_failed_payment_leave_the_fee_due_and_the_next_try_pays_it() {
    let mut portal = Portal::start(PortalOptions::default());
    let person = portal.demo_accounts().citizens[0].clone();
    // Sent from another device (the portal's site); this device learns of it when it syncs.
    let citizen = Citizen::sign_in(&mut portal, &person.id_number);
    let procedure = citizen
        .catalog()
        .items
        .into_iter()
        .find(|procedure| procedure.id == PASSPORT)
        .expect("the demo catalog has the passport");
    let id = citizen.submit_valid(&procedure).id;
    let app = App::launch(&portal.url());
    app.record_browser();
    app.sign_in(&portal, &person);
    app.open(&format!("#/applications/{id}"));

    // Cancelled on the bank's page: back in the app, the fee is still due.
    press_pay_online(&app);
    let urls = app.browser_urls(1);
    let link = press_on_bank_page(&urls[0], "cancel");
    app.open("#/services");
    app.open_link(&link);
    app.wait_for_text(&ui_text("vi", "ui-payment-failed-try-again"));
    app.wait_for_text(&ui_text("vi", "ui-payment-try-again"));

    // Refused by the bank: the same, and the person can pay again.
    press_pay_online(&app);
    let urls = app.browser_urls(2);
    assert_ne!(urls[1], urls[0], "a new payment, a new page");
    let link = press_on_bank_page(&urls[1], "fail");
    app.open("#/services");
    app.open_link(&link);
    app.wait_for_text(&ui_text("vi", "ui-payment-failed-try-again"));
    let statuses: Vec<PaymentStatus> = portal_payments(&citizen, id)
        .payments
        .iter()
        .map(|payment| payment.status)
        .collect();
    assert_eq!(
        statuses,
        [PaymentStatus::Failed, PaymentStatus::Failed],
        "the cancelled and the failed payment, nothing paid"
    );
    assert_eq!(
        citizen.application(id).status,
        ApplicationStatus::AwaitingPayment,
        "still waiting for its fee"
    );

    // The third try pays.
    press_pay_online(&app);
    let urls = app.browser_urls(3);
    let link = press_on_bank_page(&urls[2], "pay");
    app.open("#/services");
    app.open_link(&link);
    app.wait_for_element("main .pay-step .receipt-card");
    let payments = portal_payments(&citizen, id).payments;
    assert_eq!(payments.len(), 3, "three tries, three payments");
    assert_eq!(payments[2].status, PaymentStatus::Paid);
}

/// The value of the form field `selector` once the form shows it.
fn field_value(app: &App, selector: &str) -> String {
    app.wait_for_element(selector);
    app.script(
        "return document.querySelector(arguments[0]).value;",
        json!([selector]),
    )
    .as_str()
    .expect("a field's value")
    .to_owned()
}

#[test]
fn a_new_form_is_filled_from_the_profile_and_the_address_with_its_unit_and_offers_the_last_answer()
{
    let mut portal = Portal::start(PortalOptions::default());
    let person = portal.demo_accounts().citizens[0].clone();
    let citizen = Citizen::sign_in(&mut portal, &person.id_number);
    let profile = citizen.profile();
    let units = citizen.admin_units();
    let app = App::launch(&portal.url());
    app.record_browser();
    app.sign_in(&portal, &person);

    // A motorbike's registration: the owner's name, ID number and permanent address (street
    // and commune-level unit) come from the profile.
    app.open("#/apply/motorbike-registration/details");
    let address = field_value(&app, "#field-ownerAddress");
    let unit = units
        .units
        .iter()
        .find(|unit| unit.code == profile.address.unit_code)
        .expect("the profile's unit is a known unit");
    assert!(
        address.contains(&profile.address.street) && address.contains(&unit.name),
        "the permanent address with its street {:?} and its unit {:?}: {address:?}",
        profile.address.street,
        unit.name
    );
    let filled: Vec<(String, String)> = app
        .script(
            "return [...document.querySelectorAll('main form input, main form select')]\
               .filter((field) => field.id.startsWith('field-'))\
               .map((field) => [field.id, field.value]);",
            json!([]),
        )
        .as_array()
        .expect("the fields")
        .iter()
        .map(|pair| {
            (
                pair[0].as_str().unwrap_or_default().to_owned(),
                pair[1].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    for wanted in [&profile.full_name, &profile.id_number] {
        assert!(
            filled.iter().any(|(_, value)| value == wanted),
            "{wanted:?} is filled in from the profile: {filled:?}"
        );
    }

    // The place of birth is typed once, in a passport application; the birth registration
    // asks for a place of birth again: it offers that answer, and takes it only when the
    // person says so.
    app.open("#/apply/passport-issuance/details");
    assert_eq!(
        field_value(&app, "#field-placeOfBirth"),
        "",
        "nothing typed before, nothing offered"
    );
    let id = apply_for_first_passport(&app);
    assert_eq!(
        citizen.application(id).form["placeOfBirth"],
        "Quảng Nam",
        "the passport was sent with the place typed"
    );
    app.open("#/apply/birth-registration/details");
    app.wait_for_element("[data-testid=\"use-previous-placeOfBirth\"]");
    assert_eq!(
        field_value(&app, "#field-placeOfBirth"),
        "",
        "the last answer is offered, not put in"
    );
    app.click("[data-testid=\"use-previous-placeOfBirth\"]");
    app.wait_for(
        "the offered answer taken",
        "return document.querySelector('#field-placeOfBirth').value === 'Quảng Nam';",
    );
}

#[test]
fn the_email_is_changed_in_the_profile_with_the_code_sent_to_it_and_a_wrong_code_is_refused() {
    let mut portal = Portal::start(PortalOptions::default());
    let person = portal.demo_accounts().citizens[0].clone();
    let citizen = Citizen::sign_in(&mut portal, &person.id_number);
    let email = "thu.moi@example.vn";
    let app = App::launch(&portal.url());
    app.sign_in(&portal, &person);
    app.open("#/settings/profile");

    // The e-mail's panel: Change, the new address, send the code.
    app.wait_for_with(
        "the e-mail's Change button",
        "const heading = [...document.querySelectorAll('main section h2')]\
           .find((h2) => h2.textContent.trim() === arguments[0]);\
         if (heading === undefined) return false;\
         heading.closest('section').querySelector('button').click(); return true;",
        json!([ui_text("vi", "ui-profile-email")]),
    );
    app.fill("#email-new", email);
    app.click_text("main button", &ui_text("vi", "ui-profile-send-code"));
    app.wait_for_element("#email-code");
    let code = eventually("the code e-mailed to the new address", WAIT, || {
        portal
            .dev_messages()
            .iter()
            .rev()
            .find(|message| message.to == email)
            .and_then(|message| six_digit_code(&message.body))
    });

    // A wrong code: refused, said so at the field, nothing changed.
    let wrong: String = code
        .chars()
        .map(|digit| if digit == '9' { '0' } else { '9' })
        .collect();
    app.fill("#email-code", &wrong);
    app.click_text("main button", &ui_text("vi", "ui-profile-confirm"));
    app.wait_for_text(&ui_text("vi", "ui-profile-code-invalid"));
    app.wait_for_element("#email-code[aria-invalid=\"true\"], .field-error #email-code");
    phone_screenshot(&app, "profile-email-wrong-code", "#email-code");
    assert_ne!(
        citizen.profile().email.as_deref(),
        Some(email),
        "a wrong code changes nothing"
    );

    // The right code saves it, at the portal too.
    app.fill("#email-code", &code);
    app.click_text("main button", &ui_text("vi", "ui-profile-confirm"));
    app.wait_for_text(&ui_text("vi", "ui-profile-saved"));
    app.wait_for_text(email);
    phone_screenshot(&app, "profile-email-saved", "main h1");
    assert_eq!(
        citizen.profile().email.as_deref(),
        Some(email),
        "the portal holds the new e-mail"
    );
}

/// Adds a second, older passport to the citizen's wallet at the portal, as the resident adds
/// one by hand (`POST /v1/documents`), and returns its number.
fn a_second_passport_at_the_portal(citizen: &Citizen) -> String {
    let number = "B7351046";
    let older = NewDocument {
        kind: "passport".into(),
        number: number.into(),
        issued_on: "2017-03-14".parse().expect("a date"),
        expires_on: Some("2027-03-14".parse().expect("a date")),
        issuer: "Cục Quản lý xuất nhập cảnh".into(),
        classes: Vec::new(),
    };
    citizen
        .call("POST", "/v1/documents")
        .idempotency_key(&new_idempotency_key())
        .json(&older)
        .send()
        .expect_status(201, "the second passport is added to the wallet");
    number.to_owned()
}

#[test]
fn the_wallet_document_the_resident_picks_is_the_one_attached() {
    let mut portal = Portal::start(PortalOptions::default());
    let person = portal.demo_accounts().citizens[0].clone();
    let citizen = Citizen::sign_in(&mut portal, &person.id_number);
    a_second_passport_at_the_portal(&citizen);
    let passports: Vec<_> = citizen
        .documents()
        .items
        .into_iter()
        .filter(|document| document.kind == "passport")
        .collect();
    assert_eq!(passports.len(), 2, "the wallet holds two passports");
    let app = App::launch(&portal.url());
    app.sign_in(&portal, &person);

    // The form pre-picks one passport for "previous passport"; the resident picks the other.
    let mut picked = String::new();
    let id = apply_for_passport_with(&app, |app| {
        let number = app.wait_for(
            "two passports offered, one of them picked",
            "const choices = [...document.querySelectorAll('input[type=\"radio\"][name=\"doc-old-passport\"]')];\
             if (choices.length !== 2 || !choices.some((choice) => choice.checked)) return false;\
             const other = choices.find((choice) => !choice.checked);\
             other.click();\
             return other.closest('label').innerText;",
        );
        picked = number.as_str().unwrap_or_default().to_owned();
    });
    let chosen = passports
        .iter()
        .find(|passport| picked.contains(&passport.number))
        .unwrap_or_else(|| panic!("the picked choice {picked:?} names a passport"));

    let attached: Vec<Uuid> = citizen
        .application(id)
        .attachments
        .iter()
        .filter_map(|attachment| match attachment {
            opendvc_api::AttachmentRef::Wallet { document_id, .. } => Some(*document_id),
            opendvc_api::AttachmentRef::Upload { .. } => None,
        })
        .filter(|document_id| passports.iter().any(|passport| passport.id == *document_id))
        .collect();
    assert_eq!(
        attached,
        [chosen.id],
        "exactly the passport picked ({}) is attached",
        chosen.number
    );
}
