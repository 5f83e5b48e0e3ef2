//! Submissions and follow-ups: checked offline against the cached catalog, queued durably,
//! then sent at once when asked and the portal answers.

use std::path::PathBuf;

use opendvc_api::{FieldError, NewApplication};
use opendvc_rules::fees::{self, FeeError, Filing, QuoteInput};
use opendvc_rules::form::{check_application, check_delivery};
use opendvc_rules::vietnam_today;
use uuid::Uuid;

use super::OpenDvc;
use crate::checks::DraftContext;
use crate::drafts::SubmissionDraft;
use crate::error::CoreError;
use crate::events::CoreEvent;
use crate::queue::{
    ApplicationTarget, Enqueued, FollowUp, ItemPayload, ItemState, PassEnd, PassReport, QueueError,
    ServerAnswer,
};
use crate::store::{applications, catalog, documents, reference};
use crate::validate;
use crate::views::queue::SubmitOutcome;

impl OpenDvc {
    /// Validates a draft against the cached catalog (offline), queues it durably, then, if
    /// `send_now`, tries once to send it without waiting through back-off.
    pub async fn submit(
        &self,
        draft: SubmissionDraft,
        send_now: bool,
    ) -> Result<SubmitOutcome, CoreError> {
        let profile = self.active()?;
        let DraftContext { procedure, units } = self.draft_context(&draft.procedure_id)?;
        let wallet = profile.cache.read(documents::held)?;
        // The shared rules, as the portal will apply them: what passes here is kept as they
        // normalise it (trimmed, phones as +84…).
        let checked = check_application(
            &procedure,
            &NewApplication {
                procedure_id: draft.procedure_id,
                form: draft.form,
                attachments: Vec::new(),
                delivery: draft.delivery,
                fee_case: draft.fee_case.clone(),
            },
            units.as_deref(),
        );
        let mut errors: Vec<FieldError> = checked.problems.into_iter().map(Into::into).collect();
        let mut application = checked.value;
        let mut staged = Vec::new();
        for (path, requirement) in &draft.files {
            staged.push(profile.queue.stage_attachment(path, requirement.clone())?);
        }
        staged.extend(self.stage_picked_into(&profile.queue, &draft.picked)?);
        let (wallet_refs, staged, missing) =
            validate::match_documents(&procedure, &staged, &draft.wallet, &wallet);
        errors.extend(missing);
        if errors.is_empty() {
            // The portal charges the one fee case that applies: one the form does not select
            // and the person did not choose is asked for now, not after the queue sent it (a
            // catalog cached before fee cases has none to choose from).
            let input = QuoteInput {
                form: &application.form,
                fee_case: application.fee_case.as_deref(),
                delivery: None,
                birth_date: None,
                filing: Filing::Online,
                today: vietnam_today(self.now()),
            };
            match fees::select_case(&procedure, &input) {
                Ok(_) | Err(FeeError::NoFeeCases) => {}
                Err(error) => errors.extend(error.field_errors()),
            }
        }
        if !errors.is_empty() {
            return Err(CoreError::InvalidSubmission(errors));
        }
        application.attachments = wallet_refs;
        let form = application.form.clone();
        let enqueued = profile.queue.enqueue_submission(application, &staged)?;
        // Remembering is a convenience: a cache that cannot keep the answers does not undo an
        // application already queued (the next form is filled in by hand).
        let _not_remembered = self.remember_answers(&procedure, &form);
        self.forget_staged(&draft.files);
        self.forget_picked(&draft.picked);
        self.emit(CoreEvent::QueueChanged);
        self.after_enqueue(enqueued, send_now).await
    }

    /// Resolves what a follow-up is about: an application code or id from the cache, or a
    /// queue item id (of a queued or sent submission).
    fn resolve_target(&self, code_or_item: &str) -> Result<ApplicationTarget, CoreError> {
        let profile = self.active()?;
        if let Ok(id) = Uuid::parse_str(code_or_item)
            && let Some(item) = profile.queue.item(id)?
        {
            return Ok(ApplicationTarget::QueuedItem { item_id: item.id });
        }
        if let Some(application) = profile
            .cache
            .read(|conn| applications::find(conn, code_or_item))?
        {
            return Ok(ApplicationTarget::Application {
                application_id: application.id,
            });
        }
        // A submission sent before the last sync is known by the answer stored with its item.
        for item in profile.queue.items(false)? {
            if item.application_code.as_deref() == Some(code_or_item)
                && let Some(application_id) = item.application_id
            {
                return Ok(ApplicationTarget::Application { application_id });
            }
        }
        Err(CoreError::UnknownApplication(code_or_item.to_owned()))
    }

