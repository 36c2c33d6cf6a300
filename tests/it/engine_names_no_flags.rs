//! The engine states facts and fixes as data; only the faces (`src/cli`, `src/tui`) name flags or
//! keys. This test reads every engine source file and fails on a string literal that names a
//! command-line flag (`--recursive`, `--force`...).

use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("src is readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The string literals of a line of code (comments skipped), roughly: text between quotes.
fn literals(line: &str) -> Vec<&str> {
    let code = line.trim_start();
    if code.starts_with("//") {
        return Vec::new();
    }
    code.split('"').skip(1).step_by(2).collect()
}

/// `--word` at the start of a literal or after a space, bracket or quote: a flag.
fn names_a_flag(text: &str) -> bool {
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(2)).any(|i| {
        bytes[i] == b'-'
            && bytes[i + 1] == b'-'
            && bytes[i + 2].is_ascii_lowercase()
            && (i == 0 || matches!(bytes[i - 1], b' ' | b'(' | b'[' | b'\''))
    })
}

#[test]
fn no_engine_message_names_a_flag() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let faces = [root.join("cli"), root.join("tui"), root.join("main.rs")];
    let mut found = Vec::new();
    let mut checked = 0;
    for file in files
        .iter()
        .filter(|f| !faces.iter().any(|face| f.starts_with(face)))
    {
        checked += 1;
        let text = fs::read_to_string(file).expect("source is readable");
        for (n, line) in text.lines().enumerate() {
            for lit in literals(line) {
                if names_a_flag(lit) {
                    found.push(format!("{}:{}: {lit}", file.display(), n + 1));
                }
            }
        }
    }
    assert!(checked > 20, "the engine's files were found ({checked})");
    assert!(
        found.is_empty(),
        "engine text names flags:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_flag_detector_finds_flags() {
    assert!(names_a_flag("add --recursive to read them"));
    assert!(names_a_flag("(--force)"));
    assert!(names_a_flag("--region"));
    assert!(!names_a_flag("my--db"));
    assert!(!names_a_flag("a - b"));
}
