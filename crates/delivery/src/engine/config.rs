//! The engine's configuration and the checks it passes before any request.

use std::fmt;

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
