//! Source text as code: comments and strings blanked, `#[cfg(test)]` items found by their
//! braces, lines of shipped code counted; and the small lexical helpers the other readers use.

use std::collections::BTreeSet;

/// `text` with every comment blanked, and with the contents of string and character literals
/// blanked too when `strings` is set. Blanked bytes become spaces (newlines stay), so every
/// byte offset still points at the same place in the original.
pub fn blank(text: &str, strings: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let blank_range = |out: &mut Vec<u8>, from: usize, to: usize| {
        for byte in &mut out[from..to.min(bytes.len())] {
            if *byte != b'\n' {
                *byte = b' ';
            }
        }
    };
    let is_ident = |byte: u8| byte.is_ascii_alphanumeric() || byte == b'_';
    let mut at = 0;
    while at < bytes.len() {
        let rest = &bytes[at..];
        if rest.starts_with(b"//") {
            let end = rest
                .iter()
                .position(|byte| *byte == b'\n')
                .map_or(bytes.len(), |offset| at + offset);
            blank_range(&mut out, at, end);
            at = end;
        } else if rest.starts_with(b"/*") {
            let mut depth = 0;
            let mut end = at;
            while end < bytes.len() {
                if bytes[end..].starts_with(b"/*") {
                    depth += 1;
                    end += 2;
                } else if bytes[end..].starts_with(b"*/") {
                    depth -= 1;
                    end += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    end += 1;
                }
            }
            blank_range(&mut out, at, end);
            at = end;
        } else if let Some((open, hashes)) = raw_string_start(bytes, at) {
            let closing: Vec<u8> = std::iter::once(b'"')
                .chain(std::iter::repeat_n(b'#', hashes))
                .collect();
            let body = open + 1;
            let end = bytes[body..]
                .windows(closing.len())
                .position(|window| window == closing.as_slice())
                .map_or(bytes.len(), |offset| body + offset);
            if strings {
                blank_range(&mut out, body, end);
            }
            at = end + closing.len();
        } else if bytes[at] == b'"' {
            let mut end = at + 1;
            while end < bytes.len() && bytes[end] != b'"' {
                end += if bytes[end] == b'\\' { 2 } else { 1 };
            }
            if strings {
                blank_range(&mut out, at + 1, end);
            }
            at = end + 1;
        } else if bytes[at] == b'\''
            && (at == 0
                || !is_ident(bytes[at - 1])
                || (bytes[at - 1] == b'b' && (at < 2 || !is_ident(bytes[at - 2]))))
        {
            // A character literal ('x', '\n', '\u{…}', 'é'), or else a lifetime ('a).
            let end = if bytes.get(at + 1) == Some(&b'\\') {
                bytes[at + 2..]
                    .iter()
                    .position(|byte| *byte == b'\'')
                    .map(|offset| at + 2 + offset)
            } else {
                let width = text[at + 1..].chars().next().map_or(1, char::len_utf8);
                (bytes.get(at + 1 + width) == Some(&b'\'')).then_some(at + 1 + width)
            };
            match end {
                Some(end) => {
                    if strings {
                        blank_range(&mut out, at + 1, end);
                    }
                    at = end + 1;
                }
                None => at += 1,
            }
        } else {
            at += 1;
        }
    }
    String::from_utf8(out).expect("only whole characters were blanked")
}

/// Where a raw string (`r"…"`, `r#"…"#`, `br"…"`) starting at `at` opens: the offset of its
/// `"` and the number of `#`.
fn raw_string_start(bytes: &[u8], at: usize) -> Option<(usize, usize)> {
    let is_ident = |byte: u8| byte.is_ascii_alphanumeric() || byte == b'_';
    let start = if bytes[at] == b'b' && bytes.get(at + 1) == Some(&b'r') {
        at + 1
    } else if bytes[at] == b'r' {
        at
    } else {
        return None;
    };
    if at > 0 && is_ident(bytes[at - 1]) {
        return None;
    }
    let hashes = bytes[start + 1..]
        .iter()
        .take_while(|byte| **byte == b'#')
        .count();
    (bytes.get(start + 1 + hashes) == Some(&b'"')).then_some((start + 1 + hashes, hashes))
}

