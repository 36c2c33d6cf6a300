//! What L4M models separately: one series (a metric) per measure and combination of dimension
//! values. A [`SeriesTally`] keeps, for each combination, the intervals in which each measure has a
//! value, as runs of consecutive intervals, plus the per-column counts of the data-quality report
//! (how many values are empty, how many distinct values a dimension has, how many rows are partial).
//!
//! Memory is bounded: at most [`MAX_SERIES_COMBINATIONS`] combinations and [`MAX_RUNS`] runs are
//! kept; past either, the report says the series figures are a lower bound.

use std::collections::{HashMap, HashSet};

use super::FastHash;

/// Most dimension combinations whose series are followed.
pub const MAX_SERIES_COMBINATIONS: usize = 100_000;
/// Most runs of intervals kept over all series (16 bytes each).
pub const MAX_RUNS: usize = 4_000_000;
/// Most distinct values counted per dimension.
pub const MAX_DISTINCT_VALUES: usize = 1_000_000;

/// Intervals with data, as sorted, disjoint runs `[start, end)` of interval keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Runs(Vec<(i64, i64)>);

impl Runs {
    /// Add the interval starting at `key` (of length `len`). Returns how many runs were added
    /// (0, or 1), so that the caller can bound the total.
    pub fn add(&mut self, key: i64, len: i64) -> usize {
        // Records mostly come in time order: the last run usually takes them.
        if let Some(last) = self.0.last_mut() {
            if key >= last.0 && key < last.1 {
                return 0;
            }
            if key == last.1 {
                last.1 += len;
                return 0;
            }
        }
        let at = self.0.partition_point(|r| r.1 < key);
        if let Some(r) = self.0.get_mut(at)
            && key >= r.0
            && key <= r.1
        {
            if key == r.1 {
                r.1 += len;
                self.join_at(at);
            }
            return 0;
        }
        if let Some(r) = self.0.get_mut(at)
            && key + len == r.0
        {
            r.0 = key;
            if at > 0 {
                self.join_at(at - 1);
            }
            return 0;
        }
        self.0.insert(at, (key, key + len));
        1
    }

    /// Join run `i` with the next when they touch.
    fn join_at(&mut self, i: usize) {
        if i + 1 < self.0.len() && self.0[i].1 >= self.0[i + 1].0 {
            self.0[i].1 = self.0[i].1.max(self.0[i + 1].1);
            self.0.remove(i + 1);
        }
    }

    /// Add every interval of `other`.
    pub fn merge(&mut self, other: &Runs) {
        let mut all: Vec<(i64, i64)> = self.0.iter().chain(&other.0).copied().collect();
        all.sort_unstable();
        let mut out: Vec<(i64, i64)> = Vec::with_capacity(all.len());
        for r in all {
            match out.last_mut() {
                Some(last) if r.0 <= last.1 => last.1 = last.1.max(r.1),
                _ => out.push(r),
            }
        }
        self.0 = out;
    }

    /// How many intervals hold data.
    pub fn intervals(&self, len: i64) -> u64 {
        self.0.iter().map(|r| ((r.1 - r.0) / len) as u64).sum()
    }

    pub fn first(&self) -> Option<i64> {
        self.0.first().map(|r| r.0)
    }

    /// The start of the last interval with data.
    pub fn last(&self, len: i64) -> Option<i64> {
        self.0.last().map(|r| r.1 - len)
    }

    /// How many runs there are.
    pub fn count(&self) -> usize {
        self.0.len()
    }
}

/// One combination of dimension values and the runs of each measure.
#[derive(Debug, Clone)]
pub struct Combination {
    pub values: Vec<String>,
    /// Per measure, in label order.
    pub runs: Vec<Runs>,
}

/// The series and data-quality counts of one file or piece.
#[derive(Debug, Default)]
pub struct SeriesTally {
    ids: HashMap<u64, usize, FastHash>,
    pub combinations: Vec<Combination>,
    /// Runs kept over all combinations.
    runs: usize,
    /// True when a combination or a run was not kept (the bounds above).
    pub capped: bool,
    /// Non-empty values per projected column (timestamp, dimensions, measures), over well-formed
    /// records.
    pub non_empty: Vec<u64>,
    pub well_formed: u64,
    /// Distinct values per dimension (hashes), and whether the count was capped.
    pub distinct: Vec<HashSet<u64, FastHash>>,
    pub distinct_capped: bool,
    /// Counted records with an empty dimension or an empty or non-numeric measure.
    pub partial: u64,
}

