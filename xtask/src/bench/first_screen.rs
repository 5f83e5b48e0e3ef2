//! The JavaScript the webview loads before the first screen shows, read off the UI's
//! production build (`ui/dist`): the entry script that `index.html` names, every chunk it
//! imports statically (a static `import` is fetched before the importing module runs), the
//! first screen's own chunk with its static imports (the route table loads a screen with
//! `import()`, so no other screen comes with it; the citizen's home is part of the entry, see
//! [`Screen`]), and, for a language other than Vietnamese
//! (whose messages are built into the entry), that language's message chunks, which the UI
//! loads before it renders in that language. Issue 19's target is 60 kB gzipped.
//!
//! Static, not a trace: nothing but the build is read, so the figure is the same on any
//! machine. It counts what the UI asks for before its first render; a lazily loaded chunk a
//! screen asks for later is not counted.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Context, Result, anyhow};

/// What one first screen loads.
#[derive(Debug, Clone, PartialEq)]
pub struct FirstScreen {
    /// The chunks, by file name, in `assets/`.
    pub files: BTreeSet<String>,
    /// Their raw size in bytes.
    pub raw: usize,
    /// Their size gzipped (best compression, as a server would send it), in bytes.
    pub gzipped: usize,
}

/// Where a screen's code is in the build.
#[derive(Debug, Clone, Copy)]
pub enum Screen<'a> {
    /// Part of the entry script: the citizen's home, which most starts open (`ui/src/routes.ts`).
    InEntry,
    /// A chunk of its own, loaded with `import()` when the screen is first shown: its name
    /// (`SignIn` for `SignIn-HASH.js`).
    Chunk(&'a str),
}

/// The JavaScript loaded before `screen` shows in `language`, in the build at `dist`.
pub fn measure(dist: &Path, screen: Screen<'_>, language: &str) -> Result<FirstScreen> {
    let assets = dist.join("assets");
    let index = std::fs::read_to_string(dist.join("index.html"))
        .with_context(|| format!("{} is missing: build the UI first", dist.display()))?;
    let entry = entry_script(&index).ok_or_else(|| anyhow!("index.html names no module script"))?;
    let mut files = BTreeSet::new();
    let mut roots = vec![entry];
    if let Screen::Chunk(name) = screen {
        roots.push(chunk_named(&assets, name)?);
    }
    if language != "vi" {
        roots.extend(message_chunks(&assets, language)?);
    }
    for root in roots {
        add_with_static_imports(&assets, &root, &mut files)?;
    }
    let mut raw = 0;
    let mut gzipped = 0;
    for file in &files {
        let bytes = std::fs::read(assets.join(file))?;
        raw += bytes.len();
        gzipped += gzip_len(&bytes)?;
    }
    Ok(FirstScreen {
        files,
        raw,
        gzipped,
    })
}

/// The file name of `<script type="module" src="/assets/NAME">` in `index.html`.
fn entry_script(index: &str) -> Option<String> {
    index
        .split("<script")
        .skip(1)
        .filter(|tag| tag.contains("type=\"module\""))
        .find_map(|tag| {
            let start = tag.find("src=\"")? + "src=\"".len();
            let path = &tag[start..start + tag[start..].find('"')?];
            path.rsplit('/').next().map(str::to_owned)
        })
}

/// The chunk Vite wrote for the module `name` (`NAME-HASH.js`).
fn chunk_named(assets: &Path, name: &str) -> Result<String> {
    let prefix = format!("{name}-");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(assets)? {
        let file = entry?.file_name().to_string_lossy().into_owned();
        // Vite names a chunk `NAME-HASH.js` with an 8-character hash (which may hold `-`).
        let is_chunk = file
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(".js"))
            .is_some_and(|hash| hash.len() == 8);
        if is_chunk {
            found.push(file);
        }
    }
    match found.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(anyhow!("no chunk {name}-*.js in {}", assets.display())),
        many => Err(anyhow!("more than one chunk for {name}: {many:?}")),
    }
}

/// The chunks holding `language`'s messages: the UI's message loader maps each
/// `locales/LANGUAGE/NAME.ftl` to a chunk it imports.
fn message_chunks(assets: &Path, language: &str) -> Result<Vec<String>> {
    let key = format!("/locales/{language}/");
    let mut chunks = Vec::new();
    for entry in std::fs::read_dir(assets)? {
        let path = entry?.path();
        if path.extension().is_none_or(|extension| extension != "js") {
            continue;
        }
        let text = std::fs::read_to_string(&path)?;
        for (at, _) in text.match_indices(&key) {
            // `"../../../locales/en/ui.ftl":()=>Q(()=>import(`./ui-HASH.js`)…`
            let rest = &text[at..];
            let Some(import) = rest.find("import(") else {
                continue;
            };
            if rest[..import].contains(',') {
                continue;
            }
            if let Some(name) = relative_name(&rest[import + "import(".len()..]) {
                chunks.push(name);
            }
        }
    }
    if chunks.is_empty() {
        return Err(anyhow!("no message chunks for {language}"));
    }
    Ok(chunks)
}