/// The end (exclusive) of the bracketed group opening at `open` (`(`, `[` or `{`), in code
/// whose comments and strings are blanked.
pub(super) fn group_end(code: &[u8], open: usize) -> usize {
    let mut depth = 0usize;
    for (offset, byte) in code[open..].iter().enumerate() {
        match byte {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return open + offset + 1;
                }
            }
            _ => {}
        }
    }
    code.len()
}

fn skip_space(code: &[u8], mut at: usize) -> usize {
    while at < code.len() && code[at].is_ascii_whitespace() {
        at += 1;
    }
    at
}

/// Whether a `cfg(…)` predicate holds only in tests: `test`, or `all(…)` with `test` in it.
fn is_test_predicate(predicate: &str) -> bool {
    let predicate: String = predicate.split_whitespace().collect();
    predicate == "test"
        || (predicate.starts_with("all(")
            && predicate[4..]
                .split([',', ')'])
                .any(|argument| argument == "test"))
}

/// The parts of a file that only tests compile: each `#[cfg(test)]` item (a module, a
/// function, a `use` …) from its attribute to its end, as byte ranges; the whole file when it
/// starts with `#![cfg(test)]`.
pub fn test_regions(text: &str) -> Vec<(usize, usize)> {
    let code = blank(text, true);
    let code = code.as_bytes();
    let mut regions = Vec::new();
    let mut search = 0;
    while let Some(found) = find(code, b"#", search) {
        search = found + 1;
        let inner = code.get(found + 1) == Some(&b'!');
        let bracket = skip_space(code, found + 1 + usize::from(inner));
        if code.get(bracket) != Some(&b'[') {
            continue;
        }
        let attribute_end = group_end(code, bracket);
        let attribute = String::from_utf8_lossy(&code[bracket + 1..attribute_end - 1]);
        let Some(predicate) = attribute
            .trim()
            .strip_prefix("cfg")
            .map(str::trim_start)
            .and_then(|rest| rest.strip_prefix('('))
            .and_then(|rest| rest.strip_suffix(')'))
        else {
            continue;
        };
        if !is_test_predicate(predicate) {
            continue;
        }
        if inner {
            return vec![(0, code.len())];
        }
        // The item after the attribute (and after any further attributes) ends at its first
        // `;` outside brackets, or with the braces of its body.
        let mut at = skip_space(code, attribute_end);
        while code.get(at) == Some(&b'#') {
            let open = skip_space(code, at + 1);
            at = skip_space(code, group_end(code, open));
        }
        let mut end = code.len();
        let mut depth = 0usize;
        let mut scan = at;
        while scan < code.len() {
            match code[scan] {
                b'(' | b'[' => depth += 1,
                b')' | b']' => depth = depth.saturating_sub(1),
                b';' if depth == 0 => {
                    end = scan + 1;
                    break;
                }
                b'{' if depth == 0 => {
                    end = group_end(code, scan);
                    break;
                }
                _ => {}
            }
            scan += 1;
        }
        regions.push((found, end));
        search = end;
    }
    regions
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|offset| from + offset)
}

