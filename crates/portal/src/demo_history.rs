//! `serve --demo-history`: a few thousand applications over the past 90 days, so the
//! operations centre's overview shows real distributions and the forecast has history to
//! learn from. Deterministic (ChaCha8 from a fixed seed, times relative to `now`), owned by
//! generated citizens spread over Da Nang's commune-level units, both channels, seeded in one
//! transaction once (`ApplicationStore::seed_history`: a second start adds nothing).
//!
//! The shape follows what the city reports and what demand at a one-stop office looks like:
//! a Monday peak falling through the week, a slow upward trend, Poisson noise around it; most
//! applications finished on time, some late, about one in ten within a working day, online
//! ones faster than the counter's, about 30% of results by post, about a third rated.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone, Weekday};
use opendvc_api::{
    Actor, ActorKind, Address, ApplicationStatus, Channel, Delivery, DeliveryAddress,
    DeliveryChoice, DeliveryMethod, Procedure, Profile, Rating, SubmittedBy,
};
use opendvc_rules::{VIETNAM, WorkingCalendar, granted_days};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Poisson};

use crate::data::{DemoStaffData, ReferenceData};
use crate::demo::citizen_uuid;
use crate::officer::officer_actor;
use crate::overview::forecast::past_working_days;
use crate::store::{
    ApplicationDraft, CitizenRecord, HistoryEntry, NoticesOfNew, SeededApplication,
};
use crate::submission;

/// The seed of the history: the same applications on every start and machine.
const SEED: u64 = 15;

/// The calendar days of history before today.
pub const HISTORY_DAYS: i64 = 90;

/// Generated citizens owning the history.
const CITIZENS: usize = 800;

/// Applications an agency receives on an average working day; agencies not named get
/// `OTHER_AGENCY_LEVEL`.
const AGENCY_LEVELS: &[(&str, f64)] = &[
    ("commune-people-committee", 16.0),
    ("da-nang-police", 10.0),
    ("commune-police", 7.0),
    ("da-nang-land-registration", 4.0),
    ("da-nang-social-security", 3.0),
];
const OTHER_AGENCY_LEVEL: f64 = 2.0;

/// Demand by weekday, Monday to Friday: people come after the weekend.
const WEEKDAY_FACTORS: [f64; 5] = [1.4, 1.1, 1.0, 0.9, 0.75];

const FAMILY_NAMES: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
];
const MIDDLE_NAMES: &[&str] = &["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Quốc", "Hữu", "Thu"];
const GIVEN_NAMES: &[&str] = &[
    "An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Khánh", "Lan",
    "Linh", "Long", "Mai", "Nam", "Phúc", "Quang", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vy",
];

/// What `--demo-history` seeds.
#[derive(Debug, Clone)]
pub struct DemoHistory {
    pub citizens: Vec<CitizenRecord>,
    pub applications: Vec<SeededApplication>,
}

fn weekday_factor(day: NaiveDate) -> f64 {
    match day.weekday() {
        Weekday::Mon => WEEKDAY_FACTORS[0],
        Weekday::Tue => WEEKDAY_FACTORS[1],
        Weekday::Wed => WEEKDAY_FACTORS[2],
        Weekday::Thu => WEEKDAY_FACTORS[3],
        Weekday::Fri => WEEKDAY_FACTORS[4],
        // A weekend day declared a working day.
        Weekday::Sat | Weekday::Sun => 1.0,
    }
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> Option<&'a T> {
    if items.is_empty() {
        None
    } else {
        items.get(rng.random_range(0..items.len()))
    }
}

fn local(day: NaiveDate, minutes_after_midnight: u32) -> DateTime<FixedOffset> {
    let time = NaiveTime::from_num_seconds_from_midnight_opt(minutes_after_midnight * 60, 0)
        .unwrap_or(NaiveTime::MIN);
    VIETNAM
        .from_local_datetime(&day.and_time(time))
        .single()
        .unwrap_or_else(|| VIETNAM.from_utc_datetime(&day.and_time(time)))
}