    /// Queues a follow-up (supplement, delivery change, withdrawal, rating) on an application
    /// or on a queued submission, then, if `send_now`, tries once to send it.
    pub async fn follow_up(
        &self,
        code_or_item: &str,
        follow_up: FollowUp,
        files: &[(PathBuf, Option<String>)],
        picked: &[(String, Option<String>)],
        send_now: bool,
    ) -> Result<SubmitOutcome, CoreError> {
        let target = self.resolve_target(code_or_item)?;
        let profile = self.active()?;
        let mut follow_up = follow_up;
        if let FollowUp::DeliveryChange(delivery) = &mut follow_up {
            let procedure_id =
                match target {
                    ApplicationTarget::Application { application_id } => profile
                        .cache
                        .read(|conn| applications::find(conn, &application_id.to_string()))?
                        .map(|application| application.procedure_id),
                    ApplicationTarget::QueuedItem { item_id } => profile
                        .queue
                        .item(item_id)?
                        .and_then(|item| match item.payload {
                            ItemPayload::CreateApplication { application } => {
                                Some(application.procedure_id)
                            }
                            _ => None,
                        }),
                };
            if let Some(procedure) = procedure_id
                .map(|id| profile.cache.read(|conn| catalog::procedure(conn, &id)))
                .transpose()?
                .flatten()
            {
                let units = profile.cache.read(reference::admin_units)?;
                *delivery = check_delivery(&procedure, delivery, units.as_deref())
                    .into_result()
                    .map_err(|problems| {
                        CoreError::InvalidSubmission(problems.into_iter().map(Into::into).collect())
                    })?;
            }
        }
        let mut staged = Vec::new();
        for (path, requirement) in files {
            staged.push(profile.queue.stage_attachment(path, requirement.clone())?);
        }
        staged.extend(self.stage_picked_into(&profile.queue, picked)?);
        let enqueued = profile
            .queue
            .enqueue_follow_up(target, follow_up, &staged)?;
        self.forget_staged(files);
        self.forget_picked(picked);
        self.emit(CoreEvent::QueueChanged);
        self.after_enqueue(enqueued, send_now).await
    }

    /// Deletes the app's staged copies of files a submission just queued (the queue keeps its
    /// own, content-addressed copy): personal data is not kept twice. Files the person picked
    /// elsewhere are theirs and stay. Best effort: a copy that cannot be deleted now goes with
    /// the staging folder when the device is cleared.
    fn forget_staged(&self, files: &[(PathBuf, Option<String>)]) {
        let staging = self.options.data_dir.staging_dir();
        for (path, _) in files {
            if !path.starts_with(&staging) {
                continue;
            }
            let _deleted = std::fs::remove_file(path);
            // The app keeps each copy in a folder named by its hash; an empty one goes too.
            if let Some(folder) = path.parent().filter(|folder| *folder != staging.as_path()) {
                let _removed_if_empty = std::fs::remove_dir(folder);
            }
        }
    }

    pub(super) async fn after_enqueue(
        &self,
        enqueued: Enqueued,
        send_now: bool,
    ) -> Result<SubmitOutcome, CoreError> {
        let profile = self.active()?;
        // Another sender (a running drain) may hold the queue; then it sends this too.
        let lock = if send_now && profile.session.is_signed_in() {
            profile.queue.try_lock_sender()?
        } else {
            None
        };
        let Some(lock) = lock else {
            // Not sent here: the item is as it was just inserted.
            return Ok(SubmitOutcome {
                item_id: enqueued.item_id,
                upload_ids: enqueued.upload_ids,
                state: ItemState::Queued,
                sent: false,
                application_id: None,
                application_code: None,
                reason: None,
            });
        };
        let scope = enqueued.all_ids();
        let report = profile
            .queue
            .send_pass(&lock, &profile.delivery, Some(&scope))
            .await?;
        self.absorb(&report);
        drop(lock);
        let item = profile
            .queue
            .item(enqueued.item_id)?
            .ok_or(QueueError::NoSuchItem(enqueued.item_id))?;
        Ok(SubmitOutcome {
            item_id: item.id,
            upload_ids: enqueued.upload_ids,
            state: item.state,
            sent: item.state == ItemState::Sent,
            application_id: item.application_id,
            application_code: item.application_code,
            reason: item.reason,
        })
    }

    /// Takes in what a send pass did: the server's answers go into the cache, events go out.
    pub(crate) fn absorb(&self, report: &PassReport) {
        let Some(profile) = &self.profile else {
            return;
        };
        let answered: Vec<_> = report
            .sent
            .iter()
            .filter_map(|sent| match &sent.answer {
                ServerAnswer::Application(application) => Some(application),
                _ => None,
            })
            .collect();
        // One transaction for the pass's answers. The cache is a copy; if this write fails,
        // the next sync brings them anyway.
        // Hand-added documents: the portal's answer takes the place of the entry kept under
        // the queue item's id.
        let documents: Vec<_> = report
            .sent
            .iter()
            .filter_map(|sent| match &sent.answer {
                ServerAnswer::Document(document) => Some((sent.id, document)),
                _ => None,
            })
            .collect();
        let documents_changed = !documents.is_empty()
            && profile
                .cache
                .write(|tx| {
                    documents.iter().try_for_each(|(local_id, document)| {
                        crate::store::documents::replace(tx, *local_id, document)
                    })
                })
                .is_ok();
        let applications_changed = !answered.is_empty()
            && profile
                .cache
                .write(|tx| {
                    answered
                        .iter()
                        .try_for_each(|application| applications::upsert(tx, application))
                })
                .is_ok();
        if !report.sent.is_empty() {
            self.set_online(true);
        }
        if report.went_offline {
            self.set_online(false);
        }
        if !report.sent.is_empty() || !report.needs_attention.is_empty() || report.retried > 0 {
            self.emit(CoreEvent::QueueChanged);
        }
        if applications_changed {
            self.emit(CoreEvent::ApplicationsChanged);
        }
        if documents_changed {
            self.emit(CoreEvent::CacheChanged);
        }
        if report.end == PassEnd::PausedAuth {
            self.emit(CoreEvent::SignInRequired);
        }
    }
}
