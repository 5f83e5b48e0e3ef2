//! Search quality and safety, checked on a fixture of real procedures
//! (`testdata/catalog.json`, 50 Da Nang procedures; the national codes there are illustrative).

use std::time::Instant;

use opendvc_api::{OnlineLevel, Procedure};
use rusqlite::Connection;
use unicode_normalization::UnicodeNormalization;

use super::generator::generate_catalog;
use super::query::{QueryPlan, Vocabulary};
use super::query_table::QUERY_TABLE;
use super::rank::{Candidate, IndexStatistics, rank};
use super::synonyms::SynonymTable;
use super::text::{ends_inside_word, fold, tokens};
use super::typo::{deletions, within_one_edit};
use super::{NameSegment, highlight};
use crate::store::catalog_search::{CatalogSearch, CatalogSearchError};

fn fixture_catalog() -> Vec<Procedure> {
    serde_json::from_str(include_str!("testdata/catalog.json"))
        .expect("the fixture catalog is a JSON array of procedures")
}

fn indexed(procedures: &[Procedure]) -> Connection {
    let conn = Connection::open_in_memory().expect("an in-memory database opens");
    let synonyms = SynonymTable::bundled().expect("the bundled synonym file loads");
    CatalogSearch::new(&conn)
        .build(procedures, &synonyms)
        .expect("the index builds");
    conn
}

fn top_ids(conn: &Connection, query: &str, limit: usize) -> Vec<String> {
    CatalogSearch::new(conn)
        .search(query, limit)
        .expect("search answers")
        .into_iter()
        .map(|hit| hit.procedure_id)
        .collect()
}

/// `None` when `expected` is among the top three results for `query`, otherwise a line saying
/// what came back instead.
fn check(conn: &Connection, query: &str, expected: &str) -> Option<String> {
    let top = top_ids(conn, query, 3);
    if top.iter().any(|id| id == expected) {
        None
    } else {
        Some(format!(
            "{query:?}: expected {expected} in the top 3, got {top:?}"
        ))
    }
}

#[test]
fn every_query_in_the_table_finds_its_procedure_in_the_top_three() {
    let conn = indexed(&fixture_catalog());
    let failures: Vec<String> = QUERY_TABLE
        .iter()
        .filter_map(|(query, expected)| check(&conn, query, expected))
        .collect();
    assert!(
        QUERY_TABLE.len() >= 40,
        "the table holds at least 40 queries"
    );
    assert!(
        failures.is_empty(),
        "{} of {} queries missed:\n{}",
        failures.len(),
        QUERY_TABLE.len(),
        failures.join("\n")
    );
}

#[test]
fn the_table_holds_among_ten_thousand_procedures() {
    let mut catalog = fixture_catalog();
    let generated = 10_000 - catalog.len();
    catalog.extend(generate_catalog(generated, 7));
    let conn = indexed(&catalog);
    let failures: Vec<String> = QUERY_TABLE
        .iter()
        .filter_map(|(query, expected)| check(&conn, query, expected))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} queries missed among 10,000 procedures:\n{}",
        failures.len(),
        QUERY_TABLE.len(),
        failures.join("\n")
    );
}

/// A vocabulary of a few words, for checking query plans without a database.
struct FakeVocabulary(&'static [&'static str]);

impl Vocabulary for FakeVocabulary {
    type Error = std::convert::Infallible;

    fn documents(&mut self, term: &str) -> Result<Option<u64>, Self::Error> {
        Ok(self.0.contains(&term).then_some(1))
    }

    fn prefix_documents(&mut self, prefix: &str) -> Result<Option<u64>, Self::Error> {
        Ok(self
            .0
            .iter()
            .any(|word| word.starts_with(prefix))
            .then_some(1))
    }