/// `text` with its test regions blanked (byte offsets kept).
pub(super) fn without_regions(text: &str, regions: &[(usize, usize)]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for (from, to) in regions {
        for byte in &mut bytes[*from..*to] {
            if *byte != b'\n' {
                *byte = b' ';
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The code a build without tests compiles: comments blanked, test regions blanked, and the
/// contents of string literals blanked when `strings` is set.
pub fn shipped_code(text: &str, strings: bool) -> String {
    without_regions(&blank(text, strings), &test_regions(text))
}

/// Only the test regions' code, comments blanked, and the contents of string literals too
/// when `strings` is set.
pub fn test_code(text: &str, strings: bool) -> String {
    let code = blank(text, strings);
    let mut bytes: Vec<u8> = code
        .bytes()
        .map(|byte| if byte == b'\n' { b'\n' } else { b' ' })
        .collect();
    for (from, to) in test_regions(text) {
        bytes[from..to].copy_from_slice(&code.as_bytes()[from..to]);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// How many lines of `text` a build without tests compiles: every line that does not start
/// inside a `#[cfg(test)]` item.
pub fn shipped_lines(text: &str) -> usize {
    let regions = test_regions(text);
    let mut count = 0;
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        if !regions
            .iter()
            .any(|(from, to)| start >= *from && start < *to)
        {
            count += 1;
        }
        start += line.len();
    }
    count
}

/// The names of the modules a file declares only for tests (`#[cfg(test)] mod name;`).
pub(super) fn test_module_names(text: &str) -> BTreeSet<String> {
    let code = blank(text, true);
    test_regions(text)
        .into_iter()
        .filter_map(|(from, to)| {
            let item = &code[from..to];
            let after = item.find("mod ")?;
            let rest = item[after + 4..].trim();
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            rest[name.len()..]
                .trim_start()
                .starts_with(';')
                .then_some(name)
        })
        .collect()
}

pub(super) fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The identifier at the start of `text`.
pub(super) fn ident(text: &str) -> &str {
    let end = text
        .char_indices()
        .find(|(_, c)| !is_ident_char(*c))
        .map_or(text.len(), |(at, _)| at);
    &text[..end]
}

/// Whether the word at `at` in `code` stands alone (no identifier character, `$` or `::`
/// just before it).
pub(super) fn starts_a_path(code: &str, at: usize) -> bool {
    let before = code[..at].trim_end_matches(' ');
    let touching = before.len() == at;
    if before.ends_with("::") {
        return false;
    }
    !(touching
        && before
            .chars()
            .next_back()
            .is_some_and(|c| is_ident_char(c) || c == '$'))
}

/// Every position where `word` stands as a whole word in `code`.
pub(super) fn word_positions<'a>(code: &'a str, word: &'a str) -> impl Iterator<Item = usize> + 'a {
    code.match_indices(word).filter_map(move |(at, _)| {
        let before_ok = code[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !is_ident_char(c));
        let after_ok = code[at + word.len()..]
            .chars()
            .next()
            .is_none_or(|c| !is_ident_char(c));
        (before_ok && after_ok).then_some(at)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_strings_are_blanked_keeping_every_offset() {
        let text = "let a = \"crate::x\"; // crate::y\nlet b = r#\"{\"#; /* c */ 'x';";
        let both = blank(text, true);
        assert_eq!(both.len(), text.len(), "offsets are kept");
        assert!(
            !both.contains("crate::"),
            "neither string nor comment stays: {both}"
        );
        assert!(
            !both.contains('{'),
            "a brace in a raw string is blanked: {both}"
        );
        let comments = blank(text, false);
        assert!(comments.contains("\"crate::x\""), "strings stay when asked");
        assert!(!comments.contains("crate::y"), "comments go: {comments}");
        assert_eq!(
            blank("fn f<'a>(x: &'a str) {}", true),
            "fn f<'a>(x: &'a str) {}"
        );
    }

    #[test]
    fn test_items_are_found_by_their_braces_or_their_semicolon() {
        let text = "fn shipped() {}\n#[cfg(test)]\nmod tests {\n    fn t() { let s = \"}\"; }\n}\nfn also() {}\n#[cfg(test)]\nmod more;\n";
        let shipped = shipped_code(text, true);
        assert!(shipped.contains("fn shipped"), "{shipped}");
        assert!(
            shipped.contains("fn also"),
            "code after a test module is shipped: {shipped}"
        );
        assert!(
            !shipped.contains("fn t"),
            "the test module is cut: {shipped}"
        );
        assert_eq!(shipped_lines(text), 2, "two lines start outside test items");
        assert_eq!(test_module_names(text), BTreeSet::from(["more".to_owned()]));
        assert!(test_code(text, false).contains("fn t()"));
        assert!(is_test_predicate("all(test, unix)"));
        assert!(!is_test_predicate("not(test)"));
        assert!(!is_test_predicate("feature = \"test-support\""));
    }
}