fn citizens(
    data: &ReferenceData,
    rng: &mut ChaCha8Rng,
    now: DateTime<FixedOffset>,
) -> Vec<CitizenRecord> {
    let units: Vec<&str> = data
        .admin_units
        .units
        .iter()
        .filter(|unit| unit.province_code == "48")
        .map(|unit| unit.code.as_str())
        .collect();
    (0..CITIZENS)
        .map(|index| {
            let female = rng.random_bool(0.5);
            let year: i32 = rng.random_range(1950..=2005);
            // The century-and-sex digit of a citizen ID: 0/1 born in the 1900s, 2/3 after.
            let century_digit = match (year >= 2000, female) {
                (false, false) => 0,
                (false, true) => 1,
                (true, false) => 2,
                (true, true) => 3,
            };
            // Da Nang's province code, then 9xxxxx: apart from the demo people of demo.json.
            let id_number = format!("048{century_digit}{:02}{:06}", year % 100, 900_000 + index);
            let family = pick(rng, FAMILY_NAMES).copied().unwrap_or("Nguyễn");
            let middle = if female {
                "Thị"
            } else {
                pick(rng, MIDDLE_NAMES).copied().unwrap_or("Văn")
            };
            let given = pick(rng, GIVEN_NAMES).copied().unwrap_or("An");
            let birth_date =
                NaiveDate::from_ymd_opt(year, rng.random_range(1..=12), rng.random_range(1..=28))
                    .unwrap_or(NaiveDate::MIN);
            let unit_code = pick(rng, &units).copied().unwrap_or("20194").to_owned();
            let street = format!(
                "Số {}, tổ {}",
                rng.random_range(1..=250),
                rng.random_range(1..=60)
            );
            CitizenRecord {
                id: citizen_uuid(&id_number),
                profile: Profile {
                    id_number,
                    full_name: format!("{family} {middle} {given}"),
                    birth_date,
                    gender: if female { "female" } else { "male" }.to_owned(),
                    phone: format!("+8490{:07}", 9_000_000 + index),
                    email: None,
                    address: Address {
                        province_code: "48".to_owned(),
                        unit_code,
                        street,
                    },
                    current_address: None,
                    language: "vi".to_owned(),
                    updated_at: now,
                },
            }
        })
        .collect()
}

/// The working days an application took, by channel: online ones about half the counter's.
fn processing_days_taken(rng: &mut ChaCha8Rng, granted: u32, channel: Channel) -> u32 {
    let roll: f64 = rng.random();
    if roll < 0.11 {
        // Within the day (or the next morning).
        return rng.random_range(0..=1);
    }
    if roll > 0.93 {
        // Late.
        return granted + rng.random_range(1..=3);
    }
    let granted = granted.max(1);
    match channel {
        Channel::Counter => rng.random_range(granted.div_ceil(2)..=granted),
        _ => rng.random_range(1..=granted.div_ceil(2).max(1)),
    }
}

fn stars(rng: &mut ChaCha8Rng) -> u8 {
    match rng.random_range(0..100) {
        0..50 => 5,
        50..80 => 4,
        80..92 => 3,
        92..97 => 2,
        _ => 1,
    }
}

struct Agency<'a> {
    level: f64,
    procedures: Vec<&'a Procedure>,
}

