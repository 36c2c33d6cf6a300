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

/// A JSON line `{"a": ` + `depth` nested arrays.
fn nested_line(depth: usize) -> Vec<u8> {
    let mut line = b"{\"a\": ".to_vec();
    line.extend(std::iter::repeat_n(b'[', depth));
    line.extend(std::iter::repeat_n(b']', depth));
    line.push(b'}');
    line
}

#[test]
fn a_json_line_nested_deeper_than_serde_json_reads_is_not_an_object_and_does_not_overflow_the_stack()
 {
    // Found while writing the json_keys target (the 10-minute run did not reach it): the reader
    // skipped nested values by recursion, so a line of a few thousand brackets overflowed the
    // 2 MiB stack of a scan's worker thread and aborted the process.
    let read = |line: Vec<u8>| {
        std::thread::spawn(move || JsonKeys::new(&["a".to_string()]).read(&line))
            .join()
            .expect("no stack overflow")
    };
    assert!(!read(nested_line(1_000_000)));
    // The same limit as serde_json, which detection uses: 128 levels with the line's object.
    for depth in [1, 126, 127, 128] {
        let serde_reads = serde_json::from_slice::<serde_json::Value>(&nested_line(depth)).is_ok();
        assert_eq!(read(nested_line(depth)), serde_reads, "depth {depth}");
    }
    assert!(read(nested_line(126)));
    assert!(!read(nested_line(127)));
}
