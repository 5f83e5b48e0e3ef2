// The app's own commands are declared to Tauri here, so that each becomes an `allow-…`
// permission and the capability must list it: the webview may call exactly these and nothing
// else. The names come from the one command list, `src/command_table.rs`.

include!("src/command_table.rs");

/// The names of the list's commands.
macro_rules! command_names {
    ($(
        $(#[doc = $doc:literal])*
        $module:ident :: $name:ident (
            state $(, $app:ident)? $(; $($arg:ident : $ty:ty),+ )?
        ) -> $ret:ty;
    )*) => {
        &[$(stringify!($name)),*]
    };
}

const COMMANDS: &[&str] = with_commands!(command_names);

fn main() {
    println!("cargo:rerun-if-changed=src/command_table.rs");
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {error:#}");
    }
}
