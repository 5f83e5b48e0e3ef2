use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use opendvc_api::{Document, DocumentSource};
use uuid::Uuid;

use super::*;

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test dates are valid")
}

fn rules() -> RulesTable {
    RulesTable::built_in().expect("the built-in rules table loads")
}

fn document(kind: &str, issued_on: &str, expires_on: Option<&str>, classes: &[&str]) -> Document {
    Document {
        id: Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0001),
        kind: kind.to_owned(),
        number: "000000000".to_owned(),
        issued_on: date(issued_on),
        expires_on: expires_on.map(date),
        issuer: "test".to_owned(),
        classes: classes.iter().map(|class| (*class).to_owned()).collect(),
        source: DocumentSource::Warehouse,
        updated_at: DateTime::parse_from_rfc3339("2026-01-01T00:00:00+07:00").expect("valid time"),
    }
}

/// Checks the expiry the rules give for one document.
fn check_expiry(case: &str, doc: Document, birth: Option<&str>, expected: Expiry) {
    let got = rules().expiry(&doc, birth.map(date));
    assert_eq!(got, expected, "{case}");
}

fn on(text: &str) -> Expiry {
    Expiry::On(date(text))
}

#[test]
fn id_card_expiry_follows_the_age_milestones_of_article_21() {
    let birth = "1990-06-15";
    // (case, issued on, expected expiry)
    let table = [
        ("issued at 20: renew at 25", "2010-07-01", on("2015-06-15")),
        (
            "issued at 23 years 11 months: lasts to 40",
            "2014-05-15",
            on("2030-06-15"),
        ),
        (
            "issued exactly 2 years before 25: lasts to 40",
            "2013-06-15",
            on("2030-06-15"),
        ),
        (
            "issued the day before the 2-year window: renew at 25",
            "2013-06-14",
            on("2015-06-15"),
        ),
        ("issued at 30: renew at 40", "2020-06-15", on("2030-06-15")),
        ("issued at 39: lasts to 60", "2029-07-01", on("2050-06-15")),
        ("issued at 57: renew at 60", "2047-07-01", on("2050-06-15")),
        ("issued at 58: valid for life", "2048-06-15", Expiry::Never),
        (
            "issued the day before 58: renew at 60",
            "2048-06-14",
            on("2050-06-15"),
        ),
        ("issued at 61: valid for life", "2051-07-01", Expiry::Never),
        ("issued at 10: renew at 14", "2000-07-01", on("2004-06-15")),
        (
            "issued at 12 years 6 months: lasts to 25",
            "2002-12-15",
            on("2015-06-15"),
        ),
    ];
    for (case, issued, expected) in table {
        check_expiry(
            case,
            document("id_card", issued, None, &[]),
            Some(birth),
            expected,
        );
    }
}

#[test]
fn id_card_expiry_ignores_a_printed_date_and_needs_the_birth_date() {
    let card = document("id_card", "2010-07-01", Some("2099-01-01"), &[]);
    check_expiry(
        "printed date ignored",
        card.clone(),
        Some("1990-06-15"),
        on("2015-06-15"),
    );
    check_expiry("no birth date", card, None, Expiry::Unknown);
}

#[test]
fn a_person_turning_14_25_40_or_60_tomorrow_must_renew_by_tomorrow() {
    let today = date("2026-11-29");
    // (age turned tomorrow, birth date, card issued on)
    let table = [
        (14, "2012-11-30", "2018-01-10"),
        (25, "2001-11-30", "2019-03-01"),
        (40, "1986-11-30", "2015-05-05"),
        (60, "1966-11-30", "2010-02-02"),
    ];
    for (age, birth, issued) in table {
        let card = document("id_card", issued, None, &[]);
        let validity = assess(today, &card, Some(date(birth)), &rules());
        assert_eq!(validity.expiry, on("2026-11-30"), "turning {age} tomorrow");
        assert_eq!(validity.days_left, Some(1), "turning {age}: one day left");
        assert_eq!(
            validity.standing,
            Standing::RenewSoon,
            "turning {age}: renew soon"
        );
        assert_eq!(
            validity.renewal_procedure.as_deref(),
            Some("id-card-renewal"),
            "turning {age}: the renewal procedure is offered"
        );
    }
}

