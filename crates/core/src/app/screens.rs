//! The views each screen shows, built from what the façade holds and the core clock's time
//! (`crate::views`). The app shell's commands and the CLI call these and nothing else for
//! what they show, so the app and the CLI show the same thing.

use std::collections::HashMap;

use opendvc_api::{Catalog, Procedure};
use uuid::Uuid;

use super::OpenDvc;
use crate::error::CoreError;
use crate::queue::{ItemKind, QueueItem};
use crate::reminders::{ReminderChoice, RulesTable};
use crate::store::meta;
use crate::views::applications::{ApplicationView, ApplicationsView, application_view};
use crate::views::apply::{DraftView, FollowUpInput};
use crate::views::catalog::{SEARCH_LIMIT, procedures_found};
use crate::views::dashboard::{self, DashboardView};
use crate::views::documents::{
    CalendarExportView, NewDocumentInput, ReminderMode, ReminderView, WalletEntry, reminder_choice,
    reminder_view, validity, wallet,
};
use crate::views::inbox::{INBOX_LIMIT, InboxEntry};
use crate::views::queue::{
    DiscardResult, QueueContext, QueueItemView, SubmitOutcome, SubmitResult, discard_result,
    queue_item,
};
use crate::views::session::SessionState;
use crate::views::settings::{SettingsView, settings_from_view, settings_view};
use crate::views::text::vietnam_today;

/// Where the reminders' calendar file is saved, by name.
const CALENDAR_FILE_NAME: &str = "opendvc-reminders.ics";

impl OpenDvc {
    /// Who uses the app, in which language, whether the portal answered lately, and the
    /// staff member of a shared device. Never fails: a damaged store reads as signed out.
    pub fn session_state(&self) -> SessionState {
        let signed_in = self.is_signed_in();
        // Only a device a staff member signed in on is a shared one.
        let staff = self
            .staff_status()
            .ok()
            .filter(|staff| staff.staff.is_some());
        let display =
            crate::preferences::PreferencesFile::of(&self.options.data_dir).device_choices();
        SessionState {
            signed_in,
            profile: if signed_in {
                self.profile().ok().flatten()
            } else {
                None
            },
            language: self.language(),
            // Before the first attempt nothing says the portal is away; the first sync tells.
            online: self.online_hint().unwrap_or(true),
            staff,
            auto_lock_seconds: self.options.auto_lock_seconds,
            text_size: display.text_size,
            high_contrast: display.high_contrast,
        }
    }

    /// Whether the portal answered at the last attempt, in this process or the last one.
    fn online_hint(&self) -> Option<bool> {
        self.online_now().or_else(|| {
            let profile = self.active().ok()?;
            let last = profile
                .cache
                .read(|conn| meta::get(conn, meta::LAST_ONLINE))
                .ok()??;
            Some(last == "true")
        })
    }

    /// The queue items among `items` as the UI shows them.
    pub(super) fn queue_views(&self, items: &[QueueItem]) -> Result<Vec<QueueItemView>, CoreError> {
        let summary = self.queue_summary()?;
        let texts = self.texts(self.language())?;
        let names: HashMap<_, _> = self
            .catalog()
            .unwrap_or_default()
            .into_iter()
            .map(|procedure| (procedure.id, procedure.name))
            .collect();
        let progress = self.progress_map().clone();
        let context = QueueContext {
            localizer: &texts,
            procedure_names: &names,
            progress: &progress,
            summary: &summary,
        };
        Ok(items
            .iter()
            .filter_map(|item| queue_item(item, &context))
            .collect())
    }

    /// One application, with what waits to be sent about it; `None` while the portal has not
    /// acknowledged it.
    fn application_with_queue(
        &self,
        code_or_id: &str,
    ) -> Result<Option<ApplicationView>, CoreError> {
        let detail = self.application(code_or_id)?;
        let summary = self.queue_summary()?;
        let texts = self.texts(self.language())?;
        let names: HashMap<_, _> = HashMap::new();
        let progress = self.progress_map().clone();
        let context = QueueContext {
            localizer: &texts,
            procedure_names: &names,
            progress: &progress,
            summary: &summary,
        };
        Ok(application_view(&detail, &context))
    }

