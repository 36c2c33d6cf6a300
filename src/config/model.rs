//! The Lookout for Metrics API model as a test oracle: every config the tool writes is checked
//! against the shapes of `lookoutmetrics-2017-07-25.service-2.json` (botocore format, bundled
//! beside this file with its Apache-2.0 licence and NOTICE). The CloudWatch model
//! (`monitoring-2010-08-01.service-2.json`, same origin) checks the `PutAnomalyDetector` requests
//! of the CloudWatch export the same way.
//!
//! [`ServiceModel::validate`] checks a JSON value against a named shape: required and unknown
//! members, types, enums, `min`/`max` and `pattern`s (as full matches), unions. Patterns are Java
//! regular expressions; they are translated to Rust syntax and compiled with `fancy-regex` when the
//! model is parsed. [`validate_cloudformation`] applies the same rules to the properties of an
//! `AWS::LookoutMetrics::AnomalyDetector` resource in a CloudFormation template.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use serde_json::{Map, Value};

/// The bundled model text.
const BUNDLED_MODEL: &str = include_str!("lookoutmetrics-2017-07-25.service-2.json");
/// The bundled CloudWatch model text (botocore 1.40.0).
const CLOUDWATCH_MODEL: &str = include_str!("monitoring-2010-08-01.service-2.json");

/// The CloudFormation resource type that [`validate_cloudformation`] checks.
pub const ANOMALY_DETECTOR_TYPE: &str = "AWS::LookoutMetrics::AnomalyDetector";

/// The only valid `AWSTemplateFormatVersion`.
const TEMPLATE_FORMAT_VERSION: &str = "2010-09-09";

/// A regex that matches nothing (stands for a lone surrogate, which no Rust string holds).
const MATCH_NOTHING: &str = r"[^\x{0}-\x{10FFFF}]";
/// A regex class that matches any character (stands for `[^]` once surrogates are dropped).
const MATCH_ANY_CHAR: &str = r"[\x{0}-\x{10FFFF}]";

/// The Lookout for Metrics API model, parsed once.
#[derive(Debug)]
pub struct ServiceModel {
    shapes: HashMap<String, Shape>,
}

#[derive(Debug)]
struct Shape {
    kind: Kind,
    min: Option<f64>,
    max: Option<f64>,
    enum_values: Option<Vec<String>>,
    pattern: Option<Pattern>,
}

#[derive(Debug)]
enum Kind {
    Structure {
        /// Member name and target shape, in model order.
        members: Vec<(String, String)>,
        required: Vec<String>,
        union: bool,
        document: bool,
    },
    List {
        member: String,
    },
    Map {
        key: String,
        value: String,
    },
    String,
    Blob,
    Boolean,
    /// `integer` and `long`.
    Integer,
    /// `double` and `float`.
    Number,
    Timestamp,
}

impl Kind {
    fn is_scalar(&self) -> bool {
        !matches!(
            self,
            Kind::Structure { .. } | Kind::List { .. } | Kind::Map { .. }
        )
    }

    fn expected(&self) -> &'static str {
        match self {
            Kind::Structure { .. } => "an object (structure)",
            Kind::List { .. } => "an array (list)",
            Kind::Map { .. } => "an object (map)",
            Kind::String => "a string",
            Kind::Blob => "a string (blob)",
            Kind::Boolean => "a boolean",
            Kind::Integer => "an integer",
            Kind::Number => "a number",
            Kind::Timestamp => "a timestamp (string or number)",
        }
    }
}

/// A model pattern: the Java source as written in the model, and its full-match compilation.
#[derive(Debug)]
struct Pattern {
    source: String,
    regex: fancy_regex::Regex,
}

/// Options for [`ServiceModel::validate_with`]: adjustments to the model's `required` lists.
#[derive(Debug, Default, Clone)]
pub struct ValidateOptions {
    /// (shape name, member name) pairs that are not required even if the model says so.
    pub not_required: Vec<(String, String)>,
    /// (shape name, member name) pairs that must be absent (CloudFormation has no such property).
    pub forbidden: Vec<(String, String)>,
    /// (shape name, member name) pairs that are required even if the model says not.
    pub also_required: Vec<(String, String)>,
}

impl ValidateOptions {
    /// The options for a metric set inside `AWS::LookoutMetrics::AnomalyDetector.MetricSetList`:
    /// no `AnomalyDetectorArn`, `Tags` or `DimensionFilterList`; `S3SourceConfig` needs `RoleArn`
    /// and `FileFormatDescriptor`; `AnomalyDetectorConfig` needs `AnomalyDetectorFrequency`.
    pub fn cloudformation() -> Self {
        let pair = |s: &str, m: &str| (s.to_string(), m.to_string());
        ValidateOptions {
            not_required: vec![pair("CreateMetricSetRequest", "AnomalyDetectorArn")],
            forbidden: vec![
                pair("CreateMetricSetRequest", "AnomalyDetectorArn"),
                pair("CreateMetricSetRequest", "Tags"),
                pair("CreateMetricSetRequest", "DimensionFilterList"),
            ],
            also_required: vec![
                pair("S3SourceConfig", "RoleArn"),
                pair("S3SourceConfig", "FileFormatDescriptor"),
                pair("AnomalyDetectorConfig", "AnomalyDetectorFrequency"),
            ],
        }
    }

    fn has(list: &[(String, String)], shape: &str, member: &str) -> bool {
        list.iter().any(|(s, m)| s == shape && m == member)
    }
}

/// What kind of break a [`Violation`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViolationKind {
    /// A required member (or property) is absent.
    Missing,
    /// A member the shape does not have, or one that must be absent here.
    Unexpected,
    /// A value of the wrong type, or outside the enum, length, pattern, range or count allowed.
    Value,
}

