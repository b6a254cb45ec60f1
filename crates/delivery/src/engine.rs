//! The delivery state machine. See the crate documentation for how a host drives it.

use std::collections::VecDeque;
use std::fmt;

use crate::http::{self, StatusClass};
use crate::text::{clean, truncate_chars};

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

/// How the engine batches and retries. [`Config::new`] has the defaults.
#[derive(Clone, PartialEq, Eq)]
pub struct Config {
    /// The ingest URL requests go to (redirects are judged against its origin).
    pub endpoint: String,
    /// The token, only to redact it from every text the engine writes: the host puts it
    /// into the `Authorization` header itself.
    pub token: String,
    /// Most bytes per request body (the JSON array). Default 10,000,000.
    pub max_batch_bytes: usize,
    /// Most events per request. Default 5,000.
    pub max_batch_events: usize,
    /// Tries per request, the first included. Default 5.
    pub max_attempts: u32,
    /// First backoff in milliseconds; doubles per retry, with full jitter. Default 500.
    pub base_delay_ms: u64,
    /// Cap on any single wait, `Retry-After` included, in milliseconds. Default 30,000.
    pub max_delay_ms: u64,
    /// Seed of the jitter (the engine has no randomness of its own).
    pub seed: u64,
}

impl Config {
    /// The defaults for `endpoint` and `token`, jitter seed 0.
    pub fn new(endpoint: impl Into<String>, token: impl Into<String>) -> Config {
        Config {
            endpoint: endpoint.into(),
            token: token.into(),
            max_batch_bytes: 10_000_000,
            max_batch_events: 5_000,
            max_attempts: 5,
            base_delay_ms: 500,
            max_delay_ms: 30_000,
            seed: 0,
        }
    }
}

// The token stays out of every `{:?}`.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("endpoint", &self.endpoint)
            .field("token", &"[redacted]")
            .field("max_batch_bytes", &self.max_batch_bytes)
            .field("max_batch_events", &self.max_batch_events)
            .field("max_attempts", &self.max_attempts)
            .field("base_delay_ms", &self.base_delay_ms)
            .field("max_delay_ms", &self.max_delay_ms)
            .field("seed", &self.seed)
            .finish()
    }
}

/// A configuration the engine refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// The endpoint is not an absolute http(s) URL without credentials.
    Endpoint,
    /// The token is empty, or not visible ASCII (it could not go into a header, and
    /// runtimes echo invalid header values in their errors).
    Token,
    /// `max_batch_bytes` below 3 (`[x]`), `max_batch_events` or `max_attempts` zero.
    Limit(&'static str),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Endpoint => {
                f.write_str("the endpoint must be an http(s) URL without credentials")
            }
            ConfigError::Token => f.write_str(
                "the token must be visible ASCII without spaces or line breaks (value not shown)",
            ),
            ConfigError::Limit(what) => write!(f, "{what}"),
        }
    }
}

impl std::error::Error for ConfigError {}

/// Checks a token as every host does before any request: non-empty visible ASCII.
pub fn check_token(token: &str) -> Result<(), ConfigError> {
    if !token.is_empty() && token.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
        Ok(())
    } else {
        Err(ConfigError::Token)
    }
}

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

/// Events that will not be delivered, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetter {
    /// The first of them (they are consecutive).
    pub first: EventId,
    /// The events, exactly as pushed.
    pub events: Vec<String>,
    /// Why.
    pub reason: Reason,
    /// Requests that carried them.
    pub attempts: u32,
}

