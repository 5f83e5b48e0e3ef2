//! The UI's TypeScript types are generated from the Rust types that cross into it (the wire
//! types of `crates/api`, and the shell's view types) with ts-rs. This crate is the one place
//! that turns ts-rs declarations into a committed file: one file per Rust crate's worth of
//! types, in a stable order, with a "generated, do not edit" header, and the check that fails
//! when the committed file no longer matches the Rust types.
//!
//! It is used from tests only (a test renders the file and calls [`check_or_bless`] with
//! [`bless_requested`]), so no shipped binary links it.

use std::any::TypeId;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt;
use std::path::Path;

use ts_rs::{Config, TS, TypeVisitor};

/// The environment variable that asks for generated files to be rewritten instead of compared.
pub const BLESS_VARIABLE: &str = "OPENDVC_BLESS";

/// Whether `OPENDVC_BLESS=1` is set: the person regenerates the files.
pub fn bless_requested() -> bool {
    std::env::var_os(BLESS_VARIABLE).is_some_and(|value| value == "1")
}

/// One exported TypeScript declaration, with the Rust module it comes from.
struct Declaration {
    module: String,
    name: String,
    text: String,
}

/// The declarations of one generated TypeScript file.
///
/// Types are added with [`TypeScriptFile::add`]; every type they refer to is added too,
/// through ts-rs's dependency walk. A type under a Rust module given to
/// [`TypeScriptFile::import`] is imported from that module's generated file instead of declared
/// again.
pub struct TypeScriptFile {
    config: Config,
    imports: Vec<(String, String)>,
    seen: HashSet<TypeId>,
    declarations: Vec<Declaration>,
    imported: BTreeMap<String, BTreeSet<String>>,
}

impl fmt::Debug for TypeScriptFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TypeScriptFile")
            .field("imports", &self.imports)
            .field("declared", &self.declared_names())
            .field("imported", &self.imported)
            .finish()
    }
}

impl Default for TypeScriptFile {
    fn default() -> Self {
        Self::new()
    }
}

impl TypeScriptFile {
    /// An empty file. `u64` and `i64` render as `number`: the values the app sends (amounts
    /// in VND, sizes, counts) are far below 2^53, and `JSON.parse` gives the UI numbers.
    pub fn new() -> Self {
        TypeScriptFile {
            config: Config::new().with_large_int("number"),
            imports: Vec::new(),
            seen: HashSet::new(),
            declarations: Vec::new(),
            imported: BTreeMap::new(),
        }
    }

    /// Types under the Rust module `rust_module` (a crate such as `opendvc_api`, or one of its
    /// modules) are imported from the TypeScript module `from` (e.g. `./api`) instead of
    /// declared in this file.
    pub fn import(mut self, rust_module: &str, from: &str) -> Self {
        self.imports
            .push((format!("{rust_module}::"), from.to_owned()));
        self
    }

    /// Adds the declaration of `T` and of every type it refers to.
    pub fn add<T: TS + 'static + ?Sized>(&mut self) -> &mut Self {
        self.visit::<T>();
        self
    }

    /// How `T` is written where it is used (an argument's or a field's type, such as
    /// `Array<WalletEntry>` or `string | null`); the named types in it are declared in this
    /// file or imported, like those of [`TypeScriptFile::add`].
    pub fn reference<T: TS + 'static + ?Sized>(&mut self) -> String {
        self.visit::<T>();
        T::visit_generics(self);
        T::name(&self.config)
    }

    /// The TypeScript names of the types declared in this file.
    pub fn declared_names(&self) -> BTreeSet<String> {
        self.declarations
            .iter()
            .map(|declaration| declaration.name.clone())
            .collect()
    }

    /// The file's text: `header` as line comments, the imports, then the declarations grouped
    /// by Rust module and sorted by name, so the order depends on neither the order types
    /// were added in nor the dependency walk.
    pub fn render(&self, header: &str) -> String {
        let mut out = String::new();
        for line in header.lines() {
            out.push_str(format!("// {line}").trim_end());
            out.push('\n');
        }
        if !self.imported.is_empty() {
            out.push('\n');
        }
        for (from, names) in &self.imported {
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            out.push_str(&format!(
                "import type {{ {} }} from '{from}';\n",
                names.join(", ")
            ));
        }
        let mut declarations: Vec<&Declaration> = self.declarations.iter().collect();
        declarations.sort_by(|a, b| (&a.module, &a.name).cmp(&(&b.module, &b.name)));
        let mut current_module = None;
        for declaration in declarations {
            if current_module != Some(&declaration.module) {
                out.push_str(&format!("\n// ---- {} ----\n", declaration.module));
                current_module = Some(&declaration.module);
            }
            out.push('\n');
            // ts-rs ends a line with a space before a field's doc comment; trimming it keeps
            // the file clean for `git diff --check` and editors.
            for line in declaration.text.lines() {
                out.push_str(line.trim_end());
                out.push('\n');
            }
        }
        out
    }
}

