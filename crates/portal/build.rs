//! Rebuilds the portal when the officers' console is (re)built: `console.rs` embeds
//! `console/dist` with rust-embed, whose `include_bytes!` alone would not notice the folder
//! appearing after a build without it, nor a new hashed asset name.

fn main() {
    println!("cargo:rerun-if-changed=../../console/dist");
}