/// Why events were not delivered. Every text in it is redacted and escaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// A status that is not retried, or the last status when retries ran out.
    Status {
        /// The status.
        status: u16,
        /// `401 Unauthorized: the token is missing or invalid (<server text>)`.
        message: String,
        /// `Some(tries)` when this was the last of `max_attempts` retryable answers.
        gave_up_after: Option<u32>,
    },
    /// The last try timed out (retries ran out).
    Timeout {
        /// Tries made.
        attempts: u32,
    },
    /// The last try failed on the network (refused, reset, DNS; retries ran out).
    Network {
        /// The host's error text.
        message: String,
        /// Tries made.
        attempts: u32,
    },
    /// One event alone is larger than `max_batch_bytes`, or got 413 alone.
    TooLarge {
        /// The request body's size.
        bytes: usize,
        /// 413 when the server refused it, `None` when it was never sent.
        status: Option<u16>,
    },
    /// A redirect that is not followed: 301/302/303 (they would turn the POST into a GET
    /// and drop the body), cross-origin (the token must not go elsewhere), a relative
    /// `Location` or none, or more than [`MAX_REDIRECTS`].
    Redirect {
        /// The status.
        status: u16,
        /// What was refused and why.
        message: String,
    },
    /// Not sent: an earlier request of this send got an answer that every request would
    /// get (401, 403, 404, a refused redirect, ...).
    NotSent {
        /// That answer.
        cause: Box<Reason>,
    },
    /// The host stopped the send ([`Engine::abort`]), e.g. on SIGTERM.
    Aborted {
        /// What the host said.
        message: String,
    },
}

impl Reason {
    /// A short, stable code: `http-status`, `timeout`, `network`, `too-large`, `redirect`,
    /// `aborted` (`NotSent` has its cause's code).
    pub fn code(&self) -> &'static str {
        match self {
            Reason::Status { .. } => "http-status",
            Reason::Timeout { .. } => "timeout",
            Reason::Network { .. } => "network",
            Reason::TooLarge { .. } => "too-large",
            Reason::Redirect { .. } => "redirect",
            Reason::NotSent { cause } => cause.code(),
            Reason::Aborted { .. } => "aborted",
        }
    }

    /// The HTTP status behind it, if there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Reason::Status { status, .. } | Reason::Redirect { status, .. } => Some(*status),
            Reason::TooLarge { status, .. } => *status,
            Reason::NotSent { cause } => cause.status(),
            Reason::Timeout { .. } | Reason::Network { .. } | Reason::Aborted { .. } => None,
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Status {
                message,
                gave_up_after: None,
                ..
            } => f.write_str(message),
            Reason::Status {
                message,
                gave_up_after: Some(n),
                ..
            } => write!(f, "gave up after {n} attempts: {message}"),
            Reason::Timeout { attempts } => {
                write!(f, "gave up after {attempts} attempts: timed out")
            }
            Reason::Network { message, attempts } => {
                write!(
                    f,
                    "gave up after {attempts} attempts: network error: {message}"
                )
            }
            Reason::TooLarge {
                bytes,
                status: None,
            } => write!(
                f,
                "one event alone makes a request body of {bytes} bytes, over the batch limit; not sent"
            ),
            Reason::TooLarge {
                bytes,
                status: Some(s),
            } => write!(
                f,
                "{s} {}: a single event of {bytes} bytes is too large and cannot be split",
                http::reason_phrase(*s)
            ),
            Reason::Redirect { message, .. } => f.write_str(message),
            Reason::NotSent { cause } => {
                write!(
                    f,
                    "not sent: an earlier request of this send failed: {cause}"
                )
            }
            Reason::Aborted { message } => write!(f, "not delivered: {message}"),
        }
    }
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

/// What a reply meant, for the host's log. Every text is redacted and escaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Accepted.
    Delivered {
        /// First event.
        first: EventId,
        /// How many.
        count: usize,
        /// The status.
        status: u16,
        /// Requests it took.
        attempts: u32,
    },
    /// It will be tried again at `at_ms`.
    Retry {
        /// Events in the batch.
        count: usize,
        /// Its body size.
        bytes: usize,
        /// What went wrong.
        problem: String,
        /// Tries made so far.
        attempts: u32,
        /// `max_attempts`.
        max_attempts: u32,
        /// The wait chosen.
        wait_ms: u64,
        /// The `Retry-After` the server asked for, when it did.
        retry_after_ms: Option<u64>,
        /// Whether `Retry-After` was longer than `max_delay_ms`, and cut to it.
        capped: bool,
    },
    /// 413: split in two.
    Split {
        /// Events in the batch.
        count: usize,
        /// Its body size.
        bytes: usize,
        /// The sizes of the halves.
        halves: (usize, usize),
    },
    /// 307/308 to a same-origin URL: the same body goes there.
    Redirected {
        /// The status.
        status: u16,
        /// Where to (redacted).
        to: String,
    },
    /// The batch is dead-lettered (the letter follows from `next`).
    Failed {
        /// Events in the batch.
        count: usize,
        /// Why.
        reason: Reason,
        /// Whether the rest of the send is dead-lettered without requests too.
        fatal: bool,
    },
}

