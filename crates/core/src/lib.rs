pub mod search;
pub mod store;
