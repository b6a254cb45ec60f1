//! The delivery state machine. See the crate documentation for how a host drives it.
//!
//! This module holds the engine's state and its public API (push, next, reply, abort);
//! the rules it applies live in the modules named after them, so that each can be read
//! on its own: how events are batched (and halved on 413), when and how long a failure
//! waits (retries, backoff, `Retry-After`), which redirects are followed, and what the
//! server's error text becomes in a reason.

mod batching;
mod config;
mod reason;
mod redirect;
mod retry;
mod server_text;
mod summary;
mod verdict;

use std::collections::VecDeque;
use std::fmt;

use crate::http::{self, StatusClass};
use crate::text::{clean, truncate_chars};

use batching::Batch;
pub use config::{Config, ConfigError, check_token};
pub use reason::{DeadLetter, Reason};
use server_text::status_message;
pub use summary::Summary;
pub use verdict::{Level, Verdict};

/// Index of an event: the order in which it was [pushed](Engine::push), from 0. Batches
/// hold consecutive events, so a batch is `first..first + count`.
pub type EventId = u64;

/// Most bytes of a response body a host should read and hand over in [`Reply::Status`].
/// Hosts stop reading there (a 1.5 GiB error page costs 64 KiB).
pub const BODY_EXCERPT_LIMIT: usize = 64 * 1024;

/// Most characters of a server's error text that go into a reason.
const DETAIL_CHARS: usize = 200;

/// Most 307/308 redirects followed for one request.
pub const MAX_REDIRECTS: u32 = 3;

/// Identifies a request handed out by [`Action::Send`], so that a late reply cannot be
/// taken for another request's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RequestId(pub u64);

/// A request to make: `POST url` with `body`, `Content-Type: application/json;
/// charset=utf-8` and `Authorization: Api-Token <token>`. Follow no redirects: report a
/// 3xx as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Hand it back with the reply.
    pub id: RequestId,
    /// The endpoint, or a same-origin `Location` of a 307/308.
    pub url: String,
    /// The JSON array of the events.
    pub body: String,
    /// The first event in the body.
    pub first: EventId,
    /// How many events the body holds.
    pub count: usize,
    /// Requests made for these events so far, this one included.
    pub attempt: u32,
}

/// What the host does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Make this request, then call [`Engine::reply`].
    Send(Request),
    /// Nothing to do before this time (Unix milliseconds); call [`Engine::next`] then, or
    /// earlier after [`Engine::abort`].
    Wait {
        /// When to call `next` again.
        until_ms: u64,
    },
    /// Keep these events (a dead-letter file, blob, queue): they will not be delivered.
    DeadLetter(DeadLetter),
    /// A request is out: call [`Engine::reply`] first.
    AwaitReply(RequestId),
    /// Every event pushed so far is settled, but more may come: push, or
    /// [`finish`](Engine::finish).
    Idle,
    /// Every event is settled and no more will come: see [`Engine::summary`].
    Done,
}

/// What the host got for a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// An HTTP answer (a 3xx included: the host follows no redirects).
    Status {
        /// The status code.
        status: u16,
        /// The `Retry-After` header, as sent.
        retry_after: Option<String>,
        /// The `Location` header, as sent.
        location: Option<String>,
        /// At most [`BODY_EXCERPT_LIMIT`] bytes of the body (lossy UTF-8); empty for 2xx.
        body: String,
    },
    /// No complete answer within the host's timeout.
    Timeout,
    /// No answer: refused, reset, DNS, TLS. The host's error text (redacted here).
    Network(String),
}

/// The delivery state machine. Pure: it makes no request, reads no clock, sleeps never.
#[derive(Debug)]
pub struct Engine {
    config: Config,
    /// Pushed events not yet in a batch; the first has id `input_first`.
    input: VecDeque<String>,
    input_first: EventId,
    input_bytes: usize,
    finished: bool,
    /// Batches to send, in order (the halves of a split go first).
    ready: VecDeque<Batch>,
    in_flight: Option<(RequestId, Batch)>,
    /// A batch waiting for its retry time.
    waiting: Option<(u64, Batch)>,
    letters: VecDeque<DeadLetter>,
    /// Set by a fatal answer: what every later batch is dead-lettered with.
    fatal: Option<Reason>,
    aborted: Option<String>,
    next_request: u64,
    rng: u64,
    summary: Summary,
}

