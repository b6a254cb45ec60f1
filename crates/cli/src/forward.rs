//! Forwarding events to the Dynatrace OpenPipeline security-events ingest API. Every
//! decision (batches, retries, backoff, `Retry-After`, 413 splits, redirects, dead letters,
//! the text of reasons) is made by the delivery engine `secmap-delivery`, the same one the
//! JavaScript forwarder drives through wasm-bindgen. This module only does HTTP (ureq,
//! redirects off, response bodies read up to [`BODY_EXCERPT_LIMIT`]), the clock, waiting,
//! and stopping early when the host asks (SIGTERM/SIGINT in the CLI). Whom TLS trusts and
//! which proxy to use are decided in [`network`].

pub mod network;

use std::fmt;
use std::io::Read;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use secmap_delivery::Engine;
pub use secmap_delivery::{
    Action, BODY_EXCERPT_LIMIT, Config, ConfigError, DeadLetter, EventId, Level, Reason, Reply,
    Request, Summary, Verdict,
    text::{clean, escape_control, redact},
};

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
    /// PEM files of extra trust anchors (a private CA, a TLS-inspecting proxy's CA), next
    /// to the OS store (see [`network::Trust`]). Default none.
    pub ca_files: Vec<PathBuf>,
    /// The proxy URL (`http://[user:password@]host:port`, tunnelled with CONNECT), already
    /// chosen for the endpoint, e.g. by [`network::proxy_from_env`]. Default none: a
    /// direct connection, whatever the environment says.
    pub proxy: Option<String>,
}

/// Why a [`Forwarder`] cannot be made. The texts never hold the token or proxy
/// credentials.
#[derive(Debug)]
pub enum ForwardError {
    /// The engine refuses the endpoint, token or limits.
    Config(ConfigError),
    /// A CA file gives no trust anchor.
    CaFile(network::CaFileError),
    /// The proxy URL is not one (shown with its user info redacted).
    Proxy(String),
}

impl fmt::Display for ForwardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ForwardError::Config(e) => e.fmt(f),
            ForwardError::CaFile(e) => e.fmt(f),
            ForwardError::Proxy(url) => write!(
                f,
                "the proxy {url} is not an HTTP(S) proxy URL (http://[user:password@]host:port)"
            ),
        }
    }
}

impl std::error::Error for ForwardError {}

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
            ca_files: Vec::new(),
            proxy: None,
        }
    }

    /// The token, to redact it from text this host writes itself.
    pub fn token(&self) -> &str {
        &self.token
    }

    fn engine_config(&self) -> Config {
        let mut c = Config::new(self.endpoint.clone(), self.token.clone());
        c.max_batch_bytes = self.max_batch_bytes;
        c.max_batch_events = self.max_batch_events;
        c.max_attempts = self.max_attempts;
        c.base_delay_ms = millis(self.base_delay);
        c.max_delay_ms = millis(self.max_delay);
        c.seed = fastrand::u64(..);
        c
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

// The token stays out of every `{:?}`.
impl fmt::Debug for ForwardOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ForwardOptions")
            .field("endpoint", &self.endpoint)
            .field("token", &"[redacted]")
            .field("max_batch_bytes", &self.max_batch_bytes)
            .field("max_batch_events", &self.max_batch_events)
            .field("max_attempts", &self.max_attempts)
            .field("base_delay", &self.base_delay)
            .field("max_delay", &self.max_delay)
            .field("timeout", &self.timeout)
            .field("ca_files", &self.ca_files)
            .field(
                "proxy",
                &self.proxy.as_deref().map(network::redact_userinfo),
            )
            .finish()
    }
}

/// What the host does with the engine's output. Every text handed over is already
/// redacted and escaped.
pub trait Sink {
    /// A log line.
    fn log(&mut self, level: Level, line: &str);
    /// Events the API accepted (`first..first + count`).
    fn delivered(&mut self, first: EventId, count: usize);
    /// Events that will not be delivered: keep them. An error stops nothing (the engine
    /// has settled them); the host reports it and keeps what it needs to resume.
    fn dead_letter(&mut self, letter: DeadLetter);
    /// `Some(why)` when the send should stop now: everything not yet delivered is then
    /// dead-lettered with that reason.
    fn stop(&mut self) -> Option<String>;
}

/// How often a wait or a request out checks [`Sink::stop`].
const POLL: Duration = Duration::from_millis(50);

/// An HTTP client for the ingest API.
#[derive(Debug)]
pub struct Forwarder {
    agent: ureq::Agent,
    options: ForwardOptions,
}

impl Forwarder {
    /// A forwarder; `Err` when the engine refuses the options (endpoint, token, limits),
    /// a CA file has no certificate, or the proxy is no URL.
    pub fn new(options: ForwardOptions) -> Result<Forwarder, ForwardError> {
        Engine::new(options.engine_config()).map_err(ForwardError::Config)?;
        let trust = network::Trust::load(&options.ca_files).map_err(ForwardError::CaFile)?;
        // Always set: ureq's default would read the proxy from the environment itself.
        let proxy = match &options.proxy {
            None => None,
            // HTTP(S) CONNECT only: SOCKS needs a ureq feature this build leaves out.
            Some(url) => match ureq::Proxy::new(url) {
                Ok(p)
                    if matches!(
                        p.protocol(),
                        ureq::ProxyProtocol::Http | ureq::ProxyProtocol::Https
                    ) =>
                {
                    Some(p)
                }
                _ => return Err(ForwardError::Proxy(network::redact_userinfo(url))),
            },
        };
        let tls = ureq::tls::TlsConfig::builder()
            .root_certs(ureq::tls::RootCerts::Specific(std::sync::Arc::new(
                trust.certs,
            )))
            .build();
        let agent = ureq::Agent::config_builder()
            .tls_config(tls)
            .proxy(proxy)
            .timeout_global(Some(options.timeout))
            .http_status_as_error(false)
            // The engine decides about redirects: a 3xx must reach it as it is.
            .max_redirects(0)
            .build()
            .into();
        Ok(Forwarder { agent, options })
    }

