//! One-typo tolerance: candidate words within one edit of a typed word.
//!
//! The index keeps, for every vocabulary term, the term itself and each string made by deleting
//! one of its characters (the "symmetric delete" idea of SymSpell). Two words within one edit
//! (insertion, deletion, substitution or swap of neighbours) always share one of those keys, so
//! a typed word needs only as many look-ups as it has characters, not one per letter of the
//! alphabet per position. Shared keys can also come from words two edits apart; [`within_one_edit`]
//! weeds those out.

/// Words shorter than this many characters get no typo tolerance: on short words one edit
/// already turns most words into other real words.
pub const TYPO_MIN_CHARS: usize = 5;

/// Words longer than this get no typo tolerance: no real word is that long, and the look-up
/// keys of a word grow with the square of its length.
pub const TYPO_MAX_CHARS: usize = 32;

/// Vocabulary terms shorter than this are never typo candidates: a typed word of
/// [`TYPO_MIN_CHARS`] is at least this long after one deletion.
pub const TYPO_MIN_TERM_CHARS: usize = TYPO_MIN_CHARS - 1;

/// Every distinct string made by deleting one character of `word`.
pub fn deletions(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let mut out: Vec<String> = Vec::with_capacity(chars.len());
    for skip in 0..chars.len() {
        let candidate: String = chars
            .iter()
            .enumerate()
            .filter(|(index, _)| *index != skip)
            .map(|(_, c)| *c)
            .collect();
        if !out.contains(&candidate) {
            out.push(candidate);
        }
    }
    out
}

/// The look-up keys of a typed word: the word and its one-character deletions.
pub fn lookup_keys(word: &str) -> Vec<String> {
    let mut keys = vec![word.to_owned()];
    keys.extend(deletions(word).into_iter().filter(|key| key != word));
    keys
}

/// Whether `a` and `b` differ by at most one insertion, deletion, substitution, or swap of two
/// neighbouring characters.
pub fn within_one_edit(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (shorter, longer) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if longer.len() - shorter.len() > 1 {
        return false;
    }
    let common_prefix = shorter
        .iter()
        .zip(longer.iter())
        .take_while(|(x, y)| x == y)
        .count();
    if common_prefix == shorter.len() {
        return true;
    }
    if shorter.len() == longer.len() {
        let rest = common_prefix + 1;
        let substitution = shorter[rest..] == longer[rest..];
        let swap = rest < shorter.len()
            && shorter[common_prefix] == longer[rest]
            && shorter[rest] == longer[common_prefix]
            && shorter[rest + 1..] == longer[rest + 1..];
        substitution || swap
    } else {
        shorter[common_prefix..] == longer[common_prefix + 1..]
    }
}