/// How a log line should be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Progress.
    Info,
    /// Something is retried.
    Warn,
    /// Something is not delivered.
    Error,
}

impl Verdict {
    /// The level to log it at.
    pub fn level(&self) -> Level {
        match self {
            Verdict::Delivered { .. } | Verdict::Redirected { .. } => Level::Info,
            Verdict::Retry { .. } | Verdict::Split { .. } => Level::Warn,
            Verdict::Failed { .. } => Level::Error,
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Delivered {
                count,
                status,
                attempts,
                ..
            } => write!(
                f,
                "{count} events accepted ({status}) after {attempts} requests"
            ),
            Verdict::Retry {
                count,
                bytes,
                problem,
                attempts,
                max_attempts,
                wait_ms,
                retry_after_ms,
                capped,
            } => {
                write!(
                    f,
                    "{problem} for a batch of {count} events ({bytes} bytes), attempt {attempts}/{max_attempts}: retrying in {wait_ms} ms"
                )?;
                match retry_after_ms {
                    Some(ra) if *capped => {
                        write!(f, " (Retry-After {ra} ms, capped at {wait_ms} ms)")
                    }
                    Some(ra) => write!(f, " (Retry-After {ra} ms)"),
                    None => Ok(()),
                }
            }
            Verdict::Split {
                count,
                bytes,
                halves,
            } => write!(
                f,
                "413 Content Too Large for a batch of {count} events ({bytes} bytes): splitting the batch into {} + {} events",
                halves.0, halves.1
            ),
            Verdict::Redirected { status, to } => {
                write!(
                    f,
                    "{status} {}: sending the same request to {to}",
                    http::reason_phrase(*status)
                )
            }
            Verdict::Failed {
                count,
                reason,
                fatal,
            } => {
                write!(f, "{count} events not delivered: {reason}")?;
                if *fatal {
                    f.write_str("; the rest of this send is not attempted")?;
                }
                Ok(())
            }
        }
    }
}

/// Counts over everything pushed. `delivered + dead_lettered + pending` is the number of
/// events pushed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Events pushed.
    pub pushed: u64,
    /// Events the API accepted.
    pub delivered: u64,
    /// Events handed out in [`Action::DeadLetter`].
    pub dead_lettered: u64,
    /// Events neither (still to send, in a request, or in a letter not yet handed out).
    pub pending: u64,
    /// Requests handed out.
    pub requests: u64,
    /// Requests that repeated an earlier one after a retryable failure.
    pub retries: u64,
    /// 413 splits.
    pub splits: u64,
    /// Whether [`Engine::finish`] was called and every event is settled.
    pub done: bool,
}

impl Summary {
    /// Whether every event pushed was delivered: the only case for a successful exit.
    pub fn all_delivered(&self) -> bool {
        self.done && self.delivered == self.pushed
    }
}

/// Events that travel together.
#[derive(Debug)]
struct Batch {
    first: EventId,
    events: Vec<String>,
    /// Sum of the events' lengths.
    bytes: usize,
    /// Requests that carried these events (before a split included).
    requests: u32,
    /// Retryable failures of this batch.
    tries: u32,
    redirects: u32,
    url: Option<String>,
}

impl Batch {
    fn body_bytes(&self) -> usize {
        self.bytes + self.events.len() + 1
    }