impl TypeVisitor for TypeScriptFile {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        // Primitives, strings, dates and containers have no declaration of their own.
        if T::output_path().is_none() || !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        let rust_name = std::any::type_name::<T>();
        let name = T::ident(&self.config);
        let import = self
            .imports
            .iter()
            .find(|(prefix, _)| rust_name.starts_with(prefix.as_str()));
        if let Some((_, from)) = import {
            self.imported.entry(from.clone()).or_default().insert(name);
            return;
        }
        let module = rust_name
            .rsplit_once("::")
            .map_or(rust_name, |(module, _)| module)
            .to_owned();
        let mut text = T::docs().unwrap_or_default();
        text.push_str("export ");
        text.push_str(&T::decl(&self.config));
        self.declarations.push(Declaration { module, name, text });
        T::visit_dependencies(self);
    }
}

/// Compares the committed file at `path` with `rendered`; when they differ, the error names
/// `shown_path`, the first differing line and `bless_command`. With `bless` (see
/// [`bless_requested`]) it writes `rendered` to `path` instead.
pub fn check_or_bless(
    path: &Path,
    shown_path: &str,
    rendered: &str,
    bless_command: &str,
    bless: bool,
) -> Result<(), String> {
    if bless {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|error| format!("cannot create the folder of {shown_path}: {error}"))?;
        }
        return std::fs::write(path, rendered)
            .map_err(|error| format!("cannot write {shown_path}: {error}"));
    }
    let committed = std::fs::read_to_string(path).map_err(|error| {
        format!("{shown_path} cannot be read ({error}); generate it with `{bless_command}` and commit it.")
    })?;
    if committed == rendered {
        return Ok(());
    }
    Err(format!(
        "{shown_path} is stale: it no longer matches the Rust types it is generated from.\n{}\n\
         Regenerate it with `{bless_command}`, review `git diff {shown_path}`, and commit it.",
        first_difference(&committed, rendered),
    ))
}