/// The history as of `now`.
pub fn generate(
    data: &ReferenceData,
    calendar: &WorkingCalendar,
    now: DateTime<FixedOffset>,
) -> DemoHistory {
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let citizens = citizens(data, &mut rng, now);
    let mut agencies: BTreeMap<&str, Agency> = BTreeMap::new();
    for procedure in &data.catalog.items {
        let level = AGENCY_LEVELS
            .iter()
            .find(|(id, _)| *id == procedure.agency_id)
            .map_or(OTHER_AGENCY_LEVEL, |(_, level)| *level);
        agencies
            .entry(procedure.agency_id.as_str())
            .or_insert_with(|| Agency {
                level,
                procedures: Vec::new(),
            })
            .procedures
            .push(procedure);
    }
    let staff = data.demo.staff.first();
    let officers: BTreeSet<&str> = data.demo.officers.iter().map(|o| o.code.as_str()).collect();
    let today = now.with_timezone(&VIETNAM).date_naive();
    let days = past_working_days(calendar, today, HISTORY_DAYS);
    let mut applications = Vec::new();
    for (index, day) in days.iter().enumerate() {
        // A slow rise over the quarter: from 85% to 115% of the level.
        let trend = 0.85 + 0.3 * index as f64 / days.len().max(1) as f64;
        for agency in agencies.values() {
            let mean = agency.level * weekday_factor(*day) * trend;
            let count = Poisson::new(mean).map_or(0.0, |poisson| poisson.sample(&mut rng)) as u64;
            for _ in 0..count {
                let (Some(procedure), Some(citizen)) = (
                    pick(&mut rng, &agency.procedures),
                    pick(&mut rng, &citizens),
                ) else {
                    continue;
                };
                let officer = data
                    .demo
                    .officers
                    .iter()
                    .find(|officer| officer.agency == procedure.agency_id)
                    .map(|officer| officer_actor(&officer.code, &officer.organisation))
                    .unwrap_or_else(|| {
                        officer_actor(
                            officers.first().copied().unwrap_or(""),
                            procedure.agency.get("vi"),
                        )
                    });
                applications.push(application(
                    &mut rng, data, calendar, now, *day, procedure, citizen, staff, officer,
                ));
            }
        }
    }
    DemoHistory {
        citizens,
        applications,
    }
}

