//! Exit codes, documented in `--help` (`args::AFTER_HELP`).

pub const OK: u8 = 0;
pub const ERROR: u8 = 1;
pub const USAGE: u8 = 2;
pub const SIGN_IN: u8 = 3;
pub const ATTENTION: u8 = 4;
pub const OFFLINE: u8 = 5;
pub const WAITING: u8 = 6;
pub const REFUSED: u8 = 7;
pub const NOT_CONFIRMED: u8 = 8;
