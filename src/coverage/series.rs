//! What L4M models separately: one series (a metric) per measure and combination of dimension
//! values. A [`SeriesTally`] keeps, for each combination, the intervals in which each measure has a
//! value, as a bitmap of intervals, plus the per-column counts of the data-quality report
//! (how many values are empty, how many distinct values a dimension has, how many rows are partial).
//!
//! Memory is bounded: at most [`MAX_SERIES_COMBINATIONS`] combinations and [`MAX_RUNS`] bitmap words
//! are kept; past either, the report says the series figures are a lower bound.

use std::collections::{HashMap, HashSet};

use super::FastHash;

/// Most dimension combinations whose series are followed.
pub const MAX_SERIES_COMBINATIONS: usize = 100_000;
/// Most bitmap words kept over all series (16 bytes each, 64 intervals per word).
pub const MAX_RUNS: usize = 2_000_000;
/// Most distinct values counted per dimension.
pub const MAX_DISTINCT_VALUES: usize = 1_000_000;

/// Intervals with data, as a bitmap: sorted words of 64 consecutive intervals (16 bytes per word
/// that holds data). A series with data in most intervals costs a quarter of a byte per interval;
/// one sparse point costs a word.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Runs(Vec<(i64, u64)>);

impl Runs {
    /// Add the interval starting at `key` (of length `len`). Returns how many words were added
    /// (0, or 1), so that the caller can bound the total.
    #[cfg(test)]
    pub fn add(&mut self, key: i64, len: i64) -> usize {
        self.add_index(key.div_euclid(len))
    }

    /// Add the interval whose start is `index` intervals after 1970-01-01 00:00 (wall clock).
    #[inline(always)]
    pub fn add_index(&mut self, index: i64) -> usize {
        let (word, bit) = (index.div_euclid(64), 1u64 << index.rem_euclid(64));
        // Records mostly come in time order: the last word usually takes them.
        match self.0.last_mut() {
            Some(last) if last.0 == word => {
                last.1 |= bit;
                0
            }
            _ => self.add_word(word, bit),
        }
    }

    /// [`Runs::add_index`] for a bit of a word other than the last one.
    fn add_word(&mut self, word: i64, bit: u64) -> usize {
        match self.0.last_mut() {
            Some(last) if last.0 < word => {
                self.0.push((word, bit));
                return 1;
            }
            None => {
                self.0.push((word, bit));
                return 1;
            }
            Some(_) => {}
        }
        match self.0.binary_search_by_key(&word, |w| w.0) {
            Ok(at) => {
                self.0[at].1 |= bit;
                0
            }
            Err(at) => {
                self.0.insert(at, (word, bit));
                1
            }
        }
    }

    /// Take back the word of interval `index` (of an add that added it).
    fn remove(&mut self, index: i64) {
        let word = index.div_euclid(64);
        self.0.retain(|w| w.0 != word);
    }

    /// Add every interval of `other`.
    pub fn merge(&mut self, other: &Runs) {
        self.0 = merge_by_key(&self.0, &other.0, |x, y| x | y);
    }

    /// How many intervals hold data.
    pub fn intervals(&self, _len: i64) -> u64 {
        self.0.iter().map(|w| u64::from(w.1.count_ones())).sum()
    }

    /// The start of the first interval with data.
    pub fn first(&self, len: i64) -> Option<i64> {
        self.0
            .first()
            .map(|w| (w.0 * 64 + i64::from(w.1.trailing_zeros())) * len)
    }

    /// The start of the last interval with data.
    pub fn last(&self, len: i64) -> Option<i64> {
        self.0
            .last()
            .map(|w| (w.0 * 64 + 63 - i64::from(w.1.leading_zeros())) * len)
    }

    /// How many words are kept.
    pub fn count(&self) -> usize {
        self.0.len()
    }

    /// The start of every interval with data, in order.
    pub fn starts(&self, len: i64) -> impl Iterator<Item = i64> + '_ {
        self.0.iter().flat_map(move |&(word, bits)| {
            (0..64)
                .filter(move |b| bits & (1u64 << b) != 0)
                .map(move |b| (word * 64 + b) * len)
        })
    }
}

/// A metric's values in one interval: their sum, how many there were, and the records of its
/// combination of dimension values (with a value or not).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Cell {
    /// The interval's index (its wall-clock start over its length).
    pub index: i64,
    pub sum: f64,
    pub values: u64,
    pub records: u64,
}

/// A metric's cells in interval order: memory grows with the intervals, never with the records.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cells(pub Vec<Cell>);

impl Cells {
    /// One record in interval `index`, with its value if it has one.
    #[inline]
    pub fn add(&mut self, index: i64, value: Option<f64>) {
        let one = Cell {
            index,
            sum: value.unwrap_or(0.0),
            values: value.is_some() as u64,
            records: 1,
        };
        match self.0.last_mut() {
            Some(last) if last.index == index => last.join(&one),
            Some(last) if last.index > index => {
                match self.0.binary_search_by_key(&index, |c| c.index) {
                    Ok(at) => self.0[at].join(&one),
                    Err(at) => self.0.insert(at, one),
                }
            }
            _ => self.0.push(one),
        }
    }

