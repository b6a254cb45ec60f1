//! Forwarding events to the Dynatrace OpenPipeline security-events ingest API, with the
//! same rules as the JavaScript hosts' client (`secmap/forward`): batches by bytes and
//! count; retries on 429, 5xx, timeouts and resets with exponential backoff, full jitter
//! and `Retry-After`; 413 splits the batch; 400/401/403/404 are not retried. Whatever
//! cannot be delivered goes to the dead-letter callback; nothing is dropped, and the token
//! never appears in logs, errors or results.

use std::fmt;
use std::time::{Duration, SystemTime};

/// Where and how to send. Build with [`ForwardOptions::new`]; the limits have defaults.
#[derive(Clone)]
pub struct ForwardOptions {
    /// The full ingest URL, e.g.
    /// `https://<env-id>.live.dynatrace.com/platform/ingest/v1/security.events`.
    pub endpoint: String,
    token: String,
    /// Most bytes per request body (the JSON array). Default 10,000,000.
    pub max_batch_bytes: usize,
    /// Most events per request. Default 5,000.
    pub max_batch_events: usize,
    /// Tries per request, the first included. Default 5.
    pub max_attempts: u32,
    /// First backoff; doubles per retry, with full jitter. Default 500 ms.
    pub base_delay: Duration,
    /// Cap on any single wait, `Retry-After` included. Default 30 s.
    pub max_delay: Duration,
    /// Per-request timeout. Default 30 s.
    pub timeout: Duration,
}

impl ForwardOptions {
    /// Options for `endpoint` with `token` (a Dynatrace access token with scope
    /// `openpipeline.events_security`) and the default limits.
    pub fn new(endpoint: impl Into<String>, token: impl Into<String>) -> ForwardOptions {
        ForwardOptions {
            endpoint: endpoint.into(),
            token: token.into(),
            max_batch_bytes: 10_000_000,
            max_batch_events: 5_000,
            max_attempts: 5,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            timeout: Duration::from_secs(30),
        }
    }
}

// The token stays out of every `{:?}`.
impl fmt::Debug for ForwardOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ForwardOptions")
            .field("endpoint", &self.endpoint)
            .field("token", &"<redacted>")
            .field("max_batch_bytes", &self.max_batch_bytes)
            .field("max_batch_events", &self.max_batch_events)
            .field("max_attempts", &self.max_attempts)
            .field("base_delay", &self.base_delay)
            .field("max_delay", &self.max_delay)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Why events could not be delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// A status that is not retried (400, 401, 403, 404, ...), or retries ran out.
    HttpStatus {
        /// The last HTTP status.
        status: u16,
        /// What it means, with Dynatrace's `error.message` when there was one.
        message: String,
    },
    /// Every try timed out.
    Timeout,
    /// Every try failed on the network (refused, reset, DNS).
    Network(String),
    /// One event alone exceeds the batch size, or Dynatrace answered 413 for it alone.
    TooLarge {
        /// The size of the smallest request that was refused.
        bytes: usize,
    },
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::HttpStatus { status, message } => write!(f, "HTTP {status}: {message}"),
            Reason::Timeout => f.write_str("timed out"),
            Reason::Network(m) => write!(f, "network error: {m}"),
            Reason::TooLarge { bytes } => {
                write!(f, "an event of {bytes} bytes is too large for one request")
            }
        }
    }
}

/// Events that could not be delivered, and why.
#[derive(Debug, Clone)]
pub struct DeadLetter {
    /// The events, each exactly as produced.
    pub events: Vec<String>,
    /// Why they were not delivered.
    pub reason: Reason,
    /// Requests made for them.
    pub attempts: u32,
}

/// What one [`Forwarder::send`] did. `sent + dead_lettered` is the number of events given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SendReport {
    /// Events Dynatrace accepted.
    pub sent: usize,
    /// Events handed to the dead-letter callback.
    pub dead_lettered: usize,
    /// Retries (requests beyond the first of a batch; 413 splits not counted).
    pub retried: usize,
    /// HTTP requests made.
    pub requests: usize,
}

impl SendReport {
    /// Whether every event was delivered.
    pub fn ok(&self) -> bool {
        self.dead_lettered == 0
    }
}

