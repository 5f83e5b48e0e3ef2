//! The citizen changes their profile at the portal: a code for a new phone or e-mail, then the
//! change with its codes (`PATCH /v1/me`). Never queued: a change needs the codes the portal
//! just sent, so offline it fails with `offline` and the screen keeps what was typed. The
//! profile the portal answers replaces the cached one at once; sync brings it to the
//! citizen's other devices.

use opendvc_api::{ContactCodeRequest, ContactCodesSent, ContactKind, Profile, ProfilePatch};

use super::OpenDvc;
use crate::error::CoreError;
use crate::events::CoreEvent;
use crate::store::profile as cached_profile;

impl OpenDvc {
    /// Asks the portal to send a code confirming `value` as the new phone or e-mail (and, for
    /// a phone, one to the phone in the profile).
    pub async fn request_contact_code(
        &self,
        kind: ContactKind,
        value: &str,
    ) -> Result<ContactCodesSent, CoreError> {
        let profile = self.active()?;
        let request = ContactCodeRequest {
            kind,
            value: value.trim().to_owned(),
        };
        let result = profile.client.request_contact_code(&request).await;
        self.note_client_result(&result);
        Ok(result?)
    }

    /// Sends the changed fields; the profile the portal stored is cached and returned.
    pub async fn update_profile(&self, patch: &ProfilePatch) -> Result<Profile, CoreError> {
        let profile = self.active()?;
        let result = profile.client.patch_profile(patch).await;
        self.note_client_result(&result);
        let stored = result?;
        profile
            .cache
            .write(|conn| cached_profile::save(conn, &stored))?;
        self.emit(CoreEvent::CacheChanged);
        Ok(stored)
    }
}
