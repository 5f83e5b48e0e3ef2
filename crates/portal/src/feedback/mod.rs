//! Residents' feedback (issue 16).

#[cfg_attr(
    not(test),
    expect(
        dead_code,
        reason = "filing feedback (fb-portal) and Open311 media call it once they land"
    )
)]
pub mod exif;