/// An HTTP client for the ingest API.
#[allow(missing_debug_implementations)] // holds a logging closure
pub struct Forwarder {
    agent: ureq::Agent,
    options: ForwardOptions,
    log: Box<dyn Fn(&str) + Send + Sync>,
}

/// The result of one request.
enum Attempt {
    Sent,
    Retry {
        reason: Reason,
        wait: Option<Duration>,
    },
    Split,
    Fail(Reason),
}

impl Forwarder {
    /// A forwarder that logs to stderr.
    pub fn new(options: ForwardOptions) -> Forwarder {
        Forwarder::with_log(options, |line| eprintln!("secmap: {line}"))
    }

    /// A forwarder that logs through `log` (lines never contain the token).
    pub fn with_log(
        options: ForwardOptions,
        log: impl Fn(&str) + Send + Sync + 'static,
    ) -> Forwarder {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(options.timeout))
            .http_status_as_error(false)
            .build()
            .into();
        Forwarder {
            agent,
            options,
            log: Box::new(log),
        }
    }

    /// Sends `events` (compact JSON objects, as the mapper produced them) in batches;
    /// returns when each one is sent or handed to `dead_letter`.
    pub fn send(&self, events: &[String], dead_letter: &mut dyn FnMut(DeadLetter)) -> SendReport {
        let mut report = SendReport::default();
        let mut batch: Vec<&str> = Vec::new();
        let mut bytes = 2; // `[` and `]`
        for event in events {
            let len = event.len();
            if 2 + len > self.options.max_batch_bytes {
                report.dead_lettered += 1;
                self.dead(
                    dead_letter,
                    vec![event.as_str()],
                    Reason::TooLarge { bytes: len },
                    0,
                );
                continue;
            }
            let added = len + usize::from(!batch.is_empty());
            if !batch.is_empty()
                && (bytes + added > self.options.max_batch_bytes
                    || batch.len() >= self.options.max_batch_events)
            {
                self.send_batch(&batch, &mut report, dead_letter);
                batch.clear();
                bytes = 2;
            }
            bytes += len + usize::from(!batch.is_empty());
            batch.push(event);
        }
        if !batch.is_empty() {
            self.send_batch(&batch, &mut report, dead_letter);
        }
        report
    }

    fn send_batch(
        &self,
        batch: &[&str],
        report: &mut SendReport,
        dead_letter: &mut dyn FnMut(DeadLetter),
    ) {
        let body = body(batch);
        let mut attempts = 0;
        loop {
            attempts += 1;
            report.requests += 1;
            match self.attempt(&body) {
                Attempt::Sent => {
                    report.sent += batch.len();
                    return;
                }
                Attempt::Split if batch.len() > 1 => {
                    (self.log)(&format!(
                        "413 for {} events ({} bytes); splitting the batch",
                        batch.len(),
                        body.len()
                    ));
                    let (a, b) = batch.split_at(batch.len() / 2);
                    self.send_batch(a, report, dead_letter);
                    self.send_batch(b, report, dead_letter);
                    return;
                }
                Attempt::Split => {
                    let reason = Reason::TooLarge { bytes: body.len() };
                    report.dead_lettered += 1;
                    self.dead(dead_letter, batch.to_vec(), reason, attempts);
                    return;
                }
                Attempt::Retry { reason, wait } if attempts < self.options.max_attempts => {
                    let wait = wait
                        .unwrap_or_else(|| self.backoff(attempts))
                        .min(self.options.max_delay);
                    (self.log)(&format!(
                        "{reason} for {} events; retry {attempts} of {} in {} ms",
                        batch.len(),
                        self.options.max_attempts - 1,
                        wait.as_millis()
                    ));
                    report.retried += 1;
                    std::thread::sleep(wait);
                }
                Attempt::Retry { reason, .. } | Attempt::Fail(reason) => {
                    report.dead_lettered += batch.len();
                    self.dead(dead_letter, batch.to_vec(), reason, attempts);
                    return;
                }
            }
        }
    }

    fn attempt(&self, body: &str) -> Attempt {
        let response = self
            .agent
            .post(&self.options.endpoint)
            .header(
                "Authorization",
                &format!("Api-Token {}", self.options.token),
            )
            .header("Content-Type", "application/json; charset=utf-8")
            .send(body);
        let mut response = match response {
            Ok(r) => r,
            Err(ureq::Error::Timeout(_)) => {
                return Attempt::Retry {
                    reason: Reason::Timeout,
                    wait: None,
                };
            }
            Err(e) => {
                return Attempt::Retry {
                    reason: Reason::Network(redact(&e.to_string(), &self.options.token)),
                    wait: None,
                };
            }
        };
        let status = response.status().as_u16();
        if (200..300).contains(&status) {
            return Attempt::Sent;
        }
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        let text = response
            .body_mut()
            .with_config()
            .limit(64 * 1024)
            .read_to_string()
            .unwrap_or_default();
        let reason = Reason::HttpStatus {
            status,
            message: redact(&error_message(status, &text), &self.options.token),
        };
        match status {
            413 => Attempt::Split,
            429 | 500 | 502 | 503 | 504 => Attempt::Retry {
                reason,
                wait: retry_after,
            },
            _ => Attempt::Fail(reason),
        }
    }

    /// Exponential backoff with full jitter: a random wait in `[0, base · 2^(n-1)]`.
    fn backoff(&self, attempt: u32) -> Duration {
        let cap = self
            .options
            .base_delay
            .saturating_mul(1 << (attempt - 1).min(20))
            .min(self.options.max_delay);
        cap.mul_f64(fastrand::f64())
    }

    fn dead(
        &self,
        dead_letter: &mut dyn FnMut(DeadLetter),
        events: Vec<&str>,
        reason: Reason,
        attempts: u32,
    ) {
        (self.log)(&format!(
            "{} events not delivered after {attempts} requests: {reason}",
            events.len()
        ));
        dead_letter(DeadLetter {
            events: events.into_iter().map(str::to_owned).collect(),
            reason,
            attempts,
        });
    }
}

