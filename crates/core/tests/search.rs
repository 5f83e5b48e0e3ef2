//! Catalog search through the façade: the index follows the catalog a sync brings, answers
//! offline, and rebuilds itself from the cache when its file is lost.

mod support;

use std::sync::Arc;
use std::time::Duration;

use opendvc_api::{Catalog, Procedure, SyncResponse};
use opendvc_core::clock::RandomJitter;
use opendvc_core::queue::BackoffPolicy;
use opendvc_core::session::{DataDir, Session};
use opendvc_core::{OpenDvc, OpenDvcOptions};
use support::{Canned, TestServer};

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

struct Fixture {
    dir: tempfile::TempDir,
    server: TestServer,
}

impl Fixture {
    async fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let server = TestServer::start().await;
        DataDir::new(dir.path())
            .session_file()
            .save(&Session {
                portal_url: server.base_url.clone(),
                profile_key: "test-profile".into(),
                id_number: "048090001234".into(),
                access_token: Some("access".into()),
                refresh_token: Some("refresh".into()),
            })
            .expect("session saved");
        Fixture { dir, server }
    }

    fn open(&self) -> OpenDvc {
        let mut options = OpenDvcOptions::new(DataDir::new(self.dir.path()));
        // The tokens stay in the data folder, whatever keyring the machine has.
        options.token_vault = opendvc_core::vault::VaultChoice::File;
        options.backoff = BackoffPolicy::new(
            Duration::from_millis(5),
            Duration::from_millis(20),
            Arc::new(RandomJitter::seeded(1)),
        );
        OpenDvc::open(options).expect("core opens")
    }

    async fn sync(&self, core: &OpenDvc, catalog: Canned) {
        self.server.answer("/v1/sync", empty_page("c"));
        self.server.answer("/v1/procedures", catalog);
        core.sync_now().await.expect("syncs");
    }

    fn profile_dir(&self) -> std::path::PathBuf {
        DataDir::new(self.dir.path()).profile_dir("test-profile")
    }
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
    fixture
        .sync(&core, catalog_answer("v1", without_passport))
        .await;
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

    fixture
        .sync(&core, catalog_answer("v2", procedures.clone()))
        .await;
    assert_eq!(
        top_ids(&core, "ho chieu").first().map(String::as_str),
        Some("passport-issuance"),
        "a sync that brings a new catalog re-indexes it"
    );

    fixture.sync(&core, Canned::raw(304, b"")).await;
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
        fixture
            .sync(&core, catalog_answer("v1", demo_procedures()))
            .await;
    }
    let requests_before = fixture.server.requests().len();
    let search_file = fixture.profile_dir().join("search.db");
    for damage in [None, Some(vec![0x42_u8; 16384])] {
        for suffix in ["", "-wal", "-shm"] {
            let _absent_is_fine =
                std::fs::remove_file(fixture.profile_dir().join(format!("search.db{suffix}")));
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
        fixture
            .sync(&core, catalog_answer("v1", demo_procedures()))
            .await;
        assert!(!top_ids(&core, "khai sinh").is_empty());
    }
    let profile_dir = fixture.profile_dir();
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