    fn body(&self) -> String {
        let mut out = String::with_capacity(self.body_bytes());
        out.push('[');
        for (i, e) in self.events.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(e);
        }
        out.push(']');
        out
    }
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

    /// Makes the next batch from the input. `false` when there is none (the input is
    /// empty, or not finished and a batch could still grow). An event too large alone
    /// becomes a letter (then `true`).
    fn form_batch(&mut self) -> bool {
        let Some(front) = self.input.front() else {
            return false;
        };
        let max = self.config.max_batch_bytes;
        if front.len() + 2 > max {
            let first = self.input_first;
            let events = self.take_input(1);
            let bytes = events[0].len() + 2;
            self.letter(
                first,
                events,
                Reason::TooLarge {
                    bytes,
                    status: None,
                },
                0,
            );
            return true;
        }
        // How many events fit: by count, by bytes, and before any oversized event.
        let (mut n, mut body) = (0usize, 1usize);
        for e in &self.input {
            if n == self.config.max_batch_events || body + e.len() + 1 > max {
                break;
            }
            body += e.len() + 1;
            n += 1;
        }
        let full = n < self.input.len();
        if !full && !self.finished {
            return false;
        }
        let first = self.input_first;
        let events = self.take_input(n);
        let bytes = events.iter().map(String::len).sum();
        self.ready.push_back(Batch {
            first,
            events,
            bytes,
            requests: 0,
            tries: 0,
            redirects: 0,
            url: None,
        });
        true
    }

    fn take_input(&mut self, n: usize) -> Vec<String> {
        let n = n.min(self.input.len());
        let events: Vec<String> = self.input.drain(..n).collect();
        self.input_first += n as u64;
        self.input_bytes -= events.iter().map(String::len).sum::<usize>();
        events
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
        let (_, mut batch) = self.in_flight.take().expect("checked");
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
            StatusClass::Split if count > 1 => {
                let bytes = batch.body_bytes();
                let half = count.div_ceil(2);
                let second_events = batch.events.split_off(half);
                let second_bytes = second_events.iter().map(String::len).sum();
                let second = Batch {
                    first: batch.first + half as u64,
                    events: second_events,
                    bytes: second_bytes,
                    requests: batch.requests,
                    tries: 0,
                    redirects: 0,
                    url: None,
                };
                batch.bytes -= second_bytes;
                batch.tries = 0;
                batch.redirects = 0;
                batch.url = None;
                self.ready.push_front(second);
                self.ready.push_front(batch);
                self.summary.splits += 1;
                Ok(Verdict::Split {
                    count,
                    bytes,
                    halves: (half, count - half),
                })
            }
            StatusClass::Split => {
                let reason = Reason::TooLarge {
                    bytes: batch.body_bytes(),
                    status: Some(status),
                };
                Ok(self.fail(batch, reason, false))
            }
            StatusClass::Redirect => {
                let current = batch
                    .url
                    .clone()
                    .unwrap_or_else(|| self.config.endpoint.clone());
                let target = location
                    .as_deref()
                    .and_then(|l| http::resolve_location(&current, l));
                let same_origin = target
                    .as_deref()
                    .and_then(http::origin)
                    .is_some_and(|o| Some(o) == http::origin(&self.config.endpoint));
                match target {
                    Some(to) if same_origin && batch.redirects < MAX_REDIRECTS => {
                        batch.redirects += 1;
                        let shown = clean(&to, &token);
                        batch.url = Some(to);
                        self.ready.push_front(batch);
                        Ok(Verdict::Redirected { status, to: shown })
                    }
                    _ => {
                        let why = match (&location, same_origin) {
                            (None, _) => "without a Location".to_owned(),
                            (Some(l), false) => format!(
                                "to {}, not the endpoint's origin (the token is not sent elsewhere)",
                                clean(&truncate_chars(l, DETAIL_CHARS), &token)
                            ),
                            (Some(_), true) => {
                                format!("more than {MAX_REDIRECTS} times")
                            }
                        };
                        let reason = Reason::Redirect {
                            status,
                            message: format!(
                                "{status} {}: the endpoint redirects {why}; set the endpoint to the final URL",
                                http::reason_phrase(status)
                            ),
                        };
                        Ok(self.fail(batch, reason, true))
                    }
                }
            }
            StatusClass::Fatal if (300..400).contains(&status) => {
                let shown = location
                    .as_deref()
                    .map(|l| format!(" to {}", clean(&truncate_chars(l, DETAIL_CHARS), &token)))
                    .unwrap_or_default();
                let reason = Reason::Redirect {
                    status,
                    message: format!(
                        "{status} {}: the endpoint redirects{shown}; not followed, because it would resend the POST as a GET without the events; set the endpoint to the final URL",
                        http::reason_phrase(status)
                    ),
                };
                Ok(self.fail(batch, reason, true))
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

    /// A retryable failure: wait and send again, or give up after `max_attempts` tries.
    fn retry(
        &mut self,
        mut batch: Batch,
        now_ms: u64,
        problem: String,
        retry_after_ms: Option<u64>,
        exhausted: impl FnOnce(u32) -> Reason,
    ) -> Verdict {
        batch.tries += 1;
        if batch.tries >= self.config.max_attempts {
            let reason = exhausted(batch.tries);
            return self.fail(batch, reason, false);
        }
        let wait_ms = match retry_after_ms {
            Some(ms) => ms.min(self.config.max_delay_ms),
            None => self.backoff(batch.tries),
        };
        self.summary.retries += 1;
        let verdict = Verdict::Retry {
            count: batch.events.len(),
            bytes: batch.body_bytes(),
            capped: retry_after_ms.is_some_and(|ms| ms > self.config.max_delay_ms),
            problem,
            attempts: batch.tries,
            max_attempts: self.config.max_attempts,
            wait_ms,
            retry_after_ms,
        };
        self.waiting = Some((now_ms.saturating_add(wait_ms), batch));
        verdict
    }

    /// Exponential backoff with full jitter: uniform in `[0, min(max, base · 2^(n-1))]`.
    fn backoff(&mut self, tries: u32) -> u64 {
        let ceiling = self
            .config
            .base_delay_ms
            .saturating_mul(1u64 << (tries - 1).min(40))
            .min(self.config.max_delay_ms);
        self.random() % (ceiling + 1)
    }

    /// splitmix64: good enough to spread retries, and reproducible from the seed.
    fn random(&mut self) -> u64 {
        self.rng = self.rng.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
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

/// `401 Unauthorized: the token is missing or invalid (<server text>)`.
fn status_message(status: u16, body: &str, token: &str) -> String {
    let phrase = http::reason_phrase(status);
    let head = if phrase.is_empty() {
        format!("HTTP status {status}")
    } else {
        format!("{status} {phrase}")
    };
    let hint = http::status_hint(status);
    match error_detail(body) {
        Some(detail) => format!(
            "{head}: {hint} ({})",
            clean(&truncate_chars(&detail, DETAIL_CHARS), token)
        ),
        None => format!("{head}: {hint}"),
    }
}

/// The server's own words: `error.message` (Dynatrace's envelope) or `message` of a JSON
/// body, else the body's text with runs of whitespace folded.
fn error_detail(body: &str) -> Option<String> {
    let body = body.trim();
    if body.is_empty() {
        return None;
    }
    if body.starts_with('{') {
        // A tiny extraction, no JSON parser: the engine must stay small for wasm. The
        // first `"message":"..."` is Dynatrace's `error.message`.
        if let Some(at) = body.find("\"message\":\"")
            && let Some(text) = json_string(&body[at + 11..])
            && !text.trim().is_empty()
        {
            return Some(text.trim().to_owned());
        }
    }
    let folded: Vec<&str> = body.split_whitespace().collect();
    Some(folded.join(" "))
}

/// The contents of a JSON string whose opening quote was just read, unescaped.
fn json_string(rest: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    let code = u32::from_str_radix(&hex, 16).ok()?;
                    out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                }
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}
