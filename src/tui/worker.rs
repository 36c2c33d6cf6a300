//! Slow work off the event loop: listing, inspecting, scanning and writing run on threads and
//! answer with a [`Response`] that the loop hands to the app.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::Sender;

use super::words;
use crate::coverage::{self, Coverage, ScanControl, ScanSpec};
use crate::format::Overrides;
use crate::inspect::{self, Inspection};
use crate::source::{Entry, Location, Source};

/// Work the app asks for.
#[derive(Debug, Clone)]
pub enum Request {
    /// One page of a folder's entries (the first when `cursor` is `None`).
    List {
        location: Location,
        cursor: Option<String>,
    },
    Inspect {
        location: Location,
        recursive: bool,
        overrides: Overrides,
    },
    Scan {
        id: u64,
        inspection: Arc<Inspection>,
        spec: ScanSpec,
        control: Arc<ScanControl>,
    },
    Write {
        path: PathBuf,
        contents: String,
        overwrite: bool,
    },
}

/// The answer to a [`Request`]; errors are already one-line messages.
#[derive(Debug, Clone)]
pub enum Response {
    Listed {
        location: Location,
        /// True for a page after the first: its entries go after the ones shown.
        more: bool,
        /// The entries, and the cursor of the next page if there is one.
        result: Result<(Vec<Entry>, Option<String>), String>,
    },
    Inspected {
        location: Location,
        result: Result<Box<Inspection>, String>,
    },
    Scanned {
        id: u64,
        result: Result<Box<Coverage>, String>,
    },
    Written {
        path: PathBuf,
        result: Result<(), String>,
    },
}

/// What wakes the event loop: a terminal event or a finished request.
#[derive(Debug)]
pub enum Msg {
    Term(ratatui::crossterm::event::Event),
    Done(Response),
}

/// Runs requests on threads against one source.
pub struct Worker {
    source: Arc<dyn Source>,
    tx: Sender<Msg>,
}

impl Worker {
    pub fn new(source: Arc<dyn Source>, tx: Sender<Msg>) -> Worker {
        Worker { source, tx }
    }

    /// Start a request; its response arrives on the channel.
    pub fn spawn(&self, request: Request) {
        let source = Arc::clone(&self.source);
        let tx = self.tx.clone();
        std::thread::spawn(move || {
            let _ = tx.send(Msg::Done(run(source.as_ref(), request)));
        });
    }
}

/// Carry out one request (blocking): used by the worker threads and by tests.
pub fn run(source: &dyn Source, request: Request) -> Response {
    match request {
        Request::List { location, cursor } => Response::Listed {
            more: cursor.is_some(),
            result: source
                .list(&location, cursor.as_deref())
                .map(|page| (page.entries, page.next))
                .map_err(|e| words::error(&e)),
            location,
        },
        Request::Inspect {
            location,
            recursive,
            overrides,
        } => Response::Inspected {
            result: inspect::inspect(source, &location, recursive, &overrides)
                .map(Box::new)
                .map_err(|e| words::error(&e)),
            location,
        },
        Request::Scan {
            id,
            inspection,
            spec,
            control,
        } => Response::Scanned {
            id,
            result: coverage::scan(
                source,
                &inspection.dataset,
                &inspection.dialect(),
                &spec,
                &control,
            )
            .map(Box::new)
            .map_err(|e| words::error(&e)),
        },
        Request::Write {
            path,
            contents,
            overwrite,
        } => Response::Written {
            result: crate::config::write_atomic(&path, contents.as_bytes(), overwrite)
                .map_err(|e| words::error(&e)),
            path,
        },
    }
}