    fn terms_sharing_key(&mut self, key: &str) -> Result<Vec<(String, u64)>, Self::Error> {
        Ok(self
            .0
            .iter()
            .filter(|word| **word == key || deletions(word).iter().any(|d| d == key))
            .map(|word| ((*word).to_owned(), 1))
            .collect())
    }

    fn synonym_meanings(&mut self, phrase: &str) -> Result<Vec<String>, Self::Error> {
        Ok(if phrase == "cccd" {
            vec!["can cuoc".to_owned()]
        } else {
            Vec::new()
        })
    }
}

fn plan(query: &str) -> QueryPlan {
    let words = &[
        "ho", "chieu", "passport", "near", "and", "cccd", "can", "cuoc", "the", "cap",
    ];
    match QueryPlan::build(query, &mut FakeVocabulary(words)) {
        Ok(plan) => plan,
        Err(never) => match never {},
    }
}

#[test]
fn the_fts_query_holds_only_quoted_folded_words() {
    assert_eq!(
        plan("Hộ \"CHIẾU\"").match_all(),
        "\"ho\" AND \"chieu\"",
        "quotes typed by the person are separators, not syntax"
    );
    assert_eq!(
        plan("(ho) NEAR chi").match_all(),
        "\"ho\" AND \"near\" AND \"chi\"*",
        "operators are searched as words and the word being typed as a prefix"
    );
    assert_eq!(
        plan("ho AND: chieu-").match_any(),
        "\"ho\" OR \"and\" OR \"chieu\"",
        "a query ending in punctuation has no word being typed"
    );
    assert_eq!(
        plan("ho chi").match_phrase().as_deref(),
        Some("{name_vi name_en name_id keywords} : \"ho chi\"*"),
        "the phrase tier searches names and keywords only"
    );
    assert_eq!(
        plan("passport").match_phrase(),
        None,
        "one word makes no phrase"
    );
}

#[test]
fn a_misspelt_word_is_replaced_by_its_neighbours_and_an_unknown_one_left_out() {
    let misspelt = plan("pasport ");
    assert_eq!(misspelt.match_all(), "\"passport\"");
    let unknown = plan("xyzzy ho chieu");
    assert_eq!(unknown.match_all(), "\"ho\" AND \"chieu\"*");
    assert!(
        plan("xyzzy qwerty").is_empty(),
        "nothing known, nothing searched"
    );
}

#[test]
fn a_synonym_in_the_query_highlights_what_it_stands_for() {
    let plan = plan("cccd");
    assert_eq!(
        plan.highlighted(&["cap", "doi", "the", "can", "cuoc"]),
        vec![false, false, false, true, true],
        "the words the synonym stands for are marked, the others not"
    );
    assert_eq!(
        plan.highlighted(&["can", "ho"]),
        vec![false, false],
        "part of what the synonym stands for is not marked"
    );
}

#[test]
fn a_single_letter_being_typed_after_other_words_waits_for_the_next() {
    assert_eq!(plan("ho chieu c").match_all(), "\"ho\" AND \"chieu\"");
    assert_eq!(
        plan("ho chieu ca").match_all(),
        "\"ho\" AND \"chieu\" AND \"ca\"*"
    );
    assert_eq!(
        plan("c").match_all(),
        "\"c\"*",
        "alone, one letter is searched"
    );
}

fn candidate(rowid: i64, columns: [&str; 5]) -> Candidate {
    Candidate {
        rowid,
        columns: columns.map(str::to_owned),
    }
}

const STATISTICS: IndexStatistics = IndexStatistics {
    procedures: 1_000,
    average_words: 20.0,
};

#[test]
fn a_name_match_outranks_an_agency_match() {
    let candidates = [
        candidate(1, ["cap so nha", "", "", "", "phong ho chieu"]),
        candidate(2, ["cap ho chieu pho thong", "", "", "", "cong an"]),
    ];
    let ranked = rank(&plan("chieu "), &candidates, STATISTICS);
    assert_eq!(ranked[0].rowid, 2, "the name match comes first: {ranked:?}");
}