/// One way a value breaks the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub kind: ViolationKind,
    /// Where, as a dotted path with list indexes: `MetricSource.S3SourceConfig.HistoricalDataPathList[0]`.
    /// Empty for the value itself.
    pub path: String,
    /// What is wrong and what the model expects, e.g. `"s3://my.bucket/x" does not fully match ^s3://[a-zA-Z0-9_\-\/ {}=]+$`.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "(top level): {}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl ServiceModel {
    /// The bundled copy of lookoutmetrics-2017-07-25.service-2.json (parsed lazily once).
    pub fn bundled() -> &'static ServiceModel {
        static MODEL: OnceLock<ServiceModel> = OnceLock::new();
        MODEL.get_or_init(|| {
            ServiceModel::from_json(BUNDLED_MODEL)
                .unwrap_or_else(|e| panic!("the bundled Lookout for Metrics model is broken: {e}"))
        })
    }

    /// The bundled copy of monitoring-2010-08-01.service-2.json, CloudWatch's API model.
    pub fn cloudwatch() -> &'static ServiceModel {
        static MODEL: OnceLock<ServiceModel> = OnceLock::new();
        MODEL.get_or_init(|| {
            ServiceModel::from_json(CLOUDWATCH_MODEL)
                .unwrap_or_else(|e| panic!("the bundled CloudWatch model is broken: {e}"))
        })
    }

    /// Parse a botocore service-2 JSON text; all `pattern`s are compiled here, errors name the shape.
    pub fn from_json(text: &str) -> Result<ServiceModel, String> {
        let root: Value =
            serde_json::from_str(text).map_err(|e| format!("model is not valid JSON: {e}"))?;
        let shapes_json = root
            .get("shapes")
            .and_then(Value::as_object)
            .ok_or("model has no \"shapes\" object")?;
        let mut shapes = HashMap::with_capacity(shapes_json.len());
        for (name, def) in shapes_json {
            let shape = parse_shape(def).map_err(|e| format!("shape {name}: {e}"))?;
            shapes.insert(name.clone(), shape);
        }
        // Every reference must resolve, so validation never meets a dangling name.
        for (name, shape) in &shapes {
            let targets: Vec<&String> = match &shape.kind {
                Kind::Structure { members, .. } => members.iter().map(|(_, t)| t).collect(),
                Kind::List { member } => vec![member],
                Kind::Map { key, value } => vec![key, value],
                _ => vec![],
            };
            for target in targets {
                if !shapes.contains_key(target) {
                    return Err(format!("shape {name}: refers to unknown shape {target}"));
                }
            }
            if let Kind::Structure {
                members, required, ..
            } = &shape.kind
            {
                for r in required {
                    if !members.iter().any(|(m, _)| m == r) {
                        return Err(format!("shape {name}: required member {r} is not a member"));
                    }
                }
            }
        }
        Ok(ServiceModel { shapes })
    }

    /// Check a JSON value against a named shape (e.g. "CreateMetricSetRequest").
    pub fn validate(&self, shape: &str, value: &Value) -> Vec<Violation> {
        self.validate_with(shape, value, &ValidateOptions::default())
    }

    /// Same, with options.
    pub fn validate_with(
        &self,
        shape: &str,
        value: &Value,
        opts: &ValidateOptions,
    ) -> Vec<Violation> {
        let mut ctx = Ctx {
            opts,
            intrinsics: false,
            out: Vec::new(),
        };
        self.check_root(&mut ctx, shape, value, "");
        ctx.out
    }

    fn check_root(&self, ctx: &mut Ctx, shape: &str, value: &Value, path: &str) {
        if self.shapes.contains_key(shape) {
            self.check(ctx, shape, value, path);
        } else {
            ctx.push(path, format!("the model has no shape named {shape}"));
        }
    }

    /// Check `value` against the shape `name`, which must exist (checked in `from_json`).
    fn check(&self, ctx: &mut Ctx, name: &str, value: &Value, path: &str) {
        let shape = &self.shapes[name];
        if ctx.intrinsics && shape.kind.is_scalar() && is_intrinsic(value) {
            return;
        }
        match (&shape.kind, value) {
            (
                Kind::Structure {
                    members,
                    required,
                    union,
                    document,
                },
                _,
            ) => {
                if *document {
                    return;
                }
                let Value::Object(map) = value else {
                    ctx.type_mismatch(path, name, &shape.kind, value);
                    return;
                };
                self.check_structure(ctx, name, members, required, *union, map, path);
            }
            (Kind::List { member }, Value::Array(items)) => {
                check_count(ctx, shape, name, items.len(), path);
                for (i, item) in items.iter().enumerate() {
                    self.check(ctx, member, item, &format!("{path}[{i}]"));
                }
            }
            (Kind::Map { key, value: target }, Value::Object(map)) => {
                check_count(ctx, shape, name, map.len(), path);
                for (k, v) in map {
                    let entry_path = join(path, k);
                    let mut key_ctx = Ctx {
                        opts: ctx.opts,
                        intrinsics: false,
                        out: Vec::new(),
                    };
                    self.check(&mut key_ctx, key, &Value::String(k.clone()), &entry_path);
                    ctx.out.extend(key_ctx.out.into_iter().map(|v| Violation {
                        kind: ViolationKind::Value,
                        message: format!("map key {}", v.message),
                        ..v
                    }));
                    self.check(ctx, target, v, &entry_path);
                }
            }
            (Kind::String, Value::String(s)) => check_string(ctx, shape, name, s, path),
            (Kind::Blob, Value::String(_)) | (Kind::Boolean, Value::Bool(_)) => {}
            (Kind::Integer, Value::Number(n)) if n.is_i64() || n.is_u64() => {
                check_range(ctx, shape, name, n, path)
            }
            (Kind::Number, Value::Number(n)) => check_range(ctx, shape, name, n, path),
            (Kind::Timestamp, Value::String(_) | Value::Number(_)) => {}
            _ => ctx.type_mismatch(path, name, &shape.kind, value),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn check_structure(
        &self,
        ctx: &mut Ctx,
        name: &str,
        members: &[(String, String)],
        required: &[String],
        union: bool,
        map: &Map<String, Value>,
        path: &str,
    ) {
        let opts = ctx.opts;
        for (key, v) in map {
            let member_path = join(path, key);
            match members.iter().find(|(m, _)| m == key) {
                Some(_) if ValidateOptions::has(&opts.forbidden, name, key) => ctx.push_kind(
                    ViolationKind::Unexpected,
                    &member_path,
                    format!(
                        "{name}.{key} must be absent here (CloudFormation has no such property)"
                    ),
                ),
                Some((_, target)) => self.check(ctx, target, v, &member_path),
                None => {
                    let names: Vec<&str> = members.iter().map(|(m, _)| m.as_str()).collect();
                    ctx.push_kind(
                        ViolationKind::Unexpected,
                        &member_path,
                        format!(
                            "unknown member; {name} has only {}",
                            if names.is_empty() {
                                "no members".to_string()
                            } else {
                                names.join(", ")
                            }
                        ),
                    );
                }
            }
        }
        for (member, _) in members {
            let model_required = required.contains(member)
                && !ValidateOptions::has(&opts.not_required, name, member)
                && !ValidateOptions::has(&opts.forbidden, name, member);
            let is_required =
                model_required || ValidateOptions::has(&opts.also_required, name, member);
            if is_required && !map.contains_key(member) {
                ctx.push_kind(
                    ViolationKind::Missing,
                    &join(path, member),
                    format!("required member is missing ({name}.{member})"),
                );
            }
        }
        if union {
            let set: Vec<&str> = members
                .iter()
                .filter(|(m, _)| map.get(m).is_some_and(|v| !v.is_null()))
                .map(|(m, _)| m.as_str())
                .collect();
            if set.len() != 1 {
                let names: Vec<&str> = members.iter().map(|(m, _)| m.as_str()).collect();
                ctx.push(
                    path,
                    format!(
                        "{name} is a union: exactly one of {} must be set, found {}",
                        names.join(", "),
                        set.len()
                    ),
                );
            }
        }
    }
}

/// Validation state: options, whether CloudFormation intrinsics stand in for scalars, findings.
struct Ctx<'a> {
    opts: &'a ValidateOptions,
    intrinsics: bool,
    out: Vec<Violation>,
}

