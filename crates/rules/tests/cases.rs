//! The shared rules, checked against one table of cases (`tests/cases.json`). Each section has
//! one `check` helper that runs a case and says what went wrong; each test runs every case of
//! its section and fails with the list of cases that did not hold, each with its `why`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use chrono::{DateTime, NaiveDate};
use opendvc_api::{
    AdminUnits, Channel, DeliveryChoice, Document, DocumentSource, FieldKind, FieldProblemCode,
    Holiday, HolidayCalendar, LocalizedText, NewApplication, Procedure, ProcessingDays,
};
use opendvc_rules::feedback_clock::{FeedbackClocks, WorkingHours};
use opendvc_rules::renewal::{
    Expiry, FiredStage, ReminderChoice, RulesTable, Standing, age_on, assess, due_reminders,
};
use opendvc_rules::{FormUse, WorkingCalendar, fields, form, granted_days};
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

fn cases() -> &'static Value {
    static CASES: OnceLock<Value> = OnceLock::new();
    CASES.get_or_init(|| {
        serde_json::from_str(include_str!("cases.json")).expect("tests/cases.json is valid JSON")
    })
}

/// The cases of one section, typed.
fn section<T: for<'de> Deserialize<'de>>(name: &str) -> Vec<T> {
    let value = cases()
        .get(name)
        .unwrap_or_else(|| panic!("tests/cases.json has a section {name}"));
    let cases: Vec<T> = serde_json::from_value(value.clone())
        .unwrap_or_else(|error| panic!("section {name} of tests/cases.json: {error}"));
    assert!(!cases.is_empty(), "section {name} has cases");
    cases
}

/// Runs `check` on every case and fails with every case that did not hold.
fn run_all<T>(name: &str, cases: Vec<T>, check: impl Fn(&T) -> Result<(), String>) {
    let total = cases.len();
    let failures: Vec<String> = cases.iter().filter_map(|case| check(case).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {total} {name} cases failed:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("dates in the cases are YYYY-MM-DD")
}

fn code(text: &str) -> FieldProblemCode {
    serde_json::from_value(Value::String(text.to_owned()))
        .unwrap_or_else(|_| panic!("{text} is a problem code"))
}

/// A value case: `ok` with the kept value, or `problem` with its code.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ValueCase {
    why: String,
    input: String,
    #[serde(default)]
    ok: Option<String>,
    #[serde(default)]
    problem: Option<String>,
    #[serde(default)]
    today: Option<String>,
    #[serde(default)]
    kind: Option<FieldKind>,
}

fn check_value(case: &ValueCase, got: Result<String, FieldProblemCode>) -> Result<(), String> {
    let expected = match (&case.ok, &case.problem) {
        (Some(kept), None) => Ok(kept.clone()),
        (None, Some(problem)) => Err(code(problem)),
        _ => return Err(format!("{}: give exactly one of ok and problem", case.why)),
    };
    if got == expected {
        Ok(())
    } else {
        Err(format!(
            "{} ({:?}): expected {expected:?}, got {got:?}",
            case.why, case.input
        ))
    }
}

#[test]
fn phone_numbers_follow_the_one_vietnamese_rule_and_are_kept_as_plus_84() {
    run_all("phone", section("phone"), |case: &ValueCase| {
        check_value(case, fields::phone(&case.input))
    });
}

#[test]
fn id_numbers_are_twelve_digits() {
    run_all("idNumber", section("idNumber"), |case: &ValueCase| {
        check_value(case, fields::id_number(&case.input))
    });
}

#[test]
fn email_addresses_are_reachable_addresses() {
    run_all("email", section("email"), |case: &ValueCase| {
        check_value(case, fields::email(&case.input))
    });
}

#[test]
fn dates_are_days_of_the_calendar_written_yyyy_mm_dd() {
    run_all("date", section("date"), |case: &ValueCase| {
        check_value(
            case,
            fields::date(&case.input).map(|day| day.format("%Y-%m-%d").to_string()),
        )
    });
}

#[test]
fn a_past_date_is_not_after_today() {
    run_all("pastDate", section("pastDate"), |case: &ValueCase| {
        let today = date(case.today.as_deref().expect("pastDate cases give today"));
        check_value(
            case,
            fields::past_date(&case.input, today).map(|day| day.format("%Y-%m-%d").to_string()),
        )
    });
}

#[test]
fn a_value_is_checked_by_its_field_kind_as_the_person_types() {
    run_all("byKind", section("byKind"), |case: &ValueCase| {
        let kind = case.kind.expect("byKind cases give the kind");
        check_value(case, fields::by_kind(kind, &case.input))
    });
}