#[test]
fn words_side_by_side_outrank_the_same_words_apart() {
    let candidates = [
        candidate(1, ["ho so cap chieu", "", "", "", ""]),
        candidate(
            2,
            [
                "cap lai ho chieu pho thong bi mat o nuoc ngoai",
                "",
                "",
                "",
                "",
            ],
        ),
    ];
    let ranked = rank(&plan("ho chieu "), &candidates, STATISTICS);
    assert_eq!(
        ranked[0].rowid, 2,
        "the phrase match comes first: {ranked:?}"
    );
    assert!(ranked[0].phrase && !ranked[1].phrase);
}

#[test]
fn a_rare_word_counts_more_than_a_common_one() {
    let mut common_and_rare = plan("cap passport ");
    common_and_rare.words[0].documents = 900;
    common_and_rare.words[1].documents = 3;
    let candidates = [
        candidate(1, ["cap cap cap", "", "", "", ""]),
        candidate(2, ["passport", "", "", "", ""]),
    ];
    let ranked = rank(&common_and_rare, &candidates, STATISTICS);
    assert_eq!(ranked[0].rowid, 2, "the rare word decides: {ranked:?}");
}

#[test]
fn a_pasted_page_searches_only_its_first_words() {
    let long_query = "ho chieu ".repeat(500);
    let plan = plan(&long_query);
    assert_eq!(plan.words.len(), super::query::MAX_QUERY_WORDS);
    assert!(
        plan.words
            .iter()
            .all(|word| word.alternatives.iter().all(|a| !a.prefix)),
        "a cut query has no word being typed"
    );
}

#[test]
fn folding_removes_diacritics_and_turns_d_with_stroke_into_d() {
    assert_eq!(fold("Đăng ký kết hôn"), "dang ky ket hon");
    assert_eq!(fold("đổi BẰNG LÁI"), "doi bang lai");
    assert_eq!(fold("Cấp đổi thẻ căn cước"), "cap doi the can cuoc");
    assert_eq!(
        tokens("  hộ-chiếu:(\"phổ thông\")* "),
        vec!["ho", "chieu", "pho", "thong"]
    );
}

#[test]
fn decomposed_input_folds_like_composed_input() {
    let composed = "Cấp đổi thẻ căn cước";
    let decomposed: String = unicode_normalization::UnicodeNormalization::nfd(composed).collect();
    assert_ne!(composed, decomposed, "the test input really is decomposed");
    assert_eq!(fold(&decomposed), fold(composed));
}

#[test]
fn a_word_ending_in_a_typed_tone_mark_is_still_being_typed() {
    assert!(
        ends_inside_word("ho chie\u{302}"),
        "circumflex typed after the vowel"
    );
    assert!(ends_inside_word("ho chi"));
    assert!(!ends_inside_word("ho chieu "));
    assert!(!ends_inside_word("ho chieu\u{301} "));
    assert!(!ends_inside_word(""));
}

#[test]
fn one_edit_means_one_insertion_deletion_substitution_or_swap() {
    assert!(within_one_edit("pasport", "passport"), "insertion");
    assert!(within_one_edit("sinhh", "sinh"), "deletion");
    assert!(within_one_edit("marriege", "marriage"), "substitution");
    assert!(
        within_one_edit("passprot", "passport"),
        "swap of neighbours"
    );
    assert!(within_one_edit("same", "same"), "no edit");
    assert!(!within_one_edit("abc", "bca"), "two edits");
    assert!(!within_one_edit("passport", "pasprt"), "two deletions");
    assert!(!within_one_edit("chieu", "chiue1"), "swap plus insertion");
    assert_eq!(deletions("sinh"), vec!["inh", "snh", "sih", "sin"]);
    assert_eq!(deletions("aab"), vec!["ab", "aa"]);
}