#[allow(clippy::too_many_arguments)]
fn application(
    rng: &mut ChaCha8Rng,
    data: &ReferenceData,
    calendar: &WorkingCalendar,
    now: DateTime<FixedOffset>,
    day: NaiveDate,
    procedure: &Procedure,
    citizen: &CitizenRecord,
    staff: Option<&DemoStaffData>,
    officer: Actor,
) -> SeededApplication {
    let id = uuid::Builder::from_random_bytes(rng.random()).into_uuid();
    let channel_roll: f64 = rng.random();
    let channel = if channel_roll < 0.3 {
        Channel::Counter
    } else if channel_roll < 0.4 && staff.is_some() {
        Channel::Assisted
    } else {
        Channel::Online
    };
    // Between 07:30 and 16:30.
    let submitted_at = local(day, 450 + rng.random_range(0..540));
    let granted = granted_days(&procedure.processing_days, channel);
    let due_at = calendar.due_at(submitted_at, granted);
    let wants_post = procedure.delivery.post && rng.random_bool(0.3);
    let delivery = delivery(data, procedure, citizen, wants_post);

    let citizen_actor = Actor {
        kind: ActorKind::Citizen,
        name: String::new(),
        code: None,
        venue: None,
    };
    let (submitted_by, first_actor) = match (channel, staff) {
        (Channel::Assisted, Some(staff)) => (
            Some(SubmittedBy {
                staff_code: staff.code.clone(),
                staff_kind: staff.kind,
                venue: staff.organisation.clone(),
            }),
            Actor {
                kind: ActorKind::Staff,
                name: staff.name.clone(),
                code: Some(staff.code.clone()),
                venue: Some(staff.organisation.clone()),
            },
        ),
        (Channel::Counter, _) => (None, officer.clone()),
        _ => (None, citizen_actor.clone()),
    };

    let mut history: Vec<HistoryEntry> = Vec::new();
    let accepted_at = submitted_at + Duration::minutes(rng.random_range(20..180));
    let outcome_roll: f64 = rng.random();
    let taken = processing_days_taken(rng, granted, channel);
    let finish_day = calendar.last_working_day(day, taken);
    let finish_minutes: u32 = rng.random_range(480..1_020);
    let finished_at = local(finish_day, finish_minutes).max(accepted_at + Duration::minutes(30));
    let mut rating = None;
    if accepted_at < now {
        history.push((
            ApplicationStatus::Processing,
            accepted_at,
            officer.clone(),
            None,
        ));
    }
    if outcome_roll < 0.03 && finished_at < now {
        history.push((
            ApplicationStatus::Rejected,
            finished_at,
            officer.clone(),
            Some("Hồ sơ không đủ điều kiện theo quy định".to_owned()),
        ));
    } else if outcome_roll < 0.04 && accepted_at + Duration::hours(2) < now {
        history.push((
            ApplicationStatus::Withdrawn,
            accepted_at + Duration::hours(1),
            citizen_actor,
            None,
        ));
    } else if finished_at < now {
        history.push((
            ApplicationStatus::Completed,
            finished_at,
            officer.clone(),
            None,
        ));
        let handed_over_at = finished_at + Duration::hours(rng.random_range(4..72));
        if handed_over_at < now && rng.random_bool(0.8) {
            history.push((ApplicationStatus::HandedOver, handed_over_at, officer, None));
        }
        if rng.random_bool(0.35) {
            rating = Some(Rating {
                stars: stars(rng),
                comment: None,
            });
        }
    } else if rng.random_bool(0.1) && accepted_at + Duration::hours(4) < now {
        history.push((
            ApplicationStatus::SupplementRequested,
            accepted_at + Duration::hours(3),
            officer,
            Some("Bổ sung bản sao giấy khai sinh".to_owned()),
        ));
    }

    let delivery = match history.last().map(|(status, ..)| *status) {
        Some(ApplicationStatus::HandedOver) if delivery.method == DeliveryMethod::Post => {
            Delivery {
                state: Some(opendvc_api::DeliveryState::Delivered),
                ..delivery
            }
        }
        _ => delivery,
    };
    SeededApplication {
        draft: ApplicationDraft {
            id,
            citizen_id: citizen.id,
            code_prefix: submission::code_prefix(submitted_at),
            procedure_id: procedure.id.clone(),
            procedure_name: procedure.name.clone(),
            unit_code: Some(citizen.profile.address.unit_code.clone()),
            channel,
            submitted_by,
            submitted_at,
            due_at,
            processing_days: granted,
            form: BTreeMap::new(),
            attachments: Vec::new(),
            delivery,
            fee: 0,
            fee_lines: Vec::new(),
            first_status: ApplicationStatus::Received,
            first_entry_actor: first_actor,
            first_entry_note: None,
            access: None,
            notices: NoticesOfNew::default(),
        },
        history,
        rating,
    }
}