/// The first line where `committed` and `rendered` differ, both shown; long generated lines
/// are cut so the message stays readable.
fn first_difference(committed: &str, rendered: &str) -> String {
    let cut = |line: Option<&str>| -> String {
        match line {
            None => "(end of file)".to_owned(),
            Some(line) if line.chars().count() > 200 => {
                format!("{}…", line.chars().take(200).collect::<String>())
            }
            Some(line) => line.to_owned(),
        }
    };
    let mut committed_lines = committed.lines();
    let mut rendered_lines = rendered.lines();
    let mut number = 1;
    loop {
        let (left, right) = (committed_lines.next(), rendered_lines.next());
        if left != right {
            return format!(
                "first difference at line {number}:\n  committed: {}\n  generated: {}",
                cut(left),
                cut(right)
            );
        }
        if left.is_none() {
            return "the files differ only in line endings".to_owned();
        }
        number += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // These types exist only to be rendered; nothing builds or reads them.
    #[allow(dead_code)]
    mod shared {
        /// A type another generated file declares.
        #[derive(ts_rs::TS)]
        pub struct Shared {
            pub amount: u64,
        }
    }

    #[allow(dead_code)]
    mod views {
        /// The first type in alphabetical order, added last.
        #[derive(ts_rs::TS)]
        pub enum Apple {
            Red,
            Green,
        }

        #[derive(ts_rs::TS)]
        pub struct Zebra {
            pub apple: Apple,
            pub shared: super::shared::Shared,
        }
    }

    fn rendered(add: impl FnOnce(&mut TypeScriptFile)) -> String {
        let mut file = TypeScriptFile::new().import("opendvc_typescript::tests::shared", "./api");
        add(&mut file);
        file.render("Generated.\nDo not edit.")
    }

    #[test]
    fn dependencies_are_declared_once_in_a_stable_order() {
        let zebra_first = rendered(|file| {
            file.add::<views::Zebra>().add::<views::Apple>();
        });
        let apple_first = rendered(|file| {
            file.add::<views::Apple>().add::<views::Zebra>();
        });
        assert_eq!(
            zebra_first, apple_first,
            "the order types are added in does not matter"
        );
        assert_eq!(
            zebra_first.matches("export type Apple").count(),
            1,
            "a type reached twice is declared once:\n{zebra_first}"
        );
        let apple = zebra_first
            .find("export type Apple")
            .expect("Apple declared");
        let zebra = zebra_first
            .find("export type Zebra")
            .expect("Zebra declared");
        assert!(
            apple < zebra,
            "declarations are sorted by name:\n{zebra_first}"
        );
        assert!(
            zebra_first.starts_with("// Generated.\n// Do not edit.\n"),
            "the header comes first:\n{zebra_first}"
        );
        assert!(
            zebra_first.contains("/**\n * The first type in alphabetical order, added last.\n */\nexport type Apple = \"Red\" | \"Green\";"),
            "doc comments become JSDoc:\n{zebra_first}"
        );
    }

    #[test]
    fn types_of_an_imported_module_are_imported_not_declared() {
        let text = rendered(|file| {
            file.add::<views::Zebra>();
        });
        assert!(
            text.contains("import type { Shared } from './api';"),
            "{text}"
        );
        assert!(!text.contains("export type Shared"), "{text}");
        assert!(text.contains("shared: Shared"), "{text}");
    }

    #[test]
    fn large_integers_are_plain_numbers() {
        let mut file = TypeScriptFile::new();
        file.add::<shared::Shared>();
        let text = file.render("Generated.");
        assert!(text.contains("amount: number"), "{text}");
        assert_eq!(file.declared_names(), BTreeSet::from(["Shared".to_owned()]));
    }

    fn scratch_file(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("opendvc-typescript-{}", std::process::id()));
        dir.join(name)
    }

    #[test]
    fn a_stale_file_is_reported_with_its_first_difference_and_blessing_rewrites_it() {
        let path = scratch_file("stale/api.ts");
        check_or_bless(&path, "api.ts", "one\ntwo\n", "bless me", true).expect("bless writes");
        check_or_bless(&path, "api.ts", "one\ntwo\n", "bless me", false)
            .expect("a fresh file passes");
        let error = check_or_bless(&path, "api.ts", "one\nthree\n", "bless me", false)
            .expect_err("a stale file fails");
        assert!(
            error.contains("api.ts is stale")
                && error.contains("line 2")
                && error.contains("committed: two")
                && error.contains("generated: three")
                && error.contains("`bless me`"),
            "{error}"
        );
        check_or_bless(&path, "api.ts", "one\nthree\n", "bless me", true).expect("bless rewrites");
        check_or_bless(&path, "api.ts", "one\nthree\n", "bless me", false)
            .expect("the blessed file passes");
        std::fs::remove_dir_all(path.parent().expect("scratch folder")).expect("clean up");
    }

    #[test]
    fn a_missing_file_says_how_to_generate_it() {
        let path = scratch_file("missing/api.ts");
        let error = check_or_bless(&path, "api.ts", "one\n", "bless me", false)
            .expect_err("a missing file fails");
        assert!(
            error.contains("api.ts cannot be read") && error.contains("`bless me`"),
            "{error}"
        );
    }
}