impl SeriesTally {
    pub fn new(columns: usize, dimensions: usize) -> SeriesTally {
        SeriesTally {
            non_empty: vec![0; columns],
            distinct: vec![HashSet::default(); dimensions],
            ..SeriesTally::default()
        }
    }

    /// Count which projected values of a well-formed record are present.
    pub fn values(&mut self, present: impl Iterator<Item = bool>) {
        self.well_formed += 1;
        for (n, p) in self.non_empty.iter_mut().zip(present) {
            *n += p as u64;
        }
    }

    /// A distinct value of dimension `d` (by hash).
    pub fn dimension_value(&mut self, d: usize, hash: u64) {
        let set = &mut self.distinct[d];
        if set.len() < MAX_DISTINCT_VALUES {
            set.insert(hash);
        } else if !set.contains(&hash) {
            self.distinct_capped = true;
        }
    }

    /// The measures of a counted record, for the combination `combo` (its hash and values): each
    /// measure with a value gives its series a data point in interval `key`.
    pub fn point(
        &mut self,
        combo: u64,
        values: impl FnOnce() -> Vec<String>,
        measures: &[bool],
        key: i64,
        len: i64,
    ) {
        let id = match self.ids.get(&combo) {
            Some(&id) => id,
            None if self.combinations.len() < MAX_SERIES_COMBINATIONS => {
                self.combinations.push(Combination {
                    values: values(),
                    runs: vec![Runs::default(); measures.len()],
                });
                self.ids.insert(combo, self.combinations.len() - 1);
                self.combinations.len() - 1
            }
            None => {
                self.capped = true;
                return;
            }
        };
        for (runs, has) in self.combinations[id].runs.iter_mut().zip(measures) {
            if !has {
                continue;
            }
            let added = runs.add(key, len);
            if added > 0 && self.runs >= MAX_RUNS {
                // Extending a run is free; a new one is not kept past the bound.
                runs.0.retain(|r| *r != (key, key + len));
                self.capped = true;
                continue;
            }
            self.runs += added;
        }
    }

    /// Add the tally of another file or piece.
    pub fn merge(&mut self, other: SeriesTally) {
        for (id, c) in other.ids.iter().map(|(h, &i)| (*h, &other.combinations[i])) {
            match self.ids.get(&id) {
                Some(&mine) => {
                    for (a, b) in self.combinations[mine].runs.iter_mut().zip(&c.runs) {
                        self.runs -= a.count();
                        a.merge(b);
                        self.runs += a.count();
                    }
                }
                None if self.combinations.len() < MAX_SERIES_COMBINATIONS => {
                    self.runs += c.runs.iter().map(Runs::count).sum::<usize>();
                    self.combinations.push(c.clone());
                    self.ids.insert(id, self.combinations.len() - 1);
                }
                None => self.capped = true,
            }
        }
        self.capped |= other.capped || self.runs > MAX_RUNS;
        for (a, b) in self.non_empty.iter_mut().zip(&other.non_empty) {
            *a += b;
        }
        self.well_formed += other.well_formed;
        for (a, b) in self.distinct.iter_mut().zip(other.distinct) {
            for h in b {
                if a.len() >= MAX_DISTINCT_VALUES {
                    self.distinct_capped = true;
                    break;
                }
                a.insert(h);
            }
        }
        self.distinct_capped |= other.distinct_capped;
        self.partial += other.partial;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(keys: &[i64]) -> Runs {
        let mut r = Runs::default();
        for &k in keys {
            r.add(k, 10);
        }
        r
    }

    #[test]
    fn runs_join_in_any_order() {
        let r = runs(&[0, 10, 20, 50, 40, 30, 80, 100, 90, 0, 20]);
        assert_eq!(r.0, [(0, 60), (80, 110)]);
        assert_eq!(r.intervals(10), 9);
        assert_eq!(r.first(), Some(0));
        assert_eq!(r.last(10), Some(100));
        let mut a = runs(&[0, 10, 50]);
        a.merge(&runs(&[20, 60, 100]));
        assert_eq!(a.0, [(0, 30), (50, 70), (100, 110)]);
    }
}
