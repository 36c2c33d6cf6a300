//! The terminal UI with configs: every export target in the form (its preview, its own fields,
//! its files), and the UI opened with a config's labels and settings. Keys in, state out
//! (requests run in line against the real engine), and snapshots of what is drawn.

use crate::common;

use common::tui::*;

use std::path::{Path, PathBuf};

use l4m::config::ExportTarget;
use l4m::source::Location;
use l4m::tui::app::{App, Options, Screen};
use l4m::tui::export::FieldKey;
use l4m::tui::keys::Key;

/// The bundled sample, scanned, on the export form.
fn sample_export(size: (u16, u16)) -> App {
    let location = Location::Local(PathBuf::from("assets/ecommerce"));
    let mut app = App::new(location, false, Options::default());
    app.ctx.size = size;
    pump(&mut app);
    keys(&mut app, &[Key::Char('o')]);
    keys(&mut app, &[Key::Char('c')]);
    keys(&mut app, &[Key::Char('e')]);
    app
}

/// Space on the target row until the form shows `target`.
fn switch_to(app: &mut App, target: ExportTarget) {
    while app.export.selected > 0 {
        app.key(Key::Up);
    }
    for _ in 0..ExportTarget::ALL.len() {
        if app.export.target == target {
            return;
        }
        keys(app, &[Key::Char(' ')]);
    }
    panic!("Space never reached {target:?}");
}

#[test]
fn space_on_the_target_walks_through_every_target_and_renames_the_output() {
    let mut app = sample_export((100, 30));
    let mut seen = Vec::new();
    for _ in 0..=ExportTarget::ALL.len() {
        seen.push((app.export.target, app.export.value(FieldKey::Output)));
        keys(&mut app, &[Key::Char(' ')]);
    }
    let names: Vec<(ExportTarget, &str)> = seen.iter().map(|(t, o)| (*t, o.as_str())).collect();
    assert_eq!(
        names,
        [
            (ExportTarget::MetricSet, "ecommerce-metric-set.json"),
            (
                ExportTarget::CloudFormation,
                "ecommerce-cloudformation.json"
            ),
            (ExportTarget::OpenSearch, "ecommerce-opensearch.json"),
            (ExportTarget::CloudWatch, "ecommerce-cloudwatch.json"),
            (
                ExportTarget::CloudWatchRequests,
                "ecommerce-cloudwatch-requests.jsonl"
            ),
            (ExportTarget::MetricSet, "ecommerce-metric-set.json"),
        ]
    );
}

#[test]
fn the_opensearch_preview_reads_the_index_field_and_a_bad_index_is_red() {
    let mut app = sample_export((100, 30));
    switch_to(&mut app, ExportTarget::OpenSearch);
    fill(&mut app, FieldKey::Index, "shop-metrics-*");
    let (value, _) = app.export_preview().unwrap();
    assert_eq!(value["indices"][0], "shop-metrics-*", "{value}");
    let screen = draw(&app, 100, 30);
    assert!(
        screen.contains("index            shop-metrics-*"),
        "{screen}"
    );
    fill(&mut app, FieldKey::Index, "Shop Metrics");
    assert_status_holds(&app, "is not an OpenSearch index name");
    let screen = draw(&app, 100, 30);
    assert!(screen.contains("Shop Metrics ✗"), "{screen}");
    keys(&mut app, &[Key::Char('w')]);
    assert_status_starts(&app, "not written: index:");
}

#[test]
fn the_cloudwatch_preview_makes_a_detector_per_metric_of_the_scan_in_the_namespace_typed() {
    let mut app = sample_export((100, 30));
    switch_to(&mut app, ExportTarget::CloudWatch);
    fill(&mut app, FieldKey::Namespace, "Shop/Sales");
    let (value, _) = app.export_preview().unwrap();
    let detectors: Vec<&serde_json::Value> = value["Resources"]
        .as_object()
        .unwrap()
        .values()
        .filter(|r| r["Type"] == "AWS::CloudWatch::AnomalyDetector")
        .collect();
    // 2 measures x the sample's 21 platform x marketplace combinations.
    assert_eq!(detectors.len(), 42, "{value}");
    let namespace = &detectors[0]["Properties"]["SingleMetricAnomalyDetector"]["Namespace"];
    assert_eq!(namespace, "Shop/Sales", "{value}");
    fill(&mut app, FieldKey::Namespace, "AWS/Shop");
    assert_status_holds(&app, "starts with AWS/");
}