/// The request body: the events as one JSON array.
fn body(events: &[&str]) -> String {
    let mut out = String::with_capacity(events.iter().map(|e| e.len() + 1).sum::<usize>() + 2);
    out.push('[');
    for (i, e) in events.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(e);
    }
    out.push(']');
    out
}

/// `Retry-After` as delta-seconds or an HTTP date.
fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// A readable reason: Dynatrace's `error.message` when the body has one.
fn error_message(status: u16, body: &str) -> String {
    let detail = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v["error"]["message"].as_str().map(str::to_owned));
    let known = match status {
        400 => "the request was rejected as invalid",
        401 => "the token is missing or invalid",
        403 => "the token lacks the scope openpipeline.events_security",
        404 => "no such ingest endpoint",
        429 => "throttled",
        _ => "the ingest API failed",
    };
    match detail {
        Some(d) if !d.is_empty() => format!("{known} ({d})"),
        _ => known.to_owned(),
    }
}

/// Removes the token from text that might echo it (error messages of servers or proxies).
fn redact(text: &str, token: &str) -> String {
    if token.is_empty() {
        text.to_owned()
    } else {
        text.replace(token, "<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(parse_retry_after(" 2 "), Some(Duration::from_secs(2)));
        assert_eq!(
            parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn debug_and_messages_never_show_the_token() {
        let o = ForwardOptions::new("http://127.0.0.1:1/x", "dt0c01.SECRET");
        assert!(!format!("{o:?}").contains("SECRET"));
        assert_eq!(
            redact("bad header Api-Token dt0c01.SECRET", "dt0c01.SECRET"),
            "bad header Api-Token <redacted>"
        );
        assert_eq!(
            error_message(
                401,
                r#"{"error":{"code":401,"message":"Token is invalid"}}"#
            ),
            "the token is missing or invalid (Token is invalid)"
        );
    }

    #[test]
    fn bodies_are_json_arrays_of_the_events_as_given() {
        assert_eq!(
            body(&[r#"{"a":1}"#, r#"{"b":2.5}"#]),
            r#"[{"a":1},{"b":2.5}]"#
        );
        assert_eq!(body(&[]), "[]");
    }
}
