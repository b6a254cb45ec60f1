//! What each reply meant, as a log line for the host.

use std::fmt;

use super::{EventId, Reason};
use crate::http;

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