#[test]
fn words_of_five_letters_or_more_tolerate_one_typo_and_shorter_words_none() {
    let conn = indexed(&fixture_catalog());
    assert!(
        top_ids(&conn, "chiue ", 3).contains(&"passport-issue".to_owned()),
        "a five-letter word with two letters swapped finds its procedure"
    );
    assert!(
        top_ids(&conn, "sihn ", 3).is_empty(),
        "a four-letter word with two letters swapped is not corrected"
    );
    assert!(
        top_ids(&conn, "khia ", 3).is_empty(),
        "nor is another four-letter one"
    );
}

#[test]
fn an_empty_query_finds_nothing() {
    let conn = indexed(&fixture_catalog());
    for query in ["", "   ", "\t\n", "*", "\"\"", "-:()", "!!!"] {
        assert!(
            top_ids(&conn, query, 10).is_empty(),
            "{query:?} finds nothing"
        );
    }
}

#[test]
fn fts_syntax_in_a_query_never_errors() {
    let conn = indexed(&fixture_catalog());
    let search = CatalogSearch::new(&conn);
    let queries = [
        "\"",
        "\"unterminated",
        "*",
        "a*b*",
        "-",
        "--passport",
        "ho - chieu",
        ":",
        "name_vi:",
        "name_vi:ho",
        "(",
        ")",
        "((ho chieu",
        "NEAR",
        "NEAR(ho chieu)",
        "ho NEAR/2 chieu",
        "AND",
        "OR",
        "NOT",
        "ho AND",
        "AND OR NOT",
        "^ho",
        "ho + chieu",
        "{name_en} : passport",
        "'; DROP TABLE catalog_search_fts; --",
        "\u{0}",
        "💳 căn cước",
        "ﷺ",
        "\u{10FFFF}",
        &"a".repeat(10_000),
        &"ho chieu ".repeat(500),
    ];
    for query in queries {
        let result = search.search(query, 5);
        assert!(
            result.is_ok(),
            "{query:?} is answered, not an error: {result:?}"
        );
        let bare = search.search_bare(query, 5);
        assert!(
            bare.is_ok(),
            "{query:?} is answered by the bare query: {bare:?}"
        );
    }
}

#[test]
fn random_queries_of_fts_syntax_and_vietnamese_letters_never_error() {
    let conn = indexed(&fixture_catalog());
    let search = CatalogSearch::new(&conn);
    let alphabet: Vec<char> = "\"*-:()^+{}[],.'ÂĐđăâêôơưáàảãạấầẩẫậếềểễệốồổỗộớờởỡợứừửữựíìỉĩịýỳỷỹỵ\
                               abcdhkmnoptuy019 \t\u{301}\u{0}"
        .chars()
        .collect();
    // A fixed linear congruential sequence: the same queries on every run.
    let mut state: u64 = 0x5EED;
    let mut next = |bound: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize % bound
    };
    let words = [
        "NEAR", "AND", "OR", "NOT", "name_vi", "ho", "chieu", "pasport", "cccd",
    ];
    for _ in 0..2_000 {
        let mut query = String::new();
        for _ in 0..next(24) {
            if next(4) == 0 {
                query.push_str(words[next(words.len())]);
            } else {
                query.push(alphabet[next(alphabet.len())]);
            }
        }
        let result = search.search(&query, 5);
        assert!(result.is_ok(), "{query:?} is answered: {result:?}");
        let bare = search.search_bare(&query, 5);
        assert!(
            bare.is_ok(),
            "{query:?} is answered by the bare query: {bare:?}"
        );
    }
}

