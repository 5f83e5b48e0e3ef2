//! The hourly limit of assisted sessions per staff member, decided alike by both stores
//! inside their transaction (`AuthStore::open_assist_session`).

/// Why a staff member whose sessions were opened at `nearby` (within an hour either side of
/// `opened_at`, ascending) may not open one more at `opened_at`: some hour-long window holding
/// `opened_at` would hold more than `per_hour`. Returns the seconds after which a session opened
/// now could open (for one recorded later the hour it was opened stays full).
pub(crate) fn hourly_refusal(nearby: &[i64], opened_at: i64, per_hour: u32) -> Option<u64> {
    let limit = usize::try_from(per_hour).unwrap_or(usize::MAX);
    // Every window (end - 3600, end] with opened_at inside it; the fullest ends at a session.
    let crowded = std::iter::once(opened_at)
        .chain(nearby.iter().copied().filter(|at| *at >= opened_at))
        .any(|end| {
            let inside = nearby
                .iter()
                .filter(|at| **at > end - 3600 && **at <= end)
                .count();
            inside + 1 > limit
        });
    if !crowded {
        return None;
    }
    let before: Vec<i64> = nearby
        .iter()
        .copied()
        .filter(|at| *at <= opened_at)
        .collect();
    let wait = before
        .len()
        .checked_sub(limit)
        .and_then(|index| before.get(index))
        .map_or(1, |oldest| oldest + 3600 - opened_at);
    Some(u64::try_from(wait.clamp(1, 3600)).unwrap_or(1))
}
