//! Who on the city's side sees which applications — the one place that decides it. An
//! officer sees an application iff its procedure's agency is the officer's and, for an agency
//! of commune level, its unit is the officer's unit; an agency supervisor the same without the
//! unit; a city-wide supervisor every application. Only officers move applications or enter
//! counter applications; supervisors read and assign.

use opendvc_api::StaffKind;

use crate::agencies::AgencyLevel;
use crate::data::ReferenceData;
use crate::error::ApiError;
use crate::store::{QueueFilter, StaffRecord};

/// The applications a staff member of the city's side may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every application (a city-wide supervisor).
    City,
    /// The applications of one agency's procedures; for a commune-level officer, only those
    /// of `unit` (an officer of a commune-level agency without a unit sees none).
    Agency {
        agency: String,
        unit: Option<String>,
        commune: bool,
    },
}

impl Scope {
    /// The scope of `staff`, who must be an officer or a supervisor: anyone else gets 403.
    pub fn of(staff: &StaffRecord, data: &ReferenceData) -> Result<Scope, ApiError> {
        match (staff.kind, &staff.agency) {
            (StaffKind::Supervisor, None) => Ok(Scope::City),
            (StaffKind::Supervisor, Some(agency)) => Ok(Scope::Agency {
                agency: agency.clone(),
                unit: None,
                commune: false,
            }),
            (StaffKind::Officer, Some(agency)) => {
                let commune = data
                    .agency(agency)
                    .is_some_and(|known| known.level == AgencyLevel::Commune);
                Ok(Scope::Agency {
                    agency: agency.clone(),
                    unit: if commune { staff.unit.clone() } else { None },
                    commune,
                })
            }
            (StaffKind::Officer, None) => Err(ApiError::forbidden(
                "This officer account belongs to no agency; ask the portal's operator to set it.",
            )),
            (StaffKind::Agent | StaffKind::Volunteer, _) => Err(ApiError::forbidden(
                "Only the city's officers and supervisors may use the officer API.",
            )),
        }
    }

    /// Whether an application of `procedure_id` from unit `unit_code` is in the scope.
    pub fn covers(
        &self,
        data: &ReferenceData,
        procedure_id: &str,
        unit_code: Option<&str>,
    ) -> bool {
        match self {
            Scope::City => true,
            Scope::Agency {
                agency,
                unit,
                commune,
            } => {
                let of_agency = data
                    .procedure(procedure_id)
                    .is_some_and(|procedure| &procedure.agency_id == agency);
                of_agency && (!commune || (unit.is_some() && unit.as_deref() == unit_code))
            }
        }
    }

    /// The procedures of the scope (`None`: every one).
    pub fn procedures(&self, data: &ReferenceData) -> Option<Vec<String>> {
        match self {
            Scope::City => None,
            Scope::Agency { agency, .. } => Some(
                data.catalog
                    .items
                    .iter()
                    .filter(|procedure| &procedure.agency_id == agency)
                    .map(|procedure| procedure.id.clone())
                    .collect(),
            ),
        }
    }

    /// The queue filter of the scope alone. A commune-level officer without a unit gets a
    /// filter that matches nothing.
    pub fn filter(&self, data: &ReferenceData) -> QueueFilter {
        let mut filter = QueueFilter {
            procedures: self.procedures(data),
            ..QueueFilter::default()
        };
        if let Scope::Agency {
            unit,
            commune: true,
            ..
        } = self
        {
            match unit {
                Some(unit) => filter.scope_unit = Some(unit.clone()),
                None => filter.procedures = Some(Vec::new()),
            }
        }
        filter
    }
}

/// Refuses a supervisor what only officers do (move an application, enter a counter one).
pub fn officer_only(staff: &StaffRecord) -> Result<(), ApiError> {
    if staff.kind == StaffKind::Officer {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "Supervisors read and assign applications; an officer of the agency moves them.",
        ))
    }
}
