//! The operations centre's early warning: the figures of each agency (`figures`) and the
//! demand forecast (`forecast`) behind `GET /v1/officer/overview`.

// The endpoint that serves these figures lands in the following commits of issue 15; until
// then only the tests call them.
#![allow(dead_code)]

pub mod figures;
pub mod forecast;