impl Ctx<'_> {
    fn push(&mut self, path: &str, message: String) {
        self.push_kind(ViolationKind::Value, path, message);
    }

    fn push_kind(&mut self, kind: ViolationKind, path: &str, message: String) {
        self.out.push(Violation {
            kind,
            path: path.to_string(),
            message,
        });
    }

    fn type_mismatch(&mut self, path: &str, shape: &str, kind: &Kind, value: &Value) {
        self.push(
            path,
            format!(
                "expected {} ({shape}), found {}",
                kind.expected(),
                describe(value)
            ),
        );
    }
}

fn check_string(ctx: &mut Ctx, shape: &Shape, name: &str, s: &str, path: &str) {
    let quoted = Value::String(s.to_string()).to_string();
    if let Some(values) = &shape.enum_values
        && !values.iter().any(|v| v == s)
    {
        ctx.push(
            path,
            format!("{quoted} is not one of {} ({name})", values.join(", ")),
        );
    }
    let len = s.chars().count() as f64;
    if let Some(min) = shape.min
        && len < min
    {
        ctx.push(
            path,
            format!(
                "{quoted} is {} characters long, shorter than the minimum {} ({name})",
                len,
                num(min)
            ),
        );
    }
    if let Some(max) = shape.max
        && len > max
    {
        ctx.push(
            path,
            format!(
                "{quoted} is {} characters long, longer than the maximum {} ({name})",
                len,
                num(max)
            ),
        );
    }
    if let Some(p) = &shape.pattern {
        match p.regex.is_match(s) {
            Ok(true) => {}
            Ok(false) => ctx.push(
                path,
                format!("{quoted} does not fully match {} ({name})", p.source),
            ),
            Err(e) => ctx.push(
                path,
                format!(
                    "{quoted} could not be matched against {} ({name}): {e}",
                    p.source
                ),
            ),
        }
    }
}

fn check_count(ctx: &mut Ctx, shape: &Shape, name: &str, count: usize, path: &str) {
    let n = count as f64;
    let noun = if count == 1 { "item" } else { "items" };
    if let Some(min) = shape.min
        && n < min
    {
        ctx.push(
            path,
            format!(
                "{count} {noun}, fewer than the minimum {} ({name})",
                num(min)
            ),
        );
    }
    if let Some(max) = shape.max
        && n > max
    {
        ctx.push(
            path,
            format!(
                "{count} {noun}, more than the maximum {} ({name})",
                num(max)
            ),
        );
    }
}

fn check_range(ctx: &mut Ctx, shape: &Shape, name: &str, n: &serde_json::Number, path: &str) {
    let Some(x) = n.as_f64() else { return };
    if let Some(min) = shape.min
        && x < min
    {
        ctx.push(
            path,
            format!("{n} is less than the minimum {} ({name})", num(min)),
        );
    }
    if let Some(max) = shape.max
        && x > max
    {
        ctx.push(
            path,
            format!("{n} is more than the maximum {} ({name})", num(max)),
        );
    }
}

/// A bound as written: integral bounds without a fractional part.
fn num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

fn join(path: &str, member: &str) -> String {
    if path.is_empty() {
        member.to_string()
    } else {
        format!("{path}.{member}")
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {}", Value::String(s.clone())),
        Value::Array(_) => "an array".to_string(),
        Value::Object(_) => "an object".to_string(),
    }
}

/// A CloudFormation intrinsic function: an object with one key, `Ref` or `Fn::...`.
fn is_intrinsic(value: &Value) -> bool {
    match value {
        Value::Object(map) if map.len() == 1 => map
            .keys()
            .next()
            .is_some_and(|k| k == "Ref" || k.starts_with("Fn::")),
        _ => false,
    }
}

