//! The checks the UI asks for as the person types (`check_field`, `check_draft`), so that the
//! UI keeps no copy of a rule: the core answers with the shared rules of `opendvc-rules`.

use opendvc_api::FieldKind;
use opendvc_core::views::{DraftView, FieldCheck, FieldProblem};
use tauri::State;

use crate::commands::{Answer, fail};
use crate::state::AppState;

/// One value checked by its field kind.
#[tauri::command]
pub async fn check_field(
    state: State<'_, AppState>,
    kind: FieldKind,
    value: String,
) -> Answer<FieldCheck> {
    let core = state.core.read().await;
    Ok(core.check_field(kind, &value))
}

/// Every problem of a draft against its procedure in the cached catalog; empty when `submit`
/// would queue it.
#[tauri::command]
pub async fn check_draft(
    state: State<'_, AppState>,
    draft: DraftView,
) -> Answer<Vec<FieldProblem>> {
    let core = state.core.read().await;
    core.check_draft(&draft.application).map_err(fail(&state))
}
