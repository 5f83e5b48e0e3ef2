//! The places of open event streams per token, counted across instances.
//!
//! A place is a session-level advisory lock, `pg_try_advisory_lock(6, hashtext(TOKEN:N))` for
//! N in `0..max`, held on one connection of this instance's own, outside the pool (as the
//! leases of `operations.rs`): a stream takes the first free place of its token, and its end
//! unlocks it. PostgreSQL frees a session's locks when the session ends, so the places of a
//! killed instance come free as soon as the server sees its connection close. No table, no
//! heartbeat, no clock compared across machines.
//!
//! One task owns the connection and serves requests from a channel in order, so a place freed
//! on this instance is free before a later request here asks, and a stream's end (a `Drop`)
//! only sends a message. A session may take a lock it already holds again, so the task asks
//! the server only for places this instance does not hold. Two keys that share a `hashtext`
//! share a lock: a token then finds one of its places taken and tries the next, so a collision
//! can only refuse a stream early when all of its token's places collide.
//!
//! When the connection is lost, the server has freed this instance's places while its streams
//! go on; the next request reconnects and takes them again. One taken meanwhile by another
//! instance is logged: for a while the token holds more streams than the cap, never fewer.

use std::collections::{BTreeSet, HashMap};

use sqlx::{Connection, PgConnection};
use tokio::sync::{mpsc, oneshot};

use super::locks::LockSpace;
use crate::store::{StoreError, StoreResult, StreamSlot};

/// What the task that holds the places is asked.
#[derive(Debug)]
pub(super) enum SlotRequest {
    /// A free place of the token, if it has one.
    Take {
        token_hash: String,
        max: u32,
        answer: oneshot::Sender<StoreResult<Option<u32>>>,
    },
    /// A stream ended: its place is free.
    Release { token_hash: String, place: u32 },
}

/// Starts the task that holds this instance's places and returns its channel.
pub(super) fn start(pool: sqlx::PgPool) -> mpsc::UnboundedSender<SlotRequest> {
    let (requests, received) = mpsc::unbounded_channel();
    tokio::spawn(hold_places(pool, received));
    requests
}

/// Asks the task for a place of `token_hash`.
pub(super) async fn take(
    requests: &mpsc::UnboundedSender<SlotRequest>,
    token_hash: &str,
    max: u32,
) -> StoreResult<Option<StreamSlot>> {
    let (answer, answered) = oneshot::channel();
    let ended = || StoreError::Database("the task holding the event stream places ended".into());
    requests
        .send(SlotRequest::Take {
            token_hash: token_hash.to_owned(),
            max,
            answer,
        })
        .map_err(|_| ended())?;
    let Some(place) = answered.await.map_err(|_| ended())?? else {
        return Ok(None);
    };
    let requests = requests.clone();
    let token_hash = token_hash.to_owned();
    Ok(Some(StreamSlot::new(move || {
        // The task ends only with the process, when every place is freed anyway.
        let _ = requests.send(SlotRequest::Release { token_hash, place });
    })))
}

/// The places this instance holds and the session that holds them.
#[derive(Debug, Default)]
struct Places {
    connection: Option<PgConnection>,
    held: HashMap<String, BTreeSet<u32>>,
}

async fn hold_places(pool: sqlx::PgPool, mut received: mpsc::UnboundedReceiver<SlotRequest>) {
    let mut places = Places::default();
    while let Some(request) = received.recv().await {
        match request {
            SlotRequest::Take {
                token_hash,
                max,
                answer,
            } => {
                let taken = places.take(&pool, &token_hash, max).await;
                if let Err(error) = &taken {
                    tracing::warn!(%error, "events: the connection holding stream places failed");
                    places.connection = None;
                }
                // The stream's request may have been given up meanwhile; its place then stays
                // held until the process ends, as the answer's sender is gone. Free it.
                if let Err(Ok(Some(place))) = answer.send(taken) {
                    places.release(&token_hash, place).await;
                }
            }
            SlotRequest::Release { token_hash, place } => {
                places.release(&token_hash, place).await;
            }
        }
    }
}

impl Places {
    /// The session, connected anew (and the held places taken again) after a loss.
    async fn connection(&mut self, pool: &sqlx::PgPool) -> StoreResult<&mut PgConnection> {
        if self.connection.is_none() {
            let mut connection = PgConnection::connect_with(&pool.connect_options()).await?;
            for (token_hash, held) in &self.held {
                for place in held {
                    if !try_lock(&mut connection, token_hash, *place).await? {
                        tracing::warn!(
                            "events: a stream place lost with the database connection was \
                             taken by another instance; the token holds one stream over its \
                             cap until one ends"
                        );
                    }
                }
            }
            self.connection = Some(connection);
        }
        self.connection
            .as_mut()
            .ok_or_else(|| StoreError::Database("no connection for stream places".into()))
    }

    async fn take(
        &mut self,
        pool: &sqlx::PgPool,
        token_hash: &str,
        max: u32,
    ) -> StoreResult<Option<u32>> {
        let held_here = self.held.get(token_hash).cloned().unwrap_or_default();
        let connection = self.connection(pool).await?;
        let mut taken = None;
        for place in (0..max).filter(|place| !held_here.contains(place)) {
            if try_lock(connection, token_hash, place).await? {
                taken = Some(place);
                break;
            }
        }
        if let Some(place) = taken {
            self.held
                .entry(token_hash.to_owned())
                .or_default()
                .insert(place);
        }
        Ok(taken)
    }

    async fn release(&mut self, token_hash: &str, place: u32) {
        let Some(held) = self.held.get_mut(token_hash) else {
            return;
        };
        if !held.remove(&place) {
            return;
        }
        if held.is_empty() {
            self.held.remove(token_hash);
        }
        let Some(connection) = self.connection.as_mut() else {
            // No session, no lock: the place is free already.
            return;
        };
        // Not checked at compile time: the statement reads no table.
        let unlocked = sqlx::query_scalar::<_, bool>("SELECT pg_advisory_unlock($1, hashtext($2))")
            .bind(LockSpace::StreamPlace as i32)
            .bind(place_key(token_hash, place))
            .fetch_one(&mut *connection)
            .await;
        if let Err(error) = unlocked {
            // Without its session the lock is gone; the next request connects anew.
            tracing::warn!(%error, "events: the connection holding stream places failed");
            self.connection = None;
        }
    }
}

fn place_key(token_hash: &str, place: u32) -> String {
    format!("{token_hash}:{place}")
}

async fn try_lock(
    connection: &mut PgConnection,
    token_hash: &str,
    place: u32,
) -> StoreResult<bool> {
    // Not checked at compile time: the statement reads no table, so there is nothing for the
    // offline query data to check.
    Ok(
        sqlx::query_scalar::<_, bool>("SELECT pg_try_advisory_lock($1, hashtext($2))")
            .bind(LockSpace::StreamPlace as i32)
            .bind(place_key(token_hash, place))
            .fetch_one(&mut *connection)
            .await?,
    )
}
