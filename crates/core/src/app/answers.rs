//! "Declared once, used many times" on the device: a form pre-filled from what the city holds
//! (profile, addresses with their unit, wallet documents) and from the person's remembered
//! answers, which are offered, never filled in for them. Answers are remembered per field kind
//! (`previous.{key}` in the catalog) in the signed-in citizen's own cache when an application
//! is queued, cleared by sign-out, and never kept in an assisted session or on a shared device.

use std::collections::BTreeMap;

use opendvc_api::{Procedure, Profile};
use opendvc_rules::prefill::{self as form_prefill, PrefillFrom, PrefillSource};
use uuid::Uuid;

use super::OpenDvc;
use crate::checks::DraftContext;
use crate::error::CoreError;
use crate::store::{answers, documents, profile as cached_profile};
use crate::views::apply::PrefillView;

impl OpenDvc {
    /// Whether this device may keep what the person types: not a shared device, not an
    /// assisted session.
    pub(crate) fn keeps_answers(&self) -> bool {
        !self.options.shared_device
            && self
                .profile
                .as_ref()
                .is_some_and(|profile| profile.assisted.is_none())
    }

    /// The values to pre-fill `procedure_id`'s form with: `filled` from what the city holds
    /// (the wallet documents in `picked` first, then the wallet's first of each kind), and
    /// `offered` from the person's previous answers of the same kind, for the UI to offer.
    pub fn prefill_form(
        &self,
        procedure_id: &str,
        picked: &[Uuid],
    ) -> Result<PrefillView, CoreError> {
        let DraftContext { procedure, units } = self.draft_context(procedure_id)?;
        let mut wallet = self.active()?.cache.read(documents::list)?;
        wallet.sort_by_key(|document| !picked.contains(&document.id));
        let profile = self.active()?;
        let person: Option<Profile> = profile.cache.read(cached_profile::load)?;
        let remembered: BTreeMap<String, String> = if self.keeps_answers() {
            profile.cache.read(answers::all)?.into_iter().collect()
        } else {
            BTreeMap::new()
        };
        let from = PrefillFrom {
            profile: person.as_ref(),
            wallet: &wallet,
            units: units.as_deref(),
            previous: &remembered,
        };
        let mut view = PrefillView::default();
        for field in &procedure.form_fields {
            let Some(source) = field.prefill.as_deref().and_then(PrefillSource::parse) else {
                continue;
            };
            let Some(value) = form_prefill::value(&source, &from) else {
                continue;
            };
            match source {
                PrefillSource::Previous(_) => view.offered.insert(field.id.clone(), value),
                _ => view.filled.insert(field.id.clone(), value),
            };
        }
        Ok(view)
    }

    /// Remembers the answers of `form` whose fields take a previous answer, by their kind.
    /// Nothing is kept on a shared device or in an assisted session.
    pub(crate) fn remember_answers(
        &self,
        procedure: &Procedure,
        form: &BTreeMap<String, String>,
    ) -> Result<(), CoreError> {
        if !self.keeps_answers() {
            return Ok(());
        }
        let kept: Vec<(String, &String)> = procedure
            .form_fields
            .iter()
            .filter_map(|field| {
                let source = field.prefill.as_deref().and_then(PrefillSource::parse)?;
                let PrefillSource::Previous(key) = source else {
                    return None;
                };
                Some((key, form.get(&field.id)?))
            })
            .collect();
        if kept.is_empty() {
            return Ok(());
        }
        let now = self.now();
        self.active()?.cache.write(|conn| {
            for (key, value) in &kept {
                answers::remember(conn, key, value, now)?;
            }
            Ok(())
        })?;
        Ok(())
    }

    /// The remembered answers by kind (what the next form may offer).
    pub fn remembered_answers(&self) -> Result<Vec<(String, String)>, CoreError> {
        Ok(self.active()?.cache.read(answers::all)?)
    }
}
