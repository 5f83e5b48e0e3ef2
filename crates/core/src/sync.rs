//! Pull sync and catalog refresh.
//!
//! The server is the truth for everything in the cache. `/v1/sync` is pulled page by page with
//! the stored cursor; each page is applied in one transaction together with its cursor, so an
//! interrupted sync resumes after the last page that was stored, and never skips one.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::client::{CatalogFetch, ClientError, PortalClient};
use crate::store::{Cache, StoreError, catalog, meta};

/// Errors of a sync.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Most pages one sync pulls; a server that keeps saying `hasMore` past this is broken.
const MAX_PAGES: u32 = 10_000;

/// What a pull brought.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PullReport {
    pub pages: u32,
    pub applications: usize,
    pub documents: usize,
    pub inbox: usize,
    pub feedback: usize,
    pub profile: bool,
}

/// Pulls `/v1/sync` from the stored cursor until the server has no more.
pub async fn pull(
    client: &PortalClient,
    cache: &Cache,
    now: impl Fn() -> DateTime<Utc>,
) -> Result<PullReport, SyncError> {
    let mut report = PullReport::default();
    let mut cursor = cache.read(|conn| meta::get(conn, meta::SYNC_CURSOR))?;
    loop {
        let page = client.sync(cursor.as_deref()).await?;
        if page.has_more && cursor.as_deref() == Some(page.cursor.as_str()) {
            return Err(SyncError::Client(ClientError::Malformed {
                what: "sync page: hasMore without a new cursor".to_owned(),
            }));
        }
        cache.apply_sync_page(&page, now())?;
        report.pages += 1;
        report.applications += page.applications.len();
        report.documents += page.documents.len();
        report.inbox += page.inbox.len();
        report.feedback += page.feedback.len();
        report.profile |= page.profile.is_some();
        if !page.has_more {
            return Ok(report);
        }
        if report.pages >= MAX_PAGES {
            return Err(SyncError::Client(ClientError::Malformed {
                what: format!("sync: more than {MAX_PAGES} pages"),
            }));
        }
        cursor = Some(page.cursor);
    }
}

/// What a catalog refresh did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(
    tag = "result",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum CatalogRefresh {
    /// The server answered 304: the cached catalog is current.
    Unchanged {
        version: String,
    },
    Updated {
        version: String,
        procedures: usize,
    },
}

/// Refreshes the catalog with `If-None-Match`; a 304 keeps the cache.
pub async fn refresh_catalog(
    client: &PortalClient,
    cache: &Cache,
    now: DateTime<Utc>,
) -> Result<CatalogRefresh, SyncError> {
    let known = cache.read(catalog::meta)?;
    let etag = known.as_ref().and_then(|meta| meta.etag.clone());
    match client.catalog(etag.as_deref()).await? {
        CatalogFetch::NotModified => {
            cache.write(|tx| catalog::touch(tx, now))?;
            Ok(CatalogRefresh::Unchanged {
                version: known.map(|meta| meta.version).unwrap_or_default(),
            })
        }
        CatalogFetch::Fresh {
            catalog: fresh,
            etag,
        } => {
            cache.write(|tx| catalog::replace(tx, &fresh, etag.as_deref(), now))?;
            Ok(CatalogRefresh::Updated {
                version: fresh.version.clone(),
                procedures: fresh.items.len(),
            })
        }
    }
}
