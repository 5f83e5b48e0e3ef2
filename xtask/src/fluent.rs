//! Checks of the Fluent files `locales/{vi,en,id}/*.ftl`: every file parses, no id is defined
//! twice in a locale, and every locale has the same files with the same message ids, so no
//! screen or notification falls back to another language. Style is checked by
//! `moz-fluent-lint` with the project's `.fluent-lint.yml`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use fluent_syntax::ast::Entry;

use crate::command::CommandLine;

/// The app's languages, Vietnamese first: it is the reference the others are compared to.
pub const LOCALES: [&str; 3] = ["vi", "en", "id"];

/// Message and term ids of each `.ftl` file of one locale, by file name.
type LocaleIds = BTreeMap<String, Vec<String>>;

/// Runs the structural checks, then the linter.
pub fn check() -> Result<()> {
    let locales_dir = crate::workspace::root().join("locales");
    let mut problems = Vec::new();
    let mut catalogs = BTreeMap::new();
    let mut file_count = 0;
    for locale in LOCALES {
        let mut ids = LocaleIds::new();
        for path in ftl_files(&locales_dir.join(locale))? {
            file_count += 1;
            let source = std::fs::read_to_string(&path)
                .with_context(|| format!("could not read {}", path.display()))?;
            let file_name = path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            match parse_ids(&source) {
                Ok(file_ids) => {
                    ids.insert(file_name, file_ids);
                }
                Err(errors) => {
                    problems.extend(
                        errors
                            .into_iter()
                            .map(|error| format!("{}: {error}", relative(&path))),
                    );
                    ids.insert(file_name, Vec::new());
                }
            }
        }
        catalogs.insert(locale.to_owned(), ids);
    }
    problems.extend(compare_locales(&catalogs));
    if !problems.is_empty() {
        bail!(
            "the Fluent files have {} problem(s):\n  {}",
            problems.len(),
            problems.join("\n  ")
        );
    }
    println!(
        "{file_count} Fluent file(s) parse and define the same ids in {}",
        LOCALES.join(", ")
    );

    crate::python::ensure_tools()?;
    CommandLine::new(crate::python::tool("moz-fluent-lint"))
        .args(["--config", ".fluent-lint.yml", "locales"])
        .run()
        .context("moz-fluent-lint found problems in locales/ (rules: .fluent-lint.yml)")
}

