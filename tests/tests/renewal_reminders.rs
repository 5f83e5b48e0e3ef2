//! One reminder engine across device and portal (issue 14): the portal writes a renewal notice
//! once per stage per document, by the citizen's choice for the document (switched off,
//! snoozed), which every device sets with `PUT /v1/me/documents/{id}/reminders` and reads back
//! by sync. Time moves with the demo portal's clock, never by waiting.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};
use opendvc_api::{Document, DocumentReminders, InboxCategory, SyncResponse};
use opendvc_rules::renewal::{Expiry, RulesTable, notice_id, stage_day};
use opendvc_rules::vietnam_today;
use opendvc_tests::fixtures::Citizen;
use opendvc_tests::{Portal, PortalOptions};
use uuid::Uuid;

const DAY: i64 = 24 * 3600;

/// Every change of the citizen from the start, page by page.
fn everything(citizen: &Citizen) -> SyncResponse {
    let mut all = SyncResponse::default();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/v1/sync?cursor={cursor}"),
            None => "/v1/sync".to_owned(),
        };
        let page: SyncResponse = citizen.get(&path).expect_json(200, "a citizen syncs");
        all.inbox.extend(page.inbox);
        all.documents.extend(page.documents);
        all.cursor = page.cursor.clone();
        if !page.has_more {
            return all;
        }
        cursor = Some(page.cursor);
    }
}

/// The ids of the portal's renewal notices of `document`.
fn notices(citizen: &Citizen, document: Uuid) -> BTreeSet<Uuid> {
    everything(citizen)
        .inbox
        .into_iter()
        .filter(|item| {
            item.category == InboxCategory::Renewal && item.document_id == Some(document)
        })
        .map(|item| item.id)
        .collect()
}

/// The first demo citizen's ID card, the day its holder's age makes it expire, and its
/// reminder stages still ahead on the portal's `today` (days before expiry, soonest first).
struct MilestoneCard {
    card: Document,
    expires_on: NaiveDate,
    reached: Vec<u32>,
    ahead: Vec<u32>,
    today: NaiveDate,
}

fn milestone_card(portal: &mut Portal) -> MilestoneCard {
    let rules = RulesTable::built_in().expect("the built-in rules");
    let citizen = Citizen::demo(portal, 0);
    let birth_date = citizen.profile().birth_date;
    let card = citizen
        .documents()
        .items
        .into_iter()
        .find(|document| document.kind == "id_card")
        .expect("the first demo citizen holds an ID card");
    assert_eq!(card.expires_on, None, "an ID card prints no expiry");
    let Expiry::On(expires_on) = rules.expiry(&card, Some(birth_date)) else {
        panic!("the rules give the ID card an expiry from the birth date {birth_date}");
    };
    assert_eq!(
        (expires_on.month(), expires_on.day()),
        (birth_date.month(), birth_date.day()),
        "the card expires on a birthday, an age milestone ({expires_on}, born {birth_date})"
    );
    let today = vietnam_today(portal.advance_clock(0));
    let stages = rules
        .rule("id_card")
        .expect("a rule for ID cards")
        .stages
        .clone();
    let (ahead, reached): (Vec<u32>, Vec<u32>) = stages
        .into_iter()
        .partition(|&stage| stage_day(expires_on, stage).is_some_and(|day| day > today));
    MilestoneCard {
        card,
        expires_on,
        reached,
        ahead,
        today,
    }
}

/// Moves the portal's clock forward to `day` (same time of day), which writes the notices due.
fn move_to(portal: &Portal, today: &mut NaiveDate, day: NaiveDate) {
    let days = (day - *today).num_days();
    assert!(days >= 0, "the clock only moves forward ({today} to {day})");
    let now = portal.advance_clock(days * DAY);
    *today = vietnam_today(now);
    assert_eq!(*today, day, "the portal's clock is on {day}");
}