/// Adds `file` and, recursively, every chunk it imports statically.
fn add_with_static_imports(assets: &Path, file: &str, files: &mut BTreeSet<String>) -> Result<()> {
    if !files.insert(file.to_owned()) {
        return Ok(());
    }
    let text =
        std::fs::read_to_string(assets.join(file)).with_context(|| format!("reading {file}"))?;
    for import in static_imports(&text) {
        add_with_static_imports(assets, &import, files)?;
    }
    Ok(())
}

/// The chunks a minified module imports statically: `from"./x.js"` and `import"./x.js"` (a
/// dynamic `import("./x.js")` is not one).
fn static_imports(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for keyword in ["from", "import"] {
        for (at, _) in text.match_indices(keyword) {
            let rest = text[at + keyword.len()..].trim_start();
            if let Some(name) = relative_name(rest) {
                found.push(name);
            }
        }
    }
    found
}

/// `"./name.js"` (or with single quotes or backticks) at the start of `text`: `name.js`.
fn relative_name(text: &str) -> Option<String> {
    let quote = text
        .chars()
        .next()
        .filter(|c| matches!(c, '"' | '\'' | '`'))?;
    let inner = text[1..].strip_prefix("./")?;
    let name = &inner[..inner.find(quote)?];
    (name.ends_with(".js") && !name.contains('/')).then(|| name.to_owned())
}

/// The size of `bytes` gzipped with the best compression, as a server would send them.
/// Writes into `page_dir` the bare webview's page for a fair start-up baseline: a static page
/// of as many bytes as the app loads before its first screen (`index.html`, the stylesheets it
/// links and the first screen's JavaScript, see [`measure`]), styled by the app's own
/// stylesheets, so both webviews fetch, parse and paint as much. Static means no script: the
/// difference to the app is what the app's code does. Returns the bytes the page comes to.
pub fn write_bare_page(dist: &Path, page_dir: &Path) -> Result<usize> {
    let index = std::fs::read_to_string(dist.join("index.html"))
        .with_context(|| format!("{} is missing: build the UI first", dist.display()))?;
    let first_screen = measure(dist, Screen::InEntry, "vi")?;
    let assets = page_dir.join("assets");
    std::fs::create_dir_all(&assets)?;
    let mut links = String::new();
    let mut total = 0;
    for sheet in stylesheets(&index) {
        let bytes = std::fs::read(dist.join("assets").join(&sheet))
            .with_context(|| format!("index.html links {sheet}, which is missing"))?;
        total += bytes.len();
        std::fs::write(assets.join(&sheet), bytes)?;
        links.push_str(&format!(
            "<link rel=\"stylesheet\" href=\"/assets/{sheet}\">"
        ));
    }
    let target = index.len() + total + first_screen.raw;
    let head = format!(
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>OpenDVC</title>{links}</head><body><main>"
    );
    let tail = "</main></body></html>";
    let paragraph = "<section class=\"panel\"><h2>Hồ sơ đang xử lý</h2><p class=\"hint\">\
                     Cấp đổi căn cước công dân — đã tiếp nhận, hẹn trả kết quả ngày 12/12/2026.\
                     </p></section>";
    let mut page = head;
    while total + page.len() + tail.len() < target {
        page.push_str(paragraph);
    }
    page.push_str(tail);
    total += page.len();
    std::fs::write(page_dir.join("index.html"), page)?;
    Ok(total)
}

/// The file names of the stylesheets `index.html` links (`/assets/NAME.css`).
fn stylesheets(index: &str) -> Vec<String> {
    index
        .split("<link")
        .skip(1)
        .filter(|tag| tag.contains("rel=\"stylesheet\""))
        .filter_map(|tag| {
            let start = tag.find("href=\"")? + "href=\"".len();
            let path = &tag[start..start + tag[start..].find('"')?];
            path.rsplit('/').next().map(str::to_owned)
        })
        .collect()
}