    /// Add every cell of `other`.
    pub fn merge(&mut self, other: &Cells) {
        self.0 = merge_sorted(
            &self.0,
            &other.0,
            |c| c.index,
            |mut x, y| {
                x.join(&y);
                x
            },
        );
    }
}

impl Cell {
    fn join(&mut self, other: &Cell) {
        self.sum += other.sum;
        self.values += other.values;
        self.records += other.records;
    }
}

/// One combination of dimension values and the runs of each measure.
#[derive(Debug, Clone)]
pub struct Combination {
    pub values: Vec<String>,
    /// Per measure, in label order.
    pub runs: Vec<Runs>,
    /// Per measure, its values per interval (scans that sum values; empty otherwise).
    pub cells: Vec<Cells>,
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
    /// The last interval key given and its index (records repeat it: a division saved).
    last_key: (i64, i64),
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
    /// measure with a value gives its series a data point in interval `key`. True when the
    /// combination was not followed before this record (new, or past the cap).
    pub fn point(
        &mut self,
        combo: u64,
        values: impl FnOnce() -> Vec<String>,
        measures: &[bool],
        numbers: Option<&[Option<f64>]>,
        key: i64,
        len: i64,
    ) -> bool {
        if self.last_key.0 != key {
            self.last_key = (key, key.div_euclid(len));
        }
        let index = self.last_key.1;
        let (id, new) = match self.ids.get(&combo) {
            Some(&id) => (id, false),
            None if self.combinations.len() < MAX_SERIES_COMBINATIONS => {
                self.combinations.push(Combination {
                    values: values(),
                    runs: vec![Runs::default(); measures.len()],
                    cells: vec![Cells::default(); numbers.map_or(0, <[_]>::len)],
                });
                self.ids.insert(combo, self.combinations.len() - 1);
                (self.combinations.len() - 1, true)
            }
            None => {
                self.capped = true;
                return true;
            }
        };
        if let Some(numbers) = numbers {
            for (cells, n) in self.combinations[id].cells.iter_mut().zip(numbers) {
                cells.add(index, *n);
            }
        }
        for (runs, has) in self.combinations[id].runs.iter_mut().zip(measures) {
            if !has {
                continue;
            }
            let added = runs.add_index(index);
            if added > 0 && self.runs >= MAX_RUNS {
                // Filling a word is free; a new one is not kept past the bound.
                runs.remove(index);
                self.capped = true;
                continue;
            }
            self.runs += added;
        }
        new
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
                    for (a, b) in self.combinations[mine].cells.iter_mut().zip(&c.cells) {
                        a.merge(b);
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

/// Two lists of `(key, value)` in key order as one, the values of a key in both joined.
pub(super) fn merge_by_key(
    a: &[(i64, u64)],
    b: &[(i64, u64)],
    join: impl Fn(u64, u64) -> u64,
) -> Vec<(i64, u64)> {
    merge_sorted(a, b, |x| x.0, |x, y| (x.0, join(x.1, y.1)))
}

/// Two lists in key order as one, the items of a key in both joined.
pub(super) fn merge_sorted<T: Copy>(
    a: &[T],
    b: &[T],
    key: impl Fn(&T) -> i64,
    join: impl Fn(T, T) -> T,
) -> Vec<T> {
    let mut out = Vec::with_capacity(a.len().max(b.len()));
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        if key(&x) == key(&y) {
            out.push(join(x, y));
            (i, j) = (i + 1, j + 1);
        } else if key(&x) < key(&y) {
            out.push(x);
            i += 1;
        } else {
            out.push(y);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
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
    fn intervals_are_counted_once_in_any_order_and_merge() {
        let r = runs(&[0, 10, 20, 50, 40, 30, 80, 100, 90, 0, 20]);
        assert_eq!(r.intervals(10), 9);
        assert_eq!(r.first(10), Some(0));
        assert_eq!(r.last(10), Some(100));
        assert_eq!(r.count(), 1);
        // Far apart and before zero: words of their own, in order.
        let far = runs(&[6400, -10, 640, 6410]);
        assert_eq!(far.intervals(10), 4);
        assert_eq!((far.first(10), far.last(10)), (Some(-10), Some(6410)));
        assert_eq!(far.count(), 3);
        let mut a = runs(&[0, 10, 50, 6400]);
        a.merge(&runs(&[20, 60, 100, 640, 0]));
        assert_eq!(a.intervals(10), 8);
        assert_eq!(a.count(), 3);
        assert_eq!((a.first(10), a.last(10)), (Some(0), Some(6400)));
    }
}
