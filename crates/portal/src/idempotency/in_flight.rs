//! The requests being handled right now in this process, by idempotency scope: a second
//! request with a key in flight is refused (409 `idempotency_in_flight`). It knows nothing of
//! HTTP, so `AppState` can hold it.

use std::collections::HashSet;
use std::sync::Mutex;

/// Scopes of requests being handled right now, in this process.
#[derive(Debug, Default)]
pub struct InFlight {
    scopes: Mutex<HashSet<String>>,
}

impl InFlight {
    /// Claims `scope`; `None` when another request holds it.
    pub fn claim(self: &std::sync::Arc<Self>, scope: &str) -> Option<InFlightGuard> {
        let mut scopes = self.scopes.lock().unwrap_or_else(|p| p.into_inner());
        scopes.insert(scope.to_owned()).then(|| InFlightGuard {
            owner: self.clone(),
            scope: scope.to_owned(),
        })
    }
}

/// Releases the claimed scope when dropped, whatever the outcome of the request.
#[derive(Debug)]
pub struct InFlightGuard {
    owner: std::sync::Arc<InFlight>,
    scope: String,
}

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        let mut scopes = self.owner.scopes.lock().unwrap_or_else(|p| p.into_inner());
        scopes.remove(&self.scope);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn a_key_in_flight_cannot_be_claimed_twice() {
        let in_flight = Arc::new(InFlight::default());
        let guard = in_flight.claim("scope").expect("first claim");
        assert!(
            in_flight.claim("scope").is_none(),
            "second claim refused while in flight"
        );
        drop(guard);
        assert!(
            in_flight.claim("scope").is_some(),
            "claimable again once done"
        );
    }
}