fn parse_shape(def: &Value) -> Result<Shape, String> {
    let obj = def.as_object().ok_or("definition is not an object")?;
    let type_name = obj
        .get("type")
        .and_then(Value::as_str)
        .ok_or("has no \"type\"")?;
    let target = |v: Option<&Value>, what: &str| -> Result<String, String> {
        v.and_then(|m| m.get("shape"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| format!("{type_name} has no {what} shape"))
    };
    let kind = match type_name {
        "structure" => {
            let mut members = Vec::new();
            if let Some(m) = obj.get("members") {
                let m = m.as_object().ok_or("\"members\" is not an object")?;
                for (member, def) in m {
                    members.push((
                        member.clone(),
                        target(Some(def), &format!("member {member}'s"))?,
                    ));
                }
            }
            let required = match obj.get("required") {
                None => Vec::new(),
                Some(r) => r
                    .as_array()
                    .and_then(|a| {
                        a.iter()
                            .map(|x| x.as_str().map(str::to_string))
                            .collect::<Option<Vec<_>>>()
                    })
                    .ok_or("\"required\" is not a list of names")?,
            };
            Kind::Structure {
                members,
                required,
                union: obj.get("union").and_then(Value::as_bool).unwrap_or(false),
                document: obj
                    .get("document")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
            }
        }
        "list" => Kind::List {
            member: target(obj.get("member"), "member")?,
        },
        "map" => Kind::Map {
            key: target(obj.get("key"), "key")?,
            value: target(obj.get("value"), "value")?,
        },
        "string" => Kind::String,
        "blob" => Kind::Blob,
        "boolean" => Kind::Boolean,
        "integer" | "long" => Kind::Integer,
        "double" | "float" => Kind::Number,
        "timestamp" => Kind::Timestamp,
        other => return Err(format!("unknown type {other:?}")),
    };
    let bound = |key: &str| -> Result<Option<f64>, String> {
        match obj.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_f64()
                .map(Some)
                .ok_or_else(|| format!("\"{key}\" is not a number")),
        }
    };
    let enum_values = match obj.get("enum") {
        None => None,
        Some(e) => Some(
            e.as_array()
                .and_then(|a| {
                    a.iter()
                        .map(|x| x.as_str().map(str::to_string))
                        .collect::<Option<Vec<_>>>()
                })
                .ok_or("\"enum\" is not a list of strings")?,
        ),
    };
    let pattern = match obj.get("pattern") {
        None => None,
        Some(p) => {
            let source = p.as_str().ok_or("\"pattern\" is not a string")?;
            Some(compile_pattern(source)?)
        }
    };
    Ok(Shape {
        kind,
        min: bound("min")?,
        max: bound("max")?,
        enum_values,
        pattern,
    })
}

/// Compile a Java pattern so that it must match the whole string.
///
/// Wrapping as `^(?:pat)$` is right whether or not the pattern has its own anchors: outside
/// multi-line mode `^` and `$` only match at the ends of the text, so inner anchors are harmless.
fn compile_pattern(source: &str) -> Result<Pattern, String> {
    let full = format!("^(?:{})$", translate_java_regex(source));
    let regex = fancy_regex::Regex::new(&full)
        .map_err(|e| format!("pattern {source} (as {full}) does not compile: {e}"))?;
    Ok(Pattern {
        source: source.to_string(),
        regex,
    })
}

/// A piece of a Java pattern: literal text (one character or an escape pair) or a `\uXXXX` unit.
#[derive(Debug, PartialEq)]
enum Tok {
    Text(String),
    Unit(u32),
}

fn is_surrogate(u: u32) -> bool {
    (0xD800..=0xDFFF).contains(&u)
}

/// Translate Java regex syntax to Rust (`fancy-regex`) syntax.
///
/// `\uXXXX` becomes `\u{XXXX}`; a high/low surrogate pair of escapes becomes the one code point
/// it encodes (as Java reads it). Lone surrogates cannot occur in a Rust string: inside a class,
/// the item or range holding one is dropped; outside a class it becomes a never-matching class.
fn translate_java_regex(pattern: &str) -> String {
    // Tokenize.
    let chars: Vec<char> = pattern.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() {
            let next = chars[i + 1];
            if next == 'u' && i + 6 <= chars.len() {
                let hex: String = chars[i + 2..i + 6].iter().collect();
                if hex.chars().all(|h| h.is_ascii_hexdigit())
                    && let Ok(u) = u32::from_str_radix(&hex, 16)
                {
                    toks.push(Tok::Unit(u));
                    i += 6;
                    continue;
                }
            }
            toks.push(Tok::Text(format!("\\{next}")));
            i += 2;
        } else {
            toks.push(Tok::Text(c.to_string()));
            i += 1;
        }
    }
    // Join surrogate pairs.
    let mut joined: Vec<Tok> = Vec::with_capacity(toks.len());
    for tok in toks {
        if let (Some(Tok::Unit(hi)), Tok::Unit(lo)) = (joined.last(), &tok)
            && (0xD800..=0xDBFF).contains(hi)
            && (0xDC00..=0xDFFF).contains(lo)
        {
            let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
            joined.pop();
            joined.push(Tok::Unit(cp));
            continue;
        }
        joined.push(tok);
    }
    // Emit, dropping what is left of surrogates.
    let text = |t: Option<&Tok>, s: &str| matches!(t, Some(Tok::Text(x)) if x == s);
    let mut out: Vec<String> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < joined.len() {
        match &joined[i] {
            Tok::Unit(u) if is_surrogate(*u) => {
                if depth == 0 {
                    out.push(MATCH_NOTHING.to_string());
                } else if out.last().is_some_and(|s| s == "-")
                    && out.len() >= 2
                    && out[out.len() - 2] != "["
                    && out[out.len() - 2] != "^"
                {
                    // End of a range `x-<surrogate>`: drop the whole range.
                    out.pop();
                    out.pop();
                } else if text(joined.get(i + 1), "-")
                    && joined.get(i + 2).is_some()
                    && !text(joined.get(i + 2), "]")
                {
                    // Start of a range `<surrogate>-y`: drop the whole range.
                    i += 2;
                }
            }
            Tok::Unit(u) => out.push(format!("\\u{{{u:04X}}}")),
            Tok::Text(t) => {
                if t == "[" {
                    depth += 1;
                    out.push(t.clone());
                } else if t == "]" && depth > 0 {
                    depth -= 1;
                    let n = out.len();
                    if n >= 1 && out[n - 1] == "[" {
                        // Emptied class.
                        out.pop();
                        out.push(MATCH_NOTHING.to_string());
                    } else if n >= 2 && out[n - 1] == "^" && out[n - 2] == "[" {
                        // Emptied negated class.
                        out.truncate(n - 2);
                        out.push(MATCH_ANY_CHAR.to_string());
                    } else {
                        out.push(t.clone());
                    }
                } else {
                    out.push(t.clone());
                }
            }
        }
        i += 1;
    }
    out.concat()
}

