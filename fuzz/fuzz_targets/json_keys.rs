//! The scan's JSON-lines reader, `format::split::JsonKeys`, on arbitrary lines.
//!
//! Input: the wanted keys on the first line (separated by commas), then one JSON text per line.
//! Checks, besides no panic and bounded time (the scan reads lines of up to 8 MiB, so a deep
//! nesting must not exhaust the stack): differential against serde_json, the parser detection
//! uses. A line serde_json reads as an object is read as one, and each wanted key gives what
//! serde_json gives: a string's text, `null` as no value, a nested value as `{...}` or `[...]`,
//! other values as written. Lines with a backslash are only checked for being read: a key
//! written with escapes is never matched by name (detection names columns from such keys, the
//! scan does not; a known difference).
#![no_main]

use l4m::format::split::JsonKeys;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    // The scan reads lines on worker threads, with the default stack of a spawned thread.
    std::thread::scope(|s| {
        s.spawn(|| check(data));
    });
});

fn check(data: &[u8]) {
    let mut lines = data.split(|&b| b == b'\n');
    // The scan wants each column once (a JSON line's keys name distinct columns).
    let mut names: Vec<String> = Vec::new();
    for name in String::from_utf8_lossy(lines.next().unwrap_or_default())
        .split(',')
        .take(8)
    {
        if !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    }
    let mut keys = JsonKeys::new(&names);
    for line in lines {
        let read = keys.read(line);
        for k in 0..names.len() + 1 {
            let _ = keys.value(line, k);
        }
        let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(line) else {
            continue;
        };
        assert!(
            read,
            "serde_json reads an object: {:?}",
            String::from_utf8_lossy(line)
        );
        if line.contains(&b'\\') {
            continue;
        }
        for (k, name) in names.iter().enumerate() {
            let ours = keys.value(line, k);
            let theirs = map.get(name);
            let same = match (ours, theirs) {
                (None, None | Some(Value::Null)) => true,
                (Some(v), Some(Value::String(s))) => v == s.as_bytes(),
                (Some(v), Some(Value::Object(_))) => v == b"{...}",
                (Some(v), Some(Value::Array(_))) => v == b"[...]",
                (Some(v), Some(other)) => {
                    serde_json::from_slice::<Value>(v).ok().as_ref() == Some(other)
                }
                _ => false,
            };
            assert!(
                same,
                "key {name:?} of {:?}: ours {:?}, serde_json {theirs:?}",
                String::from_utf8_lossy(line),
                ours.map(String::from_utf8_lossy)
            );
        }
    }
}
