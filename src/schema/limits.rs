//! Every limit of Lookout for Metrics that its API model does not state, in one table with its
//! source. Limits the model states (name patterns and lengths, ARN and S3 path patterns, the offset
//! range, list sizes) are never restated: they are read from the model when a config is checked.

use serde::Serialize;

use super::Frequency;
use super::frequency::FREQUENCIES;

/// A limit that comes from the developer guide or its quotas page, not from the API model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Limit {
    /// Fewest intervals with data a backtest accepts.
    MinIntervals,
    /// Most intervals a backtest reads.
    MaxBacktestIntervals,
    /// Most historical intervals continuous mode reads.
    MaxContinuousIntervals,
    /// How far back continuous mode reads history, in days.
    ContinuousHistoryDays,
    /// Records in one interval (adjustable quota).
    RecordsPerInterval,
    /// Files in one interval (adjustable quota).
    FilesPerInterval,
    /// Bytes of data in one interval (adjustable quota).
    BytesPerInterval,
    /// Metrics (measures x dimension combinations) per detector (adjustable quota).
    MetricsPerDetector,
    /// Measures per dataset in the 2021 guide: above it, warn.
    MeasuresGuide,
    /// Measures per dataset on the later quotas page: above it, refuse.
    MeasuresMax,
    /// Dimensions per dataset in the 2021 guide: above it, warn.
    DimensionsGuide,
    /// Dimensions per dataset on the later quotas page: above it, refuse.
    DimensionsMax,
    /// Characters in a dimension value.
    DimensionValueChars,
    /// A measure value must stay below 10 to this power.
    MeasureMagnitudeDigits,
    /// Decimals in a measure value.
    MeasureDecimals,
    /// Share of the backtest's intervals used for training, in percent (the rest tests).
    BacktestTrainingPercent,
}

/// One row of [`TABLE`]: a limit, its value per interval length, what it is and where it is from.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Row {
    pub limit: Limit,
    /// The value at PT5M, PT10M, PT1H and P1D (the same four times when it does not depend on
    /// the interval).
    pub values: [u64; FREQUENCIES.len()],
    pub what: &'static str,
    pub source: &'static str,
}

const GUIDE_2021: &str = "Lookout for Metrics developer guide (2021)";
const QUOTAS: &str = "Lookout for Metrics developer guide, quotas page";
const BACKTEST: &str =
    "Lookout for Metrics developer guide, \"Detecting anomalies in historical data\" (backtest)";
const CONTINUOUS: &str =
    "Lookout for Metrics developer guide, quotas page (continuous mode history)";

const fn same(v: u64) -> [u64; FREQUENCIES.len()] {
    [v; FREQUENCIES.len()]
}

/// The limits, with their sources.
pub static TABLE: [Row; 16] = [
    Row {
        limit: Limit::MinIntervals,
        values: same(285),
        what: "intervals with data a backtest needs at least",
        source: BACKTEST,
    },
    Row {
        limit: Limit::MaxBacktestIntervals,
        values: same(3_000),
        what: "intervals a backtest reads at most",
        source: BACKTEST,
    },
    Row {
        limit: Limit::MaxContinuousIntervals,
        values: same(2_500),
        what: "historical intervals continuous mode reads at most",
        source: CONTINUOUS,
    },
    Row {
        limit: Limit::ContinuousHistoryDays,
        values: [90, 180, 3 * 365, 5 * 365],
        what: "days of history continuous mode reads at most",
        source: CONTINUOUS,
    },
    Row {
        limit: Limit::RecordsPerInterval,
        values: [15_000, 24_000, 150_000, 150_000],
        what: "records per interval (adjustable quota)",
        source: QUOTAS,
    },
    Row {
        limit: Limit::FilesPerInterval,
        values: [5, 5, 10, 10],
        what: "files per interval (adjustable quota)",
        source: QUOTAS,
    },
    Row {
        limit: Limit::BytesPerInterval,
        values: same(200_000_000),
        what: "bytes of data per interval (adjustable quota)",
        source: QUOTAS,
    },
    Row {
        limit: Limit::MetricsPerDetector,
        values: [5_000, 10_000, 50_000, 50_000],
        what: "metrics (measures x dimension combinations) per detector (adjustable quota)",
        source: QUOTAS,
    },
    Row {
        limit: Limit::MeasuresGuide,
        values: same(5),
        what: "measures per dataset in the 2021 guide",
        source: GUIDE_2021,
    },
    Row {
        limit: Limit::MeasuresMax,
        values: same(10),
        what: "measures per dataset",
        source: QUOTAS,
    },
    Row {
        limit: Limit::DimensionsGuide,
        values: same(5),
        what: "dimensions per dataset in the 2021 guide",
        source: GUIDE_2021,
    },
    Row {
        limit: Limit::DimensionsMax,
        values: same(10),
        what: "dimensions per dataset",
        source: QUOTAS,
    },
    Row {
        limit: Limit::DimensionValueChars,
        values: same(40),
        what: "characters in a dimension value",
        source: GUIDE_2021,
    },
    Row {
        limit: Limit::MeasureMagnitudeDigits,
        values: same(15),
        what: "a measure value stays below 10 to this power",
        source: GUIDE_2021,
    },
    Row {
        limit: Limit::MeasureDecimals,
        values: same(4),
        what: "decimals in a measure value",
        source: GUIDE_2021,
    },
    Row {
        limit: Limit::BacktestTrainingPercent,
        values: same(70),
        what: "percent of a backtest's intervals used for training (the rest for testing)",
        source: BACKTEST,
    },
];

impl Limit {
    /// This limit's row of [`TABLE`].
    pub fn row(self) -> &'static Row {
        // The table is in the enum's order (a test holds it): a scan asks for limits per record.
        let row = &TABLE[self as usize];
        debug_assert_eq!(row.limit, self);
        row
    }

    /// The value at an interval length.
    pub fn at(self, frequency: Frequency) -> u64 {
        self.row().values[frequency.index()]
    }

    /// The value of a limit that does not depend on the interval length.
    pub fn value(self) -> u64 {
        self.row().values[0]
    }

    /// Where the limit is stated.
    pub fn source(self) -> &'static str {
        self.row().source
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_limit_has_exactly_one_row() {
        for row in &TABLE {
            assert_eq!(
                TABLE.iter().filter(|r| r.limit == row.limit).count(),
                1,
                "{:?}",
                row.limit
            );
            assert!(std::ptr::eq(row.limit.row(), row));
        }
    }

    #[test]
    fn quotas_depend_on_the_interval() {
        assert_eq!(Limit::RecordsPerInterval.at(Frequency::PT5M), 15_000);
        assert_eq!(Limit::RecordsPerInterval.at(Frequency::PT10M), 24_000);
        assert_eq!(Limit::FilesPerInterval.at(Frequency::PT1H), 10);
        assert_eq!(Limit::MetricsPerDetector.at(Frequency::P1D), 50_000);
        assert_eq!(Limit::MinIntervals.value(), 285);
    }
}
