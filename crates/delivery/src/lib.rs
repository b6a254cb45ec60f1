//! The delivery engine every secmap host drives: what to send to the Dynatrace
//! OpenPipeline security-events ingest API (`POST .../platform/ingest/v1/security.events`),
//! when to retry, what to dead-letter and why. Pure, in the manner of `rustls` or
//! `quinn-proto`: no I/O, no clock, no randomness, no threads. The host (the `secmap`
//! CLI natively; the JavaScript forwarder through wasm-bindgen; any component host
//! through the `delivery` interface of `wit/secmap.wit`) does HTTP, timers and files, so
//! every host makes the same decisions.
//!
//! Driving it:
//!
//! ```
//! use secmap_delivery::{Action, Config, Engine, Reply};
//!
//! let mut engine = Engine::new(Config::new("https://abc.live.dynatrace.com/platform/ingest/v1/security.events", "dt0c01.X")).unwrap();
//! engine.push(r#"{"event.kind":"SECURITY_EVENT"}"#.to_owned());
//! engine.finish();
//! let mut now = 0;
//! loop {
//!     match engine.next(now) {
//!         Action::Send(request) => {
//!             // POST request.body to request.url, no redirects followed, body read up to
//!             // BODY_EXCERPT_LIMIT; here the server accepts.
//!             let reply = Reply::Status { status: 202, retry_after: None, location: None, body: String::new() };
//!             let verdict = engine.reply(request.id, now, reply).unwrap();
//!             println!("{verdict}"); // a log line, redacted and escaped
//!         }
//!         Action::Wait { until_ms } => now = until_ms, // sleep
//!         Action::DeadLetter(letter) => { /* keep letter.events durably */ }
//!         Action::AwaitReply(_) | Action::Idle => unreachable!(),
//!         Action::Done => break,
//!     }
//! }
//! assert!(engine.summary().all_delivered());
//! ```
//!
//! A host that holds the core's request body (the JSON array of events) pushes it whole
//! with [`Engine::push_body`]: split once into its elements' texts, so the requests carry
//! the core's bytes and no event is parsed or serialized again.
//!
//! The rules, each tested in this crate:
//! - **Batches** by bytes (`max_batch_bytes`, the JSON array `[a,b]` counted exactly) and
//!   count (`max_batch_events`), events in the order pushed; an event too large alone is
//!   dead-lettered unsent ([`Reason::TooLarge`]).
//! - **Retried** (up to `max_attempts` tries per batch): timeouts, network errors, 408,
//!   429, and 5xx except the permanent ones ([`http::classify`] says which and why). The
//!   wait is `Retry-After` when the server sent one (seconds, decimal seconds or an
//!   HTTP-date; [`http::parse_retry_after`]), else exponential backoff with full jitter
//!   from the host's seed; both capped at `max_delay_ms`.
//! - **413** halves the batch (the first half gets the odd event) until single events,
//!   which are dead-lettered.
//! - **Redirects:** 307 and 308 to the same origin are followed with the same POST and
//!   body (at most [`MAX_REDIRECTS`]); 301, 302 and 303 (which clients turn into a GET
//!   without the body) and every cross-origin redirect (the token must not go elsewhere)
//!   dead-letter the batch with a [`Reason::Redirect`] and, like 401/403/404, the rest of
//!   the send ([`Reason::NotSent`]) without more requests.
//! - **Per batch** (400 and other statuses): that batch is dead-lettered, the rest goes on.
//! - **Nothing is dropped:** every event pushed ends as delivered or in exactly one
//!   [`Action::DeadLetter`]; [`Engine::abort`] (SIGTERM) dead-letters the rest at once.
//!   [`Summary`] counts both, for an honest exit status.
//! - **Clean text:** every reason and log line built from server or vendor data is
//!   redacted ([`text::redact`]: the token whole, percent-encoded, split or in fragments)
//!   and escaped ([`text::escape_control`]: no forged log lines).

mod body;
mod engine;
pub mod http;
pub mod text;

pub use body::{BodyError, split_body};
pub use engine::{
    Action, BODY_EXCERPT_LIMIT, Config, ConfigError, DeadLetter, Engine, EventId, Level,
    MAX_REDIRECTS, Reason, Reply, Request, RequestId, StaleReply, Summary, Verdict, check_token,
};

#[cfg(test)]
mod tests;