#[test]
fn a_29_february_birthday_reaches_its_milestone_on_28_february_in_a_common_year() {
    let birth = "2004-02-29";
    assert_eq!(
        age_on(date(birth), date("2018-02-27")),
        13,
        "the day before"
    );
    assert_eq!(
        age_on(date(birth), date("2018-02-28")),
        14,
        "28 Feb of a common year"
    );
    assert_eq!(age_on(date(birth), date("2028-02-29")), 24, "a leap year");
    check_expiry(
        "issued at 10: renew at 14, on 28 February 2018",
        document("id_card", "2014-03-01", None, &[]),
        Some(birth),
        on("2018-02-28"),
    );
    check_expiry(
        "issued 2 years before 14 (28 Feb 2016 is in the window): lasts to 25",
        document("id_card", "2016-02-28", None, &[]),
        Some(birth),
        on("2029-02-28"),
    );
    check_expiry(
        "passport of a 29 February child issued on a leap day",
        document("passport", "2016-02-29", None, &[]),
        Some(birth),
        on("2021-02-28"),
    );
}

#[test]
fn passports_last_5_years_under_14_and_10_years_from_14() {
    let birth = "2010-04-20";
    let table = [
        ("holder aged 13", "2023-09-01", on("2028-09-01")),
        (
            "holder aged 13 on the eve of 14",
            "2024-04-19",
            on("2029-04-19"),
        ),
        (
            "holder aged 14 on the birthday",
            "2024-04-20",
            on("2034-04-20"),
        ),
        ("holder aged 14 and a half", "2024-10-20", on("2034-10-20")),
    ];
    for (case, issued, expected) in table {
        check_expiry(
            case,
            document("passport", issued, None, &[]),
            Some(birth),
            expected,
        );
    }
    check_expiry(
        "a printed expiry wins for passports",
        document("passport", "2024-10-20", Some("2034-10-19"), &[]),
        Some(birth),
        on("2034-10-19"),
    );
    check_expiry(
        "no birth date and no printed date",
        document("passport", "2024-10-20", None, &[]),
        None,
        Expiry::Unknown,
    );
}

#[test]
fn every_driving_licence_class_has_its_term_including_pre_2025_classes() {
    let issued = "2025-03-10";
    let table: [(&[&str], Expiry); 23] = [
        (&["A1"], Expiry::Never),
        (&["A"], Expiry::Never),
        (&["B1"], Expiry::Never),
        (&["B"], on("2035-03-10")),
        (&["C1"], on("2035-03-10")),
        (&["C"], on("2030-03-10")),
        (&["D1"], on("2030-03-10")),
        (&["D2"], on("2030-03-10")),
        (&["D"], on("2030-03-10")),
        (&["BE"], on("2030-03-10")),
        (&["C1E"], on("2030-03-10")),
        (&["CE"], on("2030-03-10")),
        (&["D1E"], on("2030-03-10")),
        (&["D2E"], on("2030-03-10")),
        (&["DE"], on("2030-03-10")),
        (&["A1", "B"], on("2035-03-10")),
        (&["B", "C"], on("2030-03-10")),
        (&["b"], on("2035-03-10")),
        (&["Z9"], Expiry::Unknown),
        (&["A2"], Expiry::Never),
        (&["B2"], on("2035-03-10")),
        (&["E"], on("2030-03-10")),
        (&["FC"], on("2030-03-10")),
    ];
    for (classes, expected) in table {
        check_expiry(
            &format!("classes {classes:?}"),
            document("driving_licence", issued, None, classes),
            None,
            expected,
        );
    }
}

