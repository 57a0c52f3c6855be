//! The core crate's layering, read off its sources: the backends and the
//! services never import `config` (the client reads the config and hands
//! each backend its own parsed URL), and `url` sits at the bottom, using
//! nothing of the crate but `error`. A `use` that breaks either rule fails
//! here with the file and line, before it becomes a cycle.

use std::path::{Path, PathBuf};

fn core_sources() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/src")
}

/// Every `.rs` file under `dir`, with its path relative to `core/src`.
fn rust_files(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, root, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let relative = path
                .strip_prefix(root)
                .expect("under core/src")
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&path).expect("a readable source");
            out.push((relative, text));
        }
    }
}

/// The `crate::MODULE` (or `super::...::MODULE` at the top) paths a line
/// names, as module names.
fn crate_modules(line: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        found.push(&after[..end]);
        rest = &after[end..];
    }
    found
}

/// Lines of code, without comments (doc links may name any module).
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().filter_map(|(i, line)| {
        let code = line.split("//").next().unwrap_or_default();
        (!code.trim().is_empty()).then_some((i + 1, code))
    })
}

#[test]
fn only_the_client_reads_the_config() {
    let root = core_sources();
    let mut files = Vec::new();
    rust_files(&root, &root, &mut files);
    assert!(files.len() > 50, "found only {} sources", files.len());
    let allowed =
        |path: &str| path == "lib.rs" || path.starts_with("config/") || path.starts_with("client/");
    let mut offending = Vec::new();
    for (path, text) in &files {
        if allowed(path) {
            continue;
        }
        for (number, code) in code_lines(text) {
            let via_super = code.contains("super::config") || code.contains("super::super::config");
            if via_super || crate_modules(code).contains(&"config") {
                offending.push(format!("{path}:{number}: {}", code.trim()));
            }
        }
    }
    assert!(
        offending.is_empty(),
        "modules below the client import config:\n{}",
        offending.join("\n")
    );
}

#[test]
fn the_url_module_uses_nothing_of_the_crate_but_errors() {
    let root = core_sources();
    let mut files = Vec::new();
    rust_files(&root.join("url"), &root, &mut files);
    assert!(!files.is_empty(), "core/src/url has no sources");
    let mut offending = Vec::new();
    for (path, text) in &files {
        // The unit tests may name the crate's public error kind.
        let tests = path.ends_with("tests.rs");
        for (number, code) in code_lines(text) {
            for module in crate_modules(code) {
                let fine = module == "error" || (tests && module == "ErrorKind");
                if !fine {
                    offending.push(format!("{path}:{number}: crate::{module}"));
                }
            }
        }
    }
    assert!(
        offending.is_empty(),
        "url reaches up into the crate:\n{}",
        offending.join("\n")
    );
}

#[test]
fn the_check_sees_an_import_of_config() {
    assert_eq!(
        crate_modules("use crate::config::{Config, X}; crate::error::echo"),
        ["config", "error"]
    );
    assert!(code_lines("// use crate::config::Config;").next().is_none());
}