/// The CloudFormation properties of `AWS::LookoutMetrics::AnomalyDetector`, and the model shape
/// each is checked against (`MetricSetList` is special: a list of exactly one metric set).
const CFN_PROPERTIES: [(&str, &str); 5] = [
    ("AnomalyDetectorName", "AnomalyDetectorName"),
    ("AnomalyDetectorDescription", "AnomalyDetectorDescription"),
    ("AnomalyDetectorConfig", "AnomalyDetectorConfig"),
    ("KmsKeyArn", "KmsKeyArn"),
    ("MetricSetList", "CreateMetricSetRequest"),
];

/// Check a CloudFormation template (JSON value) holding AWS::LookoutMetrics::AnomalyDetector resources.
///
/// Properties are checked against the model; intrinsic functions (`{"Ref": ..}`, `{"Fn::..": ..}`)
/// are accepted in place of any scalar value without further checks. Resources of other types are
/// ignored, but a template must hold at least one anomaly detector.
pub fn validate_cloudformation(model: &ServiceModel, template: &Value) -> Vec<Violation> {
    let opts = ValidateOptions::cloudformation();
    let mut ctx = Ctx {
        opts: &opts,
        intrinsics: true,
        out: Vec::new(),
    };
    let Value::Object(root) = template else {
        ctx.push(
            "",
            format!(
                "a CloudFormation template must be a JSON object, found {}",
                describe(template)
            ),
        );
        return ctx.out;
    };
    if let Some(version) = root.get("AWSTemplateFormatVersion")
        && version.as_str() != Some(TEMPLATE_FORMAT_VERSION)
    {
        ctx.push(
            "AWSTemplateFormatVersion",
            format!(
                "{} is not the only valid version \"{TEMPLATE_FORMAT_VERSION}\"",
                describe(version)
            ),
        );
    }
    let resources = match root.get("Resources") {
        Some(Value::Object(r)) => r,
        Some(other) => {
            ctx.push(
                "Resources",
                format!("expected an object of resources, found {}", describe(other)),
            );
            return ctx.out;
        }
        None => {
            ctx.push_kind(
                ViolationKind::Missing,
                "Resources",
                format!("missing; a template needs Resources with an {ANOMALY_DETECTOR_TYPE}"),
            );
            return ctx.out;
        }
    };
    let mut detectors = 0;
    for (id, resource) in resources {
        if resource.get("Type").and_then(Value::as_str) != Some(ANOMALY_DETECTOR_TYPE) {
            continue;
        }
        detectors += 1;
        let props_path = format!("Resources.{id}.Properties");
        match resource.get("Properties") {
            Some(Value::Object(props)) => check_cfn_properties(model, &mut ctx, props, &props_path),
            Some(other) => ctx.push(
                &props_path,
                format!("expected an object, found {}", describe(other)),
            ),
            None => ctx.push_kind(
                ViolationKind::Missing,
                &props_path,
                "missing; AnomalyDetectorConfig and MetricSetList are required".to_string(),
            ),
        }
    }
    if detectors == 0 {
        ctx.push(
            "Resources",
            format!("no {ANOMALY_DETECTOR_TYPE} resource in the template"),
        );
    }
    ctx.out
}