/// The `.ftl` files directly in `dir`, sorted; none when the folder does not exist yet.
fn ftl_files(dir: &Path) -> Result<Vec<PathBuf>> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    for entry in
        std::fs::read_dir(dir).with_context(|| format!("could not list {}", dir.display()))?
    {
        let path = entry?.path();
        if path.extension().is_some_and(|extension| extension == "ftl") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

fn relative(path: &Path) -> String {
    path.strip_prefix(crate::workspace::root())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The ids a Fluent file defines, in file order (terms with their leading `-`), or its
/// syntax errors with line numbers.
pub fn parse_ids(source: &str) -> Result<Vec<String>, Vec<String>> {
    match fluent_syntax::parser::parse(source) {
        Ok(resource) => Ok(resource
            .body
            .iter()
            .filter_map(|entry| match entry {
                Entry::Message(message) => Some(message.id.name.to_owned()),
                Entry::Term(term) => Some(format!("-{}", term.id.name)),
                _ => None,
            })
            .collect()),
        Err((_, errors)) => Err(errors
            .iter()
            .map(|error| {
                // The broken entry's first line is where a person starts looking; the
                // parser's own position is often the end of the file.
                let start = error
                    .slice
                    .as_ref()
                    .map_or(error.pos.start, |slice| slice.start);
                let line = source[..start.min(source.len())].matches('\n').count() + 1;
                format!("line {line}: syntax error: {}", error.kind)
            })
            .collect()),
    }
}

/// Compares the locales against each other. Problems: an id defined twice in one locale (the
/// files of a locale form one bundle), a file missing from a locale, an id missing from a file.
pub fn compare_locales(catalogs: &BTreeMap<String, LocaleIds>) -> Vec<String> {
    let mut problems = Vec::new();
    for (locale, files) in catalogs {
        let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
        for (file, ids) in files {
            for id in ids {
                if let Some(first_file) = seen.insert(id, file) {
                    problems.push(format!(
                        "locales/{locale}/{file}: `{id}` is defined again (first in {first_file})"
                    ));
                }
            }
        }
    }

    let all_files: BTreeSet<&String> = catalogs.values().flat_map(|files| files.keys()).collect();
    for file in all_files {
        let ids_by_locale: BTreeMap<&String, BTreeSet<&String>> = catalogs
            .iter()
            .filter_map(|(locale, files)| files.get(file).map(|ids| (locale, ids.iter().collect())))
            .collect();
        for locale in catalogs.keys() {
            let Some(ids) = ids_by_locale.get(locale) else {
                problems.push(format!(
                    "locales/{locale}/{file} is missing (other locales have it)"
                ));
                continue;
            };
            for (other_locale, other_ids) in &ids_by_locale {
                let missing: Vec<&str> = other_ids.difference(ids).map(|id| id.as_str()).collect();
                if !missing.is_empty() {
                    problems.push(format!(
                        "locales/{locale}/{file} lacks {} defined in locales/{other_locale}/{file}",
                        missing.join(", ")
                    ));
                }
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogs(entries: &[(&str, &str, &[&str])]) -> BTreeMap<String, LocaleIds> {
        let mut catalogs: BTreeMap<String, LocaleIds> = BTreeMap::new();
        for (locale, file, ids) in entries {
            catalogs.entry((*locale).to_owned()).or_default().insert(
                (*file).to_owned(),
                ids.iter().map(|id| (*id).to_owned()).collect(),
            );
        }
        catalogs
    }

    #[test]
    fn locales_with_the_same_ids_pass() {
        let catalogs = catalogs(&[
            ("vi", "core.ftl", &["app-name", "-brand"]),
            ("en", "core.ftl", &["-brand", "app-name"]),
            ("id", "core.ftl", &["app-name", "-brand"]),
        ]);
        assert_eq!(compare_locales(&catalogs), Vec::<String>::new());
    }

    #[test]
    fn id_missing_from_one_locale_is_reported() {
        let catalogs = catalogs(&[
            ("vi", "core.ftl", &["app-name", "queue-saved"]),
            ("en", "core.ftl", &["app-name", "queue-saved"]),
            ("id", "core.ftl", &["app-name"]),
        ]);
        let problems = compare_locales(&catalogs);
        assert_eq!(
            problems.len(),
            2,
            "one problem per locale that has it: {problems:?}"
        );
        assert!(
            problems
                .iter()
                .all(|problem| problem.starts_with("locales/id/core.ftl lacks queue-saved")),
            "{problems:?}"
        );
    }

    #[test]
    fn id_only_in_a_translation_is_reported_too() {
        let catalogs = catalogs(&[
            ("vi", "core.ftl", &["app-name"]),
            ("en", "core.ftl", &["app-name", "stray"]),
            ("id", "core.ftl", &["app-name"]),
        ]);
        let problems = compare_locales(&catalogs);
        assert!(
            problems.contains(
                &"locales/vi/core.ftl lacks stray defined in locales/en/core.ftl".to_owned()
            ),
            "{problems:?}"
        );
    }

    #[test]
    fn file_missing_from_a_locale_is_reported() {
        let catalogs = catalogs(&[
            ("vi", "portal.ftl", &["otp-sms"]),
            ("en", "portal.ftl", &["otp-sms"]),
            ("id", "core.ftl", &[]),
        ]);
        let problems = compare_locales(&catalogs);
        assert!(
            problems
                .contains(&"locales/id/portal.ftl is missing (other locales have it)".to_owned()),
            "{problems:?}"
        );
        assert!(
            problems.contains(&"locales/vi/core.ftl is missing (other locales have it)".to_owned()),
            "{problems:?}"
        );
    }

    #[test]
    fn duplicate_id_across_files_of_a_locale_is_reported() {
        let catalogs = catalogs(&[
            ("vi", "a.ftl", &["save"]),
            ("vi", "b.ftl", &["save"]),
            ("en", "a.ftl", &["save"]),
            ("en", "b.ftl", &["save"]),
            ("id", "a.ftl", &["save"]),
            ("id", "b.ftl", &["save"]),
        ]);
        let problems = compare_locales(&catalogs);
        assert_eq!(problems.len(), 3, "one duplicate per locale: {problems:?}");
        assert!(problems[0].contains("`save` is defined again (first in a.ftl)"));
    }

    #[test]
    fn ids_are_read_from_messages_and_terms() {
        let source = "-brand = OpenDVC\n# A comment.\napp-title = { -brand }\n    .title = Hi\n";
        assert_eq!(
            parse_ids(source).expect("valid Fluent"),
            ["-brand", "app-title"]
        );
    }

    #[test]
    fn syntax_error_is_reported_with_its_line() {
        let source = "good = Fine\nbad = { $unclosed\n";
        let errors = parse_ids(source).expect_err("an unclosed placeable is a syntax error");
        assert!(errors[0].starts_with("line 2: syntax error"), "{errors:?}");
    }
}
