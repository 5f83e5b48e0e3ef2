//! What the façade reads from the cache: the dashboard's data, applications with their local
//! overlays, documents, the catalog and its search, the inbox; and what the person adds to it.

use std::collections::{HashMap, HashSet};

use chrono::Datelike;
use opendvc_api::{Document, DocumentSource, LocalizedText, Procedure, Profile};
use uuid::Uuid;

use super::OpenDvc;
use crate::drafts::DocumentDraft;
use crate::error::CoreError;
use crate::events::CoreEvent;
use crate::queue::{ItemKind, ItemPayload, QueueItem};
use crate::search::SearchHit;
use crate::store::{applications, catalog, documents, inbox, meta, reference};
use crate::validate;
use crate::views::applications::{
    ApplicationDetail, ApplicationEntry, EntryStatus, LocalStatus, entry_for, queued_entries,
    related_items, sent_answer,
};
use crate::views::dashboard::{self, Dashboard};
use opendvc_rules::WorkingCalendar;

impl OpenDvc {
    /// The home screen, from the cache and the queue only (works offline).
    pub fn dashboard(&self) -> Result<Dashboard, CoreError> {
        let online = self.online_now();
        let Some(profile) = self.active().ok() else {
            return Ok(dashboard::signed_out(
                self.options.portal_override.clone(),
                online,
                self.cache_rebuilt_from.clone(),
            ));
        };
        let (full_name, counts, documents, unread, last_sync, catalog_meta, last_online) =
            profile.cache.read(|conn| {
                Ok((
                    crate::store::profile::load(conn)?.map(|profile| profile.full_name),
                    applications::count_by_status(conn)?,
                    documents::count(conn)?,
                    inbox::unread_count(conn)?,
                    meta::get(conn, meta::LAST_SYNC_AT)?,
                    catalog::meta(conn)?,
                    meta::get(conn, meta::LAST_ONLINE)?,
                ))
            })?;
        let now = self.now();
        // Only unsent items matter here; a device that sent thousands stays fast.
        let items = profile.queue.unsent_items()?;
        let calendar = self.working_calendar()?;
        let names = self.procedure_names(&items)?;
        let mut needing_action: Vec<ApplicationEntry> =
            queued_entries(&items, None, &names, &calendar, now)
                .into_iter()
                .filter(|entry| entry.status == EntryStatus::Local(LocalStatus::NeedsAttention))
                .collect();
        needing_action.extend(
            profile
                .cache
                .read(|conn| applications::needing_action(conn, now))?
                .iter()
                .map(|application| entry_for(application, &items, &calendar, now)),
        );
        Ok(Dashboard {
            signed_in: profile.session.is_signed_in(),
            portal_url: Some(profile.client.base_url().to_owned()),
            full_name,
            online: online.or_else(|| last_online.map(|text| text == "true")),
            queue: profile.queue.summary()?,
            counts_by_status: counts.into_iter().collect(),
            needing_action,
            documents,
            unread_inbox: unread,
            last_sync_at: last_sync,
            catalog_version: catalog_meta.map(|meta| meta.version),
            cache_rebuilt_from: self.cache_rebuilt_from.clone(),
        })
    }

    /// The holiday calendars cached for last year, this year and next year.
    fn working_calendar(&self) -> Result<WorkingCalendar, CoreError> {
        let profile = self.active()?;
        let year = self.now().year();
        let calendars = profile
            .cache
            .read(|conn| reference::holiday_calendars(conn, year - 1..=year + 1))?;
        Ok(WorkingCalendar::new(&calendars))
    }

    /// The catalog's names of the procedures `items` submit, for their local entries.
    fn procedure_names(
        &self,
        items: &[QueueItem],
    ) -> Result<HashMap<String, LocalizedText>, CoreError> {
        let profile = self.active()?;
        let mut names = HashMap::new();
        for item in items {
            if let ItemPayload::CreateApplication { application } = &item.payload
                && !names.contains_key(&application.procedure_id)
                && let Some(procedure) = profile
                    .cache
                    .read(|conn| catalog::procedure(conn, &application.procedure_id))?
            {
                names.insert(application.procedure_id.clone(), procedure.name.clone());
            }
        }
        Ok(names)
    }

    /// Applications from the cache, with local submissions still in the queue shown on top
    /// as "waiting to send" (or "needs attention"). Newest first.
    pub fn applications(&self) -> Result<Vec<ApplicationEntry>, CoreError> {
        let profile = self.active()?;
        let cached = profile.cache.read(applications::list)?;
        let items = profile.queue.items(false)?;
        let calendar = self.working_calendar()?;
        let now = self.now();
        let known: HashSet<Uuid> = cached.iter().map(|application| application.id).collect();
        let unsent: Vec<QueueItem> = items
            .iter()
            .filter(|item| item.state.is_unsent())
            .cloned()
            .collect();
        let names = self.procedure_names(&unsent)?;
        let mut entries = queued_entries(&items, Some(&known), &names, &calendar, now);
        entries.extend(
            cached
                .iter()
                .map(|application| entry_for(application, &items, &calendar, now)),
        );
        Ok(entries)
    }

