//! The layers show in the folders, and this keeps them there: the ledger names no vendor and uses nothing
//! above it; the shared layers (store, readers, REST conventions, fields) use no vendor; and no code outside
//! src/wasm names `JsValue`.

use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

/// The file's code: every line with its `//` comment cut off (doc comments included).
fn code(path: &Path) -> String {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

fn src(part: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(part)
}

#[test]
fn the_ledger_names_no_vendor_and_uses_nothing_above_it() {
    let files = rust_files(&src("ledger"));
    assert!(files.len() >= 8, "found {} files", files.len());
    for file in files {
        let text = fs::read_to_string(&file).unwrap().to_lowercase();
        for vendor in ["arrow", "soracom"] {
            assert!(!text.contains(vendor), "{} names {vendor}", file.display());
        }
        let code = code(&file);
        for above in [
            "crate::vendors",
            "crate::engine",
            "crate::wasm",
            "crate::rest",
        ] {
            assert!(!code.contains(above), "{} uses {above}", file.display());
        }
    }
}

#[test]
fn shared_layers_use_no_vendor() {
    let mut files = rust_files(&src("store"));
    files.extend(rust_files(&src("readers")));
    files.extend(rust_files(&src("rest")));
    files.push(src("fields.rs"));
    for file in files {
        let code = code(&file);
        for above in ["crate::vendors", "crate::engine", "crate::wasm"] {
            assert!(!code.contains(above), "{} uses {above}", file.display());
        }
    }
}

#[test]
fn only_src_wasm_names_jsvalue() {
    let wasm = src("wasm");
    let mut outside = 0;
    for file in rust_files(&src("")) {
        if file.starts_with(&wasm) {
            continue;
        }
        outside += 1;
        assert!(
            !code(&file).contains("JsValue"),
            "{} names JsValue",
            file.display()
        );
    }
    assert!(outside > 40, "checked {outside} files");
}
