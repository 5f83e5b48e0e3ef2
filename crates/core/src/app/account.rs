//! Signing in and out, and clearing the device.

use std::sync::Arc;

use opendvc_api::OtpAccepted;

use super::OpenDvc;
use crate::client::{ClientError, MemoryTokens, PortalClient};
use crate::error::CoreError;
use crate::events::CoreEvent;
use crate::session::{Session, profile_key};
use crate::views::session::{ClearReport, SignInReport, SignOutReport};
use opendvc_rules::fields::is_id_number;

impl OpenDvc {
    /// Asks the portal to send a one-time code to the citizen's phone.
    pub async fn request_otp(&self, id_number: &str) -> Result<OtpAccepted, CoreError> {
        if !is_id_number(id_number) {
            return Err(CoreError::InvalidIdNumber);
        }
        let portal = self.portal_url_for(self.profile.as_ref().map(|profile| &profile.session))?;
        let client = PortalClient::new(
            &portal,
            Arc::new(MemoryTokens::default()),
            self.options.client,
        )?;
        let result = client.request_otp(id_number).await;
        self.note_client_result(&result);
        Ok(result?)
    }

    /// Exchanges a one-time code, stores the session, opens the profile, resumes a paused
    /// queue and runs a first sync (whose failure does not undo the sign-in).
    pub async fn sign_in(&mut self, id_number: &str, otp: &str) -> Result<SignInReport, CoreError> {
        if !is_id_number(id_number) {
            return Err(CoreError::InvalidIdNumber);
        }
        let portal = self.portal_url_for(self.profile.as_ref().map(|profile| &profile.session))?;
        let portal = portal.trim_end_matches('/').to_owned();
        let tokens_in_memory = Arc::new(MemoryTokens::default());
        let client = PortalClient::new(&portal, tokens_in_memory, self.options.client)?;
        let result = client.exchange_otp(id_number, otp.trim()).await;
        self.note_client_result(&result);
        let tokens = result.map_err(|error| match error {
            ClientError::Unauthorized { .. } => CoreError::OtpInvalid,
            other => CoreError::Client(other),
        })?;
        let key = profile_key(&portal, id_number);
        let mut session = Session {
            portal_url: portal,
            profile_key: key.clone(),
            id_number: id_number.to_owned(),
            access_token: None,
            refresh_token: None,
        };
        // The session first (the file vault keeps the tokens in it), then the tokens.
        self.options
            .data_dir
            .session_file()
            .save(&session)
            .map_err(CoreError::Session)?;
        self.vault.store(&tokens).map_err(CoreError::Session)?;
        session.access_token = Some(tokens.access_token);
        session.refresh_token = Some(tokens.refresh_token);
        self.activate(session)?;
        self.active()?.queue.resume_after_sign_in()?;
        self.emit(CoreEvent::SignedIn);
        let (sync, sync_error) = match self.sync_now().await {
            Ok(report) => (Some(report), None),
            Err(error) => (None, Some(error.to_string())),
        };
        let full_name = self
            .active()?
            .cache
            .read(crate::store::profile::load)?
            .map(|profile| profile.full_name);
        Ok(SignInReport {
            profile_key: key,
            full_name,
            sync,
            sync_error,
        })
    }

    /// Signs out: revokes the session at the portal (best effort) and deletes the tokens.
    /// With unsent items this refuses unless `keep_unsent` is true; the items then stay on
    /// this device and are sent after the same person signs in again.
    pub async fn sign_out(&mut self, keep_unsent: bool) -> Result<SignOutReport, CoreError> {
        // Signing out of an assisted session ends it, so that its files never outlive it.
        if self
            .profile
            .as_ref()
            .is_some_and(|profile| profile.assisted.is_some())
        {
            let ended = self.end_assisted_session().await?;
            return Ok(SignOutReport {
                revoked: ended.ended_at_portal,
                unsent_kept: ended.unsent_kept,
            });
        }
        let profile = self.active()?;
        let unsent = profile.queue.summary()?.unsent();
        if unsent > 0 && !keep_unsent {
            return Err(CoreError::UnsentItems { count: unsent });
        }
        let revoked = if profile.session.is_signed_in() {
            let result = profile.client.logout().await;
            self.note_client_result(&result);
            result.is_ok()
        } else {
            false
        };
        // The tokens go whatever the portal said; the session stays while items wait for
        // the same person's next sign-in.
        self.vault.erase().map_err(CoreError::Session)?;
        // What the person typed is theirs: the next one to sign in here is not offered it.
        profile.cache.write(crate::store::answers::clear)?;
        // On a shared device the person's drafts go with them; on their own device they wait
        // for the same person's next sign-in, in that person's own cache.
        if self.options.shared_device {
            profile.cache.write(crate::store::drafts::clear)?;
        }
        if unsent == 0 {
            self.options
                .data_dir
                .session_file()
                .delete()
                .map_err(CoreError::Session)?;
        }
        self.profile = None;
        self.emit(CoreEvent::SignedOut);
        Ok(SignOutReport {
            revoked,
            unsent_kept: unsent,
        })
    }

    /// Signs out and deletes every personal datum of the data folder: the session, every
    /// profile's cache, queue (sent or not) and attachment copies, and the staged files the
    /// app keeps until a submission takes them. The session is revoked at the portal first,
    /// best effort. Unsent items are lost: the caller must have asked the person to confirm.
    /// The device's language choice stays; it says nothing about anyone.
    pub async fn clear_device(&mut self) -> Result<ClearReport, CoreError> {
        let mut revoked = false;
        let mut unsent = 0;
        if let Some(profile) = &self.profile {
            // A damaged queue must not keep the person's data on the device.
            unsent = profile
                .queue
                .summary()
                .map(|summary| summary.unsent())
                .unwrap_or(0);
            if profile.session.is_signed_in() {
                let result = profile.client.logout().await;
                self.note_client_result(&result);
                revoked = result.is_ok();
            }
        }
        // Closing the profile closes its databases before their files go.
        self.profile = None;
        self.cache_rebuilt_from = None;
        self.forget_all_picked();
        let data_dir = &self.options.data_dir;
        self.vault.erase().map_err(CoreError::DeviceData)?;
        data_dir
            .session_file()
            .delete()
            .map_err(CoreError::DeviceData)?;
        for dir in [data_dir.profiles_dir(), data_dir.staging_dir()] {
            match std::fs::remove_dir_all(&dir) {
                Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                    return Err(CoreError::DeviceData(error));
                }
                _ => {}
            }
        }
        self.emit(CoreEvent::SignedOut);
        self.emit(CoreEvent::QueueChanged);
        Ok(ClearReport {
            revoked,
            unsent_discarded: unsent,
        })
    }
}
