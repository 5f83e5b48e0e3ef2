//! The checks the UI asks for as the person types, so that the UI holds no copy of a rule:
//! one value by its field kind (`check_field`) and a whole draft against the cached catalog
//! (`check_draft`), and what the draft costs (`quote_fee`). All are the shared rules of
//! `opendvc_rules`, the ones `submit` applies before it queues and the portal applies when the
//! submission arrives.

use std::sync::Arc;

use opendvc_api::{AdminUnits, FieldKind, NewApplication, Procedure};
use opendvc_rules::fees::{self, FeeError, Filing, QuoteInput};
use opendvc_rules::form::check_application;
use opendvc_rules::{FieldProblem, fields, vietnam_today};

use crate::app::OpenDvc;
use crate::error::CoreError;
use crate::store::{catalog, profile, reference};
use crate::views::{FeeQuoteView, FieldCheck};

impl OpenDvc {
    /// One value checked by its field kind alone: the value as it would be kept, or what is
    /// wrong. Needs no sign-in and no network.
    pub fn check_field(&self, kind: FieldKind, value: &str) -> FieldCheck {
        fields::by_kind(kind, value).into()
    }

    /// Every problem of a draft against its procedure in the cached catalog, offline: the
    /// form, the delivery choice (the unit against the cached administrative units, when the
    /// device has them) and the documents its attachments name. Empty when `submit` would
    /// queue it. Files are matched to the required documents only by `submit`.
    pub fn check_draft(&self, draft: &NewApplication) -> Result<Vec<FieldProblem>, CoreError> {
        let DraftContext { procedure, units } = self.draft_context(&draft.procedure_id)?;
        Ok(check_application(&procedure, draft, units.as_deref()).problems)
    }

    /// What a draft costs, offline, by the shared fee computation over the cached catalog and
    /// the cached profile's birth date (for exemptions by age), filed online: the same quote
    /// the portal records when the application arrives. `fee_case` is the citizen's choice
    /// where the form does not decide it (else the draft's `feeCase`); without one, the view
    /// lists the choices.
    pub fn quote_fee(
        &self,
        draft: &NewApplication,
        fee_case: Option<&str>,
    ) -> Result<FeeQuoteView, CoreError> {
        let DraftContext { procedure, .. } = self.draft_context(&draft.procedure_id)?;
        let birth_date = self
            .active()?
            .cache
            .read(profile::load)?
            .map(|profile| profile.birth_date);
        let input = QuoteInput {
            form: &draft.form,
            fee_case: fee_case.or(draft.fee_case.as_deref()),
            delivery: Some(&draft.delivery),
            birth_date,
            filing: Filing::Online,
            today: vietnam_today(self.now()),
        };
        Ok(match fees::quote(&procedure, &input) {
            Ok(quote) => FeeQuoteView {
                quote: Some(quote),
                choices: Vec::new(),
                problems: Vec::new(),
            },
            Err(FeeError::CaseNeeded { .. }) => FeeQuoteView {
                quote: None,
                choices: procedure.fee_cases.clone(),
                problems: Vec::new(),
            },
            Err(error) => FeeQuoteView {
                quote: None,
                choices: Vec::new(),
                problems: error.field_errors(),
            },
        })
    }

    /// What a draft is checked against: its procedure from the cached catalog and the cached
    /// administrative units. A caller that needs the wallet reads it beside: by id and kind to
    /// match attachments ([`crate::store::documents::held`]), whole to pre-fill a form
    /// ([`crate::store::documents::list`]).
    pub(crate) fn draft_context(&self, procedure_id: &str) -> Result<DraftContext, CoreError> {
        let profile = self.active()?;
        let (procedure, units) = profile.cache.read(|conn| {
            Ok((
                catalog::procedure(conn, procedure_id)?,
                reference::admin_units(conn)?,
            ))
        })?;
        match procedure {
            Some(procedure) => Ok(DraftContext { procedure, units }),
            // Which mistake it is: asked before any catalog was cached, or for a procedure
            // the cached catalog does not have.
            None if profile.cache.read(catalog::meta)?.is_none() => Err(CoreError::CatalogMissing),
            None => Err(CoreError::UnknownProcedure(procedure_id.to_owned())),
        }
    }
}

/// What a draft is checked against ([`OpenDvc::draft_context`]).
pub(crate) struct DraftContext {
    pub procedure: Arc<Procedure>,
    pub units: Option<Arc<AdminUnits>>,
}
