//! Slow work off the event loop: listing, previewing, inspecting, scanning and writing run on
//! threads and answer with a [`Response`] that the loop hands to the app.
//!
//! Every [`Request`] carries an id and its answer the same id: the app keeps the id it waits for
//! and drops any other answer, so an older answer never replaces a newer one. Session files are
//! written by one thread in the order they were asked for, so the last state is the one on disk.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use super::preview::{self, Preview};
use crate::backtest::{self, MetricBacktest, Progress, Settings, Split};
use crate::config::ConfigSource;
use crate::config::check::Prepared;
use crate::coverage::{self, Coverage, MetricValues, ScanControl, ScanSpec};
use crate::format::Overrides;
use crate::inspect::{self, Inspection};
use crate::source::{Entry, Location, Source};

/// Work the app asks for, with the id its answer will carry.
#[derive(Debug, Clone)]
pub struct Request {
    pub id: u64,
    pub job: Job,
}

/// What to do.
#[derive(Debug, Clone)]
pub enum Job {
    /// One page of a folder's entries (the first when `cursor` is `None`).
    List {
        location: Location,
        cursor: Option<String>,
    },
    /// The head of a file or a summary of a folder, for the browser's preview pane.
    Preview {
        entry: Entry,
        /// Set when the cursor moved on: the work stops at its next step.
        cancel: Arc<AtomicBool>,
    },
    Inspect {
        location: Location,
        recursive: bool,
        overrides: Overrides,
    },
    /// Read a location as a config says and put the config's labels on it.
    Prepare {
        location: Location,
        recursive: bool,
        config: Arc<ConfigSource>,
    },
    Scan(ScanJob),
    #[cfg(feature = "athena")]
    AthenaCount(AthenaJob),
    /// One metric's values through the backtest's forest.
    Backtest(Box<BacktestJob>),
    Write {
        /// The main file first (OpenSearch: its index mapping after it).
        files: Vec<(PathBuf, String)>,
        overwrite: bool,
    },
    /// Save a session file (atomically; written in order by one thread).
    SaveSession {
        path: PathBuf,
        contents: String,
    },
}

/// A count of a dataset's records here: the whole dataset or a narrowing.
#[derive(Debug, Clone)]
pub struct ScanJob {
    pub inspection: Arc<Inspection>,
    pub spec: ScanSpec,
    pub control: Arc<ScanControl>,
}

impl ScanJob {
    fn run(self, source: &dyn Source) -> Answer {
        let i = &self.inspection;
        Answer::Scanned {
            result: coverage::scan(source, &i.dataset, &i.dialect(), &self.spec, &self.control)
                .map(Box::new)
                .map_err(Arc::new),
        }
    }
}

/// The whole dataset counted by Amazon Athena (the queries' state is written to `said`).
#[cfg(feature = "athena")]
#[derive(Debug, Clone)]
pub struct AthenaJob {
    pub inspection: Arc<Inspection>,
    pub spec: ScanSpec,
    pub place: crate::athena::AthenaPlace,
    pub control: Arc<ScanControl>,
    pub said: Arc<std::sync::Mutex<String>>,
}

#[cfg(feature = "athena")]
impl AthenaJob {
    fn run(self) -> Answer {
        let AthenaJob {
            inspection,
            spec,
            place,
            control,
            said,
        } = self;
        Answer::Counted {
            result: athena_count(&place, &inspection, &spec, &control, &said)
                .map(Box::new)
                .map_err(Arc::new),
        }
    }
}

/// The answer to a [`Request`], with its id; a failure is the engine's typed error, worded by
/// the screen that shows it.
#[derive(Debug, Clone)]
pub struct Response {
    pub id: u64,
    pub answer: Answer,
}

/// Why a request failed: the engine's error, shared (answers are cloned).
pub type Failure = Arc<crate::Error>;

#[derive(Debug, Clone)]
pub enum Answer {
    Listed {
        location: Location,
        /// True for a page after the first: its entries go after the ones shown.
        more: bool,
        /// The entries, and the cursor of the next page if there is one.
        result: Result<(Vec<Entry>, Option<String>), Failure>,
    },
    /// `None` when the preview was cancelled before it finished.
    Previewed {
        result: Option<Result<Box<Preview>, Failure>>,
    },
    Inspected {
        location: Location,
        result: Result<Box<Inspection>, Failure>,
    },
    Prepared {
        result: Result<Box<Prepared>, Failure>,
    },
    Scanned {
        result: Result<Box<Coverage>, Failure>,
    },
    #[cfg(feature = "athena")]
    Counted {
        result: Result<Box<crate::source::athena::AthenaCount>, Failure>,
    },
    /// `None` when it was stopped before it finished.
    Backtested {
        result: Result<Option<Box<MetricBacktest>>, Failure>,
    },
    Written {
        paths: Vec<PathBuf>,
        result: Result<(), Failure>,
    },
    SessionSaved {
        result: Result<(), Failure>,
    },
}

/// What wakes the event loop: a terminal event, a finished request, or a signal to quit.
#[derive(Debug)]
pub enum Msg {
    Term(ratatui::crossterm::event::Event),
    Done(Response),
    /// SIGTERM, SIGHUP or SIGINT: quit as the user would.
    Signal,
}

/// How long a preview waits before reading, so that a cursor moving through a long listing
/// does not start a read for every entry it passes.
const PREVIEW_SETTLE: Duration = Duration::from_millis(60);

/// Runs requests on threads against one source.
pub struct Worker {
    source: Arc<dyn Source>,
    tx: Sender<Msg>,
    sessions: Option<(Sender<Request>, JoinHandle<()>)>,
}

