//! Files the person picks in the app for a submission or a supplement, held until a
//! submission takes them into the queue.
//!
//! On a personal device a picked file is copied into `staging/<sha256>/<name>` in the data
//! folder, so a draft survives a restart of the app. On a shared device — while an assisted
//! session is open — the picked file is a citizen's scan, and it is never written to disk in
//! the clear: the core holds its bytes in memory (wiped when dropped) until a submission
//! seals them into the session's queue ([`crate::queue::SubmissionQueue::stage_bytes`]), and
//! forgets them when the session ends. A scan picked but never submitted is then lost with
//! the session, which is what the citizen who walked away wants.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::CoreError;
use crate::queue::{QueueError, StagedAttachment, SubmissionQueue};
use crate::views::apply::StagedView;

/// The largest file the portal takes (20 MiB); a bigger one is refused before it is held.
const MAX_PICKED_BYTES: usize = opendvc_api::MAX_ATTACHMENT_BYTES;

/// A file held in memory on a shared device.
struct Held {
    file_name: String,
    bytes: Zeroizing<Vec<u8>>,
}

/// The files picked on a shared device, by SHA-256 (hex).
#[derive(Default)]
pub(crate) struct PickedFiles {
    held: Mutex<BTreeMap<String, Held>>,
}

impl std::fmt::Debug for PickedFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PickedFiles(..)")
    }
}

impl PickedFiles {
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Held>> {
        self.held
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Whether the picked file `attachment_id` is still held: in memory, or staged in
    /// `staging_dir`.
    pub(crate) fn holds(&self, staging_dir: &Path, attachment_id: &str) -> bool {
        let held = hash_of(attachment_id).is_some_and(|hash| self.lock().contains_key(hash));
        held || staged_path(staging_dir, attachment_id).is_some()
    }

    /// Forgets every held file (their bytes are wiped).
    pub(crate) fn clear(&self) {
        self.lock().clear();
    }
}

/// A file name without any folder part, never empty.
pub fn plain_file_name(name: &str) -> String {
    Path::new(name)
        .file_name()
        .and_then(|name| name.to_str())
        .filter(|name| !name.is_empty() && *name != "." && *name != "..")
        .unwrap_or("file")
        .to_owned()
}

/// The hash part of `sha256:{hex}`, if it is one.
fn hash_of(attachment_id: &str) -> Option<&str> {
    let hash = attachment_id.strip_prefix("sha256:")?;
    (hash.len() == 64 && hash.chars().all(|c| c.is_ascii_hexdigit())).then_some(hash)
}

/// The staged copy of `sha256:{hex}` in `staging_dir`, if there is one.
fn staged_path(staging_dir: &Path, attachment_id: &str) -> Option<PathBuf> {
    let hash = hash_of(attachment_id)?;
    std::fs::read_dir(staging_dir.join(hash))
        .ok()?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| path.is_file())
}

impl PickedFiles {
    /// Takes a file the person picked (its name, content type and bytes), to be referenced
    /// by its `sha256:` id in a submission or supplement. For a citizen on a shared device
    /// (`for_a_citizen`) the bytes stay in memory; otherwise they are copied into
    /// `staging_dir`.
    pub(crate) fn stage(
        &self,
        staging_dir: &Path,
        for_a_citizen: bool,
        file_name: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> Result<StagedView, CoreError> {
        let bytes = Zeroizing::new(bytes);
        let file_name = plain_file_name(file_name);
        if bytes.len() > MAX_PICKED_BYTES {
            return Err(QueueError::AttachmentTooLarge {
                path: PathBuf::from(&file_name),
                size: bytes.len() as u64,
                max: MAX_PICKED_BYTES as u64,
            }
            .into());
        }
        let hash = hex::encode(Sha256::digest(bytes.as_slice()));
        let size = bytes.len() as u64;
        if for_a_citizen {
            self.lock().insert(
                hash.clone(),
                Held {
                    file_name: file_name.clone(),
                    bytes,
                },
            );
        } else {
            let dir = staging_dir.join(&hash);
            let path = dir.join(&file_name);
            crate::session::private_dir(&dir)
                .and_then(|()| crate::session::create_private_file(&path))
                .and_then(|mut file| std::io::Write::write_all(&mut file, bytes.as_slice()))
                .map_err(|source| QueueError::Attachment { path, source })?;
        }
        Ok(StagedView {
            attachment_id: format!("sha256:{hash}"),
            file_name,
            content_type: content_type.to_owned(),
            size,
        })
    }

    /// Copies the picked files `picked` (`sha256:` ids with the required document each
    /// satisfies) into `queue`'s attachment store (sealed on a shared device).
    pub(crate) fn stage_into(
        &self,
        staging_dir: &Path,
        queue: &SubmissionQueue,
        picked: &[(String, Option<String>)],
    ) -> Result<Vec<StagedAttachment>, CoreError> {
        let mut staged = Vec::new();
        for (attachment_id, requirement) in picked {
            let missing = || CoreError::PickedFileMissing(attachment_id.clone());
            let hash = hash_of(attachment_id).ok_or_else(missing)?;
            let held = self
                .lock()
                .get(hash)
                .map(|held| (held.file_name.clone(), held.bytes.clone()));
            staged.push(match held {
                Some((file_name, bytes)) => {
                    queue.stage_bytes(&bytes, Some(&file_name), requirement.clone())?
                }
                None => {
                    let path = staged_path(staging_dir, attachment_id).ok_or_else(missing)?;
                    queue.stage_attachment(&path, requirement.clone())?
                }
            });
        }
        Ok(staged)
    }

    /// Forgets the picked files a queued submission took: the queue holds its own copy now.
    pub(crate) fn forget(&self, staging_dir: &Path, picked: &[(String, Option<String>)]) {
        let mut held = self.lock();
        for (attachment_id, _) in picked {
            if let Some(hash) = hash_of(attachment_id) {
                held.remove(hash);
                // Best effort: a copy left behind goes with the next clearing of the device.
                let _removed = std::fs::remove_dir_all(staging_dir.join(hash));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_picked_file_keeps_only_its_plain_name() {
        assert_eq!(plain_file_name("../../etc/passwd"), "passwd");
        assert_eq!(plain_file_name(".."), "file");
        assert_eq!(plain_file_name(""), "file");
        assert_eq!(hash_of("sha256:../.."), None);
    }
}