fn check_cfn_properties(
    model: &ServiceModel,
    ctx: &mut Ctx,
    props: &Map<String, Value>,
    path: &str,
) {
    for (key, value) in props {
        let prop_path = join(path, key);
        match CFN_PROPERTIES.iter().find(|(p, _)| p == key) {
            Some(("MetricSetList", shape)) => match value {
                Value::Array(sets) => {
                    if sets.len() != 1 {
                        ctx.push(
                            &prop_path,
                            format!(
                                "{} metric sets; {ANOMALY_DETECTOR_TYPE} takes exactly one",
                                sets.len()
                            ),
                        );
                    }
                    for (i, set) in sets.iter().enumerate() {
                        model.check_root(ctx, shape, set, &format!("{prop_path}[{i}]"));
                    }
                }
                other => ctx.push(
                    &prop_path,
                    format!(
                        "expected an array of exactly one metric set, found {}",
                        describe(other)
                    ),
                ),
            },
            Some((_, shape)) => model.check_root(ctx, shape, value, &prop_path),
            None => {
                let names: Vec<&str> = CFN_PROPERTIES.iter().map(|(p, _)| *p).collect();
                ctx.push_kind(
                    ViolationKind::Unexpected,
                    &prop_path,
                    format!(
                        "unknown property; {ANOMALY_DETECTOR_TYPE} has only {}",
                        names.join(", ")
                    ),
                );
            }
        }
    }
    for required in ["AnomalyDetectorConfig", "MetricSetList"] {
        if !props.contains_key(required) {
            ctx.push_kind(
                ViolationKind::Missing,
                &join(path, required),
                format!("required property of {ANOMALY_DETECTOR_TYPE} is missing"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn model() -> &'static ServiceModel {
        ServiceModel::bundled()
    }

    /// The AWS e-commerce sample as a complete CreateMetricSetRequest.
    fn ecommerce() -> Value {
        json!({
            "AnomalyDetectorArn": "arn:aws:lookoutmetrics:us-east-1:123456789012:AnomalyDetector:ecommerce",
            "MetricSetName": "ecommerce",
            "MetricSetDescription": "Views and revenue by platform and marketplace",
            "MetricList": [
                {"MetricName": "views", "AggregationFunction": "SUM"},
                {"MetricName": "revenue", "AggregationFunction": "SUM"}
            ],
            "DimensionList": ["platform", "marketplace"],
            "TimestampColumn": {"ColumnName": "timestamp", "ColumnFormat": "yyyy-MM-dd HH:mm:ss"},
            "MetricSetFrequency": "PT1H",
            "Offset": 0,
            "MetricSource": {
                "S3SourceConfig": {
                    "RoleArn": "arn:aws:iam::123456789012:role/L4MRole",
                    "HistoricalDataPathList": ["s3://my-bucket/ecommerce/backtest/"],
                    "TemplatedPathList": ["s3://my-bucket/ecommerce/live/{{yyyyMMdd}}/{{HHmm}}"],
                    "FileFormatDescriptor": {
                        "CsvFormatDescriptor": {
                            "FileCompression": "NONE",
                            "Charset": "UTF-8",
                            "ContainsHeader": true,
                            "Delimiter": ",",
                            "QuoteSymbol": "\""
                        }
                    }
                }
            }
        })
    }

    /// The sample with the value at a JSON pointer replaced (or removed, for `None`).
    fn ecommerce_with(pointer: &str, value: Option<Value>) -> Value {
        let mut v = ecommerce();
        set(&mut v, pointer, value);
        v
    }

    fn set(v: &mut Value, pointer: &str, value: Option<Value>) {
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        let parent = v.pointer_mut(parent).unwrap().as_object_mut().unwrap();
        match value {
            Some(x) => parent.insert(key.to_string(), x),
            None => parent.remove(key),
        };
    }

    /// Assert exactly one violation, at `path`, whose message holds `fragment`.
    fn assert_one(violations: &[Violation], path: &str, fragment: &str) {
        assert_eq!(
            violations.len(),
            1,
            "expected one violation, got {violations:#?}"
        );
        assert_all_at(violations, path, fragment);
    }

    /// Assert every violation is at `path` and at least one message holds `fragment`.
    fn assert_all_at(violations: &[Violation], path: &str, fragment: &str) {
        assert!(!violations.is_empty(), "expected violations at {path}");
        for v in violations {
            assert_eq!(v.path, path, "{violations:#?}");
        }
        assert!(
            violations.iter().any(|v| v.message.contains(fragment)),
            "no message holds {fragment:?}: {violations:#?}"
        );
    }

    fn check(value: &Value) -> Vec<Violation> {
        model().validate("CreateMetricSetRequest", value)
    }

    #[test]
    fn the_ecommerce_sample_metric_set_passes_with_no_violations() {
        assert_eq!(check(&ecommerce()), vec![]);
    }

    #[test]
    fn a_missing_metric_set_name_is_reported_as_required() {
        let v = ecommerce_with("/MetricSetName", None);
        assert_one(&check(&v), "MetricSetName", "required member is missing");
    }

    #[test]
    fn a_name_with_a_space_fails_the_pattern_as_a_full_match() {
        for name in ["1bad name", "good name"] {
            let v = ecommerce_with("/MetricSetName", Some(json!(name)));
            assert_one(
                &check(&v),
                "MetricSetName",
                &format!("\"{name}\" does not fully match ^[a-zA-Z0-9][a-zA-Z0-9\\-_]*"),
            );
        }
    }

    #[test]
    fn a_name_of_64_characters_is_longer_than_the_maximum() {
        let v = ecommerce_with("/MetricSetName", Some(json!("a".repeat(64))));
        assert_one(&check(&v), "MetricSetName", "longer than the maximum 63");
        let ok = ecommerce_with("/MetricSetName", Some(json!("a".repeat(63))));
        assert_eq!(check(&ok), vec![]);
    }

    #[test]
    fn an_empty_metric_list_has_fewer_items_than_the_minimum() {
        let v = ecommerce_with("/MetricList", Some(json!([])));
        assert_one(
            &check(&v),
            "MetricList",
            "0 items, fewer than the minimum 1",
        );
    }

    #[test]
    fn an_aggregation_function_outside_the_enum_is_reported() {
        let v = ecommerce_with("/MetricList/1/AggregationFunction", Some(json!("MEAN")));
        assert_one(
            &check(&v),
            "MetricList[1].AggregationFunction",
            "\"MEAN\" is not one of AVG, SUM",
        );
    }

    #[test]
    fn an_offset_outside_0_to_432000_is_out_of_range() {
        let v = ecommerce_with("/Offset", Some(json!(500000)));
        assert_one(
            &check(&v),
            "Offset",
            "500000 is more than the maximum 432000",
        );
        let v = ecommerce_with("/Offset", Some(json!(-1)));
        assert_one(&check(&v), "Offset", "-1 is less than the minimum 0");
    }

    #[test]
    fn an_offset_given_as_a_string_is_the_wrong_type() {
        let v = ecommerce_with("/Offset", Some(json!("300")));
        assert_one(&check(&v), "Offset", "expected an integer");
    }

    #[test]
    fn an_offset_given_as_a_fraction_is_not_an_integer() {
        let v = ecommerce_with("/Offset", Some(json!(1.5)));
        assert_one(&check(&v), "Offset", "expected an integer");
    }

    #[test]
    fn a_templated_path_with_a_dot_in_the_bucket_name_fails_the_pattern() {
        let v = ecommerce_with(
            "/MetricSource/S3SourceConfig/TemplatedPathList",
            Some(json!(["s3://my.bucket/x"])),
        );
        assert_one(
            &check(&v),
            "MetricSource.S3SourceConfig.TemplatedPathList[0]",
            r#""s3://my.bucket/x" does not fully match ^s3://[a-zA-Z0-9_\-\/ {}=]+$"#,
        );
    }

    #[test]
    fn two_historical_paths_are_more_than_the_maximum_of_one() {
        let v = ecommerce_with(
            "/MetricSource/S3SourceConfig/HistoricalDataPathList",
            Some(json!(["s3://my-bucket/a/", "s3://my-bucket/b/"])),
        );
        assert_one(
            &check(&v),
            "MetricSource.S3SourceConfig.HistoricalDataPathList",
            "2 items, more than the maximum 1",
        );
    }

    #[test]
    fn a_two_character_delimiter_is_too_long_and_fails_the_pattern() {
        let v = ecommerce_with(
            "/MetricSource/S3SourceConfig/FileFormatDescriptor/CsvFormatDescriptor/Delimiter",
            Some(json!(",,")),
        );
        let found = check(&v);
        let path = "MetricSource.S3SourceConfig.FileFormatDescriptor.CsvFormatDescriptor.Delimiter";
        assert_eq!(found.len(), 2, "{found:#?}");
        assert_all_at(&found, path, "longer than the maximum 1");
        assert_all_at(&found, path, r#"does not fully match [^\r\n]"#);
    }

    #[test]
    fn an_unknown_member_is_reported_with_the_members_the_shape_has() {
        let v = ecommerce_with("/Foo", Some(json!(1)));
        assert_one(
            &check(&v),
            "Foo",
            "unknown member; CreateMetricSetRequest has only AnomalyDetectorArn",
        );
    }

    #[test]
    fn an_empty_dimension_list_has_fewer_items_than_the_minimum() {
        let v = ecommerce_with("/DimensionList", Some(json!([])));
        assert_one(&check(&v), "DimensionList", "fewer than the minimum 1");
    }

    #[test]
    fn a_metric_list_given_as_an_object_is_the_wrong_type() {
        let v = ecommerce_with(
            "/MetricList",
            Some(json!({"MetricName": "views", "AggregationFunction": "SUM"})),
        );
        assert_one(
            &check(&v),
            "MetricList",
            "expected an array (list) (MetricList), found an object",
        );
    }

    #[test]
    fn an_unknown_shape_name_is_a_violation_not_a_panic() {
        assert_one(
            &model().validate("NoSuchShape", &json!({})),
            "",
            "no shape named NoSuchShape",
        );
    }

    #[test]
    fn a_violation_displays_as_path_colon_message() {
        let v = Violation {
            kind: ViolationKind::Value,
            path: "Offset".into(),
            message: "bad".into(),
        };
        assert_eq!(v.to_string(), "Offset: bad");
    }

    #[test]
    fn every_pattern_in_the_model_compiles() {
        let raw: Value = serde_json::from_str(BUNDLED_MODEL).unwrap();
        let with_pattern = raw["shapes"]
            .as_object()
            .unwrap()
            .values()
            .filter(|s| s.get("pattern").is_some())
            .count();
        let compiled = model()
            .shapes
            .values()
            .filter(|s| s.pattern.is_some())
            .count();
        assert_eq!(
            with_pattern, 40,
            "the bundled model (botocore 1.40.0) has 40 patterns"
        );
        assert_eq!(compiled, with_pattern);
    }

    #[test]
    fn the_cloudwatch_model_parses_and_checks_a_put_anomaly_detector_request() {
        let m = ServiceModel::cloudwatch();
        let ok = json!({"SingleMetricAnomalyDetector": {"Namespace": "ecommerce",
            "MetricName": "views", "Stat": "Sum",
            "Dimensions": [{"Name": "platform", "Value": "pc_web"}]},
            "Configuration": {"MetricTimezone": "UTC"}});
        assert_eq!(m.validate("PutAnomalyDetectorInput", &ok), vec![]);
        let mut bad = ok.clone();
        bad["SingleMetricAnomalyDetector"]["Stat"] = json!("Total");
        assert_one(
            &m.validate("PutAnomalyDetectorInput", &bad),
            "SingleMetricAnomalyDetector.Stat",
            "\"Total\" does not fully match",
        );
    }

    #[test]
    fn surrogate_pairs_become_code_points_and_lone_surrogates_are_dropped() {
        let catalog =
            translate_java_regex(r"[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\t]*");
        assert_eq!(
            catalog,
            r"[\u{0020}-\u{D7FF}\u{E000}-\u{FFFD}\u{10000}-\u{10FFFF}\t]*"
        );
        assert_eq!(translate_java_regex(r"[a\uD800-\uDBFFb]"), "[ab]");
        assert_eq!(
            translate_java_regex(r"[a-\uDFFF]x"),
            "[]x".replace("[]", MATCH_NOTHING)
        );
        let re =
            compile_pattern(r"[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\t]*").unwrap();
        assert!(re.regex.is_match("AwsDataCatalog \u{1F600}\t").unwrap());
        assert!(!re.regex.is_match("line\nbreak").unwrap());
    }

    #[test]
    fn athena_catalog_and_lookahead_patterns_work_as_full_matches() {
        let m = model();
        assert_eq!(
            m.validate("AthenaDataCatalog", &json!("AwsDataCatalog")),
            vec![]
        );
        assert_eq!(
            m.validate("RDSDatabaseIdentifier", &json!("my-db-1")),
            vec![]
        );
        assert_one(
            &m.validate("RDSDatabaseIdentifier", &json!("my--db")),
            "",
            "does not fully match",
        );
        assert_one(
            &m.validate("RDSDatabaseIdentifier", &json!("my-db-")),
            "",
            "does not fully match",
        );
    }

    // --- CloudFormation -------------------------------------------------------------------

    fn metric_set_for_cfn() -> Value {
        let mut set = ecommerce();
        set.as_object_mut().unwrap().remove("AnomalyDetectorArn");
        set
    }

    fn template() -> Value {
        json!({
            "AWSTemplateFormatVersion": "2010-09-09",
            "Parameters": {"RoleArn": {"Type": "String"}},
            "Resources": {
                "Detector": {
                    "Type": "AWS::LookoutMetrics::AnomalyDetector",
                    "Properties": {
                        "AnomalyDetectorName": "ecommerce",
                        "AnomalyDetectorDescription": "E-commerce views and revenue",
                        "AnomalyDetectorConfig": {"AnomalyDetectorFrequency": "PT1H"},
                        "MetricSetList": [metric_set_for_cfn()]
                    }
                }
            }
        })
    }

    fn template_with(pointer: &str, value: Option<Value>) -> Value {
        let mut t = template();
        set(&mut t, pointer, value);
        t
    }

    const PROPS: &str = "/Resources/Detector/Properties";

    fn cfn(t: &Value) -> Vec<Violation> {
        validate_cloudformation(model(), t)
    }

    #[test]
    fn a_valid_cloudformation_template_passes() {
        assert_eq!(cfn(&template()), vec![]);
    }

    #[test]
    fn a_template_without_metric_set_list_is_missing_a_required_property() {
        let t = template_with(&format!("{PROPS}/MetricSetList"), None);
        assert_one(
            &cfn(&t),
            "Resources.Detector.Properties.MetricSetList",
            "required property",
        );
    }

    #[test]
    fn a_template_with_two_metric_sets_is_reported() {
        let t = template_with(
            &format!("{PROPS}/MetricSetList"),
            Some(json!([metric_set_for_cfn(), metric_set_for_cfn()])),
        );
        assert_one(
            &cfn(&t),
            "Resources.Detector.Properties.MetricSetList",
            "2 metric sets",
        );
    }

    #[test]
    fn an_anomaly_detector_arn_in_the_cloudformation_metric_set_is_forbidden() {
        let t = template_with(
            &format!("{PROPS}/MetricSetList/0/AnomalyDetectorArn"),
            Some(json!(
                "arn:aws:lookoutmetrics:us-east-1:123456789012:AnomalyDetector:x"
            )),
        );
        assert_one(
            &cfn(&t),
            "Resources.Detector.Properties.MetricSetList[0].AnomalyDetectorArn",
            "must be absent",
        );
    }

    #[test]
    fn tags_in_the_cloudformation_metric_set_are_forbidden() {
        let t = template_with(
            &format!("{PROPS}/MetricSetList/0/Tags"),
            Some(json!({"team": "data"})),
        );
        assert_one(
            &cfn(&t),
            "Resources.Detector.Properties.MetricSetList[0].Tags",
            "CreateMetricSetRequest.Tags must be absent",
        );
    }

    #[test]
    fn an_s3_source_without_role_arn_is_rejected_in_cloudformation() {
        let t = template_with(
            &format!("{PROPS}/MetricSetList/0/MetricSource/S3SourceConfig/RoleArn"),
            None,
        );
        assert_one(
            &cfn(&t),
            "Resources.Detector.Properties.MetricSetList[0].MetricSource.S3SourceConfig.RoleArn",
            "required member is missing (S3SourceConfig.RoleArn)",
        );
        // The API model alone does not require it.
        let api = ecommerce_with("/MetricSource/S3SourceConfig/RoleArn", None);
        assert_eq!(check(&api), vec![]);
    }

    #[test]
    fn an_intrinsic_ref_is_accepted_in_place_of_a_string() {
        let t = template_with(
            &format!("{PROPS}/MetricSetList/0/MetricSource/S3SourceConfig/RoleArn"),
            Some(json!({"Ref": "RoleArn"})),
        );
        assert_eq!(cfn(&t), vec![]);
        let t = template_with(
            &format!("{PROPS}/AnomalyDetectorName"),
            Some(json!({"Fn::Sub": "${AWS::StackName}-detector"})),
        );
        assert_eq!(cfn(&t), vec![]);
    }

    #[test]
    fn an_intrinsic_is_not_accepted_by_plain_model_validation() {
        let v = ecommerce_with(
            "/MetricSource/S3SourceConfig/RoleArn",
            Some(json!({"Ref": "RoleArn"})),
        );
        assert_one(
            &check(&v),
            "MetricSource.S3SourceConfig.RoleArn",
            "expected a string",
        );
    }

    #[test]
    fn a_template_with_only_other_resource_types_has_no_anomaly_detector() {
        let t = template_with("/Resources/Detector/Type", Some(json!("AWS::S3::Bucket")));
        assert_one(
            &cfn(&t),
            "Resources",
            "no AWS::LookoutMetrics::AnomalyDetector resource",
        );
    }

    #[test]
    fn a_detector_config_without_frequency_is_rejected_in_cloudformation() {
        let t = template_with(&format!("{PROPS}/AnomalyDetectorConfig"), Some(json!({})));
        assert_one(
            &cfn(&t),
            "Resources.Detector.Properties.AnomalyDetectorConfig.AnomalyDetectorFrequency",
            "required member is missing",
        );
    }

    #[test]
    fn an_unknown_property_and_a_bad_template_version_are_reported() {
        let mut t = template_with(&format!("{PROPS}/Tags"), Some(json!([])));
        set(
            &mut t,
            "/AWSTemplateFormatVersion",
            Some(json!("2010-09-10")),
        );
        let found = cfn(&t);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert_eq!(found[0].path, "AWSTemplateFormatVersion");
        assert!(found[0].message.contains("\"2010-09-09\""));
        assert_eq!(found[1].path, "Resources.Detector.Properties.Tags");
        assert!(found[1].message.contains("unknown property"));
    }

    #[test]
    fn a_bad_detector_name_is_checked_against_the_model_shape() {
        let t = template_with(
            &format!("{PROPS}/AnomalyDetectorName"),
            Some(json!("my detector")),
        );
        assert_one(
            &cfn(&t),
            "Resources.Detector.Properties.AnomalyDetectorName",
            "does not fully match",
        );
    }

    const TINY: &str = r#"{"shapes": {
        "Choice": {"type": "structure", "union": true,
                   "members": {"A": {"shape": "Str"}, "B": {"shape": "Str"}}},
        "Doc": {"type": "structure", "document": true},
        "Holder": {"type": "structure", "members": {"D": {"shape": "Doc"}, "T": {"shape": "Time"}}},
        "Time": {"type": "timestamp"},
        "Str": {"type": "string"}
    }}"#;

    #[test]
    fn a_union_needs_exactly_one_member_set() {
        let m = ServiceModel::from_json(TINY).unwrap();
        assert_eq!(m.validate("Choice", &json!({"A": "x"})), vec![]);
        assert_one(
            &m.validate("Choice", &json!({"A": "x", "B": "y"})),
            "",
            "exactly one of A, B must be set, found 2",
        );
        assert_one(&m.validate("Choice", &json!({})), "", "found 0");
    }

    #[test]
    fn a_document_accepts_anything_and_a_timestamp_takes_string_or_number() {
        let m = ServiceModel::from_json(TINY).unwrap();
        let ok = json!({"D": [1, {"x": null}], "T": "2024-01-01T00:00:00Z"});
        assert_eq!(m.validate("Holder", &ok), vec![]);
        assert_eq!(m.validate("Holder", &json!({"T": 1700000000})), vec![]);
        assert_one(
            &m.validate("Holder", &json!({"T": true})),
            "T",
            "expected a timestamp",
        );
    }

    #[test]
    fn parse_errors_name_the_shape() {
        let bad_pattern = r#"{"shapes": {"Name": {"type": "string", "pattern": "(unclosed"}}}"#;
        let err = ServiceModel::from_json(bad_pattern).unwrap_err();
        assert!(err.starts_with("shape Name: pattern (unclosed"), "{err}");
        let dangling = r#"{"shapes": {"L": {"type": "list", "member": {"shape": "Gone"}}}}"#;
        let err = ServiceModel::from_json(dangling).unwrap_err();
        assert_eq!(err, "shape L: refers to unknown shape Gone");
    }

    #[test]
    fn a_dimension_filter_list_in_the_cloudformation_metric_set_is_forbidden() {
        let t = template_with(
            &format!("{PROPS}/MetricSetList/0/DimensionFilterList"),
            Some(json!([{"Name": "platform", "FilterList": [{"DimensionValue": "pc_web"}]}])),
        );
        assert_one(
            &cfn(&t),
            "Resources.Detector.Properties.MetricSetList[0].DimensionFilterList",
            "must be absent",
        );
    }
}