#[test]
fn w_writes_the_opensearch_body_and_its_mapping_and_asks_before_replacing_either() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("shop.json");
    let mapping = dir.path().join("shop.mapping.json");
    let mut app = sample_export((100, 30));
    switch_to(&mut app, ExportTarget::OpenSearch);
    fill(&mut app, FieldKey::Index, "shop");
    fill(&mut app, FieldKey::Output, out.to_str().unwrap());
    keys(&mut app, &[Key::Char('w')]);
    assert!(status(&app).starts_with("wrote "), "{}", status(&app));
    let body: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(body["indices"][0], "shop");
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&mapping).unwrap()).unwrap();
    assert!(m["mappings"]["properties"].is_object(), "{m}");
    // Only the mapping is there now: w asks, n keeps both files as they are.
    std::fs::remove_file(&out).unwrap();
    std::fs::write(&mapping, "mine").unwrap();
    keys(&mut app, &[Key::Char('w')]);
    assert_eq!(
        app.export.confirm_overwrite.as_deref(),
        Some(mapping.as_path())
    );
    keys(&mut app, &[Key::Char('n')]);
    assert!(!out.exists());
    assert_eq!(std::fs::read_to_string(&mapping).unwrap(), "mine");
    // y replaces: the body goes to the form's path, not to the mapping's.
    keys(&mut app, &[Key::Char('w'), Key::Char('y')]);
    assert!(out.exists());
    assert_ne!(std::fs::read_to_string(&mapping).unwrap(), "mine");
}

#[test]
fn snapshot_export_opensearch_at_80x24() {
    let mut app = sample_export((80, 24));
    switch_to(&mut app, ExportTarget::OpenSearch);
    fill(&mut app, FieldKey::Index, "shop-*");
    insta::assert_snapshot!(draw(&app, 80, 24));
}

#[test]
fn snapshot_export_cloudwatch_requests() {
    let mut app = sample_export((100, 30));
    switch_to(&mut app, ExportTarget::CloudWatchRequests);
    insta::assert_snapshot!(draw(&app, 100, 30));
}

// ---- opened with a config -----------------------------------------------------------------

/// A request that labels the sample otherwise than the suggestions: revenue AVG, platform only,
/// daily in Paris, an offset; `extra_dimension` names a column the data lacks.
fn shop_config(extra_dimension: Option<&str>) -> String {
    let mut dimensions = vec!["platform"];
    dimensions.extend(extra_dimension);
    serde_json::json!({
        "AnomalyDetectorArn": "arn:aws:lookoutmetrics:us-east-1:123456789012:AnomalyDetector:shop",
        "MetricSetName": "shop-daily",
        "Offset": 300,
        "Timezone": "Europe/Paris",
        "MetricList": [{"MetricName": "revenue", "AggregationFunction": "AVG"}],
        "TimestampColumn": {"ColumnName": "timestamp", "ColumnFormat": "yyyy-MM-dd HH:mm:ss"},
        "DimensionList": dimensions,
        "MetricSetFrequency": "P1D",
        "MetricSource": {"S3SourceConfig": {
            "RoleArn": "arn:aws:iam::123456789012:role/L4MRole",
            "HistoricalDataPathList": ["s3://my-bucket/shop/daily/"],
            "FileFormatDescriptor": {"CsvFormatDescriptor": {
                "FileCompression": "NONE", "ContainsHeader": true, "Delimiter": ","
            }}
        }}
    })
    .to_string()
}

/// The sample opened as `l4m --config shop.json assets/ecommerce` opens it.
fn opened_with(config: &str, size: (u16, u16)) -> App {
    let location = Location::Local(PathBuf::from("assets/ecommerce"));
    let mut app = App::new(location.clone(), false, Options::default());
    app.ctx.size = size;
    let config = l4m::config::read_config(config).unwrap();
    app.open_config((location, false, false), "shop.json".into(), config);
    pump(&mut app);
    app
}

