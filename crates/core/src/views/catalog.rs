//! The services screens: the cached catalog, and what a search found in it.

use opendvc_api::Procedure;
use serde::Serialize;

use crate::search::SearchHit;

/// Most procedures a search hands the services screen.
pub const SEARCH_LIMIT: usize = 20;

/// The procedures of `catalog` the search `hits` name, best first.
pub fn procedures_found(hits: &[SearchHit], mut catalog: Vec<Procedure>) -> Vec<Procedure> {
    hits.iter()
        .filter_map(|hit| {
            let position = catalog
                .iter()
                .position(|procedure| procedure.id == hit.procedure_id)?;
            Some(catalog.swap_remove(position))
        })
        .collect()
}

/// `opendvc search`: what was searched for and the hits, best first.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchView {
    pub query: String,
    pub hits: Vec<SearchHit>,
}
