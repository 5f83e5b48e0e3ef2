//! Saved drafts: the applications the person started, as the device keeps them between runs
//! of the app, and the list Home shows.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use opendvc_api::LocalizedText;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::apply::{DraftView, StagedView};

/// Which pages of the task list the person has finished.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DraftProgress {
    pub details: bool,
    pub documents: bool,
    pub delivery: bool,
}

/// `SavedDraft`: an application the person started and has not submitted, kept on the device
/// as they type (`save_draft`) and resumed on the task list (`resume_draft`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SavedDraft {
    /// The UI's id of the started application; `submit` with `draft.draftId` set removes it.
    pub id: Uuid,
    pub draft: DraftView,
    /// Files picked in the app, by the required document they are for (the UI's own list).
    #[serde(default)]
    pub files: BTreeMap<String, StagedView>,
    #[serde(default)]
    pub done: DraftProgress,
    /// Required documents whose picked file this device no longer holds (an assisted
    /// session keeps scans in memory only): the person picks them again. Set on resume.
    #[serde(default)]
    pub pick_again: Vec<String>,
    /// When it was last saved; set by the core, whatever the UI sent.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub updated_at: Option<DateTime<Utc>>,
}

/// `DraftSummary`: one saved draft as Home lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DraftSummary {
    pub id: Uuid,
    pub procedure_id: String,
    /// The procedure's name from the cached catalog; its id where the catalog lacks it.
    pub procedure_name: LocalizedText,
    pub updated_at: DateTime<Utc>,
}

/// Home's line for `draft`, named from `name` when the catalog has the procedure.
pub fn draft_summary(draft: &SavedDraft, name: Option<LocalizedText>) -> DraftSummary {
    let procedure_id = draft.draft.application.procedure_id.clone();
    DraftSummary {
        id: draft.id,
        procedure_name: name.unwrap_or_else(|| LocalizedText {
            vi: procedure_id.clone(),
            en: procedure_id.clone(),
            id: None,
        }),
        procedure_id,
        updated_at: draft.updated_at.unwrap_or_default(),
    }
}
