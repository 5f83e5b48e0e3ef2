//! Catalog search through the façade: the index follows the catalog a sync brings, answers
//! offline, and rebuilds itself from the cache when its file is lost.

mod support;

use opendvc_api::{Catalog, Procedure, SyncResponse};
use opendvc_core::OpenDvc;
use opendvc_core::session::DataDir;
use support::Canned;

/// The portal's demo catalog: real Da Nang procedures.
fn demo_procedures() -> Vec<Procedure> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../portal/data/procedures.json"
    );
    let text = std::fs::read_to_string(path).expect("the demo catalog file is readable");
    serde_json::from_str(&text).expect("the demo catalog is a JSON array of procedures")
}

fn empty_page(cursor: &str) -> Canned {
    let page = SyncResponse {
        cursor: cursor.into(),
        has_more: false,
        profile: None,
        applications: Vec::new(),
        documents: Vec::new(),
        inbox: Vec::new(),
        feedback: Vec::new(),
    };
    Canned::json(200, &serde_json::to_string(&page).expect("serialises"))
}

fn catalog_answer(version: &str, items: Vec<Procedure>) -> Canned {
    let catalog = Catalog {
        version: version.into(),
        items,
    };
    let mut answer = Canned::json(200, &serde_json::to_string(&catalog).expect("serialises"));
    answer
        .headers
        .push(("ETag".into(), format!("\"{version}\"")));
    answer
}

type Fixture = support::SignedInDevice;

async fn sync(fixture: &Fixture, core: &OpenDvc, catalog: Canned) {
    fixture.server.answer("/v1/sync", empty_page("c"));
    fixture.server.answer("/v1/procedures", catalog);
    core.sync_now().await.expect("syncs");
}

fn profile_dir(fixture: &Fixture) -> std::path::PathBuf {
    DataDir::new(fixture.dir.path()).profile_dir("test-profile")
}

fn top_ids(core: &OpenDvc, query: &str) -> Vec<String> {
    core.search_catalog(query, 3)
        .expect("search answers")
        .into_iter()
        .map(|hit| hit.procedure_id)
        .collect()
}

#[tokio::test]
async fn searching_before_any_catalog_says_to_sync_first() {
    let fixture = Fixture::new().await;
    let core = fixture.open();
    let error = core
        .search_catalog("ho chieu", 5)
        .expect_err("there is nothing to search yet");
    assert_eq!(error.code().as_str(), "search_index_missing", "{error}");
}

#[tokio::test]
async fn a_synced_catalog_is_searchable_offline_and_follows_catalog_updates() {
    let fixture = Fixture::new().await;
    let procedures = demo_procedures();
    let without_passport: Vec<Procedure> = procedures
        .iter()
        .filter(|procedure| procedure.id != "passport-issuance")
        .cloned()
        .collect();
    let core = fixture.open();
    sync(&fixture, &core, catalog_answer("v1", without_passport)).await;
    let requests_after_sync = fixture.server.requests().len();

    let hits = core
        .search_catalog("cap doi can cuoc", 3)
        .expect("search answers");
    let first = hits.first().expect("a hit");
    assert_eq!(first.procedure_id, "id-card-renewal");
    assert!(
        first.matched_words.iter().any(|word| word == "cước"),
        "the matched words come as written, for highlighting: {first:?}"
    );
    assert!(
        !top_ids(&core, "ho chieu").contains(&"passport-issuance".to_owned()),
        "a procedure missing from the catalog is not found"
    );
    assert_eq!(
        fixture.server.requests().len(),
        requests_after_sync,
        "searching never asks the portal"
    );

    sync(&fixture, &core, catalog_answer("v2", procedures.clone())).await;
    assert_eq!(
        top_ids(&core, "ho chieu").first().map(String::as_str),
        Some("passport-issuance"),
        "a sync that brings a new catalog re-indexes it"
    );

    sync(&fixture, &core, Canned::raw(304, b"")).await;
    assert_eq!(
        top_ids(&core, "paspor").first().map(String::as_str),
        Some("passport-issuance"),
        "an unchanged catalog keeps its index"
    );
}

#[tokio::test]
async fn a_lost_or_damaged_index_file_is_rebuilt_from_the_cache_on_open() {
    let fixture = Fixture::new().await;
    {
        let core = fixture.open();
        sync(&fixture, &core, catalog_answer("v1", demo_procedures())).await;
    }
    let requests_before = fixture.server.requests().len();
    let search_file = profile_dir(&fixture).join("search.db");
    for damage in [None, Some(vec![0x42_u8; 16384])] {
        for suffix in ["", "-wal", "-shm"] {
            let _absent_is_fine =
                std::fs::remove_file(profile_dir(&fixture).join(format!("search.db{suffix}")));
        }
        if let Some(garbage) = &damage {
            std::fs::write(&search_file, garbage).expect("damages the index file");
        }
        let core = fixture.open();
        assert_eq!(
            top_ids(&core, "dang ky khai sinh")
                .first()
                .map(String::as_str),
            Some("birth-registration"),
            "the index is back after {}",
            if damage.is_some() {
                "damage"
            } else {
                "deletion"
            }
        );
    }
    assert_eq!(
        fixture.server.requests().len(),
        requests_before,
        "rebuilding needs no network"
    );
}

#[tokio::test]
async fn a_cache_rebuilt_without_its_catalog_offers_no_stale_procedures() {
    let fixture = Fixture::new().await;
    {
        let core = fixture.open();
        sync(&fixture, &core, catalog_answer("v1", demo_procedures())).await;
        assert!(!top_ids(&core, "khai sinh").is_empty());
    }
    let profile_dir = profile_dir(&fixture);
    for name in ["cache.db-wal", "cache.db-shm"] {
        let _absent_is_fine = std::fs::remove_file(profile_dir.join(name));
    }
    std::fs::write(profile_dir.join("cache.db"), vec![0x42; 16384]).expect("damages the cache");
    let core = fixture.open();
    let error = core
        .search_catalog("khai sinh", 5)
        .expect_err("the catalog is gone with the cache");
    assert_eq!(error.code().as_str(), "search_index_missing", "{error}");
}
