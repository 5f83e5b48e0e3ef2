//! The workspace's members and their Rust files.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use super::code::test_module_names;

/// The repository's root folder (the parent of the `tests` crate).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits in the repository root")
        .to_path_buf()
}

/// One Rust file: its path relative to the tree's root (with `/`) and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
}

/// Every `.rs` file under `root/dir`, sorted by path; build output and dependencies
/// (`target`, `node_modules`) are skipped.
pub fn rust_files(root: &Path, dir: &str) -> Vec<SourceFile> {
    let mut files = Vec::new();
    let mut pending = vec![root.join(dir)];
    while let Some(folder) = pending.pop() {
        let Ok(entries) = fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if path.is_dir() {
                if name != "target" && name != "node_modules" {
                    pending.push(path);
                }
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                let text = fs::read_to_string(&path)
                    .unwrap_or_else(|error| panic!("reading {}: {error}", path.display()));
                let relative = path
                    .strip_prefix(root)
                    .expect("under the root")
                    .to_string_lossy()
                    .replace('\\', "/");
                files.push(SourceFile {
                    path: relative,
                    text,
                });
            }
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// The workspace's member folders (`crates/*`, `src-tauri`, …), read from the root
/// `Cargo.toml`'s `members` (a trailing `/*` expands to the folders holding a `Cargo.toml`).
pub fn workspace_members(root: &Path) -> Vec<String> {
    let manifest = fs::read_to_string(root.join("Cargo.toml")).expect("the root Cargo.toml");
    let start = manifest
        .find("members")
        .expect("the workspace lists its members");
    let open = start + manifest[start..].find('[').expect("members = [ … ]");
    let close = open + manifest[open..].find(']').expect("members = [ … ]");
    let mut members = Vec::new();
    for entry in manifest[open + 1..close].split(',') {
        let entry = entry.trim().trim_matches('"');
        if entry.is_empty() {
            continue;
        }
        if let Some(parent) = entry.strip_suffix("/*") {
            let mut found: Vec<String> = fs::read_dir(root.join(parent))
                .expect("a member folder")
                .flatten()
                .filter(|dir| dir.path().join("Cargo.toml").is_file())
                .map(|dir| format!("{parent}/{}", dir.file_name().to_string_lossy()))
                .collect();
            found.sort();
            members.extend(found);
        } else {
            members.push(entry.to_owned());
        }
    }
    members
}

/// The files among `files` that only tests compile: those declared `#[cfg(test)] mod name;`,
/// with everything below them.
pub fn test_only_files(files: &[SourceFile]) -> BTreeSet<String> {
    let mut prefixes = Vec::new();
    for file in files {
        let (folder, stem) = file
            .path
            .rsplit_once('/')
            .unwrap_or(("", file.path.as_str()));
        let children = match stem {
            "mod.rs" | "lib.rs" | "main.rs" => folder.to_owned(),
            other => format!("{folder}/{}", other.trim_end_matches(".rs")),
        };
        for name in test_module_names(&file.text) {
            prefixes.push(format!("{children}/{name}.rs"));
            prefixes.push(format!("{children}/{name}/"));
        }
    }
    files
        .iter()
        .filter(|file| prefixes.iter().any(|prefix| file.path.starts_with(prefix)))
        .map(|file| file.path.clone())
        .collect()
}
