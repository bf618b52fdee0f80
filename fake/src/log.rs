//! The request log and per-route counters.

use std::{
    collections::{HashMap, VecDeque},
    time::SystemTime,
};

use bytes::Bytes;
use http::{HeaderMap, Method};

use crate::{faults::Fault, route::Route};

/// One request the fake received, as tests see it in
/// [`FakeVideoGen::requests`](crate::FakeVideoGen::requests).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The HTTP method.
    pub method: Method,
    /// The path, still percent-encoded as sent.
    pub path: String,
    /// The query string without `?`, if there was one.
    pub query: Option<String>,
    /// Every request header, as received (the `Authorization` header too:
    /// it is a test key).
    pub headers: HeaderMap,
    /// The body of API requests (empty for downloads and uploads, whose
    /// bytes are not kept here; see [`FakeVideoGen::upload`](crate::FakeVideoGen::upload)).
    pub body: Bytes,
    /// When it arrived, by the fake's clock.
    pub at: SystemTime,
    /// The route it matched; `None` for unknown paths and methods.
    pub route: Option<Route>,
    /// The file id in its path, percent-decoded.
    pub file_id: Option<String>,
    /// Every id in its path (file, tool execution, workflow run, project,
    /// export, entity or endpoint id), percent-decoded, in path order.
    pub ids: Vec<String>,
    /// The `x-request-id` the fake answered with.
    pub request_id: String,
    /// The status answered (the response may still have broken mid-body).
    pub status: Option<u16>,
    /// The scripted fault applied to it, if any (a request refused by the
    /// per-key rate limit shows as [`Fault::RateLimited`]).
    pub fault: Option<Fault>,
}

impl RecordedRequest {
    /// A header's value, if present and valid UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `Range` header, for download tests.
    pub fn range(&self) -> Option<&str> {
        self.header("range")
    }
}

/// The log (bounded) and the counters (not bounded).
#[derive(Debug)]
pub(crate) struct Log {
    entries: VecDeque<RecordedRequest>,
    /// Number of entries ever dropped from the front, so indexes stay valid.
    dropped: u64,
    capacity: usize,
    counts: HashMap<Route, u64>,
}

impl Log {
    pub fn new(capacity: usize) -> Log {
        Log {
            entries: VecDeque::new(),
            dropped: 0,
            capacity,
            counts: HashMap::new(),
        }
    }

    /// Records a request; returns a ticket for [`set_status`](Self::set_status).
    pub fn record(&mut self, request: RecordedRequest) -> u64 {
        if let Some(route) = request.route {
            *self.counts.entry(route).or_default() += 1;
        }
        let ticket = self.dropped + self.entries.len() as u64;
        if self.capacity == 0 {
            self.dropped += 1;
            return ticket;
        }
        if self.entries.len() == self.capacity {
            self.entries.pop_front();
            self.dropped += 1;
        }
        self.entries.push_back(request);
        ticket
    }

    pub fn complete(&mut self, ticket: u64, status: u16, fault: Option<Fault>) {
        if let Some(entry) = ticket
            .checked_sub(self.dropped)
            .and_then(|i| self.entries.get_mut(i as usize))
        {
            entry.status = Some(status);
            entry.fault = fault;
        }
    }

    pub fn entries(&self) -> Vec<RecordedRequest> {
        self.entries.iter().cloned().collect()
    }

    pub fn count(&self, route: Route) -> u64 {
        self.counts.get(&route).copied().unwrap_or(0)
    }

    pub fn clear(&mut self) {
        self.dropped += self.entries.len() as u64;
        self.entries.clear();
        self.counts.clear();
    }
}
