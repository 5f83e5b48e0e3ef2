//! The reference data the portal ships with (catalog, admin units, holidays, demo people),
//! embedded at build time and validated at start-up so a bad file is a clear error.

use std::collections::{BTreeMap, HashSet};

pub(crate) use crate::data_error::invalid;
pub use crate::data_error::{DataError, is_agency_id};

use chrono::NaiveDate;
use opendvc_api::{
    AdminUnits, AgencyContact, Catalog, DeliveryChoice, FieldKind, HolidayCalendar, InboxCategory,
    LocalizedText, Procedure, Profile, StaffKind,
};
use opendvc_rules::fields;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::agencies::{Agency, AgencyFile, validate_agencies};
use crate::feedback::data::FeedbackData;

const PROCEDURES: (&str, &str) = ("procedures.json", include_str!("../data/procedures.json"));
const ADMIN_UNITS: (&str, &str) = ("admin-units.json", include_str!("../data/admin-units.json"));
const DEMO: (&str, &str) = ("demo.json", include_str!("../data/demo.json"));
const CITY: (&str, &str) = ("city.json", include_str!("../data/city.json"));
const POSTAGE: (&str, &str) = ("postage.json", include_str!("../data/postage.json"));
const AGENCIES: (&str, &str) = ("agencies.json", include_str!("../data/agencies.json"));

/// The postage table (`postage.json`): the zones every procedure delivered by post is priced by.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PostageTable {
    zones: Vec<opendvc_api::PostageZone>,
}
const HOLIDAYS: [(&str, &str); 2] = [
    (
        "holidays/2026.json",
        include_str!("../data/holidays/2026.json"),
    ),
    (
        "holidays/2027.json",
        include_str!("../data/holidays/2027.json"),
    ),
];

fn parse<T: for<'de> Deserialize<'de>>(file: &str, text: &str) -> Result<T, DataError> {
    serde_json::from_str(text).map_err(|error| invalid(file, error.to_string()))
}

