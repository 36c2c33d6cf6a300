//! The code stays in short, named steps: no function in `src/tui` is longer than 60 lines, none
//! in the engine or the command line longer than 100 (from its `fn` line to its closing brace).

use crate::common;

/// Every function of a Rust file that is longer than `max` lines, as `name (lines)`.
fn long_functions(text: &str, max: usize) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let is_fn = trimmed.starts_with("fn ")
            || trimmed.starts_with("pub fn ")
            || trimmed.starts_with("pub(crate) fn ")
            || trimmed.starts_with("pub(super) fn ")
            || trimmed.starts_with("const fn ");
        if !is_fn || trimmed.ends_with(';') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        let close = format!("{}}}", " ".repeat(indent));
        let Some(end) = lines[i..].iter().position(|l| *l == close) else {
            continue;
        };
        let len = end + 1;
        if len > max {
            let name = trimmed.split('(').next().unwrap_or(trimmed);
            out.push(format!("{name} ({len} lines)"));
        }
    }
    out
}

#[test]
fn no_function_of_the_terminal_ui_is_longer_than_60_lines() {
    let dir = common::root().join("src/tui");
    let mut long = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        // Tests inside a module are data tables and assertions, not steps of the UI.
        let code = text.split("#[cfg(test)]").next().unwrap_or(&text);
        for f in long_functions(code, 60) {
            long.push(format!(
                "{}: {f}",
                path.file_name().unwrap().to_string_lossy()
            ));
        }
    }
    long.sort();
    assert_eq!(long, Vec::<String>::new());
}

/// Every `.rs` file below `dir`.
fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_function_of_the_engine_or_the_command_line_is_longer_than_100_lines() {
    let src = common::root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut long = Vec::new();
    for path in files.iter().filter(|p| !p.starts_with(src.join("tui"))) {
        let text = std::fs::read_to_string(path).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or(&text);
        for f in long_functions(code, 100) {
            long.push(format!(
                "{}: {f}",
                path.strip_prefix(&src).unwrap().display()
            ));
        }
    }
    long.sort();
    assert_eq!(long, Vec::<String>::new());
}

#[test]
fn the_length_check_sees_a_long_function() {
    let body = "    let x = 1;\n".repeat(70);
    let text = format!("fn short() {{\n}}\n\npub fn long() {{\n{body}}}\n");
    assert_eq!(long_functions(&text, 60), ["pub fn long (72 lines)"]);
}

/// The modules under `src/` that a file names (`crate::schema`, `super::super::format`...).
fn modules_named(text: &str) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    for line in text.lines().map(str::trim_start) {
        if line.starts_with("//") {
            continue;
        }
        for (at, _) in line.match_indices("crate::") {
            let rest = &line[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

/// The engine's layers import downwards only: reading records (`format`) never needs the
/// columns' meaning (`schema`), which builds on it; both share `detect`. A cycle between the
/// two would make either impossible to read or test alone.
#[test]
fn format_does_not_import_schema() {
    let src = common::root().join("src/format");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut found = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let names = modules_named(&text);
        for bad in ["schema", "coverage", "config", "inspect"] {
            if names.contains(bad) {
                found.push(format!("{}: crate::{bad}", path.display()));
            }
        }
    }
    assert_eq!(found, Vec::<String>::new());
    assert_eq!(
        modules_named("use crate::schema::Confidence;\n// crate::config\n"),
        ["schema".to_string()].into()
    );
}
