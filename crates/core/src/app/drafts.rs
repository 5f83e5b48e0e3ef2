//! Drafts that survive: every application the person starts is saved on the device as they
//! type (`save_draft`), listed on Home (`drafts`), resumed where it was left
//! (`resume_draft`), discarded on request (`discard_draft`) and removed once submitted
//! (`submit_draft` with the draft's id). They live in the signed-in citizen's own cache: in
//! an assisted session that is the session's folder, deleted with it; sign-out on a shared
//! device deletes them.

use uuid::Uuid;

use super::OpenDvc;
use crate::error::CoreError;
use crate::store::catalog;
use crate::store::drafts::{self as saved, StoredDraft};
use crate::views::drafts::{DraftSummary, SavedDraft, draft_summary};

impl OpenDvc {
    /// Saves `draft` as the person left it, stamped with the core's clock; it replaces the
    /// saved draft with the same id. Answers the draft as kept.
    pub fn save_draft(&self, mut draft: SavedDraft) -> Result<SavedDraft, CoreError> {
        let now = self.now();
        draft.updated_at = Some(now);
        draft.draft.draft_id = Some(draft.id);
        draft.pick_again.clear();
        let stored = StoredDraft {
            id: draft.id,
            procedure_id: draft.draft.application.procedure_id.clone(),
            updated_at: now,
            json: serde_json::to_string(&draft).map_err(crate::store::StoreError::from)?,
        };
        self.active()?
            .cache
            .write(|conn| saved::save(conn, &stored))?;
        Ok(draft)
    }

    /// Every saved draft, the one touched last first, as Home lists them.
    pub fn drafts(&self) -> Result<Vec<DraftSummary>, CoreError> {
        let cache = &self.active()?.cache;
        let drafts = cache
            .read(saved::all)?
            .iter()
            .map(|json| serde_json::from_str::<SavedDraft>(json))
            .collect::<Result<Vec<_>, _>>()
            .map_err(crate::store::StoreError::from)?;
        drafts
            .iter()
            .map(|draft| {
                let procedure = &draft.draft.application.procedure_id;
                let name = cache
                    .read(|conn| catalog::procedure(conn, procedure))?
                    .map(|procedure| procedure.name.clone());
                Ok(draft_summary(draft, name))
            })
            .collect()
    }

    /// The saved draft `id` to carry on with. A picked file this device no longer holds is
    /// taken out of it and its required document named in `pick_again`.
    pub fn resume_draft(&self, id: Uuid) -> Result<SavedDraft, CoreError> {
        let json = self
            .active()?
            .cache
            .read(|conn| saved::load(conn, id))?
            .ok_or(CoreError::UnknownDraft(id))?;
        let mut draft: SavedDraft =
            serde_json::from_str(&json).map_err(crate::store::StoreError::from)?;
        let staging = self.options.data_dir.staging_dir();
        let mut gone = Vec::new();
        draft.files.retain(|requirement, file| {
            let kept = self.picked.holds(&staging, &file.attachment_id);
            if !kept {
                gone.push((requirement.clone(), file.attachment_id.clone()));
            }
            kept
        });
        draft
            .draft
            .application
            .attachments
            .retain(|reference| match reference {
                opendvc_api::AttachmentRef::Upload { attachment_id, .. } => {
                    self.picked.holds(&staging, attachment_id)
                }
                opendvc_api::AttachmentRef::Wallet { .. } => true,
            });
        if !gone.is_empty() {
            draft.done.documents = false;
        }
        draft.pick_again = gone
            .into_iter()
            .map(|(requirement, _)| requirement)
            .collect();
        draft.draft.draft_id = Some(draft.id);
        Ok(draft)
    }

    /// Forgets the saved draft `id` (the person confirmed); `unknown_draft` if it is gone.
    pub fn discard_draft(&self, id: Uuid) -> Result<(), CoreError> {
        if self
            .active()?
            .cache
            .write(|conn| saved::discard(conn, id))?
        {
            Ok(())
        } else {
            Err(CoreError::UnknownDraft(id))
        }
    }

    /// Forgets the saved draft `id` once its application is queued; nothing if it was not
    /// saved.
    pub(crate) fn forget_submitted_draft(&self, id: Uuid) -> Result<(), CoreError> {
        self.active()?
            .cache
            .write(|conn| saved::discard(conn, id))?;
        Ok(())
    }
}