#[test]
fn printed_expiry_kinds_use_the_printed_date() {
    for kind in [
        "temporary_residence",
        "health_insurance",
        "vehicle_inspection",
        "residence_card_foreigner",
    ] {
        check_expiry(
            kind,
            document(kind, "2025-01-01", Some("2027-01-01"), &[]),
            None,
            on("2027-01-01"),
        );
        check_expiry(
            &format!("{kind} without a printed date"),
            document(kind, "2025-01-01", None, &[]),
            None,
            Expiry::Unknown,
        );
    }
    check_expiry(
        "birth certificates do not expire",
        document("birth_certificate", "2000-01-01", None, &[]),
        None,
        Expiry::Never,
    );
    check_expiry(
        "food safety certificates last 3 years",
        document("food_safety_certificate", "2025-05-05", None, &[]),
        None,
        on("2028-05-05"),
    );
}

#[test]
fn a_kind_without_a_rule_falls_back_to_its_printed_date() {
    check_expiry(
        "unknown kind, printed",
        document("fishing_licence", "2025-01-01", Some("2026-12-31"), &[]),
        None,
        on("2026-12-31"),
    );
    let validity = assess(
        date("2026-11-29"),
        &document("fishing_licence", "2025-01-01", None, &[]),
        None,
        &rules(),
    );
    assert_eq!(
        validity.standing,
        Standing::Unknown,
        "unknown kind, no date"
    );
}

#[test]
fn a_city_can_add_a_kind_without_code() {
    let json = r#"{"kinds":[{"kind":"fishing_licence",
        "name":{"vi":"Giấy phép khai thác thủy sản","en":"Fishing licence"},
        "validity":{"type":"years_from_issue","years":2},
        "stages":[30,0],"notes":{"vi":"-","en":"-"}}]}"#;
    let table = RulesTable::from_json(json).expect("a city's table loads");
    let licence = document("fishing_licence", "2025-12-10", None, &[]);
    assert_eq!(table.expiry(&licence, None), on("2027-12-10"));
    let reminders = due_reminders(
        date("2027-11-15"),
        &[licence],
        None,
        &table,
        &BTreeSet::new(),
        &BTreeMap::new(),
    );
    assert_eq!(reminders.len(), 1, "the new kind's 30-day stage fires");
}

#[test]
fn a_broken_rules_file_is_a_clear_error_not_a_panic() {
    let cases = [
        ("not json", "{"),
        ("wrong shape", r#"{"kinds":[{"kind":1}]}"#),
        (
            "duplicate kind",
            r#"{"kinds":[
              {"kind":"x","name":{"vi":"x","en":"x"},"validity":{"type":"printed"},"stages":[],"notes":{"vi":"","en":""}},
              {"kind":"x","name":{"vi":"x","en":"x"},"validity":{"type":"printed"},"stages":[],"notes":{"vi":"","en":""}}]}"#,
        ),
        (
            "milestones not ascending",
            r#"{"kinds":[{"kind":"x","name":{"vi":"x","en":"x"},
              "validity":{"type":"age_milestones","milestones":[25,14],"graceYearsBefore":2,"lifetimeFromAge":58},
              "stages":[],"notes":{"vi":"","en":""}}]}"#,
        ),
    ];
    for (case, json) in cases {
        assert!(RulesTable::from_json(json).is_err(), "{case} is refused");
    }
}

fn passport_expiring(expires_on: &str) -> Document {
    document("passport", "2017-01-01", Some(expires_on), &[])
}

fn run(
    today: &str,
    documents: &[Document],
    fired: &mut BTreeSet<FiredStage>,
    choices: &BTreeMap<Uuid, ReminderChoice>,
) -> Vec<Reminder> {
    let reminders = due_reminders(
        date(today),
        documents,
        Some(date("1980-01-01")),
        &rules(),
        fired,
        choices,
    );
    for reminder in &reminders {
        fired.extend(reminder.stages_covered.iter().copied());
    }
    reminders
}