pub(super) fn gzip_len(bytes: &[u8]) -> Result<usize> {
    use std::io::Write as _;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A build shaped like Vite's: an entry importing a shared chunk, three screens loaded
    /// with `import()`, English messages behind the loader.
    fn build() -> tempfile::TempDir {
        let dist = tempfile::tempdir().expect("temp dir");
        let assets = dist.path().join("assets");
        std::fs::create_dir_all(&assets).expect("assets");
        std::fs::write(
            dist.path().join("index.html"),
            r#"<script type="module" crossorigin src="/assets/index-AAAA.js"></script>
               <link rel="modulepreload" crossorigin href="/assets/shared-BBBB.js">"#,
        )
        .expect("index");
        let files = [
            (
                "index-AAAA.js",
                r#"import{a}from"./shared-BBBB.js";const s={home:()=>import("./Home-CCCC-CCC.js"),apply:()=>import("./Apply-DDDD.js")};"#,
            ),
            (
                "shared-BBBB.js",
                r#"const m={"../../../locales/en/ui.ftl":()=>Q(()=>import(`./ui-EEEE.js`).then(e=>e.default),[])};export{m as a};"#,
            ),
            (
                "Home-CCCC-CCC.js",
                r#"import"./StatusTag-FFFF.js";import{a}from"./shared-BBBB.js";"#,
            ),
            ("StatusTag-FFFF.js", "export const t=1;"),
            ("Apply-DDDD.js", "export const big='x'.repeat(100000);"),
            ("SessionHome-GGGG.js", "export const other=1;"),
            (
                "ui-EEEE.js",
                "var e=`ui-loading = Loading`;export{e as default};",
            ),
        ];
        for (name, text) in files {
            std::fs::write(assets.join(name), text).expect("chunk");
        }
        dist
    }

    #[test]
    fn the_first_screen_counts_the_entry_its_static_imports_and_the_screen_only() {
        let dist = build();
        let home = measure(dist.path(), Screen::Chunk("Home"), "vi").expect("measures");
        let names: Vec<&str> = home.files.iter().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "Home-CCCC-CCC.js",
                "StatusTag-FFFF.js",
                "index-AAAA.js",
                "shared-BBBB.js"
            ],
            "the other screens (Apply, SessionHome) and other languages' messages are not loaded"
        );
        assert!(home.gzipped > 0 && home.raw > 0);
    }

    #[test]
    fn a_screen_in_the_entry_counts_the_entry_and_its_static_imports() {
        let dist = build();
        let home = measure(dist.path(), Screen::InEntry, "vi").expect("measures");
        let names: Vec<&str> = home.files.iter().map(String::as_str).collect();
        assert_eq!(
            names,
            ["index-AAAA.js", "shared-BBBB.js"],
            "no chunk loaded with import() is counted"
        );
    }

    #[test]
    fn another_language_adds_its_message_chunks() {
        let dist = build();
        let english = measure(dist.path(), Screen::Chunk("Home"), "en").expect("measures");
        assert!(english.files.contains("ui-EEEE.js"));
        let vietnamese = measure(dist.path(), Screen::Chunk("Home"), "vi").expect("measures");
        assert!(english.gzipped > vietnamese.gzipped);
    }

    #[test]
    fn a_missing_screen_or_build_is_an_error_not_a_zero() {
        let dist = build();
        assert!(measure(dist.path(), Screen::Chunk("Nowhere"), "vi").is_err());
        let empty = tempfile::tempdir().expect("temp dir");
        assert!(measure(empty.path(), Screen::InEntry, "vi").is_err());
    }

    #[test]
    fn the_bare_page_is_as_large_as_the_first_screen_styled_alike_and_has_no_script() {
        let dist = build();
        let index = dist.path().join("index.html");
        let mut html = std::fs::read_to_string(&index).expect("index");
        html.push_str(r#"<link rel="stylesheet" crossorigin href="/assets/index-CCCC.css">"#);
        std::fs::write(&index, &html).expect("index");
        std::fs::write(
            dist.path().join("assets/index-CCCC.css"),
            "body{color:#111}",
        )
        .expect("css");
        let page = tempfile::tempdir().expect("page dir");
        let bytes = write_bare_page(dist.path(), page.path()).expect("writes");
        let home = measure(dist.path(), Screen::InEntry, "vi").expect("measures");
        let target = html.len() + "body{color:#111}".len() + home.raw;
        let written = std::fs::read_to_string(page.path().join("index.html")).expect("page");
        assert!(
            bytes >= target && bytes < target + 300,
            "{bytes} bytes for {target}"
        );
        assert!(!written.contains("<script"), "a static page: {written}");
        assert!(written.contains(r#"href="/assets/index-CCCC.css""#));
        assert!(page.path().join("assets/index-CCCC.css").is_file());
    }
}
