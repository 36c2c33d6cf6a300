//! Inputs the fuzz targets in `fuzz/` found to crash or to break an invariant, each reproduced from
//! a small literal and checked to be handled. `bash scripts/fuzz.sh` runs the targets; README
//! "Fuzzing" says what each covers.

use l4m::format::split::JsonKeys;

#[test]
fn a_json_line_ending_in_a_backslash_inside_a_string_is_not_an_object() {
    // fuzz target json_keys: the escape's two bytes ran past the end of the line (a panic in the
    // scan of any JSON-lines file whose line is cut after a backslash).
    let mut keys = JsonKeys::new(&["platform".to_string()]);
    assert!(!keys.read(br#"{"platform": "\\\"#));
    assert!(!keys.read(br#"{"platform": "a\"#));
    assert!(!keys.read(br#"{"a\"#));
    assert_eq!(keys.value(br#"{"a\"#, 0), None);
    // The reader is still good for the next line.
    let line = br#"{"platform": "pc\\web"}"#;
    assert!(keys.read(line));
    assert_eq!(keys.value(line, 0), Some(&b"pc\\web"[..]));
}
