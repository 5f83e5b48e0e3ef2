//! Paying fees (issue 17) on a real demo portal with its sandbox bank: a passport paid online
//! (the amount from the quote), VNPay's IPN and its refusals (replay 02, wrong amount 04, bad
//! checksum 97, unknown payment 01, a failure recorded and acknowledged 00), the return page
//! that only shows, the reconciliation by querydr when the IPN is lost, the refund of a
//! rejected application, cash recorded at the counter and the postman's cash recorded by the
//! post office's agent, one pending payment per application,
//! the Idempotency-Key replay, and another resident's payments hidden.

use std::collections::BTreeMap;

use hmac::{Hmac, Mac};
use opendvc_api::{
    Application, ApplicationStatus, CashMethod, IDEMPOTENT_REPLAY_HEADER, IpnAnswer, NewPayment,
    Payment, PaymentList, PaymentMethod, PaymentStatus, Quote, QuoteRequest, RecordPayment,
    StaffKind,
};
use opendvc_tests::fixtures::{Citizen, Officer, counter_delivery, staff_of};
use opendvc_tests::{Portal, PortalOptions, Reply, new_idempotency_key};
use sha2::Sha512;

/// The demo portal's sandbox merchant secret (public on purpose: it guards only the demo).
const DEMO_SECRET: &str = "opendvc-demo-sandbox-secret";

const PASSPORT: &str = "passport-issuance";

/// Citizen access tokens live a day, longer than any clock move here.
const ACCESS_TTL: u32 = 24 * 60 * 60;

fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes())
        .collect::<String>()
        .replace('*', "%2A")
}