#[test]
fn hits_carry_the_matched_words_as_written() {
    let conn = indexed(&fixture_catalog());
    let search = CatalogSearch::new(&conn);
    let hits = search
        .search("cap doi can cuoc", 1)
        .expect("search answers");
    assert_eq!(hits[0].procedure_id, "id-card-renewal");
    assert_eq!(hits[0].matched_words, vec!["Cấp", "đổi", "căn", "cước"]);

    let hits = search.search("ho chi", 1).expect("search answers");
    assert_eq!(
        hits[0].matched_words,
        vec!["hộ", "chiếu"],
        "the word being typed is highlighted by its prefix"
    );

    let hits = search.search("pasport", 1).expect("search answers");
    assert!(
        hits[0].matched_words.contains(&"passport".to_owned()),
        "a corrected typo highlights the corrected word: {:?}",
        hits[0].matched_words
    );

    let hits = search.search("CCCD", 1).expect("search answers");
    assert!(
        hits[0].matched_words.contains(&"căn".to_owned())
            && hits[0].matched_words.contains(&"cước".to_owned()),
        "a synonym highlights what it stands for: {:?}",
        hits[0].matched_words
    );
}

#[test]
fn hits_carry_the_online_level_and_processing_time() {
    let catalog = fixture_catalog();
    let conn = indexed(&catalog);
    let hits = CatalogSearch::new(&conn)
        .search("passport", 3)
        .expect("search answers");
    let expected = catalog
        .iter()
        .find(|procedure| procedure.id == "passport-issue")
        .expect("the fixture has the passport procedure");
    let hit = hits
        .iter()
        .find(|hit| hit.procedure_id == "passport-issue")
        .expect("the passport procedure is in the top 3");
    assert_eq!(hit.online_level, OnlineLevel::Full);
    assert_eq!(hit.processing_days, expected.processing_days);
    assert_eq!(hit.name, expected.name);
}

#[test]
fn a_query_with_one_unknown_word_still_finds_the_rest() {
    let conn = indexed(&fixture_catalog());
    assert_eq!(
        top_ids(&conn, "thủ tục xyzzy đăng ký kết hôn", 1),
        vec!["marriage-registration"]
    );
}

#[test]
fn an_empty_catalog_finds_nothing() {
    let conn = indexed(&[]);
    assert!(top_ids(&conn, "ho chieu", 3).is_empty());
    assert!(top_ids(&conn, "pasport", 3).is_empty());
}

#[test]
fn a_procedure_without_an_indonesian_name_is_found_and_shown_without_one() {
    let mut passport = fixture_catalog()
        .into_iter()
        .find(|procedure| procedure.id == "passport-issue")
        .expect("the fixture has the passport procedure");
    passport.name.id = None;
    let conn = indexed(std::slice::from_ref(&passport));
    let hits = CatalogSearch::new(&conn)
        .search("ho chieu", 3)
        .expect("search answers");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].name.id, None, "no Indonesian name is made up");
    assert_eq!(
        top_ids(&conn, "paspor", 3),
        vec!["passport-issue"],
        "the synonym table still knows the Indonesian word"
    );
}

#[test]
fn searching_before_the_index_is_built_says_so() {
    let conn = Connection::open_in_memory().expect("an in-memory database opens");
    let result = CatalogSearch::new(&conn).search("ho chieu", 3);
    assert!(
        matches!(result, Err(CatalogSearchError::IndexMissing)),
        "a missing index is reported as such: {result:?}"
    );
}

#[test]
fn a_catalog_with_a_duplicate_id_is_refused() {
    let mut catalog = fixture_catalog();
    catalog.push(catalog[0].clone());
    let conn = Connection::open_in_memory().expect("an in-memory database opens");
    let result = CatalogSearch::new(&conn).build(&catalog, &SynonymTable::default());
    assert!(
        matches!(result, Err(CatalogSearchError::DuplicateProcedure(ref id)) if id == "id-card-renewal"),
        "the duplicate id is named: {result:?}"
    );
}