/// The delivery as a submission would price it; the counter when the procedure's postage
/// cannot be priced for the citizen's address.
fn delivery(
    data: &ReferenceData,
    procedure: &Procedure,
    citizen: &CitizenRecord,
    post: bool,
) -> Delivery {
    let counter = Delivery {
        method: DeliveryMethod::Counter,
        address: None,
        fee: 0,
        subsidy: 0,
        payable: 0,
        state: None,
        tracking_number: None,
    };
    if !post {
        return counter;
    }
    let choice = DeliveryChoice {
        method: DeliveryMethod::Post,
        address: Some(DeliveryAddress {
            recipient_name: citizen.profile.full_name.clone(),
            phone: citizen.profile.phone.clone(),
            address: citizen.profile.address.clone(),
        }),
    };
    submission::delivery_for(data, procedure, &BTreeMap::new(), &choice).unwrap_or(counter)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::overview::forecast::{held_out_errors, incoming_per_agency};
    use uuid::Uuid;

    fn history() -> (
        ReferenceData,
        WorkingCalendar,
        DateTime<FixedOffset>,
        DemoHistory,
    ) {
        let data = ReferenceData::load().expect("the embedded data loads");
        let calendar = WorkingCalendar::new(data.holidays.values());
        let now = VIETNAM
            .with_ymd_and_hms(2026, 12, 9, 10, 0, 0)
            .single()
            .expect("a valid time");
        let history = generate(&data, &calendar, now);
        (data, calendar, now, history)
    }

    #[test]
    fn the_demo_history_is_the_same_on_every_start() {
        let (data, calendar, now, first) = history();
        let second = generate(&data, &calendar, now);
        let ids = |history: &DemoHistory| -> Vec<Uuid> {
            history.applications.iter().map(|a| a.draft.id).collect()
        };
        assert_eq!(ids(&first), ids(&second), "the same applications, by id");
        assert!(
            (2_000..=6_000).contains(&first.applications.len()),
            "a few thousand applications: {}",
            first.applications.len()
        );
        let counter = first
            .applications
            .iter()
            .filter(|a| a.draft.channel == Channel::Counter)
            .count();
        assert!(counter > 0, "both channels are in the history");
        assert!(
            first.applications.iter().all(|a| a
                .history
                .iter()
                .all(|(_, at, ..)| *at <= now && *at >= a.draft.submitted_at)),
            "every timeline entry lies between the submission and now"
        );
    }

    #[test]
    fn the_forecast_beats_the_naive_copy_on_the_demo_history() {
        let (data, calendar, now, history) = history();
        let agency_of: BTreeMap<&str, &str> = data
            .catalog
            .items
            .iter()
            .map(|p| (p.id.as_str(), p.agency_id.as_str()))
            .collect();
        let days = past_working_days(&calendar, now.date_naive(), HISTORY_DAYS);
        let series = incoming_per_agency(
            history.applications.iter().map(|a| {
                (
                    agency_of
                        .get(a.draft.procedure_id.as_str())
                        .copied()
                        .unwrap_or("")
                        .to_owned(),
                    a.draft.submitted_at.date_naive(),
                )
            }),
            &days,
        );
        let mut model_total = 0.0;
        let mut naive_total = 0.0;
        for (agency, counts) in &series {
            let (model, naive) = held_out_errors(counts)
                .expect("the model fits")
                .expect("90 days hold out 20 working days");
            assert!(
                model.is_finite() && naive.is_finite(),
                "{agency}: errors are numbers"
            );
            eprintln!("{agency}: model MAE {model:.2}, naive MAE {naive:.2}");
            model_total += model;
            naive_total += naive;
        }
        assert!(
            model_total < naive_total,
            "over all agencies, the model's held-out error ({model_total:.2}) is below the naive last-week copy's ({naive_total:.2})"
        );
    }

    #[tokio::test]
    async fn the_demo_history_is_seeded_once_and_read_back_by_the_overview() {
        use crate::store::{ApplicationStore, sqlite::SqliteStore};
        let (_, _, _, history) = history();
        let expected = history.applications.len();
        let dir = std::env::temp_dir().join(format!("opendvc-history-{}", Uuid::now_v7()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let store = SqliteStore::open(&dir.join("portal.db")).expect("store opens");
        let first = store
            .seed_history(history.citizens.clone(), history.applications.clone())
            .await
            .expect("first seed");
        assert_eq!(
            first, expected,
            "every application of the history is seeded"
        );
        let second = store
            .seed_history(history.citizens, history.applications)
            .await
            .expect("second seed");
        assert_eq!(second, 0, "a second start adds nothing");
        let rows = store.overview_rows().await.expect("the overview reads");
        assert_eq!(
            rows.len(),
            expected,
            "the overview reads each application once"
        );
        let finished = rows.iter().filter(|row| row.finished_at.is_some()).count();
        let rated = rows.iter().filter(|row| row.rating_stars.is_some()).count();
        let by_post = rows
            .iter()
            .filter(|row| row.delivery_method == DeliveryMethod::Post)
            .count();
        assert!(
            finished * 2 > expected,
            "most are finished: {finished} of {expected}"
        );
        assert!(
            rated > 0 && by_post > 0,
            "ratings and postal deliveries read back"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