fn role(app: &App, column: &str) -> String {
    let d = app.dataset.as_ref().unwrap();
    let l = d.labels.get(column).unwrap();
    format!("{:?} {:?}", l.role, l.aggregation)
}

#[test]
fn a_config_opens_the_columns_with_its_labels_interval_timezone_and_export_fields() {
    let app = opened_with(&shop_config(None), (100, 30));
    assert_eq!(app.screen, Screen::Dataset);
    assert_eq!(role(&app, "revenue"), "Measure Avg");
    assert_eq!(role(&app, "platform"), "Dimension Sum");
    assert_eq!(role(&app, "views"), "Ignored Sum");
    assert_eq!(role(&app, "marketplace"), "Ignored Sum");
    let d = app.dataset.as_ref().unwrap();
    assert_eq!(d.frequency.map(|f| f.to_string()), Some("P1D".into()));
    assert_eq!(d.timezone.name(), "Europe/Paris");
    let form = |k| app.export.value(k);
    assert_eq!(form(FieldKey::Name), "shop-daily");
    assert_eq!(form(FieldKey::Offset), "300");
    assert_eq!(form(FieldKey::HistoricalPath), "s3://my-bucket/shop/daily/");
    assert_eq!(
        form(FieldKey::RoleArn),
        "arn:aws:iam::123456789012:role/L4MRole"
    );
    assert_eq!(form(FieldKey::Output), "shop-daily-metric-set.json");
    assert_status_starts(&app, "labels and settings from shop.json; 0 disagreements");
}

#[test]
fn a_config_opened_in_the_ui_is_exported_again_with_the_same_settings() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("again.json");
    let mut app = opened_with(&shop_config(None), (100, 30));
    keys(&mut app, &[Key::Char('e')]);
    fill(&mut app, FieldKey::Output, out.to_str().unwrap());
    keys(&mut app, &[Key::Char('w')]);
    assert!(status(&app).starts_with("wrote "), "{}", status(&app));
    let again: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(
        again["MetricList"],
        serde_json::json!([{"MetricName": "revenue", "AggregationFunction": "AVG"}])
    );
    assert_eq!(again["DimensionList"], serde_json::json!(["platform"]));
    assert_eq!(again["MetricSetFrequency"], "P1D");
    assert_eq!(again["Offset"], 300);
    assert_eq!(again["Timezone"], "Europe/Paris");
    assert_eq!(again["MetricSetName"], "shop-daily");
}

#[test]
fn where_the_config_disagrees_with_the_data_the_findings_say_so() {
    let app = opened_with(&shop_config(Some("country")), (100, 30));
    assert_status_holds(&app, "; 1 disagreement with the data");
    let country: Vec<&str> = app
        .findings
        .list
        .iter()
        .filter(|f| f.message.contains("\"country\""))
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(country.len(), 1, "{:?}", app.findings.list);
}

#[test]
fn snapshot_columns_opened_with_a_config_at_80x24() {
    let app = opened_with(&shop_config(None), (80, 24));
    insta::assert_snapshot!(draw(&app, 80, 24));
}

/// Keep the helpers used when a test above is filtered out.
#[allow(dead_code)]
fn unused(_: &Path) {}

#[test]
fn the_session_keeps_the_target_and_its_fields() {
    let state = tempfile::tempdir().unwrap();
    let options = || Options {
        state_dir: Some(state.path().to_path_buf()),
        ..Options::default()
    };
    let location = Location::Local(PathBuf::from("assets/ecommerce"));
    let mut app = App::new(location.clone(), false, options());
    pump(&mut app);
    keys(&mut app, &[Key::Char('o')]);
    keys(&mut app, &[Key::Char('e')]);
    switch_to(&mut app, ExportTarget::OpenSearch);
    fill(&mut app, FieldKey::Index, "shop-*");
    drop(app);
    let mut app = App::new(location, false, options());
    pump(&mut app);
    keys(&mut app, &[Key::Char('o')]);
    assert_eq!(app.export.target, ExportTarget::OpenSearch);
    assert_eq!(app.export.value(FieldKey::Index), "shop-*");
}
