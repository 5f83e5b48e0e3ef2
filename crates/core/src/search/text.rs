//! Text folding and tokenising, shared by the index and the query so that both see the same
//! words.
//!
//! The FTS5 tokenizer (`unicode61 remove_diacritics 2`) already drops Vietnamese tone and vowel
//! marks, but it keeps `đ` apart from `d` because `đ` is a letter of its own, not a `d` with a
//! mark. People type `dang ky` for `đăng ký`, so both the indexed text and the query are folded
//! here first: lower case, marks removed, `đ` turned into `d`. The typo and prefix look-ups read
//! the index's vocabulary, so they must fold exactly like the index does; doing it in one Rust
//! function guarantees that.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Lower case, without diacritics, with `đ`/`Đ` folded to `d`.
pub fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| if c == 'đ' { 'd' } else { c })
        .collect()
}

/// The folded words of `text`, split where FTS5's `unicode61` splits: at every character that
/// is not a letter or a digit.
pub fn tokens(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The words of `text` as written (composed, with their diacritics), each with its folded form.
pub fn words_with_folded(text: &str) -> Vec<(String, String)> {
    let composed: String = text.nfc().collect();
    composed
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| (word.to_owned(), fold(word)))
        .collect()
}

/// Whether `text` ends inside a word, that is, the person may still be typing its last word.
/// A trailing combining mark (a tone typed after its vowel) still counts as inside the word.
pub fn ends_inside_word(text: &str) -> bool {
    text.chars()
        .rev()
        .find(|c| !is_combining_mark(*c))
        .is_some_and(char::is_alphanumeric)
}
