// The console speaks the officer API of contract v1. Its wire types are the app's generated file
// (crates/api/tests/typescript.rs writes it and fails when it is stale), so the console and the
// app can never drift from the Rust types, nor from each other.
export type * from '../../../ui/src/lib/backend/generated/api';
