//! Dead letters and the reasons events were not delivered: what a host keeps and shows.

use std::fmt;

use super::EventId;
use crate::http;

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
    /// `Location` or none, or more than [`MAX_REDIRECTS`](crate::MAX_REDIRECTS).
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
    /// The host stopped the send ([`Engine::abort`](crate::Engine::abort)), e.g. on SIGTERM.
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