#[test]
fn renewal_stage_fires_once() {
    // Passport stages: 270, 180, 90, 30, 0 days before 2027-06-30.
    let documents = [passport_expiring("2027-06-30")];
    let choices = BTreeMap::new();
    let mut fired = BTreeSet::new();
    assert!(
        run("2026-09-01", &documents, &mut fired, &choices).is_empty(),
        "before the first stage"
    );
    let first = run("2026-10-03", &documents, &mut fired, &choices);
    assert_eq!(first.len(), 1, "the 270-day stage fires");
    assert_eq!(first[0].days_before, 270);
    assert!(
        run("2026-10-03", &documents, &mut fired, &choices).is_empty(),
        "not twice the same day"
    );
    assert!(
        run("2026-10-20", &documents, &mut fired, &choices).is_empty(),
        "not again before the next stage"
    );
    let second = run("2027-01-01", &documents, &mut fired, &choices);
    assert_eq!(second.len(), 1, "the 180-day stage fires");
    assert_eq!(second[0].days_before, 180);
}

#[test]
fn after_the_app_was_closed_one_catch_up_reminder_per_document() {
    let documents = [
        passport_expiring("2027-06-30"),
        Document {
            id: Uuid::from_u128(2),
            ..document("temporary_residence", "2025-07-10", Some("2027-07-10"), &[])
        },
    ];
    let mut fired = BTreeSet::new();
    // First opened 20 days before the passport's expiry: 270, 180, 90 and 30 have passed.
    let reminders = run("2027-06-10", &documents, &mut fired, &BTreeMap::new());
    assert_eq!(reminders.len(), 1, "only the passport has reached a stage");
    assert_eq!(reminders[0].days_before, 30, "the latest stage reached");
    assert_eq!(
        reminders[0].stages_covered.len(),
        4,
        "it stands for all four stages"
    );
    assert_eq!(reminders[0].days_left, 20);
    // Opened again weeks later: passport expired, residence at its 1-day stage.
    let later = run("2027-07-09", &documents, &mut fired, &BTreeMap::new());
    assert_eq!(later.len(), 2, "one reminder per document, not a burst");
    let residence = later
        .iter()
        .find(|reminder| reminder.kind == "temporary_residence")
        .expect("the residence reminder");
    assert_eq!(residence.days_before, 1);
    assert_eq!(residence.stages_covered.len(), 3, "15, 7 and 1 days");
}

#[test]
fn snoozed_and_switched_off_documents_stay_quiet() {
    let passport = passport_expiring("2027-06-30");
    let mut fired = BTreeSet::new();
    let mut choices = BTreeMap::new();
    choices.insert(
        passport.id,
        ReminderChoice {
            switched_off: false,
            snoozed_until: Some(snooze_until(date("2026-10-03"), 7)),
        },
    );
    let documents = [passport.clone()];
    assert!(
        run("2026-10-03", &documents, &mut fired, &choices).is_empty(),
        "snoozed today"
    );
    assert!(
        run("2026-10-09", &documents, &mut fired, &choices).is_empty(),
        "still snoozed"
    );
    assert_eq!(
        run("2026-10-10", &documents, &mut fired, &choices).len(),
        1,
        "snooze over"
    );

    let mut fired = BTreeSet::new();
    choices.insert(
        passport.id,
        ReminderChoice {
            switched_off: true,
            snoozed_until: None,
        },
    );
    for day in ["2026-10-03", "2027-04-01", "2027-06-30", "2027-08-01"] {
        assert!(
            run(day, &documents, &mut fired, &choices).is_empty(),
            "switched off on {day}"
        );
    }
}

#[test]
fn a_renewed_document_starts_its_stages_afresh() {
    let mut fired = BTreeSet::new();
    let old = passport_expiring("2027-06-30");
    assert_eq!(
        run(
            "2027-06-01",
            std::slice::from_ref(&old),
            &mut fired,
            &BTreeMap::new()
        )
        .len(),
        1
    );
    let renewed = Document {
        issued_on: date("2027-06-05"),
        expires_on: Some(date("2037-06-05")),
        ..old
    };
    assert!(
        run(
            "2027-06-06",
            std::slice::from_ref(&renewed),
            &mut fired,
            &BTreeMap::new()
        )
        .is_empty()
    );
    let reminders = run("2036-09-08", &[renewed], &mut fired, &BTreeMap::new());
    assert_eq!(reminders.len(), 1, "the new expiry's first stage fires");
    assert_eq!(reminders[0].days_before, 270);
}