#[test]
fn rebuilding_replaces_the_previous_index() {
    let catalog = fixture_catalog();
    let conn = indexed(&catalog);
    let search = CatalogSearch::new(&conn);
    assert!(!top_ids(&conn, "passport", 3).is_empty());
    let without_passports: Vec<Procedure> = catalog
        .into_iter()
        .filter(|procedure| !procedure.id.starts_with("passport"))
        .collect();
    search
        .build(&without_passports, &SynonymTable::default())
        .expect("the index rebuilds");
    let after = top_ids(&conn, "passport", 3);
    assert!(
        after.iter().all(|id| !id.starts_with("passport")),
        "procedures gone from the catalog are gone from the index: {after:?}"
    );
}

#[test]
fn a_city_can_add_its_own_synonyms() {
    let mut synonyms = SynonymTable::bundled().expect("the bundled synonym file loads");
    assert!(
        !synonyms
            .expansions(&[tokens("Đăng ký kết hôn")])
            .contains(&"dam cuoi".to_owned()),
        "the bundled file does not know the city's word yet"
    );
    let city =
        SynonymTable::from_json(r#"{"entries": [{"terms": ["đám cưới"], "means": ["kết hôn"]}]}"#)
            .expect("the city's file loads");
    synonyms.extend(city);
    let conn = Connection::open_in_memory().expect("an in-memory database opens");
    CatalogSearch::new(&conn)
        .build(&fixture_catalog(), &synonyms)
        .expect("the index builds");
    assert_eq!(top_ids(&conn, "dam cuoi", 1), vec!["marriage-registration"]);
}

#[test]
fn a_malformed_synonym_file_is_refused_with_a_reason() {
    assert!(SynonymTable::from_json("not json").is_err());
    assert!(SynonymTable::from_json(r#"{"entries": [{"terms": ["x"]}]}"#).is_err());
    let empty = SynonymTable::from_json(r#"{"entries": [{"terms": ["--"], "means": ["x"]}]}"#);
    assert!(
        matches!(empty, Err(super::SynonymError::EmptyEntry { index: 0 })),
        "a term without words is refused: {empty:?}"
    );
}

#[test]
fn the_generator_is_deterministic_by_seed() {
    let first = generate_catalog(500, 42);
    assert_eq!(first, generate_catalog(500, 42), "same seed, same catalog");
    assert_ne!(
        first,
        generate_catalog(500, 43),
        "another seed, another catalog"
    );
    assert_eq!(first.len(), 500);
}

#[test]
fn the_generator_makes_ten_thousand_distinct_procedures() {
    let catalog = generate_catalog(10_000, 1);
    let ids: std::collections::HashSet<&str> = catalog.iter().map(|p| p.id.as_str()).collect();
    let names: std::collections::HashSet<&str> =
        catalog.iter().map(|p| p.name.vi.as_str()).collect();
    assert_eq!(ids.len(), 10_000, "every id is distinct");
    assert!(names.len() > 5_000, "names vary: {} distinct", names.len());
    let json = serde_json::to_string(&catalog).expect("the catalog serialises");
    let back: Vec<Procedure> = serde_json::from_str(&json).expect("and reads back");
    assert_eq!(back, catalog, "the generated catalog is valid wire data");
}

/// Timings over 10,000 procedures, for a quick look; the formal benchmark is `cargo xtask
/// bench`. Run with `cargo test -p opendvc-core --release -- --ignored --nocapture timings`.
#[test]
#[ignore = "a measurement, not a check"]
fn timings_over_ten_thousand_procedures() {
    let mut catalog = fixture_catalog();
    catalog.extend(generate_catalog(10_000 - catalog.len(), 7));
    let conn = Connection::open_in_memory().expect("an in-memory database opens");
    let synonyms = SynonymTable::bundled().expect("the bundled synonym file loads");
    let started = Instant::now();
    let summary = CatalogSearch::new(&conn)
        .build(&catalog, &synonyms)
        .expect("the index builds");
    println!("build: {:?} ({summary:?})", started.elapsed());
    let search = CatalogSearch::new(&conn);
    let mut queries: Vec<String> = QUERY_TABLE.iter().map(|(q, _)| (*q).to_owned()).collect();
    for (query, _) in QUERY_TABLE {
        let chars: Vec<char> = query.chars().collect();
        for end in 1..chars.len() {
            queries.push(chars[..end].iter().collect());
        }
    }
    // Each query runs seven times; it counts with the median of the seven, and with the
    // fastest, which is close to what the query costs when nothing else wants the CPU (the
    // machine is shared with other work). The percentiles are over queries.
    let measure = |run: &dyn Fn()| {
        let mut samples: Vec<std::time::Duration> = (0..7)
            .map(|_| {
                let started = Instant::now();
                run();
                started.elapsed()
            })
            .collect();
        samples.sort();
        (samples[3], samples[0])
    };
    let mut full = Vec::new();
    let mut bare = Vec::new();
    for query in &queries {
        let (median, fastest) = measure(&|| {
            search.search(query, 10).expect("search answers");
        });
        full.push((median, fastest, query.as_str()));
        let (median, fastest) = measure(&|| {
            search.search_bare(query, 10).expect("bare search answers");
        });
        bare.push((median, fastest, query.as_str()));
    }
    for (label, samples) in [("search", &mut full), ("bare", &mut bare)] {
        let percentiles = |values: &mut Vec<std::time::Duration>| {
            values.sort();
            let at = |q: f64| values[((values.len() as f64 - 1.0) * q) as usize];
            format!(
                "p50={:?} p95={:?} p99={:?} max={:?}",
                at(0.5),
                at(0.95),
                at(0.99),
                at(1.0)
            )
        };
        let mut wall: Vec<_> = samples.iter().map(|s| s.0).collect();
        let mut fastest: Vec<_> = samples.iter().map(|s| s.1).collect();
        println!(
            "{label}: queries={} median {}",
            samples.len(),
            percentiles(&mut wall)
        );
        println!(
            "{label}: queries={} fastest {}",
            samples.len(),
            percentiles(&mut fastest)
        );
        samples.sort_by_key(|s| s.1);
        let slowest: Vec<_> = samples.iter().rev().take(8).map(|s| (s.1, s.2)).collect();
        println!("{label}: slowest {slowest:?}");
    }
}

/// The fixture's ids under the names the portal's demo catalog gives the same procedures;
/// `None` where the demo catalog has no such procedure.
fn demo_catalog_id(fixture_id: &str) -> Option<&'static str> {
    Some(match fixture_id {
        "id-card-renewal" => "id-card-renewal",
        "id-card-replacement" => "id-card-replacement",
        "id-card-issuance" => "id-card-issuance",
        "passport-issue" => "passport-issuance",
        "birth-registration" => "birth-registration",
        "death-registration" => "death-registration",
        "marriage-registration" => "marriage-registration",
        "marital-status-certificate" => "marital-status-confirmation",
        "permanent-residence-registration" => "residence-registration",
        "temporary-residence-registration" => "temporary-residence-registration",
        "temporary-residence-extension" => "temporary-residence-extension",
        "residence-confirmation" => "residence-confirmation",
        "absence-declaration" => "temporary-absence-declaration",
        "household-business-registration" => "household-business-registration",
        "construction-permit" => "construction-permit-house",
        "land-use-certificate-first" => "land-use-certificate-first",
        "driving-licence-renewal" => "driving-licence-renewal",
        "motorcycle-registration" => "motorbike-registration",
        "judicial-record" => "judicial-record-certificate",
        "certified-copy" => "copy-certification",
        "health-insurance-card" => "health-insurance-reissue",
        "unemployment-benefit" => "unemployment-benefit",
        "food-safety-certificate" => "food-safety-certificate",
        _ => return None,
    })
}

/// The query table against the portal's demo catalog (`crates/portal/data/procedures.json`,
/// read from the repository), alone and among 10,000 generated procedures. Queries whose
/// procedure the demo catalog lacks are left out.
#[test]
fn the_table_holds_on_the_demo_catalog() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../portal/data/procedures.json"
    );
    let text = std::fs::read_to_string(path).expect("the demo catalog file is readable");
    let catalog: Vec<Procedure> =
        serde_json::from_str(&text).expect("the demo catalog is a JSON array of procedures");
    let mapped: Vec<(&str, &str)> = QUERY_TABLE
        .iter()
        .filter_map(|(query, expected)| demo_catalog_id(expected).map(|id| (*query, id)))
        .collect();
    assert!(
        mapped.len() >= 40,
        "at least 40 queries of the table have their procedure in the demo catalog, found {}",
        mapped.len()
    );
    for (_, expected) in &mapped {
        assert!(
            catalog.iter().any(|procedure| procedure.id == *expected),
            "the demo catalog holds {expected}, as demo_catalog_id says"
        );
    }
    let mut padded = catalog.clone();
    padded.extend(generate_catalog(10_000 - catalog.len(), 7));
    for (label, procedures) in [("the demo catalog", &catalog), ("it among 10,000", &padded)] {
        let conn = indexed(procedures);
        let failures: Vec<String> = mapped
            .iter()
            .filter_map(|(query, expected)| check(&conn, query, expected))
            .collect();
        assert!(
            failures.is_empty(),
            "{} of {} queries missed on {label}:\n{}",
            failures.len(),
            mapped.len(),
            failures.join("\n")
        );
    }
}

fn segments(parts: &[(&str, bool)]) -> Vec<NameSegment> {
    parts
        .iter()
        .map(|(text, matched)| NameSegment {
            text: (*text).to_owned(),
            matched: *matched,
        })
        .collect()
}

#[test]
fn highlighting_cuts_a_name_at_its_matched_words_only() {
    let matched = vec!["hộ".to_owned(), "chiếu".to_owned()];
    assert_eq!(
        highlight("Cấp hộ chiếu phổ thông (hộ chiếu)", &matched),
        segments(&[
            ("Cấp ", false),
            ("hộ", true),
            (" ", false),
            ("chiếu", true),
            (" phổ thông (", false),
            ("hộ", true),
            (" ", false),
            ("chiếu", true),
            (")", false),
        ]),
        "every occurrence of a matched word is marked, and only whole words"
    );
    assert_eq!(
        highlight("Hộ kinh doanh", &matched),
        segments(&[("Hộ kinh doanh", false)]),
        "a word written differently (capitalised) is another word"
    );
}

#[test]
fn highlighting_a_decomposed_name_gives_the_composed_name_back() {
    let decomposed: String = "Đăng ký khai sinh".nfd().collect();
    let matched = vec!["khai".to_owned()];
    let cut = highlight(&decomposed, &matched);
    let joined: String = cut.iter().map(|segment| segment.text.as_str()).collect();
    assert_eq!(
        joined, "Đăng ký khai sinh",
        "the pieces give the composed name"
    );
    assert_eq!(
        cut,
        segments(&[("Đăng ký ", false), ("khai", true), (" sinh", false)]),
        "the composed words match what the search reported"
    );
    assert!(
        highlight("", &matched).is_empty(),
        "an empty name has no pieces"
    );
}

#[test]
fn hits_highlight_their_own_names() {
    let conn = indexed(&fixture_catalog());
    let hits = CatalogSearch::new(&conn)
        .search("dang ky khai sinh", 1)
        .expect("search answers");
    let hit = hits.first().expect("a hit");
    let marked: Vec<String> = highlight(&hit.name.vi, &hit.matched_words)
        .into_iter()
        .filter(|segment| segment.matched)
        .map(|segment| segment.text)
        .collect();
    assert_eq!(
        marked,
        ["Đăng", "ký", "khai", "sinh"],
        "the Vietnamese name shows every typed word highlighted: {hit:?}"
    );
}