/// The demo people of `demo.json`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoData {
    pub citizens: Vec<DemoCitizenData>,
    pub staff: Vec<DemoStaffData>,
    pub officers: Vec<DemoOfficerData>,
    #[serde(default)]
    pub supervisors: Vec<DemoSupervisorData>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoProfile {
    pub id_number: String,
    pub full_name: String,
    pub birth_date: NaiveDate,
    pub gender: String,
    pub phone: String,
    #[serde(default)]
    pub email: Option<String>,
    pub language: String,
    pub address: opendvc_api::Address,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoCitizenData {
    pub profile: DemoProfile,
    #[serde(default)]
    pub documents: Vec<DemoDocument>,
    #[serde(default)]
    pub applications: Vec<DemoApplication>,
    #[serde(default)]
    pub inbox: Vec<DemoInboxItem>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoDocument {
    pub id: Uuid,
    pub kind: String,
    pub number: String,
    pub issued_days_ago: i64,
    #[serde(default)]
    pub expires_in_days: Option<i64>,
    pub issuer: String,
    #[serde(default)]
    pub classes: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoHistoryStep {
    pub status: opendvc_api::ApplicationStatus,
    pub days_after_submission: i64,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoApplication {
    pub id: Uuid,
    pub procedure_id: String,
    #[serde(default)]
    pub form: BTreeMap<String, String>,
    pub delivery: DeliveryChoice,
    pub channel: opendvc_api::Channel,
    pub submitted_days_ago: i64,
    #[serde(default)]
    pub history: Vec<DemoHistoryStep>,
    #[serde(default)]
    pub delivery_state: Option<opendvc_api::DeliveryState>,
    #[serde(default)]
    pub tracking_number: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoInboxItem {
    pub id: Uuid,
    pub days_ago: i64,
    pub category: InboxCategory,
    pub title: LocalizedText,
    pub body: LocalizedText,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoStaffData {
    pub code: String,
    pub password: String,
    pub kind: StaffKind,
    pub name: String,
    pub organisation: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoOfficerData {
    pub code: String,
    pub password: String,
    pub name: String,
    pub organisation: String,
    /// The agency of `agencies.json` whose applications and feedback the officer handles.
    pub agency: String,
    /// For an officer of a commune-level agency: the unit whose one-stop office they work in.
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

/// A demo supervisor: of one agency, or city-wide (`agency` absent).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoSupervisorData {
    pub code: String,
    pub password: String,
    pub name: String,
    pub organisation: String,
    #[serde(default)]
    pub agency: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

/// Facts about the city the portal serves (`city.json`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CityData {
    /// The number a citizen calls to report misuse of their data, named in the text that tells
    /// them an assisted session was opened for them.
    pub misuse_hotline: String,
}

/// Everything the data files hold, checked.
#[derive(Debug, Clone)]
pub struct ReferenceData {
    pub catalog: Catalog,
    /// The catalog as served, and its strong ETag (quoted).
    pub catalog_json: String,
    pub catalog_etag: String,
    pub admin_units: AdminUnits,
    pub holidays: BTreeMap<i32, HolidayCalendar>,
    pub demo: DemoData,
    pub city: CityData,
    /// The agencies of `agencies.json`, every procedure's `agencyId` among them.
    pub agencies: Vec<Agency>,
    /// The feedback services of `feedback.json`, every route to an agency of `agencies`.
    pub feedback: FeedbackData,
}

impl ReferenceData {
    /// Loads and validates the embedded data files.
    pub fn load() -> Result<Self, DataError> {
        let mut procedures: Vec<Procedure> = parse(PROCEDURES.0, PROCEDURES.1)?;
        let postage: PostageTable = parse(POSTAGE.0, POSTAGE.1)?;
        if !postage
            .zones
            .iter()
            .any(|zone| zone.province_codes.is_empty())
        {
            return Err(invalid(
                POSTAGE.0,
                "no zone covers the provinces no other zone names",
            ));
        }
        for procedure in procedures.iter_mut().filter(|p| p.delivery.post) {
            procedure.delivery.postage = postage.zones.clone();
        }
        let admin_units: AdminUnits = parse(ADMIN_UNITS.0, ADMIN_UNITS.1)?;
        let demo: DemoData = parse(DEMO.0, DEMO.1)?;
        let mut holidays = BTreeMap::new();
        for (file, text) in HOLIDAYS {
            let calendar: HolidayCalendar = parse(file, text)?;
            validate_holidays(file, &calendar)?;
            holidays.insert(calendar.year, calendar);
        }
        validate_procedures(PROCEDURES.0, &procedures)?;
        validate_admin_units(ADMIN_UNITS.0, &admin_units)?;
        validate_demo(DEMO.0, &demo, &procedures, &admin_units)?;
        let city: CityData = parse(CITY.0, CITY.1)?;
        if city.misuse_hotline.trim().is_empty() {
            return Err(invalid(CITY.0, "misuseHotline is empty"));
        }
        let agencies: AgencyFile = parse(AGENCIES.0, AGENCIES.1)?;
        validate_agencies(AGENCIES.0, &agencies.agencies, &procedures, &admin_units)?;
        validate_demo_staff(DEMO.0, &demo, &agencies.agencies, &admin_units)?;
        let feedback = FeedbackData::load(&agencies.agencies)?;
        Self::assemble(
            procedures,
            admin_units,
            holidays,
            demo,
            city,
            (agencies.agencies, feedback),
        )
    }

    fn assemble(
        procedures: Vec<Procedure>,
        admin_units: AdminUnits,
        holidays: BTreeMap<i32, HolidayCalendar>,
        demo: DemoData,
        city: CityData,
        (agencies, feedback): (Vec<Agency>, FeedbackData),
    ) -> Result<Self, DataError> {
        let items_json = serde_json::to_vec(&procedures)
            .map_err(|error| invalid(PROCEDURES.0, error.to_string()))?;
        let version = hex::encode(&Sha256::digest(&items_json)[..16]);
        let catalog = Catalog {
            version: version.clone(),
            items: procedures,
        };
        let catalog_json = serde_json::to_string(&catalog)
            .map_err(|error| invalid(PROCEDURES.0, error.to_string()))?;
        Ok(ReferenceData {
            catalog,
            catalog_json,
            catalog_etag: format!("\"{version}\""),
            admin_units,
            holidays,
            demo,
            city,
            agencies,
            feedback,
        })
    }

    /// The agency of `id` (a procedure's `agencyId`).
    pub fn agency(&self, id: &str) -> Option<&Agency> {
        self.agencies.iter().find(|agency| agency.id == id)
    }

    /// The contact the citizen is given for an application of agency `agency_id` from the
    /// commune-level unit `unit_code`: the unit's own office for a commune-level agency.
    pub fn agency_contact(
        &self,
        agency_id: &str,
        unit_code: Option<&str>,
    ) -> Option<AgencyContact> {
        self.agency(agency_id)
            .map(|agency| agency.contact(unit_code, &self.admin_units))
    }

    pub fn procedure(&self, id: &str) -> Option<&Procedure> {
        self.catalog
            .items
            .iter()
            .find(|procedure| procedure.id == id)
    }

    /// The demo profile of a citizen as the wire type, stamped with `updated_at`.
    pub fn profile_of(
        citizen: &DemoCitizenData,
        updated_at: chrono::DateTime<chrono::FixedOffset>,
    ) -> Profile {
        let profile = &citizen.profile;
        Profile {
            id_number: profile.id_number.clone(),
            full_name: profile.full_name.clone(),
            birth_date: profile.birth_date,
            gender: profile.gender.clone(),
            phone: profile.phone.clone(),
            email: profile.email.clone(),
            address: profile.address.clone(),
            current_address: None,
            language: profile.language.clone(),
            updated_at,
        }
    }
}

/// Longest processing time a catalog entry may state, in working days.
pub const MAX_PROCESSING_DAYS: u32 = 366;

/// Furthest a demo date may lie from the day of seeding, in days (about a century).
pub const MAX_DEMO_DAYS: i64 = 36_600;

fn demo_days_in_range(citizen: &DemoCitizenData) -> bool {
    let ok = |days: i64| days.abs() <= MAX_DEMO_DAYS;
    citizen
        .documents
        .iter()
        .all(|document| ok(document.issued_days_ago) && document.expires_in_days.is_none_or(ok))
        && citizen.inbox.iter().all(|item| ok(item.days_ago))
        && citizen.applications.iter().all(|application| {
            ok(application.submitted_days_ago)
                && application
                    .history
                    .iter()
                    .all(|step| ok(step.days_after_submission))
        })
}

fn validate_procedures(file: &str, procedures: &[Procedure]) -> Result<(), DataError> {
    if procedures.is_empty() {
        return Err(invalid(file, "the catalog is empty"));
    }
    let mut ids = HashSet::new();
    for procedure in procedures {
        let at = |message: String| invalid(file, format!("procedure {}: {message}", procedure.id));
        if procedure.id.is_empty() || !ids.insert(procedure.id.as_str()) {
            return Err(at("empty or duplicate id".into()));
        }
        let days = &procedure.processing_days;
        if days.in_person > MAX_PROCESSING_DAYS || days.online > MAX_PROCESSING_DAYS {
            return Err(at(format!("processing days above {MAX_PROCESSING_DAYS}")));
        }
        if procedure
            .delivery
            .postage_subsidy
            .as_ref()
            .is_some_and(|subsidy| subsidy.percent > 100)
        {
            return Err(at("postal subsidy above 100%".into()));
        }
        let fee_problems = opendvc_rules::fees::fee_model_problems(procedure);
        if !fee_problems.is_empty() {
            return Err(at(fee_problems.join("; ")));
        }
        if !procedure.delivery.counter && !procedure.delivery.post {
            return Err(at("no delivery method allowed".into()));
        }
        if !is_agency_id(&procedure.agency_id) {
            return Err(at(format!(
                "agencyId {:?} is not a lowercase slug (letters, digits, -)",
                procedure.agency_id
            )));
        }
        let mut field_ids = HashSet::new();
        for field in &procedure.form_fields {
            if !field_ids.insert(field.id.as_str()) {
                return Err(at(format!("duplicate form field {}", field.id)));
            }
            if field.kind == FieldKind::Select && field.options.is_empty() {
                return Err(at(format!("select field {} has no options", field.id)));
            }
            if let Some(source) = &field.prefill
                && opendvc_rules::prefill::PrefillSource::parse(source).is_none()
            {
                return Err(at(format!(
                    "field {} pre-fills from {source:?}, which is not a source (see opendvc_rules::prefill)",
                    field.id
                )));
            }
        }
    }
    Ok(())
}

fn validate_admin_units(file: &str, units: &AdminUnits) -> Result<(), DataError> {
    let provinces: HashSet<&str> = units.provinces.iter().map(|p| p.code.as_str()).collect();
    let mut codes = HashSet::new();
    for unit in &units.units {
        if !codes.insert(unit.code.as_str()) {
            return Err(invalid(file, format!("duplicate unit code {}", unit.code)));
        }
        if !provinces.contains(unit.province_code.as_str()) {
            return Err(invalid(
                file,
                format!(
                    "unit {} names unknown province {}",
                    unit.code, unit.province_code
                ),
            ));
        }
    }
    Ok(())
}

fn validate_holidays(file: &str, calendar: &HolidayCalendar) -> Result<(), DataError> {
    use chrono::Datelike;
    let stem_year = file
        .trim_start_matches("holidays/")
        .trim_end_matches(".json")
        .parse::<i32>()
        .map_err(|_| invalid(file, "file name is not a year"))?;
    if calendar.year != stem_year {
        return Err(invalid(file, format!("holds year {}", calendar.year)));
    }
    let outside = calendar
        .days
        .iter()
        .map(|day| day.date)
        .chain(calendar.working_weekends.iter().copied())
        .find(|date| date.year() != calendar.year);
    if let Some(date) = outside {
        return Err(invalid(file, format!("date {date} is outside the year")));
    }
    Ok(())
}

fn validate_demo(
    file: &str,
    demo: &DemoData,
    procedures: &[Procedure],
    units: &AdminUnits,
) -> Result<(), DataError> {
    let unit_ok = |province: &str, unit: &str| {
        units
            .units
            .iter()
            .any(|candidate| candidate.code == unit && candidate.province_code == province)
    };
    let mut id_numbers = HashSet::new();
    let mut uuids = HashSet::new();
    for citizen in &demo.citizens {
        let profile = &citizen.profile;
        let at =
            |message: String| invalid(file, format!("citizen {}: {message}", profile.id_number));
        if !fields::is_id_number(&profile.id_number)
            || !id_numbers.insert(profile.id_number.as_str())
        {
            return Err(at("ID number is not 12 digits or is duplicated".into()));
        }
        // Profiles hold phones as the shared rules keep them (`+84…`): that is the number the
        // one-time codes are sent to, and what a phone typed in a form is compared with.
        if fields::phone(&profile.phone).as_ref() != Ok(&profile.phone) {
            return Err(at(format!(
                "phone {} is not a Vietnamese number written +84…",
                profile.phone
            )));
        }
        if let Some(email) = &profile.email
            && fields::email(email).is_err()
        {
            return Err(at(format!("e-mail {email} is not an address")));
        }
        if !demo_days_in_range(citizen) {
            return Err(at(format!("a day count is beyond {MAX_DEMO_DAYS} days")));
        }
        if !unit_ok(&profile.address.province_code, &profile.address.unit_code) {
            return Err(at(format!("unknown unit {}", profile.address.unit_code)));
        }
        for document in &citizen.documents {
            if !uuids.insert(document.id) {
                return Err(at(format!("duplicate id {}", document.id)));
            }
        }
        for item in &citizen.inbox {
            if !uuids.insert(item.id) {
                return Err(at(format!("duplicate id {}", item.id)));
            }
        }
        for application in &citizen.applications {
            if !uuids.insert(application.id) {
                return Err(at(format!("duplicate id {}", application.id)));
            }
            let Some(procedure) = procedures.iter().find(|p| p.id == application.procedure_id)
            else {
                return Err(at(format!(
                    "unknown procedure {}",
                    application.procedure_id
                )));
            };
            if let Some(address) = &application.delivery.address
                && !unit_ok(&address.address.province_code, &address.address.unit_code)
            {
                return Err(at(format!(
                    "unknown delivery unit {}",
                    address.address.unit_code
                )));
            }
            if application.delivery.method == opendvc_api::DeliveryMethod::Post
                && (!procedure.delivery.post || application.delivery.address.is_none())
            {
                return Err(at(format!(
                    "application {} asks for post without an address or on a procedure without post",
                    application.id
                )));
            }
        }
    }
    let mut staff_codes = HashSet::new();
    for staff in &demo.staff {
        if staff.kind == StaffKind::Officer {
            return Err(invalid(
                file,
                format!("staff {} is an officer; list it under officers", staff.code),
            ));
        }
        if !staff_codes.insert(staff.code.as_str()) {
            return Err(invalid(
                file,
                format!("duplicate staff code {}", staff.code),
            ));
        }
    }
    for officer in &demo.officers {
        if !staff_codes.insert(officer.code.as_str()) {
            return Err(invalid(
                file,
                format!("duplicate staff code {}", officer.code),
            ));
        }
    }
    Ok(())
}

/// Checks the demo's officers and supervisors against the agencies: an officer of a
/// commune-level agency names a unit of the admin units, one of a city-level agency none; a
/// supervisor's agency (if any) is listed; every staff code is unique.
fn validate_demo_staff(
    file: &str,
    demo: &DemoData,
    agencies: &[Agency],
    units: &AdminUnits,
) -> Result<(), DataError> {
    use crate::agencies::AgencyLevel;
    let mut codes: HashSet<&str> = demo
        .staff
        .iter()
        .map(|staff| staff.code.as_str())
        .chain(demo.officers.iter().map(|officer| officer.code.as_str()))
        .collect();
    for officer in &demo.officers {
        let at = |message: String| invalid(file, format!("officer {}: {message}", officer.code));
        let Some(agency) = agencies.iter().find(|agency| agency.id == officer.agency) else {
            return Err(at(format!(
                "agency {} is not in agencies.json",
                officer.agency
            )));
        };
        match (agency.level, &officer.unit) {
            (AgencyLevel::City, None) => {}
            (AgencyLevel::City, Some(_)) => {
                return Err(at("an officer of a city-level agency serves no unit".into()));
            }
            (AgencyLevel::Commune, None) => {
                return Err(at(
                    "an officer of a commune-level agency names their unit".into()
                ));
            }
            (AgencyLevel::Commune, Some(unit)) => {
                if !units.units.iter().any(|candidate| &candidate.code == unit) {
                    return Err(at(format!("unknown unit {unit}")));
                }
            }
        }
    }
    for supervisor in &demo.supervisors {
        let at =
            |message: String| invalid(file, format!("supervisor {}: {message}", supervisor.code));
        if !codes.insert(supervisor.code.as_str()) {
            return Err(at("duplicate staff code".into()));
        }
        if let Some(agency) = &supervisor.agency
            && !agencies.iter().any(|candidate| &candidate.id == agency)
        {
            return Err(at(format!("agency {agency} is not in agencies.json")));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_data_files_are_valid() {
        let data = ReferenceData::load().expect("the embedded data files validate");
        assert!(
            data.procedure("id-card-renewal").is_some(),
            "ID card renewal is in the catalog"
        );
        assert!(
            data.holidays.contains_key(&2026),
            "2026 holidays are shipped"
        );
    }

    /// Pre-fill sources of the catalog before issue 18 (measured on main at 914b418, the
    /// fields without a source counted as `none`): what the table of sources is compared with.
    const SOURCES_BEFORE: [(&str, usize); 7] = [
        ("none", 149),
        ("profile.fullName", 47),
        ("profile.idNumber", 37),
        ("profile.phone", 27),
        ("profile.birthDate", 12),
        ("document.number", 8),
        ("address.permanent (street only)", 5),
    ];

    /// "Declared once, used many times": every form field the city or the device already
    /// holds names where its value comes from; each field left without a source says why in
    /// the catalog (`noPrefill`, a key of the data file the portal does not serve). Prints the
    /// fields left without a source and writes the table of sources, before and after, to
    /// `target/prefill-sources.txt`.
    #[test]
    fn every_form_field_names_its_prefill_source_or_why_it_has_none() {
        use std::collections::BTreeMap;
        use std::fmt::Write as _;

        let catalog: serde_json::Value =
            serde_json::from_str(PROCEDURES.1).expect("the catalog is JSON");
        let mut after: BTreeMap<String, usize> = BTreeMap::new();
        let mut without = Vec::new();
        let mut unexplained = Vec::new();
        let mut fields = 0;
        for procedure in catalog.as_array().expect("a list of procedures") {
            let procedure_id = procedure["id"].as_str().unwrap_or_default();
            for field in procedure["formFields"].as_array().expect("form fields") {
                fields += 1;
                let field_id = field["id"].as_str().unwrap_or_default();
                let reason = field["noPrefill"].as_str().map(str::trim);
                match field["prefill"].as_str() {
                    Some(source) => {
                        let source = opendvc_rules::prefill::PrefillSource::parse(source)
                            .unwrap_or_else(|| panic!("{procedure_id}.{field_id}: {source}"));
                        *after.entry(source.group()).or_default() += 1;
                        assert!(
                            reason.is_none(),
                            "{procedure_id}.{field_id} has a source and a reason for none"
                        );
                    }
                    None => {
                        *after.entry("none".to_owned()).or_default() += 1;
                        match reason {
                            Some(reason) if !reason.is_empty() => {
                                without.push(format!("{procedure_id}.{field_id}: {reason}"));
                            }
                            _ => unexplained.push(format!("{procedure_id}.{field_id}")),
                        }
                    }
                }
            }
        }
        let mut table = format!(
            "Pre-fill sources of the catalog's {fields} form fields (issue 18)\n\nbefore:\n"
        );
        for (source, count) in SOURCES_BEFORE {
            let _ = writeln!(table, "  {source:<34} {count:>4}");
        }
        table.push_str("\nafter:\n");
        for (source, count) in &after {
            let _ = writeln!(table, "  {source:<34} {count:>4}");
        }
        let _ = writeln!(table, "\nfields left without a source ({}):", without.len());
        for line in &without {
            let _ = writeln!(table, "  {line}");
        }
        println!("{table}");
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| {
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target")
            });
        std::fs::create_dir_all(&target).expect("the target folder");
        std::fs::write(target.join("prefill-sources.txt"), &table)
            .expect("the table of sources is written");
        assert!(
            unexplained.is_empty(),
            "fields without a pre-fill source and without a reason (`noPrefill`): {unexplained:?}"
        );
        assert_eq!(
            after.values().sum::<usize>(),
            fields,
            "every field is counted once"
        );
    }

    #[test]
    fn an_unknown_prefill_source_is_refused_naming_the_field() {
        let mut procedures: Vec<Procedure> =
            parse(PROCEDURES.0, PROCEDURES.1).expect("the catalog parses");
        procedures[0].form_fields[0].prefill = Some("profile.nickname".to_owned());
        let error = validate_procedures(PROCEDURES.0, &procedures)
            .expect_err("an unknown source is refused");
        let field = &procedures[0].form_fields[0].id;
        assert!(
            error.to_string().contains(&format!("field {field}")),
            "{error}"
        );
    }

    #[test]
    fn broken_json_is_a_clear_error_naming_the_file() {
        let error = parse::<Vec<Procedure>>("procedures.json", "[{\"id\": 1}")
            .expect_err("broken JSON is refused");
        assert!(error.to_string().contains("procedures.json"), "{error}");
    }

    #[test]
    fn a_holiday_file_of_the_wrong_year_is_refused() {
        let calendar: HolidayCalendar = serde_json::from_str(
            r#"{"year": 2025, "days": [], "workingWeekends": [], "source": "test"}"#,
        )
        .expect("calendar parses");
        assert!(validate_holidays("holidays/2026.json", &calendar).is_err());
    }

    #[test]
    fn absurd_processing_days_are_refused() {
        let data = ReferenceData::load().expect("data loads");
        let mut procedure = data.catalog.items[0].clone();
        procedure.processing_days.in_person = 100_000;
        let error = validate_procedures("procedures.json", &[procedure])
            .expect_err("a due date would take forever to count");
        assert!(error.to_string().contains("processing days"), "{error}");
    }

    #[test]
    fn a_demo_citizen_with_a_phone_or_email_the_rules_refuse_is_refused() {
        let data = ReferenceData::load().expect("data loads");
        let procedures = &data.catalog.items;
        let mut demo = data.demo.clone();
        demo.citizens[0].profile.phone = "0905123456".to_owned();
        let error = validate_demo("demo.json", &demo, procedures, &data.admin_units)
            .expect_err("a phone not written +84… is refused");
        assert!(error.to_string().contains("phone"), "{error}");
        let mut demo = data.demo.clone();
        demo.citizens[0].profile.email = Some("hoa@localhost".to_owned());
        let error = validate_demo("demo.json", &demo, procedures, &data.admin_units)
            .expect_err("an unreachable e-mail address is refused");
        assert!(error.to_string().contains("e-mail"), "{error}");
    }

    #[test]
    fn every_procedure_names_an_agency_of_agencies_json() {
        let data = ReferenceData::load().expect("data loads");
        for procedure in &data.catalog.items {
            assert!(
                data.agency(&procedure.agency_id).is_some(),
                "procedure {} names agency {}, which agencies.json lists",
                procedure.id,
                procedure.agency_id
            );
        }
        let mut procedures = data.catalog.items.clone();
        procedures[0].agency_id = "da-nang-nowhere".to_owned();
        let error = validate_agencies(
            "agencies.json",
            &data.agencies,
            &procedures,
            &data.admin_units,
        )
        .expect_err("a procedure of an unlisted agency is refused");
        assert!(error.to_string().contains("da-nang-nowhere"), "{error}");
    }

    #[test]
    fn a_commune_level_contact_is_the_office_of_the_applicants_unit() {
        let data = ReferenceData::load().expect("data loads");
        let listed = data
            .agency_contact("commune-police", Some("20242"))
            .expect("commune-police is an agency");
        assert_eq!(
            listed.name.vi, "Công an phường Hải Châu",
            "the unit's own office"
        );
        assert!(
            listed.address.contains("Lê Lợi"),
            "the listed office's address: {listed:?}"
        );
        let by_rule = data
            .agency_contact("commune-people-committee", Some("20308"))
            .expect("commune-people-committee is an agency");
        assert_eq!(
            by_rule.name.vi, "Ủy ban nhân dân xã Bà Nà",
            "named after the unit"
        );
        assert_eq!(
            by_rule.phone, "1022",
            "units without an office of their own: the hotline"
        );
        assert!(
            by_rule.address.contains("xã Bà Nà") && by_rule.address.contains("thành phố Đà Nẵng"),
            "the rule's address names unit and city: {by_rule:?}"
        );
        let city = data
            .agency_contact("da-nang-police", Some("20242"))
            .expect("da-nang-police is an agency");
        assert_eq!(
            city.name.vi, "Công an thành phố Đà Nẵng",
            "a city agency ignores the unit"
        );
    }

    #[test]
    fn catalog_etag_is_quoted_version() {
        let data = ReferenceData::load().expect("data loads");
        assert_eq!(data.catalog_etag, format!("\"{}\"", data.catalog.version));
    }
}
