// Wire types of contract v1. They are generated from the Rust types in crates/api/src by
// crates/api/tests/typescript.rs (ts-rs) into ./generated/api.ts, which `cargo test` checks
// for staleness; change the Rust types and regenerate with
//   OPENDVC_BLESS=1 cargo test -p opendvc-api --test typescript
//
// The shapes follow serde: camelCase fields, snake_case enum values, tagged enums as unions
// on their tag. A field the Rust side skips when empty is optional (`field?: T`). Times are
// RFC 3339 strings with an offset, dates `YYYY-MM-DD` strings, UUIDs strings, and amounts of
// money whole đồng (VND) as numbers. The view types the core adds for the UI are in ./views.ts,
// the IPC commands in ./commands.ts.

export type * from './generated/api';
