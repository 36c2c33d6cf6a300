//! Numbers as people read them, shared by the command line and the terminal UI.

/// 1234567 -> "1,234,567".
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A measure's value as people read it: whole numbers with separators and no decimals
/// (`1,234`), others with up to 4 decimals (`12.5`, `-0.0625`), as L4M keeps at most 4.
pub fn number(v: f64) -> String {
    let sign = if v < 0.0 { "-" } else { "" };
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{sign}{}", thousands(v.abs() as u64))
    } else {
        let s = format!("{v:.4}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        if s == "-0" { "0".into() } else { s.to_string() }
    }
}

/// 2_300_000 -> "2.3 MB" (decimal units, as S3 and file managers show sizes).
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1000.0 && u < UNITS.len() - 1 {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_get_separators_and_sizes_units() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(999), "999");
        assert_eq!(bytes(999), "999 B");
        assert_eq!(bytes(687_314), "687.3 kB");
        assert_eq!(bytes(1_000_000_035), "1.0 GB");
        assert_eq!(number(1234.0), "1,234");
        assert_eq!(number(-1234.0), "-1,234");
        assert_eq!(number(12.5), "12.5");
        assert_eq!(number(-0.0625), "-0.0625");
        assert_eq!(number(0.00001), "0");
    }
}