fn procedure(name: &str) -> Procedure {
    let value = cases()["procedures"]
        .get(name)
        .unwrap_or_else(|| panic!("procedure {name} is in tests/cases.json"));
    serde_json::from_value(value.clone()).expect("test procedures parse")
}

fn units() -> AdminUnits {
    serde_json::from_value(cases()["units"].clone()).expect("test units parse")
}

fn problems_of(problems: &[opendvc_rules::FieldProblem]) -> Vec<(String, FieldProblemCode)> {
    problems
        .iter()
        .map(|problem| (problem.field.clone(), problem.code))
        .collect()
}

fn expected_problems(expected: &[(String, String)]) -> Vec<(String, FieldProblemCode)> {
    expected
        .iter()
        .map(|(field, problem)| (field.clone(), code(problem)))
        .collect()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct FormCase {
    why: String,
    procedure: String,
    #[serde(rename = "use")]
    form_use: String,
    form: BTreeMap<String, String>,
    problems: Vec<(String, String)>,
    #[serde(default)]
    values: Option<BTreeMap<String, String>>,
}

#[test]
fn a_form_is_checked_field_by_field_against_its_procedure() {
    run_all("form", section("form"), |case: &FormCase| {
        let form_use = match case.form_use.as_str() {
            "submission" => FormUse::Submission,
            "supplement" => FormUse::Supplement,
            other => return Err(format!("{}: unknown use {other}", case.why)),
        };
        let checked = form::check_form(&procedure(&case.procedure), &case.form, form_use);
        let got = problems_of(&checked.problems);
        let expected = expected_problems(&case.problems);
        if got != expected {
            return Err(format!("{}: expected {expected:?}, got {got:?}", case.why));
        }
        match &case.values {
            Some(values) if values != &checked.value => Err(format!(
                "{}: expected the values {values:?}, got {:?}",
                case.why, checked.value
            )),
            _ => Ok(()),
        }
    });
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeliveryCase {
    why: String,
    procedure: String,
    with_units: bool,
    choice: DeliveryChoice,
    problems: Vec<(String, String)>,
    #[serde(default)]
    kept: Option<DeliveryChoice>,
}

#[test]
fn a_delivery_choice_is_checked_against_what_the_procedure_offers() {
    let units = units();
    run_all("delivery", section("delivery"), |case: &DeliveryCase| {
        let checked = form::check_delivery(
            &procedure(&case.procedure),
            &case.choice,
            case.with_units.then_some(&units),
        );
        let got = problems_of(&checked.problems);
        let expected = expected_problems(&case.problems);
        if got != expected {
            return Err(format!("{}: expected {expected:?}, got {got:?}", case.why));
        }
        match &case.kept {
            Some(kept) if kept != &checked.value => Err(format!(
                "{}: expected to keep {kept:?}, got {:?}",
                case.why, checked.value
            )),
            _ => Ok(()),
        }
    });
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApplicationCase {
    why: String,
    procedure: String,
    application: NewApplication,
    problems: Vec<(String, String)>,
}

#[test]
fn a_new_application_is_checked_as_form_delivery_and_documents() {
    let units = units();
    run_all(
        "application",
        section("application"),
        |case: &ApplicationCase| {
            let checked = form::check_application(
                &procedure(&case.procedure),
                &case.application,
                Some(&units),
            );
            let got = problems_of(&checked.problems);
            let expected = expected_problems(&case.problems);
            if got == expected {
                Ok(())
            } else {
                Err(format!("{}: expected {expected:?}, got {got:?}", case.why))
            }
        },
    );
}

#[test]
fn every_problem_code_is_a_fluent_id_of_the_fields_file() {
    let fields_ftl = include_str!("../../../locales/vi/fields.ftl");
    for code in FieldProblemCode::ALL {
        let id = code.as_str();
        assert!(
            fields_ftl
                .lines()
                .any(|line| line.split_once(" =").is_some_and(|(head, _)| head == id)),
            "locales/vi/fields.ftl says what {id} means"
        );
        assert_eq!(
            serde_json::to_value(code).expect("codes serialise"),
            Value::String(id.to_owned()),
            "{id} is sent as its Fluent id"
        );
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CalendarCase {
    year: i32,
    holidays: Vec<NaiveDate>,
    working_weekends: Vec<NaiveDate>,
}

/// The holiday calendars of the cases (2026 and 2027 as the portal ships them).
fn calendar() -> WorkingCalendar {
    let years: Vec<HolidayCalendar> = section::<CalendarCase>("calendars")
        .into_iter()
        .map(|year| HolidayCalendar {
            year: year.year,
            days: year
                .holidays
                .into_iter()
                .map(|day| Holiday {
                    date: day,
                    name: LocalizedText {
                        vi: "Nghỉ".to_owned(),
                        en: "Day off".to_owned(),
                        id: None,
                    },
                    confirmed: true,
                })
                .collect(),
            working_weekends: year.working_weekends,
            source: "tests/cases.json".to_owned(),
        })
        .collect();
    WorkingCalendar::new(&years)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct LastWorkingDayCase {
    why: String,
    submitted_on: NaiveDate,
    days: u32,
    expected: NaiveDate,
}

#[test]
fn due_dates_count_working_days_across_tet_holidays_and_weekends() {
    let calendar = calendar();
    run_all(
        "lastWorkingDay",
        section("lastWorkingDay"),
        |case: &LastWorkingDayCase| {
            let got = calendar.last_working_day(case.submitted_on, case.days);
            if got == case.expected {
                Ok(())
            } else {
                Err(format!(
                    "{}: submitted {} with {} days, expected {}, got {got}",
                    case.why, case.submitted_on, case.days, case.expected
                ))
            }
        },
    );
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DueAtCase {
    why: String,
    submitted_at: String,
    days: u32,
    expected: String,
}

#[test]
fn an_application_is_due_at_five_pm_vietnam_time_on_its_last_working_day() {
    let calendar = calendar();
    run_all("dueAt", section("dueAt"), |case: &DueAtCase| {
        let submitted = DateTime::parse_from_rfc3339(&case.submitted_at)
            .map_err(|error| format!("{}: {error}", case.why))?;
        let got = calendar.due_at(submitted, case.days).to_rfc3339();
        if got == case.expected {
            Ok(())
        } else {
            Err(format!(
                "{}: expected {}, got {got}",
                case.why, case.expected
            ))
        }
    });
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct FeedbackClockCase {
    why: String,
    received_at: String,
    answer_hours: u32,
    resolve_working_days: u32,
    due_at: String,
    answer_at_risk_from: String,
    resolve_by: String,
    resolve_at_risk_from: String,
}

#[test]
fn feedback_is_answered_around_the_clock_and_resolved_in_working_days_at_risk_from_three_quarters()
{
    let calendar = calendar();
    let hours = WorkingHours::vietnamese_civil_service();
    run_all(
        "feedbackClocks",
        section("feedbackClocks"),
        |case: &FeedbackClockCase| {
            let received = DateTime::parse_from_rfc3339(&case.received_at)
                .map_err(|error| format!("{}: {error}", case.why))?;
            let clocks = FeedbackClocks::start(
                &calendar,
                &hours,
                received,
                case.answer_hours,
                case.resolve_working_days,
            );
            let got = [
                ("dueAt", clocks.due_at.to_rfc3339(), &case.due_at),
                (
                    "answerAtRiskFrom",
                    clocks.answer_at_risk_from.to_rfc3339(),
                    &case.answer_at_risk_from,
                ),
                (
                    "resolveBy",
                    clocks.resolve_by.to_rfc3339(),
                    &case.resolve_by,
                ),
                (
                    "resolveAtRiskFrom",
                    clocks.resolve_at_risk_from.to_rfc3339(),
                    &case.resolve_at_risk_from,
                ),
            ];
            let wrong: Vec<String> = got
                .iter()
                .filter(|(_, got, expected)| got != *expected)
                .map(|(name, got, expected)| format!("{name} expected {expected}, got {got}"))
                .collect();
            if wrong.is_empty() {
                Ok(())
            } else {
                Err(format!("{}: {}", case.why, wrong.join("; ")))
            }
        },
    );
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DaysLeftCase {
    why: String,
    today: NaiveDate,
    due: NaiveDate,
    expected: Option<u32>,
}

#[test]
fn working_days_left_count_down_offline_and_give_no_count_for_an_unknown_year() {
    let calendar = calendar();
    run_all(
        "workingDaysLeft",
        section("workingDaysLeft"),
        |case: &DaysLeftCase| {
            let got = calendar.working_days_left(case.today, case.due);
            if got == case.expected {
                Ok(())
            } else {
                Err(format!(
                    "{}: expected {:?}, got {got:?}",
                    case.why, case.expected
                ))
            }
        },
    );
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GrantedCase {
    why: String,
    in_person: u32,
    online: u32,
    channel: Channel,
    expected: u32,
}

#[test]
fn online_and_assisted_submissions_get_the_online_days() {
    run_all(
        "grantedDays",
        section("grantedDays"),
        |case: &GrantedCase| {
            let days = ProcessingDays {
                in_person: case.in_person,
                online: case.online,
            };
            let got = granted_days(&days, case.channel);
            if got == case.expected {
                Ok(())
            } else {
                Err(format!(
                    "{}: expected {}, got {got}",
                    case.why, case.expected
                ))
            }
        },
    );
}

#[derive(Debug, Deserialize)]
struct AgeCase {
    why: String,
    birth: NaiveDate,
    on: NaiveDate,
    expected: u32,
}

#[test]
fn ages_count_whole_years_with_29_february_on_28_february() {
    run_all("ageOn", section("ageOn"), |case: &AgeCase| {
        let got = age_on(case.birth, case.on);
        if got == case.expected {
            Ok(())
        } else {
            Err(format!(
                "{}: expected {}, got {got}",
                case.why, case.expected
            ))
        }
    });
}

fn rules() -> RulesTable {
    RulesTable::built_in().expect("the built-in rules table loads")
}

/// A document as the cases write it: the fields the rules read, the rest fixed.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DocumentCase {
    #[serde(default)]
    id: u128,
    kind: String,
    issued_on: NaiveDate,
    #[serde(default)]
    expires_on: Option<NaiveDate>,
    #[serde(default)]
    classes: Vec<String>,
}

impl DocumentCase {
    fn document(&self) -> Document {
        Document {
            id: Uuid::from_u128(self.id),
            kind: self.kind.clone(),
            number: "000000000".to_owned(),
            issued_on: self.issued_on,
            expires_on: self.expires_on,
            issuer: "test".to_owned(),
            classes: self.classes.clone(),
            source: DocumentSource::Warehouse,
            reminders: Default::default(),
            updated_at: DateTime::parse_from_rfc3339("2026-01-01T00:00:00+07:00")
                .expect("a fixed time"),
        }
    }
}

/// `YYYY-MM-DD`, `never` or `unknown`.
fn expiry_of(text: &str) -> Expiry {
    match text {
        "never" => Expiry::Never,
        "unknown" => Expiry::Unknown,
        day => Expiry::On(date(day)),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExpiryCase {
    why: String,
    #[serde(flatten)]
    document: DocumentCase,
    #[serde(default)]
    birth_date: Option<NaiveDate>,
    expected: String,
}

#[test]
fn each_document_kind_expires_by_its_rule_with_every_id_card_edge() {
    let rules = rules();
    run_all("expiry", section("expiry"), |case: &ExpiryCase| {
        let got = rules.expiry(&case.document.document(), case.birth_date);
        let expected = expiry_of(&case.expected);
        if got == expected {
            Ok(())
        } else {
            Err(format!("{}: expected {expected:?}, got {got:?}", case.why))
        }
    });
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StageCase {
    days_before: u32,
    on: NaiveDate,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AssessExpected {
    expiry: String,
    days_left: Option<i64>,
    standing: Standing,
    next_stage: Option<StageCase>,
    renewal_procedure: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AssessCase {
    why: String,
    today: NaiveDate,
    document: DocumentCase,
    #[serde(default)]
    birth_date: Option<NaiveDate>,
    expected: AssessExpected,
}

#[test]
fn a_document_stands_valid_renew_soon_expired_or_without_expiry_with_its_next_stage() {
    let rules = rules();
    run_all("assess", section("assess"), |case: &AssessCase| {
        let got = assess(
            case.today,
            &case.document.document(),
            case.birth_date,
            &rules,
        );
        let expected = &case.expected;
        let mut wrong = Vec::new();
        if got.expiry != expiry_of(&expected.expiry) {
            wrong.push(format!("expiry {:?}", got.expiry));
        }
        if got.days_left != expected.days_left {
            wrong.push(format!("days left {:?}", got.days_left));
        }
        if got.standing != expected.standing {
            wrong.push(format!("standing {:?}", got.standing));
        }
        let next = got.next_stage.map(|stage| (stage.days_before, stage.on));
        let expected_next = expected
            .next_stage
            .as_ref()
            .map(|stage| (stage.days_before, stage.on));
        if next != expected_next {
            wrong.push(format!("next stage {next:?}"));
        }
        if got.renewal_procedure != expected.renewal_procedure {
            wrong.push(format!("renewal procedure {:?}", got.renewal_procedure));
        }
        if wrong.is_empty() {
            Ok(())
        } else {
            Err(format!("{}: got {}", case.why, wrong.join(", ")))
        }
    });
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChoiceCase {
    #[serde(default)]
    switched_off: bool,
    #[serde(default)]
    snoozed_until: Option<NaiveDate>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReminderExpected {
    document: u128,
    days_before: u32,
    covers: Vec<u32>,
    days_left: i64,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StepCase {
    today: NaiveDate,
    /// The documents from this step on, when they changed (a renewal).
    #[serde(default)]
    documents: Option<Vec<DocumentCase>>,
    expected: Vec<ReminderExpected>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReminderCase {
    why: String,
    #[serde(default)]
    rules: Option<Value>,
    documents: Vec<DocumentCase>,
    #[serde(default)]
    birth_date: Option<NaiveDate>,
    #[serde(default)]
    choices: BTreeMap<String, ChoiceCase>,
    steps: Vec<StepCase>,
}

/// Runs a scenario day by day, recording fired stages as the app and the portal do.
fn check_reminders(case: &ReminderCase) -> Result<(), String> {
    let rules = match &case.rules {
        Some(table) => RulesTable::from_json(&table.to_string())
            .map_err(|error| format!("{}: {error}", case.why))?,
        None => rules(),
    };
    let choices: BTreeMap<Uuid, ReminderChoice> = case
        .choices
        .iter()
        .map(|(id, choice)| {
            let id: u128 = id.parse().expect("choices are keyed by document id");
            (
                Uuid::from_u128(id),
                ReminderChoice {
                    switched_off: choice.switched_off,
                    snoozed_until: choice.snoozed_until,
                },
            )
        })
        .collect();
    let mut documents: Vec<Document> = case.documents.iter().map(DocumentCase::document).collect();
    let mut fired: BTreeSet<FiredStage> = BTreeSet::new();
    for step in &case.steps {
        if let Some(changed) = &step.documents {
            documents = changed.iter().map(DocumentCase::document).collect();
        }
        let reminders = due_reminders(
            step.today,
            &documents,
            case.birth_date,
            &rules,
            &fired,
            &choices,
        );
        let got: Vec<(u128, u32, BTreeSet<u32>, i64)> = reminders
            .iter()
            .map(|reminder| {
                (
                    reminder.document_id.as_u128(),
                    reminder.days_before,
                    reminder
                        .stages_covered
                        .iter()
                        .map(|stage| stage.days_before)
                        .collect(),
                    reminder.days_left,
                )
            })
            .collect();
        let expected: Vec<(u128, u32, BTreeSet<u32>, i64)> = step
            .expected
            .iter()
            .map(|reminder| {
                (
                    reminder.document,
                    reminder.days_before,
                    reminder.covers.iter().copied().collect(),
                    reminder.days_left,
                )
            })
            .collect();
        if got != expected {
            return Err(format!(
                "{} on {}: expected (document, stage, covers, days left) {expected:?}, got {got:?}",
                case.why, step.today
            ));
        }
        for reminder in reminders {
            fired.extend(reminder.stages_covered);
        }
    }
    Ok(())
}

#[test]
fn each_renewal_stage_fires_once_per_document_and_expiry() {
    run_all("reminders", section("reminders"), check_reminders);
}

#[derive(Debug, Deserialize)]
struct RulesFileCase {
    why: String,
    json: String,
    loads: bool,
}

#[test]
fn a_broken_rules_file_is_a_clear_error_not_a_panic() {
    run_all(
        "rulesFiles",
        section("rulesFiles"),
        |case: &RulesFileCase| match (RulesTable::from_json(&case.json), case.loads) {
            (Ok(_), true) | (Err(_), false) => Ok(()),
            (Ok(_), false) => Err(format!("{}: loaded, should be refused", case.why)),
            (Err(error), true) => Err(format!("{}: refused ({error}), should load", case.why)),
        },
    );
}

#[test]
fn the_shipped_rules_table_loads_with_stages_for_every_expiring_kind() {
    let rules = rules();
    for kind in [
        "id_card",
        "passport",
        "driving_licence",
        "temporary_residence",
    ] {
        let rule = rules
            .rule(kind)
            .unwrap_or_else(|| panic!("the shipped table has {kind}"));
        assert!(
            !rule.stages.is_empty(),
            "{kind} reminds at stages before expiry"
        );
    }
}
