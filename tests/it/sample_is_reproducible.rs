//! The bundled sample `assets/ecommerce/` is what the generator writes, byte for byte, for the
//! command recorded in `assets/README.md`.

use std::fs;
use std::path::Path;

use crate::common;

use common::synth::{self, Spec};

/// The spec of `generate --intervals 576 --gaps 100..103,300..324,500..501 --session-id --seed 42
/// --daily assets/ecommerce`.
fn sample_spec() -> Spec {
    let mut spec = Spec::ecommerce_hourly(576, 42);
    spec.gaps = vec![100..103, 300..324, 500..501];
    spec.session_id = true;
    spec
}

fn csv_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".csv"))
        .collect();
    names.sort();
    names
}

#[test]
fn the_bundled_sample_is_reproduced_byte_for_byte() {
    let assets = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/ecommerce");
    let dir = tempfile::tempdir().unwrap();
    let truth = synth::write_daily_files(&sample_spec(), dir.path()).unwrap();

    let generated = csv_names(dir.path());
    assert_eq!(generated.len(), 24);
    assert_eq!(generated.first().unwrap(), "2020-10-01.csv");
    assert_eq!(generated.last().unwrap(), "2020-10-24.csv");
    assert_eq!(csv_names(&assets), generated);
    for name in &generated {
        let want = fs::read(assets.join(name)).unwrap();
        let got = fs::read(dir.path().join(name)).unwrap();
        assert!(want == got, "{name} differs from what the generator writes");
    }

    assert_eq!(truth.records, 11_508);
    assert_eq!(truth.intervals_spanned, 576);
    assert_eq!(truth.intervals_with_data, 548);
    assert_eq!(truth.intervals_missing, 28);
    assert_eq!(truth.longest_gap, 24);
    assert_eq!(truth.max_records_per_interval, 21);
    assert_eq!(truth.distinct_dimension_combinations, 21);
    assert_eq!(
        truth.first_interval.to_rfc3339(),
        "2020-10-01T00:00:00+00:00"
    );
    assert_eq!(
        truth.last_interval.to_rfc3339(),
        "2020-10-24T23:00:00+00:00"
    );
}

#[test]
fn the_sample_readme_states_the_truth() {
    let readme =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/README.md")).unwrap();
    let truth = sample_spec().truth();
    let json = serde_json::to_string_pretty(&truth.to_json()).unwrap();
    assert!(
        readme.contains(&json),
        "README.md must quote the generator's truth:\n{json}"
    );
}
