//! What notification handling and reminders remember in the cache: the person's notification
//! settings, the last push event id, which inbox items were already announced, the reminder
//! stages that fired and the per-document reminder choices.
//!
//! A choice made on this device is also pending until the portal has it
//! (`PUT /v1/me/documents/{id}/reminders`): a small persisted set of document ids, sent again
//! before every sync until the portal answers, so a choice made offline still arrives. A choice
//! that comes by sync (made on another device) replaces the stored one unless this device has
//! a newer one pending.
//!
//! A portal renewal notice that arrives during the quiet hours is held (its id kept) until the
//! reminder check after them shows it.
//!
//! They live as JSON values in the `meta` table, so no schema change was needed. A cache that
//! is rebuilt after damage loses them; the settings fall back to their defaults (everything on,
//! no quiet hours), which errs on the side of telling the person too much rather than too little.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use opendvc_api::InboxItem;
use rusqlite::{Connection, params};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{StoreError, meta};
use crate::reminders::{FiredStage, ReminderChoice};
use crate::store::statements::Cached;

const SETTINGS: &str = "notify_settings";
const LAST_EVENT_ID: &str = "push_last_event_id";
const FIRED: &str = "reminders_fired";
const CHOICES: &str = "reminder_choices";
const PENDING_CHOICES: &str = "reminder_choices_pending";
const HELD_NOTICES: &str = "renewal_notices_held";

/// Quiet hours, local time, in minutes after midnight. `start > end` spans
/// midnight (22:00 to 07:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceQuietHours {
    pub start_minute: u16,
    pub end_minute: u16,
}

impl DeviceQuietHours {
    /// Whether `minute` (after midnight) falls inside the quiet hours.
    pub fn contains(&self, minute: u16) -> bool {
        let (start, end) = (self.start_minute, self.end_minute);
        if start == end {
            false
        } else if start < end {
            (start..end).contains(&minute)
        } else {
            minute >= start || minute < end
        }
    }
}

/// The person's notification settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NotifySettings {
    pub status: bool,
    pub delivery: bool,
    pub renewal: bool,
    pub notice: bool,
    pub quiet_hours: Option<DeviceQuietHours>,
    /// The offset of the person's local time from UTC, minutes; quiet hours are local.
    pub utc_offset_minutes: i32,
    /// A device several people use (a post office, a family tablet): notifications then say
    /// only that something changed, with no names, codes or procedure names.
    pub shared_device: bool,
}

impl Default for NotifySettings {
    fn default() -> Self {
        NotifySettings {
            status: true,
            delivery: true,
            renewal: true,
            notice: true,
            quiet_hours: None,
            utc_offset_minutes: 7 * 60,
            shared_device: false,
        }
    }
}

fn get_json<T: DeserializeOwned + Default>(conn: &Connection, key: &str) -> Result<T, StoreError> {
    match meta::get(conn, key)? {
        Some(text) => Ok(serde_json::from_str(&text)?),
        None => Ok(T::default()),
    }
}

fn set_json<T: Serialize>(conn: &Connection, key: &str, value: &T) -> Result<(), StoreError> {
    meta::set(conn, key, &serde_json::to_string(value)?)
}

pub fn settings(conn: &Connection) -> Result<NotifySettings, StoreError> {
    get_json(conn, SETTINGS)
}

pub fn save_settings(conn: &Connection, settings: &NotifySettings) -> Result<(), StoreError> {
    set_json(conn, SETTINGS, settings)
}

/// The id of the last push event handled, if any.
pub fn last_event_id(conn: &Connection) -> Result<Option<String>, StoreError> {
    meta::get(conn, LAST_EVENT_ID)
}

pub fn set_last_event_id(conn: &Connection, id: &str) -> Result<(), StoreError> {
    meta::set(conn, LAST_EVENT_ID, id)
}

