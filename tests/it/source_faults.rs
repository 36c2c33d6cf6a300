//! Files that change or fail while a scan reads them: the scan goes on with the other files, names
//! the file and says the result is partial. A source that lies about one file stands in for a file
//! that grows, shrinks or becomes unreadable between the listing and the read.

use std::io::Read;
use std::sync::Arc;

use l4m::coverage::{self, ScanControl, ScanSpec};
use l4m::format::Overrides;
use l4m::inspect;
use l4m::source::local::LocalSource;
use l4m::source::{Entry, Location, Page, Source};

/// The local file system, except for one file: its size as listed differs from what is read, or
/// it cannot be opened.
struct Lying {
    file: &'static str,
    fault: Fault,
}

#[derive(Clone, Copy)]
enum Fault {
    /// Listed with this many bytes more than it has (it shrank after the listing).
    Shrank(u64),
    /// Listed with this many bytes fewer (it grew).
    Grew(u64),
    /// Opening fails with permission denied.
    Unreadable,
}

impl Lying {
    fn adjust(&self, mut e: Entry) -> Entry {
        if e.name.ends_with(self.file) {
            e.size = e.size.map(|s| match self.fault {
                Fault::Shrank(n) => s + n,
                Fault::Grew(n) => s - n,
                Fault::Unreadable => s,
            });
        }
        e
    }
}

impl Source for Lying {
    fn stat(&self, location: &Location) -> l4m::Result<Entry> {
        LocalSource.stat(location).map(|e| self.adjust(e))
    }
    fn list(&self, location: &Location, cursor: Option<&str>) -> l4m::Result<Page> {
        let mut page = LocalSource.list(location, cursor)?;
        page.entries = page.entries.into_iter().map(|e| self.adjust(e)).collect();
        Ok(page)
    }
    fn walk(&self, location: &Location, cursor: Option<&str>) -> l4m::Result<Page> {
        LocalSource.walk(location, cursor)
    }
    fn read_range(&self, location: &Location, start: u64, len: u64) -> l4m::Result<Vec<u8>> {
        LocalSource.read_range(location, start, len)
    }
    fn open(&self, location: &Location) -> l4m::Result<Box<dyn Read + Send>> {
        if matches!(self.fault, Fault::Unreadable) && location.to_string().ends_with(self.file) {
            return Err(l4m::Error::io(
                location.clone(),
                std::io::Error::from(std::io::ErrorKind::PermissionDenied),
            ));
        }
        LocalSource.open(location)
    }
}

fn hourly(day: u32) -> String {
    let mut s = String::from("ts,v\n");
    for h in 0..24 {
        s.push_str(&format!("2020-10-{day:02} {h:02}:00:00,{h}\n"));
    }
    s
}

fn scan(source: &dyn Source, dir: &std::path::Path) -> serde_json::Value {
    let i = inspect::inspect(
        source,
        &Location::Local(dir.to_path_buf()),
        false,
        &Overrides::default(),
    )
    .unwrap();
    let spec = ScanSpec::from_labels(&i, &i.suggested, None, chrono_tz::UTC).unwrap();
    let c = coverage::scan(
        source,
        &i.dataset,
        &i.dialect(),
        &spec,
        &Arc::new(ScanControl::default()),
    )
    .unwrap();
    serde_json::to_value(&c).unwrap()
}

fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for day in 1..=3 {
        std::fs::write(dir.path().join(format!("d{day}.csv")), hourly(day)).unwrap();
    }
    dir
}

#[test]
fn a_file_that_shrank_after_the_listing_is_named_and_the_result_is_partial() {
    let dir = folder();
    let v = scan(
        &Lying {
            file: "d2.csv",
            fault: Fault::Shrank(100),
        },
        dir.path(),
    );
    assert_eq!(v["complete"], false);
    assert_eq!(v["incomplete_files"][0]["file"], "d2.csv");
    assert_eq!(
        v["incomplete_files"][0]["error"],
        "changed while it was read: listed with 647 bytes, 547 read"
    );
    assert_eq!(v["records"], 72, "what was read is counted");
}

#[test]
fn a_file_that_grew_after_the_listing_is_named_and_the_result_is_partial() {
    let dir = folder();
    let v = scan(
        &Lying {
            file: "d3.csv",
            fault: Fault::Grew(5),
        },
        dir.path(),
    );
    assert_eq!(v["complete"], false);
    assert_eq!(v["incomplete_files"][0]["file"], "d3.csv");
    assert_eq!(
        v["incomplete_files"][0]["error"],
        "changed while it was read: listed with 542 bytes, 547 read"
    );
}

#[test]
fn an_unreadable_file_is_named_and_the_others_are_counted() {
    let dir = folder();
    let v = scan(
        &Lying {
            file: "d1.csv",
            fault: Fault::Unreadable,
        },
        dir.path(),
    );
    assert_eq!(v["complete"], false);
    assert_eq!(v["incomplete_files"][0]["file"], "d1.csv");
    // The file is named once, by the list: the error is the fact alone.
    assert_eq!(v["incomplete_files"][0]["error"], "permission denied");
    assert_eq!(v["records"], 48);
}
