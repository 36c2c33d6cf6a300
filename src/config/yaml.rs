//! A small YAML writer for JSON values, for CloudFormation templates.
//!
//! Every string is written double-quoted with JSON escapes, which YAML reads back as the same
//! string; so the output means exactly what the JSON does, whatever the values hold (`{{HHmm}}`,
//! `yes`, `:`...). Keys are written plain when they are simple identifiers.

use serde_json::Value;

/// The YAML text of a JSON value, ending with a newline.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => write_map(&mut out, map, 0),
        Value::Array(items) if !items.is_empty() => write_seq(&mut out, items, 0),
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
    out
}

fn key(k: &str) -> String {
    let plain = !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':'))
        && !k.starts_with(['-', ':'])
        && !k.ends_with(':');
    if plain {
        k.to_string()
    } else {
        Value::String(k.to_string()).to_string()
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
        // JSON's string syntax is valid YAML double-quoted syntax.
        other => other.to_string(),
    }
}

fn is_collection(v: &Value) -> bool {
    matches!(v, Value::Object(m) if !m.is_empty()) || matches!(v, Value::Array(a) if !a.is_empty())
}

fn write_map(out: &mut String, map: &serde_json::Map<String, Value>, indent: usize) {
    for (k, v) in map {
        out.push_str(&" ".repeat(indent));
        out.push_str(&key(k));
        out.push(':');
        if is_collection(v) {
            out.push('\n');
            match v {
                Value::Object(m) => write_map(out, m, indent + 2),
                Value::Array(a) => write_seq(out, a, indent + 2),
                _ => {}
            }
        } else {
            out.push(' ');
            out.push_str(&scalar(v));
            out.push('\n');
        }
    }
}

fn write_seq(out: &mut String, items: &[Value], indent: usize) {
    for v in items {
        out.push_str(&" ".repeat(indent));
        out.push('-');
        match v {
            Value::Object(m) if !m.is_empty() => {
                // The first key goes on the dash's line, the rest aligned under it.
                let mut inner = String::new();
                write_map(&mut inner, m, indent + 2);
                out.push(' ');
                out.push_str(inner.trim_start());
            }
            Value::Array(a) if !a.is_empty() => {
                out.push('\n');
                write_seq(out, a, indent + 2);
            }
            other => {
                out.push(' ');
                out.push_str(&scalar(other));
                out.push('\n');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_maps_and_lists_are_indented_and_strings_quoted() {
        let v = json!({
            "Resources": {"Detector": {"Type": "AWS::LookoutMetrics::AnomalyDetector",
                "Properties": {"MetricSetList": [{"MetricList": [{"MetricName": "views", "AggregationFunction": "SUM"}],
                "Offset": 0, "Path": ["s3://b/{{yyyyMMdd}}/{{HHmm}}"], "Empty": [], "Header": true}]}}}
        });
        let expected = r#"Resources:
  Detector:
    Type: "AWS::LookoutMetrics::AnomalyDetector"
    Properties:
      MetricSetList:
        - MetricList:
            - MetricName: "views"
              AggregationFunction: "SUM"
          Offset: 0
          Path:
            - "s3://b/{{yyyyMMdd}}/{{HHmm}}"
          Empty: []
          Header: true
"#;
        assert_eq!(to_yaml(&v), expected);
    }

    #[test]
    fn keys_with_odd_characters_are_quoted() {
        assert_eq!(
            to_yaml(&json!({"a b": "x", "Fn::Sub": "y"})),
            "\"a b\": \"x\"\nFn::Sub: \"y\"\n"
        );
    }
}