impl Engine {
    /// An engine for `config`, after checking it.
    pub fn new(config: Config) -> Result<Engine, ConfigError> {
        if http::origin(&config.endpoint).is_none() {
            return Err(ConfigError::Endpoint);
        }
        check_token(&config.token)?;
        if config.max_batch_bytes < 3 {
            return Err(ConfigError::Limit(
                "max_batch_bytes must be at least 3 (`[x]`)",
            ));
        }
        if config.max_batch_events == 0 {
            return Err(ConfigError::Limit("max_batch_events must be at least 1"));
        }
        if config.max_attempts == 0 {
            return Err(ConfigError::Limit("max_attempts must be at least 1"));
        }
        let rng = config.seed ^ 0x9e37_79b9_7f4a_7c15;
        Ok(Engine {
            config,
            input: VecDeque::new(),
            input_first: 0,
            input_bytes: 0,
            finished: false,
            ready: VecDeque::new(),
            in_flight: None,
            waiting: None,
            letters: VecDeque::new(),
            fatal: None,
            aborted: None,
            next_request: 0,
            rng,
            summary: Summary::default(),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Adds an event (one compact JSON object, as the core wrote it) and returns its id.
    /// After [`finish`](Engine::finish) or [`abort`](Engine::abort) the event is
    /// dead-lettered as aborted: nothing pushed is ever dropped.
    pub fn push(&mut self, event: String) -> EventId {
        let id = self.summary.pushed;
        self.summary.pushed += 1;
        self.summary.pending += 1;
        if let Some(message) = &self.aborted {
            let reason = Reason::Aborted {
                message: message.clone(),
            };
            self.letter(id, vec![event], reason, 0);
            return id;
        }
        if self.input.is_empty() {
            self.input_first = id;
        }
        self.input_bytes += event.len();
        self.input.push_back(event);
        id
    }

    /// No more events will be pushed: the last, partial batch may go.
    pub fn finish(&mut self) {
        self.finished = true;
    }

    /// Stops the send: everything not yet delivered (the request out included, whose
    /// answer will not be waited for) is dead-lettered with [`Reason::Aborted`]. A late
    /// [`reply`](Engine::reply) to that request is refused.
    pub fn abort(&mut self, message: &str) {
        let message = clean(message, &self.config.token);
        self.aborted = Some(message.clone());
        self.finished = true;
        let mut batches: Vec<Batch> = Vec::new();
        if let Some((_, b)) = self.in_flight.take() {
            batches.push(b);
        }
        if let Some((_, b)) = self.waiting.take() {
            batches.push(b);
        }
        batches.extend(self.ready.drain(..));
        batches.sort_by_key(|b| b.first);
        for b in batches {
            let reason = Reason::Aborted {
                message: message.clone(),
            };
            self.letter(b.first, b.events, reason, b.requests);
        }
        while !self.input.is_empty() {
            let first = self.input_first;
            let events = self.take_input(self.config.max_batch_events);
            let reason = Reason::Aborted {
                message: message.clone(),
            };
            self.letter(first, events, reason, 0);
        }
    }

    /// What to do next, at `now_ms` (Unix time in milliseconds).
    pub fn next(&mut self, now_ms: u64) -> Action {
        loop {
            if let Some(letter) = self.letters.pop_front() {
                let n = letter.events.len() as u64;
                self.summary.dead_lettered += n;
                self.summary.pending -= n;
                return Action::DeadLetter(letter);
            }
            if let Some((id, _)) = &self.in_flight {
                return Action::AwaitReply(*id);
            }
            if let Some((until, _)) = &self.waiting {
                if now_ms < *until {
                    return Action::Wait { until_ms: *until };
                }
                let (_, batch) = self.waiting.take().expect("checked");
                self.ready.push_front(batch);
            }
            if self.ready.is_empty() && !self.form_batch() {
                if self.letters.is_empty() {
                    return if self.finished && self.input.is_empty() {
                        self.summary.done = true;
                        Action::Done
                    } else {
                        Action::Idle
                    };
                }
                continue;
            }
            let Some(mut batch) = self.ready.pop_front() else {
                continue; // form_batch made a letter
            };
            if let Some(cause) = &self.fatal {
                let reason = Reason::NotSent {
                    cause: Box::new(cause.clone()),
                };
                self.letter(batch.first, batch.events, reason, batch.requests);
                continue;
            }
            batch.requests += 1;
            self.summary.requests += 1;
            let id = RequestId(self.next_request);
            self.next_request += 1;
            let request = Request {
                id,
                url: batch
                    .url
                    .clone()
                    .unwrap_or_else(|| self.config.endpoint.clone()),
                body: batch.body(),
                first: batch.first,
                count: batch.events.len(),
                attempt: batch.requests,
            };
            self.in_flight = Some((id, batch));
            return Action::Send(request);
        }
    }

    fn letter(&mut self, first: EventId, events: Vec<String>, reason: Reason, attempts: u32) {
        self.letters.push_back(DeadLetter {
            first,
            events,
            reason,
            attempts,
        });
    }
    /// Reports the reply to request `id` at `now_ms`. `Err` when `id` is not the request
    /// out (a late reply after [`abort`](Engine::abort), or a host bug); nothing changes
    /// then.
    pub fn reply(
        &mut self,
        id: RequestId,
        now_ms: u64,
        reply: Reply,
    ) -> Result<Verdict, StaleReply> {
        match &self.in_flight {
            Some((out, _)) if *out == id => {}
            _ => return Err(StaleReply(id)),
        }
        let (_, batch) = self.in_flight.take().expect("checked");
        let count = batch.events.len();
        let token = self.config.token.clone();
        let (status, retry_after, location, body) =
            match reply {
                Reply::Status {
                    status,
                    retry_after,
                    location,
                    body,
                } => (status, retry_after, location, body),
                Reply::Timeout => {
                    let problem = "timed out".to_owned();
                    return Ok(self.retry(batch, now_ms, problem, None, |attempts| {
                        Reason::Timeout { attempts }
                    }));
                }
                Reply::Network(message) => {
                    let message = clean(&truncate_chars(&message, DETAIL_CHARS * 2), &token);
                    let problem = format!("network error: {message}");
                    return Ok(self.retry(batch, now_ms, problem, None, move |attempts| {
                        Reason::Network { message, attempts }
                    }));
                }
            };
        let message = status_message(status, &body, &token);
        match http::classify(status) {
            StatusClass::Delivered => {
                self.summary.delivered += count as u64;
                self.summary.pending -= count as u64;
                Ok(Verdict::Delivered {
                    first: batch.first,
                    count,
                    status,
                    attempts: batch.requests,
                })
            }
            StatusClass::Retry => {
                let after = retry_after
                    .as_deref()
                    .and_then(|v| http::parse_retry_after(v, now_ms));
                let exhausted = message.clone();
                Ok(
                    self.retry(batch, now_ms, message, after, move |n| Reason::Status {
                        status,
                        message: exhausted,
                        gave_up_after: Some(n),
                    }),
                )
            }
            StatusClass::Split if count > 1 => Ok(self.split(batch)),
            StatusClass::Split => {
                let reason = Reason::TooLarge {
                    bytes: batch.body_bytes(),
                    status: Some(status),
                };
                Ok(self.fail(batch, reason, false))
            }
            StatusClass::Redirect => Ok(self.redirect(batch, status, location, &token)),
            StatusClass::Fatal if (300..400).contains(&status) => {
                Ok(self.redirect_not_followed(batch, status, location.as_deref(), &token))
            }
            StatusClass::Fatal => {
                let reason = Reason::Status {
                    status,
                    message,
                    gave_up_after: None,
                };
                Ok(self.fail(batch, reason, true))
            }
            StatusClass::Permanent => {
                let reason = Reason::Status {
                    status,
                    message,
                    gave_up_after: None,
                };
                Ok(self.fail(batch, reason, false))
            }
        }
    }

    fn fail(&mut self, batch: Batch, reason: Reason, fatal: bool) -> Verdict {
        if fatal && self.fatal.is_none() {
            self.fatal = Some(reason.clone());
        }
        let verdict = Verdict::Failed {
            count: batch.events.len(),
            reason: reason.clone(),
            fatal,
        };
        self.letter(batch.first, batch.events, reason, batch.requests);
        verdict
    }

    /// The counts so far.
    pub fn summary(&self) -> Summary {
        self.summary
    }
}

/// A reply to a request that is not out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaleReply(pub RequestId);

impl fmt::Display for StaleReply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "request {} is not out", self.0.0)
    }
}

impl std::error::Error for StaleReply {}