    /// The home screen of the signed-in person, from the cache.
    pub fn dashboard_view(&self, rules: &RulesTable) -> Result<DashboardView, CoreError> {
        let dashboard = self.dashboard()?;
        if !dashboard.signed_in {
            return Err(CoreError::NotSignedIn);
        }
        // The profile arrives with the first sync; until then there is nothing to show.
        let profile = self.profile()?.ok_or(CoreError::CatalogMissing)?;
        let mut needs_action = Vec::new();
        for entry in &dashboard.needing_action {
            if let Some(id) = entry.id
                && let Some(view) = self.application_with_queue(&id.to_string())?
            {
                needs_action.push(view);
            }
        }
        let unsent: Vec<QueueItem> = self
            .queue_items(false)?
            .into_iter()
            .filter(|item| item.state.is_unsent() && item.kind() != ItemKind::UploadAttachment)
            .collect();
        let waiting_to_send = self.queue_views(&unsent)?;
        let today = vietnam_today(self.now());
        let next_renewals =
            dashboard::next_renewals(&self.documents()?, Some(profile.birth_date), rules, today);
        Ok(dashboard::dashboard_view(
            &dashboard,
            profile,
            needs_action,
            waiting_to_send,
            next_renewals,
        ))
    }

    /// The applications screen: the portal's applications, newest first. Submissions still
    /// in the queue have no application yet; the queue screen and the home screen show them.
    pub fn applications_view(&self) -> Result<ApplicationsView, CoreError> {
        let mut items = Vec::new();
        for entry in self.applications()? {
            if let Some(id) = entry.id
                && let Some(view) = self.application_with_queue(&id.to_string())?
            {
                items.push(view);
            }
        }
        let synced_at = self.dashboard()?.last_sync_at;
        Ok(ApplicationsView { items, synced_at })
    }

    /// One application by code, id, or the id of the queue item that created it.
    pub fn application_view(&self, code_or_id: &str) -> Result<ApplicationView, CoreError> {
        self.application_with_queue(code_or_id)?
            .ok_or_else(|| CoreError::UnknownApplication(code_or_id.to_owned()))
    }

    /// The wallet: each document with its validity and the person's reminder choice.
    pub fn wallet_view(&self, rules: &RulesTable) -> Result<Vec<WalletEntry>, CoreError> {
        let birth_date = self.profile()?.map(|profile| profile.birth_date);
        let today = vietnam_today(self.now());
        let choices = self.reminder_choices()?;
        Ok(wallet(
            self.documents()?,
            birth_date,
            &choices,
            rules,
            today,
        ))
    }

    /// Adds a document typed in by the person, and shows it as the wallet does.
    pub fn add_document_view(
        &self,
        input: NewDocumentInput,
        rules: &RulesTable,
    ) -> Result<WalletEntry, CoreError> {
        let document = self.add_document(input.into_draft()?)?;
        let birth_date = self.profile()?.map(|profile| profile.birth_date);
        let today = vietnam_today(self.now());
        Ok(WalletEntry {
            validity: validity(&document, birth_date, rules, today),
            reminder: reminder_view(document.id, ReminderChoice::default(), today),
            document,
        })
    }

    /// Switches a document's reminders on or off, or snoozes them for `days` days.
    pub fn set_reminder(
        &self,
        document_id: Uuid,
        mode: ReminderMode,
        days: Option<u32>,
    ) -> Result<ReminderView, CoreError> {
        let (today, _) = self.local_today()?;
        let choice = reminder_choice(mode, days, today)?;
        if !self
            .documents()?
            .iter()
            .any(|document| document.id == document_id)
        {
            return Err(CoreError::UnknownDocument(document_id));
        }
        self.set_reminder_choice(document_id, choice)?;
        Ok(reminder_view(document_id, choice, today))
    }

    /// A draft renewing a wallet document, pre-filled from the profile and the document.
    pub fn renewal_draft(
        &self,
        document_id: Uuid,
        rules: &RulesTable,
    ) -> Result<DraftView, CoreError> {
        let draft = self.start_renewal(document_id, rules)?;
        Ok(DraftView::renewal(draft, document_id))
    }

    /// The renewal reminders as an iCalendar file (RFC 5545) in the app's language.
    pub fn calendar_export(&self, rules: &RulesTable) -> Result<CalendarExportView, CoreError> {
        let (today, now) = self.local_today()?;
        Ok(CalendarExportView {
            file_name: CALENDAR_FILE_NAME.to_owned(),
            ics: self.reminders_calendar(today, now, rules)?,
        })
    }

