//! One call from a location to everything known about it before a full scan: its data files, the
//! detected format, the column profiles, the suggested labels and the interval. The command line
//! and the terminal UI both start here.

use serde::Serialize;

use crate::format::{self, Detected, Detection, Dialect, Overrides};
use crate::schema::interval::{IntervalFill, detect_frequency, fill_by_interval};
use crate::schema::profile::{ColumnProfile, profile};
use crate::schema::timefmt::{ParsedTime, TimeFormat};
use crate::schema::{Confidence, Frequency, Labels};
use crate::source::dataset::{self, Dataset};
use crate::source::template::PathTemplate;
use crate::source::{Entry, HEAD_BYTES, Location, Source};
use crate::{Error, Result};

/// What is known about a location from the heads of its files.
#[derive(Debug, Clone, Serialize)]
pub struct Inspection {
    pub dataset: Dataset,
    /// The file whose head was detected (the first data file).
    pub sample_file: String,
    pub detection: Detection,
    pub profiles: Vec<ColumnProfile>,
    /// Suggested labels (the user's changes are applied on top by the caller).
    pub suggested: Labels,
    pub frequency: Detected<Option<Frequency>>,
    /// How the sample's timestamps fill each interval length, in the order of [`Frequency::ALL`]
    /// (empty when no timestamp parses).
    pub by_interval: Vec<IntervalFill>,
    /// The continuous-layout path template found in the folder names (recursive datasets).
    pub template: Option<PathTemplate>,
}

impl Inspection {
    pub fn dialect(&self) -> Dialect {
        self.detection.dialect()
    }

    /// Take an interval detection ([`detect_interval`]).
    pub fn set_interval(&mut self, (frequency, by_interval): IntervalFound) {
        self.frequency = frequency;
        self.by_interval = by_interval;
    }
}

/// What [`detect_interval`] finds: the interval, and how each interval length is filled.
pub type IntervalFound = (Detected<Option<Frequency>>, Vec<IntervalFill>);

/// Read the head of a file and detect its format. Errors name the file.
pub fn detect_file(source: &dyn Source, file: &Entry, overrides: &Overrides) -> Result<Detection> {
    let head = source.head(&file.location, HEAD_BYTES)?;
    let complete = match file.size {
        Some(size) => size <= head.len() as u64,
        None => (head.len() as u64) < HEAD_BYTES,
    };
    format::detect(&head, complete, overrides)
        .map_err(|problem| Error::unreadable(file.location.clone(), problem))
}

/// How many more files' heads interval detection may read when the first shows one timestamp.
const MORE_HEADS: usize = 8;

/// Inspect a location: list its data files, detect the first one's format, profile its columns,
/// suggest labels and detect the interval.
pub fn inspect(
    source: &dyn Source,
    location: &Location,
    recursive: bool,
    overrides: &Overrides,
) -> Result<Inspection> {
    let dataset = dataset::resolve(source, location, recursive)?;
    let first = &dataset.files[0];
    let detection = detect_file(source, first, overrides)?;
    let profiles = profile(&detection.sample);
    let suggested = Labels::suggest(&profiles);
    let mut inspection = Inspection {
        sample_file: first.location.relative_to(&dataset.root),
        frequency: Detected::new(None, Confidence::None, ""),
        by_interval: Vec::new(),
        template: None,
        dataset,
        detection,
        profiles,
        suggested,
    };
    if inspection.dataset.recursive {
        let names: Vec<&str> = inspection
            .dataset
            .files
            .iter()
            .map(|f| f.name.as_str())
            .collect();
        inspection.template = crate::source::template::detect(&names);
    }
    let found = detect_interval(source, &inspection, &inspection.suggested)?;
    inspection.set_interval(found);
    Ok(inspection)
}

/// Detect the interval again when the labels read another timestamp than `before` did (another
/// column, or another format): the interval detected for `before` says nothing of it.
pub fn redetect_interval(
    source: &dyn Source,
    inspection: &mut Inspection,
    before: &Labels,
    labels: &Labels,
) -> Result<()> {
    if labels.timestamp() != before.timestamp()
        || labels.timestamp_format != before.timestamp_format
    {
        let found = detect_interval(source, inspection, labels)?;
        inspection.set_interval(found);
    }
    Ok(())
}

/// Detect the interval of the labels' timestamp column from the timestamps in the sample of the
/// first file and, when that shows a single timestamp (one file per interval, as in the continuous
/// layout), the heads of a few more.
pub fn detect_interval(
    source: &dyn Source,
    inspection: &Inspection,
    labels: &Labels,
) -> Result<IntervalFound> {
    let (Some(column), Some(tf)) = (labels.timestamp(), labels.timestamp_format.as_ref()) else {
        let none = Detected::new(None, Confidence::None, "no timestamp column");
        return Ok((none, Vec::new()));
    };
    let dialect = inspection.dialect();
    let Some(j) = dialect.column_index(column) else {
        return Ok((
            Detected::new(None, Confidence::None, "no such column"),
            Vec::new(),
        ));
    };
    let mut times = Vec::new();
    collect_times(&inspection.detection.sample, j, tf, &mut times);
    let mut distinct = times.clone();
    distinct.sort_unstable();
    distinct.dedup();
    let files = &inspection.dataset.files;
    if distinct.len() < 2 && files.len() > 1 {
        let fixed = Overrides {
            format: Some(dialect.format),
            delimiter: Some(dialect.delimiter),
            quote: Some(dialect.quote),
            has_header: Some(dialect.has_header),
        };
        // Spread the extra heads over the dataset; neighbours tell the interval best, so take the
        // first few files, where consecutive intervals usually sit.
        for file in files.iter().skip(1).take(MORE_HEADS) {
            if let Ok(d) = detect_file(source, file, &fixed) {
                collect_times(&d.sample, j, tf, &mut times);
            }
        }
        let d = detect_frequency(&times);
        let d = Detected::new(
            d.value,
            d.confidence,
            format!(
                "{} (heads of {} files)",
                d.reason,
                files.len().min(MORE_HEADS + 1)
            ),
        );
        return Ok((d, fill_by_interval(&times)));
    }
    Ok((detect_frequency(&times), fill_by_interval(&times)))
}

fn collect_times(sample: &format::Sample, j: usize, tf: &TimeFormat, out: &mut Vec<i64>) {
    for row in &sample.rows {
        if let Some(v) = row.get(j)
            && let Some(t) = tf.parse(v)
        {
            out.push(match t {
                ParsedTime::Local(n) => n.and_utc().timestamp(),
                ParsedTime::Instant(u) => u.timestamp(),
            });
        }
    }
}
