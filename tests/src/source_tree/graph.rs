//! The module graph of one crate: which module imports from which, with `use` re-exports
//! followed to the module that defines the name, and the circles in it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::code::{
    group_end, ident, shipped_code, starts_a_path, test_module_names, without_regions,
    word_positions,
};
use super::files::{SourceFile, rust_files};

/// One name a `use` declaration brings in: the path as written (`crate::a::B`), the local
/// name, whether it is a glob, and whether the declaration is `pub` (any `pub(…)` too).
#[derive(Debug, Clone)]
struct UseEntry {
    path: Vec<String>,
    local: String,
    glob: bool,
    public: bool,
    /// Where the declaration starts in the module's code.
    at: usize,
}

/// The `use` declarations of `code` (comments and strings blanked) and the byte ranges they
/// span.
fn use_declarations(code: &str) -> (Vec<UseEntry>, Vec<(usize, usize)>) {
    let mut entries = Vec::new();
    let mut ranges = Vec::new();
    for at in word_positions(code, "use").collect::<Vec<_>>() {
        let Some(end) = code[at..].find(';').map(|offset| at + offset) else {
            continue;
        };
        let before = code[..at].trim_end();
        let public = before.ends_with("pub")
            || (before.ends_with(')')
                && before
                    .rfind("pub")
                    .is_some_and(|pub_at| !before[pub_at..].contains(['{', '}', ';'])));
        // Whitespace goes, except around `as`, which becomes `@` (`A as B` → `A@B`).
        let words: Vec<&str> = code[at + 3..end].split_whitespace().collect();
        let tree = words.join(" ").replace(" as ", "@").replace(' ', "");
        let mut found = Vec::new();
        parse_use_tree(&[], &tree, &mut found);
        for (path, local, glob) in found {
            entries.push(UseEntry {
                path,
                local,
                glob,
                public,
                at,
            });
        }
        ranges.push((at, end + 1));
    }
    (entries, ranges)
}

/// Expands one use tree (whitespace removed) under `prefix` into (path, local name, glob).
fn parse_use_tree(prefix: &[String], tree: &str, out: &mut Vec<(Vec<String>, String, bool)>) {
    if let Some(inner) = tree.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
        for part in split_top_level(inner) {
            parse_use_tree(prefix, part, out);
        }
        return;
    }
    if tree == "*" {
        out.push((prefix.to_vec(), String::new(), true));
        return;
    }
    let (head, rest) = match tree.find("::") {
        Some(at) if !tree[..at].contains('{') => (&tree[..at], Some(&tree[at + 2..])),
        _ => (tree, None),
    };
    let mut path = prefix.to_vec();
    match rest {
        Some(rest) => {
            if !head.is_empty() {
                path.push(head.to_owned());
            }
            parse_use_tree(&path, rest, out);
        }
        None => {
            let (name, alias) = head.split_once('@').unwrap_or((head, head));
            if name == "self" {
                let local = if alias == "self" {
                    prefix.last().cloned().unwrap_or_default()
                } else {
                    alias.to_owned()
                };
                out.push((path, local, false));
            } else if !name.is_empty() {
                path.push(name.to_owned());
                out.push((path, alias.to_owned(), false));
            }
        }
    }
}

fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (at, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(&text[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts.into_iter().filter(|part| !part.is_empty()).collect()
}

/// A module of a crate: its path below the crate root (`[]` for the root).
pub type ModulePath = Vec<String>;

/// Writes a module path the way Rust does (`crate` for the root).
pub fn module_name(path: &[String]) -> String {
    if path.is_empty() {
        "crate".to_owned()
    } else {
        path.join("::")
    }
}

/// One module file of a crate, read.
#[derive(Debug)]
struct Module {
    file: String,
    /// Shipped code: comments, strings and test regions blanked.
    code: String,
    uses: Vec<UseEntry>,
    use_ranges: Vec<(usize, usize)>,
    /// Names of items defined here (structs, functions, …), for glob re-exports.
    defined: BTreeSet<String>,
    /// Byte ranges of inline (non-test) `mod name { … }` blocks.
    inline_modules: Vec<(usize, usize)>,
}

impl Module {
    /// How many inline modules enclose the offset `at`.
    fn inline_depth(&self, at: usize) -> usize {
        self.inline_modules
            .iter()
            .filter(|(from, to)| at > *from && at < *to)
            .count()
    }
}

/// The modules of one crate and the imports between them.
#[derive(Debug)]
pub struct ModuleGraph {
    modules: BTreeMap<ModulePath, Module>,
    /// For each importing module, each module it imports from and the names it takes.
    pub edges: BTreeMap<ModulePath, BTreeMap<ModulePath, BTreeSet<String>>>,
}

impl ModuleGraph {
    /// Reads the modules of the crate whose source folder is `src` (relative to `root`):
    /// `lib.rs` (or, without one, `main.rs`) is the root; `a.rs` and `a/mod.rs` are `a`,
    /// `a/b.rs` is `a::b`. Modules declared only for tests, and everything below them, are
    /// left out, as is the test code of every file.
    pub fn read(root: &Path, src: &str) -> ModuleGraph {
        let files = rust_files(root, src);
        let has_lib = files
            .iter()
            .any(|file| file.path == format!("{src}/lib.rs"));
        let root_file = if has_lib { "lib.rs" } else { "main.rs" };
        let mut paths: BTreeMap<ModulePath, SourceFile> = BTreeMap::new();
        for file in files {
            let relative = &file.path[src.len() + 1..];
            if relative.starts_with("bin/") || (relative == "main.rs" && has_lib) {
                continue;
            }
            let path: ModulePath = if relative == root_file {
                Vec::new()
            } else {
                let trimmed = relative.trim_end_matches(".rs");
                let trimmed = trimmed.strip_suffix("/mod").unwrap_or(trimmed);
                trimmed.split('/').map(str::to_owned).collect()
            };
            paths.insert(path, file);
        }
        // Leave out modules declared only for tests, with everything below them.
        let test_only: Vec<ModulePath> = paths
            .iter()
            .flat_map(|(path, file)| {
                test_module_names(&file.text).into_iter().map(move |name| {
                    let mut child = path.clone();
                    child.push(name);
                    child
                })
            })
            .collect();
        paths.retain(|path, _| !test_only.iter().any(|test| path.starts_with(test)));
        let modules = paths
            .into_iter()
            .map(|(path, file)| {
                let code = shipped_code(&file.text, true);
                let (uses, use_ranges) = use_declarations(&code);
                let module = Module {
                    defined: defined_names(&code),
                    inline_modules: inline_modules(&code),
                    file: file.path,
                    code,
                    uses,
                    use_ranges,
                };
                (path, module)
            })
            .collect();
        let mut graph = ModuleGraph {
            modules,
            edges: BTreeMap::new(),
        };
        graph.edges = graph.find_edges();
        graph
    }

    /// Every module read, the root (`[]`) first.
    pub fn modules(&self) -> impl Iterator<Item = &ModulePath> {
        self.modules.keys()
    }

    /// The file of a module.
    pub fn file(&self, module: &[String]) -> Option<&str> {
        self.modules.get(module).map(|module| module.file.as_str())
    }

    /// The circles: groups of two or more modules that import each other through any chain
    /// (strongly connected components), each sorted, largest first.
    pub fn circles(&self) -> Vec<Vec<ModulePath>> {
        let mut circles = strongly_connected(&self.edges)
            .into_iter()
            .filter(|component| component.len() > 1)
            .collect::<Vec<_>>();
        circles.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        circles
    }

    /// The imports inside one circle, as `from -> to: names` lines.
    pub fn describe(&self, circle: &[ModulePath]) -> Vec<String> {
        let mut lines = Vec::new();
        for from in circle {
            for (to, names) in self.edges.get(from).into_iter().flatten() {
                if circle.contains(to) {
                    let names: Vec<&str> = names.iter().map(String::as_str).collect();
                    lines.push(format!(
                        "{} -> {}: {}",
                        module_name(from),
                        module_name(to),
                        names.join(", ")
                    ));
                }
            }
        }
        lines
    }

    fn find_edges(&self) -> BTreeMap<ModulePath, BTreeMap<ModulePath, BTreeSet<String>>> {
        let mut edges: BTreeMap<ModulePath, BTreeMap<ModulePath, BTreeSet<String>>> =
            BTreeMap::new();
        for (path, module) in &self.modules {
            let mut add = |to: ModulePath, name: &str| {
                if &to != path {
                    edges
                        .entry(path.clone())
                        .or_default()
                        .entry(to)
                        .or_default()
                        .insert(name.to_owned());
                }
            };
            let rest_of_code = without_regions(&module.code, &module.use_ranges);
            // Names brought in by `use` that are modules, for paths like `outbox::Item`.
            let mut aliases: BTreeMap<String, ModulePath> = BTreeMap::new();
            for entry in &module.uses {
                let depth = module.inline_depth(entry.at);
                let Some(absolute) = self.absolute(path, &entry.path, depth) else {
                    continue;
                };
                if entry.glob {
                    if !entry.public
                        && let Some(target) = self.resolve(&absolute, 0)
                    {
                        add(target, "*");
                    }
                    continue;
                }
                if self.modules.contains_key(&absolute) {
                    aliases.insert(entry.local.clone(), absolute.clone());
                }
                // A `pub use` only forwards the name, unless this module uses it too.
                if entry.public && word_positions(&rest_of_code, &entry.local).next().is_none() {
                    continue;
                }
                if let Some(target) = self.resolve(&absolute, 0) {
                    add(target, &entry.local);
                }
            }
            for (at, written) in paths_in(&rest_of_code) {
                let depth = module.inline_depth(at);
                let segments: Vec<String> = written.split("::").map(str::to_owned).collect();
                let absolute = match aliases.get(&segments[0]) {
                    Some(module) => {
                        let mut absolute = module.clone();
                        absolute.extend(segments[1..].iter().cloned());
                        Some(absolute)
                    }
                    None => self.absolute(path, &segments, depth),
                };
                if let Some(target) = absolute.and_then(|absolute| self.resolve(&absolute, 0)) {
                    let name = segments.last().cloned().unwrap_or_default();
                    add(target, &name);
                }
            }
        }
        edges
    }

    /// The path written in `module` (inside `inline_depth` inline modules) as a path from
    /// the crate root; `None` for a path into another crate.
    fn absolute(
        &self,
        module: &[String],
        written: &[String],
        inline_depth: usize,
    ) -> Option<ModulePath> {
        let first = written.first()?;
        let mut base: ModulePath = module.to_vec();
        let mut rest = written;
        match first.as_str() {
            "crate" => {
                base.clear();
                rest = &written[1..];
            }
            "self" => rest = &written[1..],
            "super" => {
                let supers = written.iter().take_while(|seg| *seg == "super").count();
                // Inside an inline module, `super` first leaves it, staying in this file.
                for _ in 0..supers.saturating_sub(inline_depth) {
                    base.pop()?;
                }
                rest = &written[supers..];
            }
            name => {
                let mut child = module.to_vec();
                child.push(name.to_owned());
                if !self.modules.contains_key(&child) {
                    return None;
                }
            }
        }
        base.extend(rest.iter().cloned());
        Some(base)
    }

    /// The module that defines what the absolute `path` names: the deepest module along it,
    /// then forwarded through re-exports of the item named next; `None` when a re-export
    /// leads out of the crate.
    fn resolve(&self, path: &[String], depth: usize) -> Option<ModulePath> {
        let mut current: ModulePath = Vec::new();
        for (index, segment) in path.iter().enumerate() {
            let mut child = current.clone();
            child.push(segment.clone());
            if self.modules.contains_key(&child) {
                current = child;
                continue;
            }
            if depth < 8 {
                match self.reexport(&current, segment) {
                    Reexport::Local(target) => {
                        let mut forwarded = target;
                        forwarded.extend(path[index + 1..].iter().cloned());
                        return self.resolve(&forwarded, depth + 1);
                    }
                    Reexport::External => return None,
                    Reexport::None => {}
                }
            }
            return Some(current);
        }
        Some(current)
    }

    /// Where `module` takes `name` from through a `use` (its own or a glob's), if it does.
    fn reexport(&self, module: &[String], name: &str) -> Reexport {
        let Some(found) = self.modules.get(module) else {
            return Reexport::None;
        };
        if found.defined.contains(name) {
            return Reexport::None;
        }
        for entry in &found.uses {
            if !entry.glob && entry.local == name {
                return match self.absolute(module, &entry.path, found.inline_depth(entry.at)) {
                    Some(path) => Reexport::Local(path),
                    None => Reexport::External,
                };
            }
        }
        for entry in found.uses.iter().filter(|entry| entry.glob) {
            let Some(target) = self.absolute(module, &entry.path, found.inline_depth(entry.at))
            else {
                continue;
            };
            if let Some(source) = self.modules.get(&target)
                && (source.defined.contains(name)
                    || source.uses.iter().any(|use_| use_.local == name))
            {
                let mut path = target;
                path.push(name.to_owned());
                return Reexport::Local(path);
            }
        }
        Reexport::None
    }
}

/// Where a name a module does not define comes from.
enum Reexport {
    /// A module of this crate (the path names the item there).
    Local(ModulePath),
    /// Another crate.
    External,
    /// Nowhere this reader can see: the module is taken to define it.
    None,
}

/// Names of the items `code` defines.
fn defined_names(code: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for keyword in [
        "struct", "enum", "trait", "type", "fn", "const", "static", "union", "mod",
    ] {
        for at in word_positions(code, keyword) {
            let name = ident(code[at + keyword.len()..].trim_start());
            if !name.is_empty() {
                names.insert(name.to_owned());
            }
        }
    }
    for at in word_positions(code, "macro_rules") {
        let rest = code[at + "macro_rules".len()..].trim_start();
        if let Some(rest) = rest.strip_prefix('!') {
            names.insert(ident(rest.trim_start()).to_owned());
        }
    }
    names
}

/// The byte ranges of the inline `mod name { … }` blocks of `code`.
fn inline_modules(code: &str) -> Vec<(usize, usize)> {
    word_positions(code, "mod")
        .filter_map(|at| {
            let rest = code[at + 3..].trim_start();
            let name = ident(rest);
            let after = rest[name.len()..].trim_start();
            if name.is_empty() || !after.starts_with('{') {
                return None;
            }
            let open = code.len() - after.len();
            Some((at, group_end(code.as_bytes(), open)))
        })
        .collect()
}

/// Every path of two or more segments written in `code` (`a::b::C`), with its offset; the
/// generic arguments and turbofish of a segment are skipped.
fn paths_in(code: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut at = 0;
    while at < code.len() {
        let c = code[at..].chars().next().unwrap_or(' ');
        if !(c.is_alphabetic() || c == '_') || !starts_a_path(code, at) {
            at += c.len_utf8();
            continue;
        }
        let mut segments = vec![ident(&code[at..]).to_owned()];
        let mut end = at + segments[0].len();
        while code[end..].starts_with("::") {
            let next = ident(&code[end + 2..]);
            if next.is_empty() {
                break;
            }
            segments.push(next.to_owned());
            end += 2 + next.len();
        }
        if segments.len() > 1 {
            found.push((at, segments.join("::")));
        }
        at = end.max(at + 1);
    }
    found
}

/// Tarjan's strongly connected components of a directed graph.
fn strongly_connected(
    edges: &BTreeMap<ModulePath, BTreeMap<ModulePath, BTreeSet<String>>>,
) -> Vec<Vec<ModulePath>> {
    struct Walk<'a> {
        edges: &'a BTreeMap<ModulePath, BTreeMap<ModulePath, BTreeSet<String>>>,
        index: BTreeMap<&'a ModulePath, usize>,
        low: BTreeMap<&'a ModulePath, usize>,
        stack: Vec<&'a ModulePath>,
        on_stack: BTreeSet<&'a ModulePath>,
        components: Vec<Vec<ModulePath>>,
    }
    impl<'a> Walk<'a> {
        fn visit(&mut self, node: &'a ModulePath) {
            let number = self.index.len();
            self.index.insert(node, number);
            self.low.insert(node, number);
            self.stack.push(node);
            self.on_stack.insert(node);
            for next in self.edges.get(node).into_iter().flat_map(BTreeMap::keys) {
                if !self.index.contains_key(next) {
                    self.visit(next);
                    let low = self.low[node].min(self.low[next]);
                    self.low.insert(node, low);
                } else if self.on_stack.contains(next) {
                    let low = self.low[node].min(self.index[next]);
                    self.low.insert(node, low);
                }
            }
            if self.low[node] == self.index[node] {
                let mut component = Vec::new();
                while let Some(member) = self.stack.pop() {
                    self.on_stack.remove(member);
                    component.push(member.clone());
                    if member == node {
                        break;
                    }
                }
                component.sort();
                self.components.push(component);
            }
        }
    }
    let mut walk = Walk {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        components: Vec::new(),
    };
    for node in edges.keys() {
        if !walk.index.contains_key(node) {
            walk.visit(node);
        }
    }
    walk.components
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("a scratch tree");
        for (path, text) in files {
            let path = dir.path().join(path);
            fs::create_dir_all(path.parent().expect("a folder")).expect("folders");
            fs::write(path, text).expect("a file");
        }
        dir
    }

    fn circles_of(files: &[(&str, &str)]) -> Vec<Vec<String>> {
        let dir = tree(files);
        ModuleGraph::read(dir.path(), "src")
            .circles()
            .into_iter()
            .map(|circle| circle.iter().map(|path| module_name(path)).collect())
            .collect()
    }

    #[test]
    fn two_modules_importing_each_other_are_a_circle() {
        let circles = circles_of(&[
            ("src/lib.rs", "mod a;\nmod b;\n"),
            ("src/a.rs", "use crate::b::B;\npub struct A;\n"),
            (
                "src/b.rs",
                "pub struct B;\nfn f() -> crate::a::A { todo!() }\n",
            ),
        ]);
        assert_eq!(circles, vec![vec!["a".to_owned(), "b".to_owned()]]);
    }

    #[test]
    fn a_one_way_import_and_test_code_make_no_circle() {
        let circles = circles_of(&[
            ("src/lib.rs", "mod a;\nmod b;\n"),
            ("src/a.rs", "use crate::b::B;\npub struct A;\n"),
            (
                "src/b.rs",
                "pub struct B;\n// crate::a::A\n#[cfg(test)]\nmod tests { use crate::a::A; }\n",
            ),
        ]);
        assert!(circles.is_empty(), "{circles:?}");
    }

    #[test]
    fn a_circle_through_a_reexport_at_the_root_is_found() {
        let circles = circles_of(&[
            (
                "src/lib.rs",
                "mod app;\nmod assist;\npub use app::{CoreError, OpenDvc};\n",
            ),
            (
                "src/app.rs",
                "pub struct OpenDvc;\npub enum CoreError {}\nfn f(x: crate::assist::Staff) {}\n",
            ),
            (
                "src/assist.rs",
                "use crate::{CoreError, OpenDvc};\npub struct Staff;\n",
            ),
        ]);
        assert_eq!(circles, vec![vec!["app".to_owned(), "assist".to_owned()]]);
    }

    #[test]
    fn a_child_using_its_parents_items_and_a_parent_using_the_child_are_a_circle() {
        let circles = circles_of(&[
            ("src/lib.rs", "mod queue;\n"),
            (
                "src/queue/mod.rs",
                "mod sender;\npub struct Item;\nfn run() { sender::send(); }\n",
            ),
            (
                "src/queue/sender.rs",
                "use super::Item;\npub fn send() {}\n",
            ),
        ]);
        assert_eq!(
            circles,
            vec![vec!["queue".to_owned(), "queue::sender".to_owned()]]
        );
    }

    #[test]
    fn a_parent_that_only_reexports_its_child_makes_no_circle() {
        let circles = circles_of(&[
            ("src/lib.rs", "mod queue;\npub use queue::Sender;\n"),
            (
                "src/queue/mod.rs",
                "mod sender;\nmod item;\npub use sender::Sender;\npub use item::*;\n",
            ),
            ("src/queue/item.rs", "pub struct Item;\n"),
            (
                "src/queue/sender.rs",
                "use super::Item;\npub struct Sender;\n",
            ),
        ]);
        assert!(circles.is_empty(), "{circles:?}");
    }
}