    /// The cached catalog of procedures with its version.
    pub fn catalog_view(&self) -> Result<Catalog, CoreError> {
        let items = self.catalog()?;
        let version = self.dashboard()?.catalog_version.unwrap_or_default();
        Ok(Catalog { version, items })
    }

    /// The cached catalog's procedures that match `query`, best first, found offline (any
    /// spelling: without diacritics, English, Indonesian, typos).
    pub fn search_procedures(&self, query: &str) -> Result<Vec<Procedure>, CoreError> {
        let hits = self.search_catalog(query, SEARCH_LIMIT)?;
        Ok(procedures_found(&hits, self.catalog()?))
    }

    /// One procedure of the cached catalog.
    pub fn procedure(&self, id: &str) -> Result<Procedure, CoreError> {
        self.catalog()?
            .into_iter()
            .find(|procedure| procedure.id == id)
            .ok_or_else(|| CoreError::UnknownProcedure(id.to_owned()))
    }

    /// What a submission or follow-up answers the screen: whether the portal has it, and the
    /// application it made.
    fn submit_result(&self, outcome: &SubmitOutcome) -> Result<SubmitResult, CoreError> {
        let application = match outcome.application_id {
            Some(id) => self.application(&id.to_string())?.application,
            None => None,
        };
        Ok(SubmitResult {
            item_id: outcome.item_id,
            sent: outcome.sent,
            application,
        })
    }

    /// Queues the draft the screen sent and tries to send it at once; the saved draft it
    /// came from (`draft_id`) is removed once it is queued.
    pub async fn submit_draft(&self, draft: DraftView) -> Result<SubmitResult, CoreError> {
        let saved = draft.draft_id;
        let outcome = self.submit(draft.into_submission(), true).await?;
        // The application is queued whatever happens here: a draft that could not be
        // removed is only shown once more, never worth failing the submission for.
        if let Some(id) = saved {
            self.forget_submitted_draft(id).ok();
        }
        self.submit_result(&outcome)
    }

    /// Queues a follow-up the screen sent and tries to send it at once.
    pub async fn follow_up_view(
        &self,
        code_or_item: &str,
        action: FollowUpInput,
    ) -> Result<SubmitResult, CoreError> {
        let (follow_up, picked) = action.into_follow_up();
        let outcome = self
            .follow_up(code_or_item, follow_up, &[], &picked, true)
            .await?;
        self.submit_result(&outcome)
    }

    /// Every queue item not yet purged, oldest first, as the queue screen shows them.
    pub fn queue_view(&self) -> Result<Vec<QueueItemView>, CoreError> {
        let items = self.queue_items(false)?;
        self.queue_views(&items)
    }

    /// Puts an item back in line at once, and shows it.
    pub fn retry_view(&self, id: Uuid) -> Result<QueueItemView, CoreError> {
        self.retry(id)?;
        let missing = || CoreError::Queue(crate::queue::QueueError::NoSuchItem(id));
        let item = self.queue_item(id)?.ok_or_else(missing)?;
        self.queue_views(std::slice::from_ref(&item))?
            .pop()
            .ok_or_else(missing)
    }

    /// Discards an item the person chose to give up (see [`OpenDvc::discard`]).
    pub async fn discard_view(&self, id: Uuid) -> Result<DiscardResult, CoreError> {
        Ok(discard_result(&self.discard(id).await?))
    }

    /// The inbox, newest first, with what was read.
    pub fn inbox_view(&self) -> Result<Vec<InboxEntry>, CoreError> {
        Ok(self
            .inbox_entries(INBOX_LIMIT)?
            .into_iter()
            .map(|(item, read)| InboxEntry { item, read })
            .collect())
    }

    /// The settings screen.
    pub fn settings_view(&self) -> Result<SettingsView, CoreError> {
        Ok(settings_view(&self.settings()?))
    }

    /// Stores the settings the screen sent and shows them as stored; refused fields are
    /// named as the screen names them ([`CoreError::InvalidSettings`]).
    pub fn save_settings_view(&self, view: &SettingsView) -> Result<SettingsView, CoreError> {
        let wanted = settings_from_view(&self.settings()?, view)?;
        Ok(settings_view(&self.save_settings(&wanted)?))
    }
}