/// The demo's first citizen nears an age milestone of her ID card (25 while this is written:
/// born 8 January 2002, card issued at 19): the portal notices it at each stage once, the day
/// the stage is reached and not before, and neither moving the clock again nor a restart of
/// the portal writes any stage twice.
#[test]
fn an_id_card_nearing_an_age_milestone_is_noticed_once_per_stage_across_clock_moves_and_a_restart()
{
    let mut portal = Portal::start(PortalOptions::default());
    let MilestoneCard {
        card,
        expires_on,
        reached,
        ahead,
        mut today,
    } = milestone_card(&mut portal);
    assert!(
        !ahead.is_empty(),
        "the demo ID card has a stage ahead on {today} (expires {expires_on})"
    );
    // Stages reached before the test began: one catch-up notice, for the latest of them.
    let mut expected: BTreeSet<Uuid> = reached
        .iter()
        .min()
        .map(|&stage| notice_id(card.id, expires_on, stage))
        .into_iter()
        .collect();
    assert_eq!(
        notices(&Citizen::demo(&mut portal, 0), card.id),
        expected,
        "on {today}: one notice for the stages already reached {reached:?}"
    );
    for &stage in &ahead {
        let day = stage_day(expires_on, stage).expect("a stage day");
        if let Some(eve) = day.pred_opt().filter(|eve| *eve > today) {
            move_to(&portal, &mut today, eve);
            assert_eq!(
                notices(&Citizen::demo(&mut portal, 0), card.id),
                expected,
                "on {eve}, the eve of the {stage}-day stage: no notice yet"
            );
        }
        move_to(&portal, &mut today, day);
        expected.insert(notice_id(card.id, expires_on, stage));
        assert_eq!(
            notices(&Citizen::demo(&mut portal, 0), card.id),
            expected,
            "on {day}: the {stage}-day stage is noticed, once"
        );
    }
    move_to(&portal, &mut today, expires_on.succ_opt().expect("a day"));
    assert_eq!(
        notices(&Citizen::demo(&mut portal, 0), card.id),
        expected,
        "past the expiry nothing more is noticed"
    );

    // A restart sets the demo clock back to the system's and runs the daily notices again.
    portal.start_again();
    let mut today = vietnam_today(portal.advance_clock(0));
    move_to(&portal, &mut today, expires_on.succ_opt().expect("a day"));
    assert_eq!(
        notices(&Citizen::demo(&mut portal, 0), card.id),
        expected,
        "after a restart and the same days again, no stage is noticed twice"
    );
}

/// The citizen's choice for a document reaches the portal's notices: a snoozed ID card is
/// noticed when the snooze ends (one notice for the stages it held back), a switched-off one
/// never. The choice comes back on the document, by `GET /v1/documents` and by sync from a
/// cursor taken before it was made; another citizen cannot make it.
#[test]
fn a_snoozed_document_is_noticed_when_the_snooze_ends_and_a_switched_off_one_never() {
    let mut portal = Portal::start(PortalOptions::default());
    let MilestoneCard {
        card,
        expires_on,
        ahead,
        mut today,
        ..
    } = milestone_card(&mut portal);
    assert!(
        ahead.len() >= 2,
        "the demo ID card has two stages ahead on {today} (expires {expires_on}): {ahead:?}"
    );
    let citizen = Citizen::demo(&mut portal, 0);
    let before = notices(&citizen, card.id);
    let cursor = everything(&citizen).cursor;
    let path = format!("/v1/me/documents/{}/reminders", card.id);

    let other = Citizen::demo(&mut portal, 1);
    other
        .call("PUT", &path)
        .json(&DocumentReminders {
            switched_off: true,
            snoozed_until: None,
        })
        .send()
        .expect_status(404, "another citizen's document is not found");

    let first = stage_day(expires_on, ahead[0]).expect("a stage day");
    let second = stage_day(expires_on, ahead[1]).expect("a stage day");
    let snooze = DocumentReminders {
        switched_off: false,
        snoozed_until: Some(second),
    };
    let answered: Document = citizen
        .call("PUT", &path)
        .json(&snooze)
        .send()
        .expect_json(200, "the citizen snoozes their card's reminders");
    assert_eq!(
        answered.reminders, snooze,
        "the answer is the document with its choice"
    );
    let listed = citizen
        .documents()
        .items
        .into_iter()
        .find(|document| document.id == card.id)
        .expect("the card is listed");
    assert_eq!(
        listed.reminders, snooze,
        "GET /v1/documents carries the choice"
    );
    let synced: SyncResponse = citizen
        .get(&format!("/v1/sync?cursor={cursor}"))
        .expect_json(200, "a sync from before the choice");
    assert!(
        synced
            .documents
            .iter()
            .any(|document| document.id == card.id && document.reminders == snooze),
        "sync brings the document with the choice to the other devices: {:?}",
        synced.documents
    );

    move_to(&portal, &mut today, first);
    let citizen = Citizen::demo(&mut portal, 0);
    assert_eq!(
        notices(&citizen, card.id),
        before,
        "on {first} the {}-day stage is held back by the snooze",
        ahead[0]
    );
    move_to(&portal, &mut today, second);
    let citizen = Citizen::demo(&mut portal, 0);
    let mut expected = before.clone();
    expected.insert(notice_id(card.id, expires_on, ahead[1]));
    assert_eq!(
        notices(&citizen, card.id),
        expected,
        "on {second} the snooze is over: one notice, for the latest stage"
    );

    citizen
        .call("PUT", &path)
        .json(&DocumentReminders {
            switched_off: true,
            snoozed_until: None,
        })
        .send()
        .expect_status(200, "the citizen switches their card's reminders off");
    move_to(&portal, &mut today, expires_on.succ_opt().expect("a day"));
    assert_eq!(
        notices(&Citizen::demo(&mut portal, 0), card.id),
        expected,
        "a switched-off card is not noticed again, up to and past its expiry"
    );
}
