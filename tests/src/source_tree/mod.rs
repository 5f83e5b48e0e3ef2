//! The project's own source tree, read for the architecture tests (`tests/tests/architecture.rs`):
//! which code is test code, how long each file's shipped code is, what each module imports, and
//! the circles in the module graph.
//!
//! A small reader, not a Rust parser: it blanks comments (and, where asked, the contents of
//! string literals) keeping every byte offset, finds `#[cfg(test)]` items by their braces, and
//! follows `use` trees and `crate::` / `super::` / `self::` / child-module paths through the
//! modules of one crate, forwarding through `use` re-exports (also `pub use child::*`). Paths
//! built by macros and `#[path]` attributes are not followed; the project uses neither.
//!
//! - `files`: the workspace's members and their Rust files, and which files only tests compile;
//! - `code`: blanking comments and strings, `#[cfg(test)]` items, lines of shipped code;
//! - `graph`: the module graph of one crate and its circles;
//! - `sleeps`: the sleeps of test code and how long each is at least.

mod code;
mod files;
mod graph;
mod sleeps;

pub use code::{blank, shipped_code, shipped_lines, test_code, test_regions};
pub use files::{SourceFile, repo_root, rust_files, test_only_files, workspace_members};
pub use graph::{ModuleGraph, ModulePath, module_name};
pub use sleeps::{Sleep, sleeps};