    /// One application by code, application id, or the id of the queue item that creates it.
    pub fn application(&self, code_or_id: &str) -> Result<ApplicationDetail, CoreError> {
        let profile = self.active()?;
        let items = profile.queue.items(true)?;
        let mut application = profile
            .cache
            .read(|conn| applications::find(conn, code_or_id))?;
        let creating_item = Uuid::parse_str(code_or_id)
            .ok()
            .and_then(|id| {
                items
                    .iter()
                    .find(|item| item.id == id && item.kind() == ItemKind::CreateApplication)
            })
            .cloned();
        if application.is_none()
            && let Some(item) = &creating_item
        {
            if let Some(id) = item.application_id {
                application = profile
                    .cache
                    .read(|conn| applications::find(conn, &id.to_string()))?;
            }
            if application.is_none() {
                application = sent_answer(item);
            }
        }
        let unknown = || CoreError::UnknownApplication(code_or_id.to_owned());
        if application.is_none() && creating_item.is_none() {
            return Err(unknown());
        }
        let creator_id = creating_item.as_ref().map(|item| item.id).or_else(|| {
            application.as_ref().and_then(|application| {
                items
                    .iter()
                    .find(|item| {
                        item.application_id == Some(application.id)
                            && item.kind() == ItemKind::CreateApplication
                    })
                    .map(|item| item.id)
            })
        });
        let related = related_items(&items, application.as_ref(), creator_id);
        let entry = match &application {
            Some(application) => {
                entry_for(application, &items, &self.working_calendar()?, self.now())
            }
            None => {
                let item = creating_item.ok_or_else(unknown)?;
                self.applications()?
                    .into_iter()
                    .find(|entry| entry.queue_item_id == Some(item.id))
                    .ok_or_else(unknown)?
            }
        };
        Ok(ApplicationDetail {
            entry,
            application,
            queue_items: related,
        })
    }

    pub fn profile(&self) -> Result<Option<Profile>, CoreError> {
        Ok(self.active()?.cache.read(crate::store::profile::load)?)
    }

    pub fn documents(&self) -> Result<Vec<Document>, CoreError> {
        Ok(self.active()?.cache.read(documents::list)?)
    }

    pub fn catalog(&self) -> Result<Vec<Procedure>, CoreError> {
        Ok(self.active()?.cache.read(catalog::procedures)?)
    }

    /// Searches the cached catalog, offline: the best `limit` procedures for what the person
    /// typed, in any spelling (see [`crate::search`]).
    pub fn search_catalog(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>, CoreError> {
        Ok(self.active()?.search.search(query, limit)?)
    }

    pub fn inbox(&self, limit: u32) -> Result<Vec<opendvc_api::InboxItem>, CoreError> {
        Ok(self
            .active()?
            .cache
            .read(|conn| inbox::latest(conn, limit))?)
    }

    /// The newest `limit` inbox items with whether each was read, newest first.
    pub fn inbox_entries(
        &self,
        limit: u32,
    ) -> Result<Vec<(opendvc_api::InboxItem, bool)>, CoreError> {
        Ok(self
            .active()?
            .cache
            .read(|conn| inbox::latest_with_read(conn, limit))?)
    }

    /// Marks an inbox item read. Read marks stay on this device; the portal does not keep
    /// them.
    pub fn mark_read(&self, id: Uuid) -> Result<(), CoreError> {
        let marked = self.active()?.cache.write(|tx| inbox::mark_read(tx, id))?;
        if !marked {
            return Err(CoreError::UnknownInboxItem(id));
        }
        self.emit(CoreEvent::CacheChanged);
        Ok(())
    }

    /// Adds a document the person typed in to the wallet (source `citizen`), after checking
    /// it, and queues its upload to the portal's wallet (`POST /v1/documents`), so it follows
    /// the person to every device they sign in on. The upload is queued first, durably; the
    /// wallet then holds the document under the queue item's id (also its `Idempotency-Key`),
    /// and when the portal answers, the answer replaces that entry under the portal's id (as
    /// the queue's answers are absorbed), which is the id every other device's sync brings: the
    /// wallet never holds it twice once the answer is in. On a shared device the item is sealed like
    /// every other.
    pub fn add_document(&self, draft: DocumentDraft) -> Result<Document, CoreError> {
        let profile = self.active()?;
        let now = self.now();
        // The person's dates are Vietnamese dates.
        let today = crate::views::text::vietnam_today(now);
        let errors = validate::check_document(&draft, today);
        if !errors.is_empty() {
            return Err(CoreError::InvalidDocument(errors));
        }
        let new = opendvc_rules::document::tidy_new_document(&draft.to_new_document());
        let item_id = Uuid::now_v7();
        profile.queue.enqueue_document(item_id, new.clone())?;
        let document = Document {
            id: item_id,
            kind: new.kind,
            number: new.number,
            issued_on: new.issued_on,
            expires_on: new.expires_on,
            issuer: new.issuer,
            classes: new.classes,
            source: DocumentSource::Citizen,
            reminders: Default::default(),
            updated_at: now.fixed_offset(),
        };
        profile.cache.write(|tx| documents::upsert(tx, &document))?;
        self.emit(CoreEvent::QueueChanged);
        self.emit(CoreEvent::CacheChanged);
        Ok(document)
    }
}