impl Worker {
    pub fn new(source: Arc<dyn Source>, tx: Sender<Msg>) -> Worker {
        let (session_tx, session_rx) = mpsc::channel::<Request>();
        let done = tx.clone();
        let writer_source = Arc::clone(&source);
        let writer = std::thread::spawn(move || {
            for request in session_rx {
                let response = run(writer_source.as_ref(), request);
                let _ = done.send(Msg::Done(response));
            }
        });
        Worker {
            source,
            tx,
            sessions: Some((session_tx, writer)),
        }
    }

    /// The source the requests run against.
    pub fn source(&self) -> &dyn Source {
        self.source.as_ref()
    }

    /// Start a request; its response arrives on the channel.
    pub fn spawn(&self, request: Request) {
        if let (Job::SaveSession { .. }, Some((sessions, _))) = (&request.job, &self.sessions) {
            let _ = sessions.send(request);
            return;
        }
        let source = Arc::clone(&self.source);
        let tx = self.tx.clone();
        std::thread::spawn(move || {
            if let Job::Preview { cancel, .. } = &request.job {
                std::thread::sleep(PREVIEW_SETTLE);
                if cancel.load(Ordering::Relaxed) {
                    return;
                }
            }
            let _ = tx.send(Msg::Done(run(source.as_ref(), request)));
        });
    }

    /// Wait until every session file asked for is written (before the process ends).
    pub fn finish(mut self) {
        if let Some((sessions, writer)) = self.sessions.take() {
            drop(sessions);
            let _ = writer.join();
        }
    }
}

/// Count in Athena, saying each query's state as it changes.
#[cfg(feature = "athena")]
fn athena_count(
    place: &crate::athena::AthenaPlace,
    inspection: &Inspection,
    spec: &ScanSpec,
    control: &ScanControl,
    said: &std::sync::Mutex<String>,
) -> crate::Result<crate::source::athena::AthenaCount> {
    let mut progress = |q: &crate::source::athena::QueryProgress| {
        if let Ok(mut s) = said.lock() {
            *s = format!(
                "Athena {} {}, {} scanned, {:.0} s",
                q.name,
                q.state,
                crate::units::bytes(q.bytes_scanned),
                q.elapsed.as_secs_f64()
            );
        }
        control.bytes_read.store(q.bytes_scanned, Ordering::Relaxed);
    };
    crate::source::athena::count_at(place, inspection, spec, &mut progress, &|| {
        control.is_cancelled()
    })
}

/// Carry out one request (blocking): used by the worker threads and by tests.
pub fn run(source: &dyn Source, request: Request) -> Response {
    let Request { id, job } = request;
    let answer = match job {
        Job::List { location, cursor } => Answer::Listed {
            more: cursor.is_some(),
            result: source
                .list(&location, cursor.as_deref())
                .map(|page| (page.entries, page.next))
                .map_err(Arc::new),
            location,
        },
        Job::Preview { entry, cancel } => Answer::Previewed {
            result: preview::load(source, &entry, &cancel)
                .map(|r| r.map(Box::new).map_err(Arc::new)),
        },
        Job::Inspect {
            location,
            recursive,
            overrides,
        } => Answer::Inspected {
            result: inspect::inspect(source, &location, recursive, &overrides)
                .map(Box::new)
                .map_err(Arc::new),
            location,
        },
        Job::Prepare {
            location,
            recursive,
            config,
        } => Answer::Prepared {
            result: crate::config::check::prepare(source, &location, recursive, &config)
                .map(Box::new)
                .map_err(Arc::new),
        },
        Job::Scan(scan) => scan.run(source),
        #[cfg(feature = "athena")]
        Job::AthenaCount(count) => count.run(),
        Job::Backtest(job) => job.run(),
        Job::Write { files, overwrite } => Answer::Written {
            result: write_all(&files, overwrite).map_err(Arc::new),
            paths: files.into_iter().map(|(p, _)| p).collect(),
        },
        Job::SaveSession { path, contents } => Answer::SessionSaved {
            result: super::session::write(&path, &contents).map_err(Arc::new),
        },
    };
    Response { id, answer }
}

/// One metric's values through the backtest's forest, as `l4m backtest` runs each (the same
/// settings, seed and split); `stop` ends it at the forest's next check.
#[derive(Debug, Clone)]
pub struct BacktestJob {
    pub values: MetricValues,
    pub settings: Settings,
    pub split: Option<Split>,
    pub stop: Arc<AtomicBool>,
    pub progress: Arc<Progress>,
}

impl BacktestJob {
    /// The metric's backtest; `None` when `stop` was set, before it started or at one of the
    /// forest's checks.
    fn run(self) -> Answer {
        let stopped = || self.stop.load(Ordering::Relaxed);
        let result = if stopped() {
            Ok(None)
        } else {
            let split = self.split.as_ref();
            backtest::run_metric(
                &self.values,
                &self.settings,
                split,
                &stopped,
                &self.progress,
            )
            .map(|b| b.filter(|_| !stopped()).map(Box::new))
            .map_err(|e| Arc::new(e.into()))
        };
        Answer::Backtested { result }
    }
}

/// Write every file of an export, each atomically; unless asked to replace, none is written when
/// one exists, so that a pair is never half replaced.
fn write_all(files: &[(PathBuf, String)], overwrite: bool) -> crate::Result<()> {
    if !overwrite && let Some((path, _)) = files.iter().find(|(p, _)| p.exists()) {
        return Err(crate::Error::OutputExists { path: path.clone() });
    }
    for (path, text) in files {
        crate::config::write_atomic(path, text.as_bytes(), overwrite)?;
    }
    Ok(())
}