    /// Sends `events` (compact JSON objects, as the mapper produced them; ids are their
    /// indices); returns when each one is delivered or dead-lettered.
    pub fn send(&self, events: Vec<String>, sink: &mut dyn Sink) -> Summary {
        let mut engine = Engine::new(self.options.engine_config()).expect("checked in new");
        for e in events {
            engine.push(e);
        }
        engine.finish();
        let mut stopped = false;
        loop {
            if !stopped && let Some(why) = sink.stop() {
                engine.abort(&why);
                stopped = true;
            }
            match engine.next(now_ms()) {
                Action::Send(request) => {
                    let (first, count) = (request.first, request.count);
                    let id = request.id;
                    match self.exchange(request, sink) {
                        None => {
                            engine.abort(&sink.stop().unwrap_or_else(|| "stopped".to_owned()));
                            stopped = true;
                        }
                        Some(reply) => {
                            let verdict =
                                engine.reply(id, now_ms(), reply).expect("the request out");
                            match verdict {
                                Verdict::Delivered { attempts, .. } => {
                                    sink.delivered(first, count);
                                    // A first-try success is not worth a line.
                                    if attempts == 1 {
                                        continue;
                                    }
                                }
                                // The dead letter that follows says it.
                                Verdict::Failed { .. } => continue,
                                _ => {}
                            }
                            sink.log(verdict.level(), &verdict.to_string());
                        }
                    }
                }
                Action::Wait { until_ms } => {
                    let now = now_ms();
                    if until_ms > now {
                        std::thread::sleep(Duration::from_millis(until_ms - now).min(POLL));
                    }
                }
                Action::DeadLetter(letter) => sink.dead_letter(letter),
                Action::AwaitReply(_) | Action::Idle => {
                    unreachable!("one request at a time, input finished")
                }
                Action::Done => return engine.summary(),
            }
        }
    }

    /// One request, on a thread of its own so that a stop request is not kept waiting for
    /// the timeout; `None` when the host stopped meanwhile (the answer is abandoned).
    fn exchange(&self, request: Request, sink: &mut dyn Sink) -> Option<Reply> {
        let (tx, rx) = mpsc::channel();
        let agent = self.agent.clone();
        let auth = format!("Api-Token {}", self.options.token);
        std::thread::spawn(move || {
            let _ = tx.send(post(&agent, &request.url, &auth, request.body));
        });
        loop {
            match rx.recv_timeout(POLL) {
                Ok(reply) => return Some(reply),
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if sink.stop().is_some() {
                        return None;
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Some(Reply::Network("the request thread failed".to_owned()));
                }
            }
        }
    }
}

/// One POST; the reply as the engine wants it.
fn post(agent: &ureq::Agent, url: &str, auth: &str, body: String) -> Reply {
    let response = agent
        .post(url)
        .header("Authorization", auth)
        .header("Content-Type", "application/json; charset=utf-8")
        .send(body);
    let response = match response {
        Ok(r) => r,
        Err(ureq::Error::Timeout(_)) => return Reply::Timeout,
        // The engine redacts and escapes the text.
        Err(e) => return Reply::Network(e.to_string()),
    };
    let status = response.status().as_u16();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    let retry_after = header("retry-after");
    let location = header("location");
    let mut body = Vec::new();
    if !(200..300).contains(&status) {
        // At most BODY_EXCERPT_LIMIT bytes, whatever the server sends; a broken body does
        // not change what the status means.
        let _ = response
            .into_body()
            .into_reader()
            .take(BODY_EXCERPT_LIMIT as u64)
            .read_to_end(&mut body);
    }
    Reply::Status {
        status,
        retry_after,
        location,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// Unix time in milliseconds (what `Retry-After` dates are compared with).
fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(millis)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_token() {
        let o = ForwardOptions::new("http://127.0.0.1:1/x", "dt0c01.SECRET");
        assert!(!format!("{o:?}").contains("SECRET"));
    }

    #[test]
    fn bad_options_are_refused_before_any_request() {
        let o = ForwardOptions::new("ftp://x/", "dt0c01.SECRET");
        assert!(matches!(
            Forwarder::new(o).unwrap_err(),
            ForwardError::Config(ConfigError::Endpoint)
        ));
        let o = ForwardOptions::new("http://127.0.0.1:1/x", "with space");
        assert!(matches!(
            Forwarder::new(o).unwrap_err(),
            ForwardError::Config(ConfigError::Token)
        ));
    }

    #[test]
    fn a_bad_proxy_is_refused_without_its_password() {
        let mut o = ForwardOptions::new("http://127.0.0.1:1/x", "dt0c01.SECRET");
        o.proxy = Some("ftp://user:PROXYPASS@proxy:21".to_owned());
        let e = Forwarder::new(o.clone()).unwrap_err().to_string();
        assert_eq!(
            e,
            "the proxy ftp://***@proxy:21 is not an HTTP(S) proxy URL (http://[user:password@]host:port)"
        );
        o.proxy = Some("socks5://user:PROXYPASS@proxy:1080".to_owned());
        let e = Forwarder::new(o).unwrap_err().to_string();
        assert!(
            e.starts_with("the proxy socks5://***@proxy:1080 is not"),
            "{e}"
        );
    }
}