#[test]
fn assess_names_the_next_stage_and_the_standing() {
    let today = date("2026-11-29");
    let rules = rules();
    let valid = assess(today, &passport_expiring("2028-06-30"), None, &rules);
    assert_eq!(valid.standing, Standing::Valid);
    assert_eq!(
        valid.next_stage,
        Some(NextStage {
            days_before: 270,
            on: date("2027-10-04")
        })
    );
    let soon = assess(today, &passport_expiring("2027-03-01"), None, &rules);
    assert_eq!(soon.standing, Standing::RenewSoon);
    assert_eq!(soon.next_stage.map(|stage| stage.days_before), Some(90));
    let expired = assess(today, &passport_expiring("2026-10-30"), None, &rules);
    assert_eq!(expired.standing, Standing::Expired);
    assert_eq!(expired.days_left, Some(-30));
    assert_eq!(expired.next_stage, None);
    let for_life = assess(
        today,
        &document("driving_licence", "2020-01-01", None, &["A1"]),
        None,
        &rules,
    );
    assert_eq!(for_life.standing, Standing::NoExpiry);
}

#[test]
fn the_exported_calendar_parses_as_icalendar_with_an_alarm_per_stage() {
    let entries = [
        CalendarEntry {
            document_id: Uuid::from_u128(1),
            expires_on: date("2027-06-30"),
            summary: "Hộ chiếu hết hạn".to_owned(),
            description: "Gia hạn hộ chiếu; nhiều nước yêu cầu còn hạn 6 tháng.".to_owned(),
            alarm_days_before: vec![270, 180, 90, 30, 0],
        },
        CalendarEntry {
            document_id: Uuid::from_u128(2),
            expires_on: date("2026-12-30"),
            summary: "Temporary residence ends".to_owned(),
            description: "File the extension, a long description; with, commas".to_owned(),
            alarm_days_before: vec![15, 7, 1, 0],
        },
    ];
    let now = Utc
        .with_ymd_and_hms(2026, 11, 29, 3, 0, 0)
        .single()
        .expect("valid time");
    let text = calendar("OpenDVC", &entries, now);
    let parsed: icalendar::Calendar = text.parse().expect("the export parses as iCalendar");
    let events: Vec<&icalendar::Event> = parsed
        .components
        .iter()
        .filter_map(|component| match component {
            icalendar::CalendarComponent::Event(event) => Some(event),
            _ => None,
        })
        .collect();
    assert_eq!(events.len(), 2, "one event per expiry");
    use icalendar::Component;
    assert_eq!(events[0].get_summary(), Some("Hộ chiếu hết hạn"));
    assert_eq!(
        events[0].get_start(),
        Some(icalendar::DatePerhapsTime::Date(date("2027-06-30"))),
        "all-day on the expiry date"
    );
    assert_eq!(
        text.matches("BEGIN:VALARM").count(),
        9,
        "one alarm per stage"
    );
    assert!(
        text.contains(&format!("TRIGGER:-PT{}S", 270 * 86_400)),
        "alarms are relative to the expiry: {text}"
    );
    assert!(
        text.contains("DTEND;VALUE=DATE:20270701"),
        "all-day events end the next day"
    );
    assert_eq!(
        text.matches("DTSTAMP:").count(),
        text.matches("DTSTAMP:20261129T030000Z").count(),
        "every stamp is the passed-in time, none the wall clock: {text}"
    );
    assert!(
        text.contains("DTSTAMP:20261129T030000Z"),
        "stamped with the passed-in time"
    );
}
