//! Content-addressed staging: files copied into the profile's `attachments/` folder under
//! their SHA-256 before the item that uploads them commits (sealed when the queue has a key).

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use opendvc_api::MAX_ATTACHMENT_BYTES;
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::error::QueueError;
use super::handle::SubmissionQueue;
use crate::store::outbox;

/// A file copied into the profile's attachment store, ready to be referenced by an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StagedAttachment {
    pub sha256: String,
    pub size: u64,
    pub content_type: String,
    pub file_name: Option<String>,
    /// The procedure's required document this file satisfies, if any.
    pub requirement_id: Option<String>,
}

impl StagedAttachment {
    /// The id the portal gives this file: `sha256:{hex}`.
    pub fn attachment_id(&self) -> String {
        format!("sha256:{}", self.sha256)
    }
}

impl SubmissionQueue {
    /// Where staged attachments are kept, by content hash.
    pub fn attachment_path(&self, sha256: &str) -> PathBuf {
        self.profile_dir.join("attachments").join(sha256)
    }

    /// Copies `path` into the attachment store under its SHA-256, durably, and describes it.
    pub fn stage_attachment(
        &self,
        path: &Path,
        requirement_id: Option<String>,
    ) -> Result<StagedAttachment, QueueError> {
        let io_error = |source| QueueError::Attachment {
            path: path.to_owned(),
            source,
        };
        let size = std::fs::metadata(path).map_err(io_error)?.len();
        let max = MAX_ATTACHMENT_BYTES as u64;
        if size > max {
            return Err(QueueError::AttachmentTooLarge {
                path: path.to_owned(),
                size,
                max,
            });
        }
        let store = self.profile_dir.join("attachments");
        let temporary = store.join(format!(".incoming-{}", Uuid::now_v7()));
        if self.key().is_some() {
            // Sealed files never touch the disk in the clear: read (at most 20 MiB), then seal.
            let plain = zeroize::Zeroizing::new(std::fs::read(path).map_err(io_error)?);
            return self.stage_bytes(
                &plain,
                path.file_name().and_then(|name| name.to_str()),
                requirement_id,
            );
        }
        let mut source = File::open(path).map_err(io_error)?;
        let mut copy = crate::session::create_private_file(&temporary).map_err(io_error)?;
        let mut hasher = Sha256::new();
        let mut buffer = vec![0_u8; 64 * 1024];
        loop {
            let read = source.read(&mut buffer).map_err(io_error)?;
            if read == 0 {
                break;
            }
            hasher.update(&buffer[..read]);
            copy.write_all(&buffer[..read]).map_err(io_error)?;
        }
        copy.sync_all().map_err(io_error)?;
        drop(copy);
        let sha256 = hex::encode(hasher.finalize());
        let file_name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned());
        self.finish_staging(
            path,
            &store,
            &temporary,
            sha256,
            size,
            file_name,
            requirement_id,
        )
    }

    /// Copies a file held in memory (picked in the app) into the attachment store, as
    /// [`SubmissionQueue::stage_attachment`] does with a file on disk: sealed when this queue
    /// has a key, so its bytes are never written in the clear.
    pub fn stage_bytes(
        &self,
        bytes: &[u8],
        file_name: Option<&str>,
        requirement_id: Option<String>,
    ) -> Result<StagedAttachment, QueueError> {
        let shown = PathBuf::from(file_name.unwrap_or("file"));
        let io_error = |source| QueueError::Attachment {
            path: shown.clone(),
            source,
        };
        let size = bytes.len() as u64;
        let max = MAX_ATTACHMENT_BYTES as u64;
        if size > max {
            return Err(QueueError::AttachmentTooLarge {
                path: shown,
                size,
                max,
            });
        }
        let store = self.profile_dir.join("attachments");
        crate::session::private_dir(&store).map_err(io_error)?;
        let temporary = store.join(format!(".incoming-{}", Uuid::now_v7()));
        let sha256 = hex::encode(Sha256::digest(bytes));
        let mut copy = crate::session::create_private_file(&temporary).map_err(io_error)?;
        match self.key() {
            Some(key) => copy.write_all(&key.seal(sha256.as_bytes(), bytes)),
            None => copy.write_all(bytes),
        }
        .map_err(io_error)?;
        copy.sync_all().map_err(io_error)?;
        drop(copy);
        self.finish_staging(
            &shown,
            &store,
            &temporary,
            sha256,
            size,
            file_name.map(str::to_owned),
            requirement_id,
        )
    }

    /// Moves a staged copy into place under its hash, durably, and describes it.
    #[allow(clippy::too_many_arguments)]
    fn finish_staging(
        &self,
        path: &Path,
        store: &Path,
        temporary: &Path,
        sha256: String,
        size: u64,
        file_name: Option<String>,
        requirement_id: Option<String>,
    ) -> Result<StagedAttachment, QueueError> {
        let io_error = |source| QueueError::Attachment {
            path: path.to_owned(),
            source,
        };
        let target = store.join(&sha256);
        if target.exists() {
            std::fs::remove_file(temporary).map_err(io_error)?;
        } else {
            std::fs::rename(temporary, &target).map_err(io_error)?;
        }
        // The directory entry must be durable before the item that refers to it commits.
        File::open(store)
            .and_then(|dir| dir.sync_all())
            .map_err(io_error)?;
        let content_type = mime_guess::from_path(file_name.as_deref().unwrap_or_default())
            .first_or_octet_stream()
            .essence_str()
            .to_owned();
        Ok(StagedAttachment {
            sha256,
            size,
            content_type,
            file_name,
            requirement_id,
        })
    }

    /// Deletes the stored copy of a file once no unsent upload needs it.
    pub(super) fn forget_file(&self, sha256: &str) -> Result<(), QueueError> {
        if self
            .outbox
            .read(|conn| outbox::file_still_needed(conn, sha256))?
        {
            return Ok(());
        }
        let path = self.attachment_path(sha256);
        match std::fs::remove_file(&path) {
            Err(source) if source.kind() != std::io::ErrorKind::NotFound => {
                Err(QueueError::Attachment { path, source })
            }
            _ => Ok(()),
        }
    }
}
