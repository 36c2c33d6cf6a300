//! YAML for configs: a small writer of JSON values (CloudFormation templates), and a reader that
//! turns a YAML config into the JSON value the rest of the engine checks.
//!
//! The writer puts every string double-quoted with JSON escapes, which YAML reads back as the same
//! string; so the output means exactly what the JSON does, whatever the values hold (`{{HHmm}}`,
//! `yes`, `:`...). Keys are written plain when they are simple identifiers.
//!
//! The reader parses with `serde_norway` and converts CloudFormation's short tags (`!Ref`, `!Sub`,
//! `!GetAtt`...) into the long intrinsic form (`{"Ref": ...}`, `{"Fn::Sub": ...}`), so that a
//! template means the same whether it was written in YAML or JSON.

use serde_json::{Map, Value};
use serde_norway::Value as Yaml;

/// Parse a YAML document into a JSON value; the error is the parser's own words (with the line).
pub fn from_yaml(text: &str) -> Result<Value, String> {
    let mut doc: Yaml = serde_norway::from_str(text).map_err(|e| e.to_string())?;
    // `<<` merge keys are plain YAML that CloudFormation templates sometimes use.
    doc.apply_merge().map_err(|e| e.to_string())?;
    to_json(doc)
}

fn to_json(y: Yaml) -> Result<Value, String> {
    Ok(match y {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(b),
        Yaml::Number(n) => number(&n)?,
        Yaml::String(s) => Value::String(s),
        Yaml::Sequence(items) => Value::Array(
            items
                .into_iter()
                .map(to_json)
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Yaml::Mapping(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                out.insert(key_text(k)?, to_json(v)?);
            }
            Value::Object(out)
        }
        Yaml::Tagged(t) => {
            let tag = t.tag.to_string();
            intrinsic(tag.trim_start_matches('!'), to_json(t.value)?)
        }
    })
}

fn number(n: &serde_norway::Number) -> Result<Value, String> {
    if let Some(i) = n.as_i64() {
        Ok(Value::from(i))
    } else if let Some(u) = n.as_u64() {
        Ok(Value::from(u))
    } else {
        let f = n.as_f64().unwrap_or(f64::NAN);
        serde_json::Number::from_f64(f)
            .map(Value::Number)
            .ok_or_else(|| format!("the number {n} has no JSON form"))
    }
}

/// A mapping key as text: YAML allows numbers and booleans as keys, JSON only strings.
fn key_text(k: Yaml) -> Result<String, String> {
    match k {
        Yaml::String(s) => Ok(s),
        Yaml::Number(n) => Ok(n.to_string()),
        Yaml::Bool(b) => Ok(b.to_string()),
        Yaml::Null => Ok("null".into()),
        _ => Err("a mapping key that is a list or a mapping: config keys are names".into()),
    }
}

/// The long form of a CloudFormation short tag: `!Ref x` is `{"Ref": x}`, `!GetAtt a.b` is
/// `{"Fn::GetAtt": ["a", "b"]}`, any other `!Name v` is `{"Fn::Name": v}`.
fn intrinsic(name: &str, value: Value) -> Value {
    let mut m = Map::new();
    match name {
        "Ref" | "Condition" => {
            m.insert(name.into(), value);
        }
        "GetAtt" => {
            let value = match value {
                Value::String(s) => match s.split_once('.') {
                    Some((res, attr)) => Value::Array(vec![res.into(), attr.into()]),
                    None => Value::String(s),
                },
                other => other,
            };
            m.insert("Fn::GetAtt".into(), value);
        }
        other => {
            m.insert(format!("Fn::{other}"), value);
        }
    }
    Value::Object(m)
}

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
    fn what_the_writer_writes_the_reader_reads_back() {
        let v = json!({"A": {"B": ["s3://b/{{yyyyMMdd}}/{{HHmm}}", "yes", ":", 0, 1.5, true, null],
            "Empty": [], "E2": {}, "Fn::Sub": "x"}});
        assert_eq!(from_yaml(&to_yaml(&v)).unwrap(), v);
    }

    #[test]
    fn short_tags_become_cloudformation_intrinsics() {
        let text = "Role: !Ref RoleArn\nName: !Sub '${AWS::StackName}-d'\nArn: !GetAtt Detector.Arn\nJoin: !Join [\"-\", [a, b]]\n";
        assert_eq!(
            from_yaml(text).unwrap(),
            json!({"Role": {"Ref": "RoleArn"}, "Name": {"Fn::Sub": "${AWS::StackName}-d"},
                "Arn": {"Fn::GetAtt": ["Detector", "Arn"]}, "Join": {"Fn::Join": ["-", ["a", "b"]]}})
        );
    }

    #[test]
    fn a_yaml_error_names_the_line() {
        let err = from_yaml("a: 1\nb: [2\n").unwrap_err();
        assert!(err.contains("line"), "{err}");
    }

    #[test]
    fn keys_with_odd_characters_are_quoted() {
        assert_eq!(
            to_yaml(&json!({"a b": "x", "Fn::Sub": "y"})),
            "\"a b\": \"x\"\nFn::Sub: \"y\"\n"
        );
    }
}
