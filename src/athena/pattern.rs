//! Java `SimpleDateFormat` patterns (as L4M writes them) translated to Trino's functions:
//! `date_parse` (MySQL-style specifiers) for wall-clock patterns, `parse_datetime` (Joda letters,
//! which are Java's) for patterns with an offset.

/// How Athena reads a timestamp column of one format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeParse {
    /// `date_parse(value, format)`: wall-clock time.
    DateParse(String),
    /// `parse_datetime(value, joda)`: an instant (the pattern has an offset).
    ParseDatetime(String),
    /// Epoch seconds or milliseconds (L4M's `UNIX`, the unit decided per value).
    Unix,
}

/// A Java pattern that has no Trino counterpart.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the timestamp format {pattern:?} has {part:?}, which Athena's date functions cannot read")]
pub struct Untranslatable {
    pub pattern: String,
    pub part: String,
}

/// The pattern as runs of one letter and literal text.
fn runs(pattern: &str) -> Vec<(Option<char>, String)> {
    let mut out: Vec<(Option<char>, String)> = Vec::new();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            // '' is a quote; 'text' is literal text.
            if chars.peek() == Some(&'\'') {
                chars.next();
                push_literal(&mut out, "'");
                continue;
            }
            let mut lit = String::new();
            while let Some(d) = chars.next() {
                if d == '\'' {
                    if chars.peek() == Some(&'\'') {
                        chars.next();
                        lit.push('\'');
                    } else {
                        break;
                    }
                } else {
                    lit.push(d);
                }
            }
            push_literal(&mut out, &lit);
        } else if c.is_ascii_alphabetic() {
            match out.last_mut() {
                Some((Some(l), s)) if *l == c => s.push(c),
                _ => out.push((Some(c), c.to_string())),
            }
        } else {
            push_literal(&mut out, &c.to_string());
        }
    }
    out
}

fn push_literal(out: &mut Vec<(Option<char>, String)>, s: &str) {
    match out.last_mut() {
        Some((None, t)) => t.push_str(s),
        _ => out.push((None, s.to_string())),
    }
}

/// How Athena reads values of `pattern` (`UNIX` or a Java pattern).
pub fn translate(pattern: &str) -> Result<TimeParse, Untranslatable> {
    if pattern == "UNIX" {
        return Ok(TimeParse::Unix);
    }
    let runs = runs(pattern);
    let bad = |part: &str| Untranslatable {
        pattern: pattern.to_string(),
        part: part.to_string(),
    };
    if runs.iter().any(|(l, _)| matches!(l, Some('Z' | 'X' | 'z'))) {
        return joda(pattern, &runs).map(TimeParse::ParseDatetime);
    }
    let mut out = String::new();
    for (letter, text) in &runs {
        let n = text.chars().count();
        let spec = match (letter, n) {
            (None, _) => {
                out.push_str(&text.replace('%', "%%"));
                continue;
            }
            (Some('y'), 2) => "%y",
            (Some('y'), _) => "%Y",
            (Some('M'), 1) => "%c",
            (Some('M'), 2) => "%m",
            (Some('M'), 3) => "%b",
            (Some('M'), _) => "%M",
            (Some('d'), 1) => "%e",
            (Some('d'), 2) => "%d",
            (Some('H'), 1) => "%k",
            (Some('H'), 2) => "%H",
            (Some('h'), 1) => "%l",
            (Some('h'), 2) => "%h",
            (Some('m'), 1 | 2) => "%i",
            (Some('s'), 1 | 2) => "%s",
            (Some('S'), _) => "%f",
            (Some('a'), _) => "%p",
            (Some('E'), 1..=3) => "%a",
            (Some('E'), _) => "%W",
            _ => return Err(bad(text)),
        };
        out.push_str(spec);
    }
    Ok(TimeParse::DateParse(out))
}

/// The Joda pattern of a Java pattern with an offset: the letters are Java's, except that ISO
/// offsets (`X`, `XX`, `XXX`) are Joda's `Z` (`+0700`) and `ZZ` (`+07:00`, and `Z` for UTC).
fn joda(pattern: &str, runs: &[(Option<char>, String)]) -> Result<String, Untranslatable> {
    let mut out = String::new();
    for (letter, text) in runs {
        match letter {
            None => out.push_str(&format!("'{}'", text.replace('\'', "''"))),
            Some('X') if text.len() == 3 => out.push_str("ZZ"),
            Some('X') => out.push('Z'),
            Some('z') => out.push('z'),
            Some('k' | 'K' | 'u' | 'F' | 'W' | 'w' | 'D') => {
                return Err(Untranslatable {
                    pattern: pattern.to_string(),
                    part: text.clone(),
                });
            }
            Some(_) => out.push_str(text),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_patterns_become_trino_formats() {
        let t = |p: &str| translate(p).unwrap();
        assert_eq!(
            t("yyyy-MM-dd HH:mm:ss"),
            TimeParse::DateParse("%Y-%m-%d %H:%i:%s".into())
        );
        assert_eq!(
            t("yyyy-MM-dd'T'HH:mm:ss.SSS"),
            TimeParse::DateParse("%Y-%m-%dT%H:%i:%s.%f".into())
        );
        assert_eq!(
            t("MM/dd/yyyy hh:mm a"),
            TimeParse::DateParse("%m/%d/%Y %h:%i %p".into())
        );
        assert_eq!(t("yyyyMMdd"), TimeParse::DateParse("%Y%m%d".into()));
        assert_eq!(
            t("yyyy-MM-dd'T'HH:mm:ssXXX"),
            TimeParse::ParseDatetime("yyyy'-'MM'-'dd'T'HH':'mm':'ssZZ".into())
        );
        assert_eq!(t("UNIX"), TimeParse::Unix);
        assert!(translate("yyyy-MM-dd kk:mm").is_err());
    }
}
