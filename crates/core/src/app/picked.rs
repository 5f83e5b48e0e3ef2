//! Files picked in the app for a draft, held by [`crate::picked`] until a submission takes
//! them: in memory for a citizen on a shared device, in `staging/` otherwise.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::OpenDvc;
use crate::error::CoreError;
use crate::queue::{StagedAttachment, SubmissionQueue};
use crate::views::apply::{PickedUpload, StagedView};

impl OpenDvc {
    /// Whether a picked file is a citizen's on a shared device: an assisted session is open.
    fn picks_for_a_citizen(&self) -> bool {
        self.profile
            .as_ref()
            .is_some_and(|profile| profile.assisted.is_some())
    }

    /// Takes a file the person picked in the app (its name, content type and bytes), to be
    /// referenced by its `sha256:` id in a submission or supplement. On a shared device the
    /// bytes stay in memory; elsewhere they are copied into the staging folder.
    pub fn stage_picked_file(
        &self,
        file_name: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> Result<StagedView, CoreError> {
        self.picked.stage(
            &self.options.data_dir.staging_dir(),
            self.picks_for_a_citizen(),
            file_name,
            content_type,
            bytes,
        )
    }

    /// Takes a picked file as the UI sends it, its bytes in base64.
    pub fn stage_picked_upload(&self, upload: PickedUpload) -> Result<StagedView, CoreError> {
        let bytes = BASE64
            .decode(upload.base64.as_bytes())
            .map_err(|_| CoreError::PickedFileUnreadable)?;
        self.stage_picked_file(&upload.file_name, &upload.content_type, bytes)
    }

    /// Copies the picked files `picked` into `queue`'s attachment store.
    pub(crate) fn stage_picked_into(
        &self,
        queue: &SubmissionQueue,
        picked: &[(String, Option<String>)],
    ) -> Result<Vec<StagedAttachment>, CoreError> {
        self.picked
            .stage_into(&self.options.data_dir.staging_dir(), queue, picked)
    }

    /// Forgets the picked files a queued submission took: the queue holds its own copy now.
    pub(crate) fn forget_picked(&self, picked: &[(String, Option<String>)]) {
        self.picked
            .forget(&self.options.data_dir.staging_dir(), picked);
    }

    /// Forgets every file held in memory (the callers delete the staging folder beside it).
    pub(crate) fn forget_all_picked(&self) {
        self.picked.clear();
    }
}
