//! What a citizen leaves on a device: the ways their identifiers can be written, and a byte
//! scan of a folder for them. The shared-device tests use it to prove a citizen's data is
//! gone when their session ends.

use std::path::Path;

use opendvc_api::DemoCitizen;

/// Every way a citizen's identifiers could be written: the ID number, the name, the phone as
/// registered (`+84…`) and as dialled at home (`0…`).
pub fn identifiers(citizen: &DemoCitizen) -> Vec<String> {
    let mut all = vec![
        citizen.id_number.clone(),
        citizen.name.clone(),
        citizen.phone.clone(),
    ];
    if let Some(national) = citizen.phone.strip_prefix("+84") {
        all.push(format!("0{national}"));
    }
    all
}

/// Every file under `dir` that holds one of `needles` (as UTF-8 bytes), with the needle found.
/// Unreadable files and folders are passed over: what cannot be read here holds nothing to
/// find.
pub fn files_containing(dir: &Path, needles: &[String]) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            for needle in needles {
                if bytes
                    .windows(needle.len())
                    .any(|window| window == needle.as_bytes())
                {
                    found.push((path.display().to_string(), needle.clone()));
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scan_finds_a_name_in_a_nested_file_and_nothing_where_it_is_not() {
        let dir = tempfile::tempdir().expect("a folder");
        std::fs::create_dir_all(dir.path().join("a/b")).expect("folders");
        std::fs::write(dir.path().join("a/b/cache.db"), "xx Trần Thị Lan yy").expect("writes");
        std::fs::write(dir.path().join("other"), "nothing here").expect("writes");
        let found = files_containing(dir.path(), &["Trần Thị Lan".to_owned()]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].0.ends_with("cache.db"));
        assert!(files_containing(dir.path(), &["048090001234".to_owned()]).is_empty());
    }

    #[test]
    fn a_phone_is_looked_for_in_both_its_forms() {
        let citizen = DemoCitizen {
            id_number: "048090001234".to_owned(),
            phone: "+84905123456".to_owned(),
            name: "Trần Thị Lan".to_owned(),
        };
        assert!(identifiers(&citizen).contains(&"0905123456".to_owned()));
    }
}