/// A query string signed as VNPay signs an IPN.
fn signed(params: &BTreeMap<&str, String>, secret: &str) -> String {
    let data = params
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect::<Vec<_>>()
        .join("&");
    let mut mac = Hmac::<Sha512>::new_from_slice(secret.as_bytes()).expect("any key size");
    mac.update(data.as_bytes());
    format!(
        "{data}&vnp_SecureHash={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

fn query_of(url: &str) -> Vec<(String, String)> {
    let query = url.split_once('?').map_or("", |(_, query)| query);
    url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

fn param(query: &[(String, String)], name: &str) -> String {
    query
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.clone())
        .unwrap_or_default()
}

/// An IPN for `txn_ref` and `amount` (VND), signed with `secret`.
fn ipn_query(txn_ref: &str, amount: i64, response_code: &str, secret: &str) -> String {
    let params: BTreeMap<&str, String> = [
        ("vnp_Amount", (amount * 100).to_string()),
        ("vnp_BankCode", "NCB".to_owned()),
        ("vnp_OrderInfo", "Thanh toan phi ho so".to_owned()),
        ("vnp_PayDate", "20261206090000".to_owned()),
        ("vnp_ResponseCode", response_code.to_owned()),
        ("vnp_TmnCode", "OPENDVC1".to_owned()),
        ("vnp_TransactionNo", "14123456".to_owned()),
        (
            "vnp_TransactionStatus",
            if response_code == "00" { "00" } else { "02" }.to_owned(),
        ),
        ("vnp_TxnRef", txn_ref.to_owned()),
    ]
    .into_iter()
    .collect();
    signed(&params, secret)
}

struct Setup {
    portal: Portal,
    citizen: Citizen,
    application: Application,
}

/// A demo portal and a passport application of its first demo citizen, waiting for payment.
fn passport_awaiting_payment() -> Setup {
    // Tokens outlive the clock moves of the reconciliation tests.
    let mut portal = Portal::start(PortalOptions::default().with_access_ttl(ACCESS_TTL));
    let citizen = Citizen::demo(&mut portal, 0);
    let procedure = citizen
        .catalog()
        .items
        .into_iter()
        .find(|procedure| procedure.id == PASSPORT)
        .expect("the catalog has the passport");
    assert!(
        procedure.pay_before_processing,
        "the passport is paid before processing starts"
    );
    let application = citizen.submit_valid(&procedure);
    assert_eq!(
        application.status,
        ApplicationStatus::AwaitingPayment,
        "a procedure paid before processing starts in awaiting_payment"
    );
    Setup {
        portal,
        citizen,
        application,
    }
}

fn start_payment(citizen: &Citizen, application: &Application, method: PaymentMethod) -> Reply {
    citizen
        .call(
            "POST",
            &format!("/v1/applications/{}/payments", application.id),
        )
        .fresh_idempotency_key()
        .json(&NewPayment { method })
        .send()
}

fn payments(citizen: &Citizen, application: &Application) -> Vec<Payment> {
    citizen
        .get(&format!("/v1/applications/{}/payments", application.id))
        .expect_json::<PaymentList>(200, "the resident reads the application's payments")
        .payments
}

fn txn_ref_of(payment: &Payment) -> String {
    param(
        &query_of(
            payment
                .redirect_url
                .as_deref()
                .expect("an online payment has its page"),
        ),
        "vnp_TxnRef",
    )
}

/// Presses `action` on the sandbox bank's page of `payment`; answers the redirect's location.
fn press(portal: &Portal, payment: &Payment, action: &str) -> String {
    let redirect = payment
        .redirect_url
        .as_deref()
        .expect("the provider's page");
    let query = redirect.split_once('?').expect("a signed query").1;
    let reply = portal
        .api()
        .post(&format!("/dev/pay/{}", payment.payment_id))
        .body(
            format!("query={}&action={action}", encode(query)),
            "application/x-www-form-urlencoded",
        )
        .send();
    reply.expect_status(303, "the sandbox bank sends the browser back");
    reply
        .header("location")
        .expect("a redirect has its location")
        .to_owned()
}

fn ipn(portal: &Portal, query: &str) -> IpnAnswer {
    let reply = portal
        .api()
        .get(&format!("/v1/payments/vnpay/ipn?{query}"))
        .send();
    assert_eq!(
        reply.content_type(),
        Some("application/json"),
        "the IPN always answers JSON: {}",
        reply.text()
    );
    reply.expect_json(200, "the IPN always answers HTTP 200")
}

#[test]
fn a_passport_paid_online_is_charged_its_quote_and_moves_to_received_with_a_receipt() {
    let Setup {
        portal,
        citizen,
        application,
    } = passport_awaiting_payment();
    let quote: Quote = citizen
        .call("POST", &format!("/v1/procedures/{PASSPORT}/quote"))
        .json(&QuoteRequest {
            form: application.form.clone(),
            fee_case: None,
            delivery: counter_delivery(),
        })
        .send()
        .expect_json(200, "the passport is quoted");

    let payment: Payment = start_payment(&citizen, &application, PaymentMethod::Vnpay)
        .expect_json(201, "an online payment starts");
    assert_eq!(
        (payment.status, payment.amount),
        (
            PaymentStatus::Pending,
            i64::try_from(quote.total).expect("VND")
        ),
        "the online payment is pending and charges the quote's total (with the online reduction where one applies)"
    );
    let redirect = payment.redirect_url.clone().expect("VNPay's page");
    let request = query_of(&redirect);
    assert!(
        redirect.contains(&format!("/dev/pay/{}", payment.payment_id)),
        "the demo's provider page is the sandbox bank: {redirect}"
    );
    assert_eq!(param(&request, "vnp_Version"), "2.1.0");
    assert_eq!(param(&request, "vnp_Command"), "pay");
    assert_eq!(param(&request, "vnp_CurrCode"), "VND");
    assert_eq!(
        param(&request, "vnp_Amount"),
        (payment.amount * 100).to_string(),
        "VNPay's amount is VND × 100"
    );
    assert_eq!(param(&request, "vnp_CreateDate").len(), 14);

    let bank = portal
        .api()
        .get(redirect.trim_start_matches(&portal.url()))
        .send();
    bank.expect_status(200, "the sandbox bank shows its page");
    assert!(
        bank.text().contains("<meta charset=\"utf-8\">") && bank.text().contains("Thanh toán"),
        "the bank page is UTF-8, Vietnamese first: {}",
        bank.text()
    );
    let amount = format!("vnp_Amount={}", payment.amount * 100);
    let tampered = redirect.replace(&amount, "vnp_Amount=100");
    assert_ne!(tampered, redirect, "the amount was changed after signing");
    portal
        .api()
        .get(tampered.trim_start_matches(&portal.url()))
        .send()
        .expect_status(
            403,
            "the sandbox bank refuses a pay request whose signature fails",
        );
    portal
        .api()
        .get(&format!("/dev/pay/{}", payment.payment_id))
        .send()
        .expect_status(403, "and one with no signature at all");

    let location = press(&portal, &payment, "pay");
    assert!(
        location.starts_with(&format!("{}/v1/payments/return?", portal.url())),
        "the browser goes back to the return page: {location}"
    );
    let paid = payments(&citizen, &application);
    assert_eq!(paid.len(), 1, "one payment: {paid:?}");
    let paid = &paid[0];
    assert_eq!(paid.status, PaymentStatus::Paid, "the IPN confirmed it");
    let receipt = paid
        .receipt
        .as_ref()
        .expect("a paid payment has its receipt");
    assert_eq!(
        (
            receipt.amount,
            receipt.application_code.as_str(),
            receipt.procedure_id.as_str(),
            receipt.provider.as_str()
        ),
        (payment.amount, application.code.as_str(), PASSPORT, "vnpay"),
        "the receipt names the amount, the application and the provider"
    );
    assert!(
        !receipt.payer.is_empty() && !receipt.provider_ref.is_empty(),
        "the receipt names the payer and the provider's reference: {receipt:?}"
    );
    let moved = citizen.application(application.id);
    assert_eq!(
        moved.status,
        ApplicationStatus::Received,
        "a paid application moves from awaiting_payment to received"
    );
    let statuses: Vec<ApplicationStatus> =
        moved.timeline.iter().map(|entry| entry.status).collect();
    assert_eq!(
        statuses,
        vec![
            ApplicationStatus::AwaitingPayment,
            ApplicationStatus::Received
        ],
        "the move is a status event of the timeline"
    );

    let page = portal
        .api()
        .get(location.trim_start_matches(&portal.url()))
        .send();
    page.expect_status(200, "the return page shows the payment");
    assert!(
        page.text().contains("data-status=\"paid\"")
            && page
                .text()
                .contains(&format!("opendvc://payments/{}", payment.payment_id)),
        "the return page shows it paid and links to the app: {}",
        page.text()
    );
}

#[test]
fn the_return_page_before_the_ipn_shows_pending_and_changes_nothing() {
    let Setup {
        portal,
        citizen,
        application,
    } = passport_awaiting_payment();
    let payment: Payment = start_payment(&citizen, &application, PaymentMethod::Vnpay)
        .expect_json(201, "an online payment starts");
    let txn_ref = txn_ref_of(&payment);
    // What a browser would bring back from the bank, even a claim of success, changes nothing.
    let claim = ipn_query(&txn_ref, payment.amount, "00", DEMO_SECRET);
    let page = portal
        .api()
        .get(&format!("/v1/payments/return?lang=en&{claim}"))
        .send();
    page.expect_status(200, "the return page shows the payment");
    assert!(
        page.text().contains("data-status=\"pending\"")
            && page.text().contains("<meta charset=\"utf-8\">"),
        "before the IPN the page says pending: {}",
        page.text()
    );
    assert_eq!(
        payments(&citizen, &application)[0].status,
        PaymentStatus::Pending,
        "the return page changed nothing"
    );
    assert_eq!(
        citizen.application(application.id).status,
        ApplicationStatus::AwaitingPayment,
        "nor the application"
    );
}

#[test]
fn a_replayed_ipn_answers_02_and_changes_nothing() {
    let Setup {
        portal,
        citizen,
        application,
    } = passport_awaiting_payment();
    let payment: Payment = start_payment(&citizen, &application, PaymentMethod::Vnpay)
        .expect_json(201, "an online payment starts");
    let location = press(&portal, &payment, "pay");
    let before = payments(&citizen, &application);
    let replay: String = query_of(&location)
        .into_iter()
        .filter(|(name, _)| name.starts_with("vnp_"))
        .map(|(name, value)| format!("{}={}", encode(&name), encode(&value)))
        .collect::<Vec<_>>()
        .join("&");
    let answer = ipn(&portal, &replay);
    assert_eq!(
        (answer.rsp_code.as_str(), answer.message.as_str()),
        ("02", "Order already confirmed")
    );
    assert_eq!(
        payments(&citizen, &application),
        before,
        "the replay changed nothing"
    );
}

#[test]
fn forged_tampered_and_unknown_ipns_are_refused_and_change_nothing() {
    let Setup {
        portal,
        citizen,
        application,
    } = passport_awaiting_payment();
    let payment: Payment = start_payment(&citizen, &application, PaymentMethod::Vnpay)
        .expect_json(201, "an online payment starts");
    let txn_ref = txn_ref_of(&payment);

    let wrong_amount = ipn_query(&txn_ref, payment.amount - 1000, "00", DEMO_SECRET);
    assert_eq!(ipn(&portal, &wrong_amount).rsp_code, "04", "wrong amount");

    let forged = ipn_query(&txn_ref, payment.amount, "00", "not the merchant's secret");
    assert_eq!(ipn(&portal, &forged).rsp_code, "97", "bad checksum");

    let good = ipn_query(&txn_ref, payment.amount, "00", DEMO_SECRET);
    let tampered = good.replace(
        &format!("vnp_Amount={}", payment.amount * 100),
        &format!("vnp_Amount={}", payment.amount * 10),
    );
    assert_ne!(tampered, good, "the amount was changed after signing");
    assert_eq!(ipn(&portal, &tampered).rsp_code, "97", "tampered");
    assert_eq!(ipn(&portal, "").rsp_code, "97", "no signature at all");

    let unknown = ipn_query("no-such-reference", payment.amount, "00", DEMO_SECRET);
    assert_eq!(ipn(&portal, &unknown).rsp_code, "01", "unknown payment");

    assert_eq!(
        payments(&citizen, &application)[0].status,
        PaymentStatus::Pending,
        "none of them changed the payment"
    );
    assert!(
        portal.log_text().contains("payment_ipn_forged"),
        "a forged IPN is logged for the operators"
    );
    assert_eq!(
        ipn(&portal, &good).rsp_code,
        "00",
        "the genuine IPN confirms"
    );
}

#[test]
fn a_failure_reported_by_the_provider_is_recorded_failed_and_acknowledged_00() {
    let Setup {
        portal,
        citizen,
        application,
    } = passport_awaiting_payment();
    let payment: Payment = start_payment(&citizen, &application, PaymentMethod::Vnpay)
        .expect_json(201, "an online payment starts");
    let failure = ipn_query(&txn_ref_of(&payment), payment.amount, "51", DEMO_SECRET);
    let answer = ipn(&portal, &failure);
    assert_eq!(
        answer.rsp_code, "00",
        "a valid failure report is acknowledged"
    );
    assert_eq!(
        payments(&citizen, &application)[0].status,
        PaymentStatus::Failed
    );
    assert_eq!(
        citizen.application(application.id).status,
        ApplicationStatus::AwaitingPayment,
        "a failed payment leaves the application waiting"
    );

    let again: Payment = start_payment(&citizen, &application, PaymentMethod::Vnpay)
        .expect_json(201, "after a failure the resident pays again");
    press(&portal, &again, "cancel");
    let statuses: Vec<PaymentStatus> = payments(&citizen, &application)
        .iter()
        .map(|payment| payment.status)
        .collect();
    assert_eq!(
        statuses,
        vec![PaymentStatus::Failed, PaymentStatus::Failed],
        "cancelling on the bank's page records the payment failed"
    );
}

#[test]
fn a_payment_whose_ipn_was_lost_is_reconciled_by_querydr() {
    let Setup {
        portal,
        citizen,
        application,
    } = passport_awaiting_payment();
    let payment: Payment = start_payment(&citizen, &application, PaymentMethod::Vnpay)
        .expect_json(201, "an online payment starts");
    press(&portal, &payment, "lost");
    assert_eq!(
        payments(&citizen, &application)[0].status,
        PaymentStatus::Pending,
        "without its IPN the payment stays pending"
    );
    portal.advance_clock(10 * 60);
    let reconciled = &payments(&citizen, &application)[0];
    assert_eq!(
        reconciled.status,
        PaymentStatus::Paid,
        "querydr found it paid"
    );
    assert!(reconciled.receipt.is_some(), "with its receipt");
    assert_eq!(
        citizen.application(application.id).status,
        ApplicationStatus::Received
    );
}

#[test]
fn an_unpaid_online_payment_expires() {
    let Setup {
        portal,
        citizen,
        application,
    } = passport_awaiting_payment();
    start_payment(&citizen, &application, PaymentMethod::Vnpay)
        .expect_status(201, "an online payment starts");
    portal.advance_clock(2 * 60 * 60);
    assert_eq!(
        payments(&citizen, &application)[0].status,
        PaymentStatus::Expired,
        "a payment the bank never saw expires"
    );
    start_payment(&citizen, &application, PaymentMethod::Vnpay)
        .expect_status(201, "an expired payment no longer blocks a new one");
}

#[test]
fn an_officer_refunds_the_payment_of_a_rejected_application() {
    let Setup {
        mut portal,
        citizen,
        application,
    } = passport_awaiting_payment();
    let payment: Payment = start_payment(&citizen, &application, PaymentMethod::Vnpay)
        .expect_json(201, "an online payment starts");
    press(&portal, &payment, "pay");
    let officer = Officer::of_agency(&mut portal, "da-nang-police");
    let refund = |officer: &Officer| {
        officer
            .api
            .post(&format!(
                "/v1/officer/payments/{}/refund",
                payment.payment_id
            ))
            .bearer(&officer.access_token())
            .send()
    };
    refund(&officer).expect_problem(
        409,
        "invalid_state",
        "the payment of an application still being handled is not refunded",
    );
    officer.transition(application.id, ApplicationStatus::Rejected);
    let refunded: Payment = refund(&officer).expect_json(200, "the officer refunds it");
    assert_eq!(refunded.status, PaymentStatus::Refunded);
    assert_eq!(
        payments(&citizen, &application)[0].status,
        PaymentStatus::Refunded,
        "the resident sees it refunded"
    );
    refund(&officer).expect_problem(409, "invalid_state", "a refund is made once");
}

#[test]
fn an_officer_records_cash_taken_at_the_counter_with_a_receipt() {
    let Setup {
        mut portal,
        citizen,
        application,
    } = passport_awaiting_payment();
    let officer = Officer::of_agency(&mut portal, "da-nang-police");
    let record = |amount: i64| {
        officer
            .api
            .post(&format!(
                "/v1/officer/applications/{}/payments/record",
                application.id
            ))
            .bearer(&officer.access_token())
            .json(&RecordPayment {
                method: CashMethod::Counter,
                amount,
            })
            .send()
    };
    let due = i64::try_from(application.fee + application.delivery.payable).expect("VND");
    let problem = record(due + 1).expect_problem(422, "validation_failed", "a wrong amount");
    assert!(
        problem.errors.iter().any(|error| error.field == "amount"),
        "the problem names the amount: {problem:?}"
    );
    let paid: Payment = record(due).expect_json(201, "the cash is recorded");
    assert_eq!(
        (paid.method, paid.status, paid.amount),
        (PaymentMethod::Counter, PaymentStatus::Paid, due)
    );
    assert!(paid.receipt.is_some(), "cash gets a receipt too");
    assert_eq!(
        citizen.application(application.id).status,
        ApplicationStatus::Received
    );
    record(due).expect_problem(409, "invalid_state", "a paid application is not paid twice");
}

#[test]
fn cash_on_delivery_chosen_by_the_resident_is_settled_when_recorded() {
    let Setup {
        mut portal,
        citizen,
        application,
    } = passport_awaiting_payment();
    let chosen: Payment = start_payment(&citizen, &application, PaymentMethod::Cod)
        .expect_json(201, "the resident chooses cash on delivery");
    assert_eq!(
        (chosen.status, chosen.redirect_url.as_deref()),
        (PaymentStatus::Pending, None)
    );
    let officer = Officer::of_agency(&mut portal, "da-nang-police");
    let paid: Payment = officer
        .api
        .post(&format!(
            "/v1/officer/applications/{}/payments/record",
            application.id
        ))
        .bearer(&officer.access_token())
        .json(&RecordPayment {
            method: CashMethod::Cod,
            amount: chosen.amount,
        })
        .send()
        .expect_json(201, "the post office's cash is recorded");
    assert_eq!(
        (paid.payment_id, paid.status),
        (chosen.payment_id, PaymentStatus::Paid),
        "the pending cash payment is the one settled"
    );
}

#[test]
fn an_application_has_at_most_one_pending_payment() {
    let Setup {
        portal: _portal,
        citizen,
        application,
    } = passport_awaiting_payment();
    start_payment(&citizen, &application, PaymentMethod::Vnpay)
        .expect_status(201, "the first payment starts");
    start_payment(&citizen, &application, PaymentMethod::Counter).expect_problem(
        409,
        "invalid_state",
        "a second pending payment is refused",
    );
    assert_eq!(payments(&citizen, &application).len(), 1);
}

#[test]
fn a_replay_with_the_same_idempotency_key_answers_the_same_payment() {
    let Setup {
        portal: _portal,
        citizen,
        application,
    } = passport_awaiting_payment();
    let key = new_idempotency_key();
    let send = || {
        citizen
            .call(
                "POST",
                &format!("/v1/applications/{}/payments", application.id),
            )
            .idempotency_key(&key)
            .json(&NewPayment {
                method: PaymentMethod::Vnpay,
            })
            .send()
    };
    let first: Payment = send().expect_json(201, "the payment starts");
    let again = send();
    let replayed: Payment = again.expect_json(201, "the replay answers the stored 201");
    assert_eq!(replayed, first, "the same payment");
    assert_eq!(again.header(IDEMPOTENT_REPLAY_HEADER), Some("true"));
    assert_eq!(payments(&citizen, &application).len(), 1, "nothing new");
}

#[test]
fn another_residents_payments_are_not_found() {
    let Setup {
        mut portal,
        citizen,
        application,
    } = passport_awaiting_payment();
    start_payment(&citizen, &application, PaymentMethod::Vnpay)
        .expect_status(201, "the owner pays");
    let other = Citizen::demo(&mut portal, 1);
    other
        .get(&format!("/v1/applications/{}/payments", application.id))
        .expect_problem(404, "not_found", "another's payments are hidden");
    start_payment(&other, &application, PaymentMethod::Counter).expect_problem(
        404,
        "not_found",
        "nobody pays another's application through the API",
    );
}

#[test]
fn the_ipn_answers_200_json_for_any_query_string() {
    let portal = Portal::start(PortalOptions::default());
    for query in [
        "",
        "vnp_SecureHash=",
        "vnp_Amount=abc&vnp_SecureHash=zz",
        "%ZZ=%&&&=",
        "vnp_TxnRef=%00%FF&vnp_SecureHash=00",
    ] {
        let answer = ipn(&portal, query);
        assert_eq!(answer.rsp_code, "97", "{query:?} is not signed");
    }
}

#[test]
fn a_post_office_agent_records_the_cash_the_postman_took_and_nobody_else_may() {
    let Setup {
        mut portal,
        citizen,
        application: at_the_counter,
    } = passport_awaiting_payment();
    // A passport sent home by post, whose fee the postman takes at the door.
    let procedure = citizen
        .catalog()
        .items
        .into_iter()
        .find(|procedure| procedure.id == PASSPORT)
        .expect("the catalog has the passport");
    let application =
        citizen.submit(&citizen.valid_application(&procedure, citizen.post_delivery()));
    let chosen: Payment = start_payment(&citizen, &application, PaymentMethod::Cod)
        .expect_json(201, "the resident chooses cash on delivery");
    let path = format!("/v1/assist/applications/{}/payments/cod", application.id);
    let (volunteer, volunteer_password) = staff_of(&mut portal, StaffKind::Volunteer);
    let (agent, agent_password) = staff_of(&mut portal, StaffKind::Agent);
    let api = portal.api();
    let record = |token: &str, method: CashMethod, amount: i64| {
        api.post(&path)
            .bearer(token)
            .json(&RecordPayment { method, amount })
            .send()
    };
    let volunteer = portal
        .staff_token(&volunteer, &volunteer_password)
        .access_token;
    record(&volunteer, CashMethod::Cod, chosen.amount).expect_problem(
        403,
        "forbidden",
        "a volunteer takes no postman's cash",
    );
    let citizen_token = citizen.access_token.clone();
    record(&citizen_token, CashMethod::Cod, chosen.amount).expect_problem(
        403,
        "forbidden",
        "a resident records no payment",
    );
    let agent = portal.staff_token(&agent, &agent_password).access_token;
    let problem = record(&agent, CashMethod::Counter, chosen.amount).expect_problem(
        422,
        "validation_failed",
        "a post office records cash on delivery only",
    );
    assert!(
        problem.errors.iter().any(|error| error.field == "method"),
        "the problem names the method: {problem:?}"
    );
    let problem = record(&agent, CashMethod::Cod, chosen.amount + 1).expect_problem(
        422,
        "validation_failed",
        "a wrong amount",
    );
    assert!(
        problem.errors.iter().any(|error| error.field == "amount"),
        "the problem names the amount: {problem:?}"
    );
    assert_eq!(
        payments(&citizen, &application)[0].status,
        PaymentStatus::Pending,
        "nothing refused changed the payment"
    );

    let at_the_counter_path = format!("/v1/assist/applications/{}/payments/cod", at_the_counter.id);
    api.post(&at_the_counter_path)
        .bearer(&agent)
        .json(&RecordPayment {
            method: CashMethod::Cod,
            amount: chosen.amount,
        })
        .send()
        .expect_problem(
            409,
            "invalid_state",
            "no postman takes the fee of an application collected at the counter",
        );

    let paid: Payment = record(&agent, CashMethod::Cod, chosen.amount)
        .expect_json(201, "the post office's agent records the postman's cash");
    assert_eq!(
        (paid.payment_id, paid.status, paid.method),
        (chosen.payment_id, PaymentStatus::Paid, PaymentMethod::Cod),
        "the pending cash payment is the one settled"
    );
    assert!(paid.receipt.is_some(), "with its receipt");
    assert_eq!(
        citizen.application(application.id).status,
        ApplicationStatus::Received,
        "paid, the application goes on to processing"
    );
    record(&agent, CashMethod::Cod, chosen.amount).expect_problem(
        409,
        "invalid_state",
        "paid once, not twice",
    );
}