pub fn clear_last_event_id(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_cached("DELETE FROM meta WHERE key = ?1", params![LAST_EVENT_ID])?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredStage {
    document_id: Uuid,
    expires_on: NaiveDate,
    days_before: u32,
}

/// The reminder stages that have fired.
pub fn fired_stages(conn: &Connection) -> Result<BTreeSet<FiredStage>, StoreError> {
    let stored: Vec<StoredStage> = get_json(conn, FIRED)?;
    Ok(stored
        .into_iter()
        .map(|stage| FiredStage {
            document_id: stage.document_id,
            expires_on: stage.expires_on,
            days_before: stage.days_before,
        })
        .collect())
}

/// Records `stages` as fired, beside those that fired before.
pub fn record_fired(conn: &Connection, stages: &[FiredStage]) -> Result<(), StoreError> {
    let mut all = fired_stages(conn)?;
    all.extend(stages.iter().copied());
    let stored: Vec<StoredStage> = all
        .into_iter()
        .map(|stage| StoredStage {
            document_id: stage.document_id,
            expires_on: stage.expires_on,
            days_before: stage.days_before,
        })
        .collect();
    set_json(conn, FIRED, &stored)
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredChoice {
    switched_off: bool,
    snoozed_until: Option<NaiveDate>,
}

/// The person's reminder choices per document.
pub fn choices(conn: &Connection) -> Result<BTreeMap<Uuid, ReminderChoice>, StoreError> {
    let stored: BTreeMap<Uuid, StoredChoice> = get_json(conn, CHOICES)?;
    Ok(stored
        .into_iter()
        .map(|(id, choice)| {
            (
                id,
                ReminderChoice {
                    switched_off: choice.switched_off,
                    snoozed_until: choice.snoozed_until,
                },
            )
        })
        .collect())
}

/// Sets the choice for one document; the default choice removes the entry.
pub fn set_choice(
    conn: &Connection,
    document_id: Uuid,
    choice: ReminderChoice,
) -> Result<(), StoreError> {
    let mut stored: BTreeMap<Uuid, StoredChoice> = get_json(conn, CHOICES)?;
    if choice == ReminderChoice::default() {
        stored.remove(&document_id);
    } else {
        stored.insert(
            document_id,
            StoredChoice {
                switched_off: choice.switched_off,
                snoozed_until: choice.snoozed_until,
            },
        );
    }
    set_json(conn, CHOICES, &stored)
}

/// The documents whose choice, made on this device, the portal does not have yet.
pub fn pending_choices(conn: &Connection) -> Result<BTreeSet<Uuid>, StoreError> {
    get_json(conn, PENDING_CHOICES)
}

/// Sets the choice for one document, made on this device, and keeps it pending until the
/// portal has it.
pub fn choose(
    conn: &Connection,
    document_id: Uuid,
    choice: ReminderChoice,
) -> Result<(), StoreError> {
    set_choice(conn, document_id, choice)?;
    let mut pending = pending_choices(conn)?;
    pending.insert(document_id);
    set_json(conn, PENDING_CHOICES, &pending)
}

/// The portal has `sent` for the document: no longer pending, unless the person chose again
/// meanwhile (that newer choice is still to send).
pub fn choice_delivered(
    conn: &Connection,
    document_id: Uuid,
    sent: ReminderChoice,
) -> Result<(), StoreError> {
    let current = choices(conn)?
        .get(&document_id)
        .copied()
        .unwrap_or_default();
    if current != sent {
        return Ok(());
    }
    let mut pending = pending_choices(conn)?;
    pending.remove(&document_id);
    set_json(conn, PENDING_CHOICES, &pending)
}

/// A document as the portal holds it (by sync, or in the answer to a choice): its choice
/// becomes this device's, unless a choice made here is still pending.
pub fn adopt_synced_choice(
    conn: &Connection,
    document_id: Uuid,
    choice: ReminderChoice,
) -> Result<(), StoreError> {
    if pending_choices(conn)?.contains(&document_id) {
        return Ok(());
    }
    if choices(conn)?
        .get(&document_id)
        .copied()
        .unwrap_or_default()
        == choice
    {
        return Ok(());
    }
    set_choice(conn, document_id, choice)
}

/// The portal's renewal notices that arrived during the quiet hours and wait to be shown.
pub fn held_notices(conn: &Connection) -> Result<BTreeSet<Uuid>, StoreError> {
    get_json(conn, HELD_NOTICES)
}

/// Keeps the portal's renewal notice `id` to show once the quiet hours are over.
pub fn hold_notice(conn: &Connection, id: Uuid) -> Result<(), StoreError> {
    let mut held = held_notices(conn)?;
    held.insert(id);
    set_json(conn, HELD_NOTICES, &held)
}

/// The held notices `ids` were shown (or need not be any more).
pub fn release_notices(conn: &Connection, ids: &[Uuid]) -> Result<(), StoreError> {
    let mut held = held_notices(conn)?;
    for id in ids {
        held.remove(id);
    }
    set_json(conn, HELD_NOTICES, &held)
}

/// The cached inbox item `id`, if the cache holds it.
pub fn inbox_item(conn: &Connection, id: Uuid) -> Result<Option<InboxItem>, StoreError> {
    let mut statement = conn.prepare_cached("SELECT json FROM inbox WHERE id = ?1")?;
    let mut rows = statement.query(params![id.to_string()])?;
    match rows.next()? {
        Some(row) => Ok(Some(serde_json::from_str(&row.get::<_, String>(0)?)?)),
        None => Ok(None),
    }
}

/// Which of `ids` the cached inbox already holds.
pub fn known_inbox_ids(conn: &Connection, ids: &[Uuid]) -> Result<BTreeSet<Uuid>, StoreError> {
    let mut statement = conn.prepare_cached("SELECT 1 FROM inbox WHERE id = ?1")?;
    let mut known = BTreeSet::new();
    for id in ids {
        if statement.exists(params![id.to_string()])? {
            known.insert(*id);
        }
    }
    Ok(known)
}

/// Sets the sync cursor back to the start, so the next pull brings everything again.
pub fn restart_sync(conn: &Connection) -> Result<(), StoreError> {
    meta::set(conn, meta::SYNC_CURSOR, "0")?;
    clear_last_event_id(conn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Cache;

    #[test]
    fn quiet_hours_across_midnight_hold_late_and_early() {
        let night = DeviceQuietHours {
            start_minute: 22 * 60,
            end_minute: 7 * 60,
        };
        assert!(night.contains(23 * 60));
        assert!(night.contains(0));
        assert!(night.contains(6 * 60 + 59));
        assert!(!night.contains(7 * 60));
        assert!(!night.contains(12 * 60));
        let lunch = DeviceQuietHours {
            start_minute: 12 * 60,
            end_minute: 13 * 60,
        };
        assert!(lunch.contains(12 * 60 + 30));
        assert!(!lunch.contains(13 * 60));
        assert!(!lunch.contains(23 * 60));
    }

    #[test]
    fn settings_fired_stages_and_choices_survive_a_round_trip() {
        let cache = Cache::in_memory().expect("cache");
        let defaults = cache.read(settings).expect("defaults");
        assert_eq!(defaults, NotifySettings::default());
        let changed = NotifySettings {
            status: false,
            shared_device: true,
            ..NotifySettings::default()
        };
        cache.write(|tx| save_settings(tx, &changed)).expect("save");
        assert_eq!(cache.read(settings).expect("read"), changed);

        let stage = FiredStage {
            document_id: Uuid::now_v7(),
            expires_on: NaiveDate::from_ymd_opt(2027, 1, 31).expect("date"),
            days_before: 30,
        };
        cache.write(|tx| record_fired(tx, &[stage])).expect("fire");
        cache
            .write(|tx| record_fired(tx, &[stage]))
            .expect("fire again");
        assert_eq!(cache.read(fired_stages).expect("fired").len(), 1);

        let off = ReminderChoice {
            switched_off: true,
            snoozed_until: None,
        };
        cache
            .write(|tx| set_choice(tx, stage.document_id, off))
            .expect("choose");
        assert_eq!(
            cache
                .read(choices)
                .expect("choices")
                .get(&stage.document_id),
            Some(&off)
        );
        cache
            .write(|tx| set_choice(tx, stage.document_id, ReminderChoice::default()))
            .expect("reset");
        assert!(cache.read(choices).expect("choices").is_empty());
    }

    #[test]
    fn a_choice_made_here_stays_pending_until_delivered_and_is_not_overwritten_by_an_older_one() {
        let cache = Cache::in_memory().expect("cache");
        let document = Uuid::now_v7();
        let off = ReminderChoice {
            switched_off: true,
            snoozed_until: None,
        };
        cache.write(|tx| choose(tx, document, off)).expect("chosen");
        cache
            .write(|tx| adopt_synced_choice(tx, document, ReminderChoice::default()))
            .expect("a sync");
        assert_eq!(
            cache.read(choices).expect("choices").get(&document),
            Some(&off),
            "a sync that still has the portal's older choice does not undo a pending one"
        );
        cache
            .write(|tx| choice_delivered(tx, document, ReminderChoice::default()))
            .expect("an older send answered");
        assert!(
            cache
                .read(pending_choices)
                .expect("pending")
                .contains(&document),
            "the answer to an older send leaves the newer choice pending"
        );
        cache
            .write(|tx| choice_delivered(tx, document, off))
            .expect("delivered");
        assert!(
            cache.read(pending_choices).expect("pending").is_empty(),
            "delivered: no longer pending"
        );
        cache
            .write(|tx| adopt_synced_choice(tx, document, ReminderChoice::default()))
            .expect("a later sync");
        assert!(
            cache.read(choices).expect("choices").is_empty(),
            "a choice made on another device later is followed"
        );
    }
}
