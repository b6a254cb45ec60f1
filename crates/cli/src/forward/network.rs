//! What an enterprise network needs of the forwarder: whom to trust (the OS store, a
//! private CA), which proxy to go through, and the ingest URL from an environment URL.
//!
//! Trust: the OS store, read with `rustls-native-certs` (which, like OpenSSL, reads
//! `SSL_CERT_FILE`/`SSL_CERT_DIR` instead when they are set), plus every `--ca-file`.
//! Mozilla's roots (`webpki-root-certs`, bundled) are added only when the OS store gives
//! no certificate (a slim container), so that a public Dynatrace endpoint still verifies.
//! Not the platform verifier (`rustls-platform-verifier`): it takes no extra anchors
//! through ureq (`RootCerts::PlatformVerifier` has no field), and a TLS-inspecting proxy's
//! CA given with `--ca-file` must sit next to the OS roots.
//!
//! Proxy: chosen per endpoint scheme as curl does (`https_proxy`/`HTTPS_PROXY` for
//! https, `http_proxy`/`HTTP_PROXY` for http, then `all_proxy`/`ALL_PROXY`; lower case
//! first), with `no_proxy`/`NO_PROXY` matched here, once: the engine only follows
//! same-origin redirects, so one decision holds for the whole run. ureq's own
//! `Proxy::try_from_env` is not used: it takes `ALL_PROXY` before the scheme's variable,
//! uses the same proxy for both schemes and drops a malformed value silently.

use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use ureq::tls::{Certificate, PemItem, parse_pem};

/// The path the Dynatrace ingest API serves security events on, appended to an
/// environment URL (as the JavaScript hosts do with `DT_ENVIRONMENT_URL`).
pub const INGEST_PATH: &str = "/platform/ingest/v1/security.events";

/// The trust anchors for TLS, and where they came from.
#[derive(Clone)]
pub struct Trust {
    pub(crate) certs: Vec<Certificate<'static>>,
    /// Certificates from the OS store (or `SSL_CERT_FILE`/`SSL_CERT_DIR`).
    pub os: usize,
    /// Mozilla's bundled roots: added only when `os` is 0.
    pub bundled: usize,
    /// Certificates from the CA files.
    pub extra: usize,
}

impl fmt::Debug for Trust {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Trust")
            .field("os", &self.os)
            .field("bundled", &self.bundled)
            .field("extra", &self.extra)
            .finish()
    }
}

/// A CA file that gives no trust anchor.
#[derive(Debug)]
pub enum CaFileError {
    /// It cannot be read.
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// It is not PEM (a section is broken).
    NotPem {
        /// The file.
        path: PathBuf,
        /// What the PEM parser says.
        detail: String,
    },
    /// It is PEM without a `CERTIFICATE` section.
    NoCertificate {
        /// The file.
        path: PathBuf,
    },
}

impl fmt::Display for CaFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaFileError::Read { path, error } => {
                write!(f, "{}: cannot read the CA file: {error}", path.display())
            }
            CaFileError::NotPem { path, detail } => {
                write!(f, "{}: not a PEM file: {detail}", path.display())
            }
            CaFileError::NoCertificate { path } => write!(
                f,
                "{}: no certificate in the CA file (expected PEM `-----BEGIN CERTIFICATE-----` sections)",
                path.display()
            ),
        }
    }
}

impl std::error::Error for CaFileError {}

impl Trust {
    /// The OS store (or Mozilla's roots when it is empty) and the certificates of
    /// `ca_files`, each of which must hold at least one.
    pub fn load(ca_files: &[PathBuf]) -> Result<Trust, CaFileError> {
        let mut certs = Vec::new();
        for path in ca_files {
            certs.extend(ca_file(path)?);
        }
        let extra = certs.len();
        // Errors of single files in the store are not fatal: what loads is used, and an
        // empty store falls back to the bundled roots.
        let native = rustls_native_certs::load_native_certs();
        let os = native.certs.len();
        certs.extend(
            native
                .certs
                .into_iter()
                .map(|c| Certificate::from_der(c.as_ref()).to_owned()),
        );
        let mut bundled = 0;
        if os == 0 {
            let roots = webpki_root_certs::TLS_SERVER_ROOT_CERTS;
            bundled = roots.len();
            certs.extend(
                roots
                    .iter()
                    .map(|c| Certificate::from_der(c.as_ref()).to_owned()),
            );
        }
        Ok(Trust {
            certs,
            os,
            bundled,
            extra,
        })
    }
}

/// The certificates of one PEM file.
pub fn ca_file(path: &Path) -> Result<Vec<Certificate<'static>>, CaFileError> {
    let bytes = std::fs::read(path).map_err(|error| CaFileError::Read {
        path: path.to_owned(),
        error,
    })?;
    let mut certs = Vec::new();
    for item in parse_pem(&bytes) {
        match item {
            Ok(PemItem::Certificate(c)) => certs.push(c),
            // Keys and CRLs may sit in the same bundle; they are no anchors.
            Ok(_) => {}
            Err(e) => {
                return Err(CaFileError::NotPem {
                    path: path.to_owned(),
                    detail: e.to_string(),
                });
            }
        }
    }
    if certs.is_empty() {
        return Err(CaFileError::NoCertificate {
            path: path.to_owned(),
        });
    }
    Ok(certs)
}

/// The proxy for `endpoint` from the environment (`var` looks a name up): the variable's
/// name and its value, or `None` for a direct connection.
pub fn proxy_from_env(
    endpoint: &str,
    var: impl Fn(&str) -> Option<String>,
) -> Option<(&'static str, String)> {
    let get = |name: &'static str| {
        var(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .map(|v| (name, v))
    };
    let https = endpoint
        .get(..8)
        .is_some_and(|s| s.eq_ignore_ascii_case("https://"));
    let chosen = if https {
        get("https_proxy").or_else(|| get("HTTPS_PROXY"))
    } else {
        get("http_proxy").or_else(|| get("HTTP_PROXY"))
    }
    .or_else(|| get("all_proxy"))
    .or_else(|| get("ALL_PROXY"))?;
    let no_proxy = get("no_proxy").or_else(|| get("NO_PROXY"));
    match (no_proxy, host_of(endpoint)) {
        (Some((_, list)), Some(host)) if no_proxy_matches(&list, &host) => None,
        _ => Some(chosen),
    }
}

/// The host of an http(s) URL, lower case, without brackets or port.
fn host_of(url: &str) -> Option<String> {
    let uri: ureq::http::Uri = url.parse().ok()?;
    let host = uri.host()?;
    Some(
        host.trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase(),
    )
}

/// Whether `host` is in a `NO_PROXY` list, as curl reads it: entries separated by commas
/// (or spaces); `*` alone matches every host; a name matches itself and its subdomains (a
/// leading `.` or `*.` is ignored); an IP address matches itself, or its network when
/// written as CIDR (`10.0.0.0/8`).
pub fn no_proxy_matches(list: &str, host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    let ip: Option<IpAddr> = host.parse().ok();
    list.split([',', ' ', '\t'])
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .any(|entry| {
            if entry == "*" {
                return true;
            }
            let entry = entry.to_ascii_lowercase();
            let entry = entry.trim_start_matches('*').trim_start_matches('.');
            // `[::1]` and `[fd00::]/8` as well as `::1`.
            let entry = entry.replace(['[', ']'], "");
            let entry = entry.as_str();
            if let Some(ip) = ip {
                return ip_matches(entry, ip);
            }
            host == entry
                || host
                    .strip_suffix(entry)
                    .is_some_and(|rest| rest.ends_with('.'))
        })
}

fn ip_matches(entry: &str, ip: IpAddr) -> bool {
    let (net, bits) = match entry.split_once('/') {
        Some((net, bits)) => match bits.parse::<u32>() {
            Ok(b) => (net, Some(b)),
            Err(_) => return false,
        },
        None => (entry, None),
    };
    let Ok(net) = net.parse::<IpAddr>() else {
        return false;
    };
    match (net, ip) {
        (IpAddr::V4(n), IpAddr::V4(a)) => prefix_eq(
            u128::from(n.to_bits()),
            u128::from(a.to_bits()),
            32,
            bits.unwrap_or(32),
        ),
        (IpAddr::V6(n), IpAddr::V6(a)) => {
            prefix_eq(n.to_bits(), a.to_bits(), 128, bits.unwrap_or(128))
        }
        _ => false,
    }
}

/// Whether the first `bits` of two `width`-bit numbers are equal.
fn prefix_eq(a: u128, b: u128, width: u32, bits: u32) -> bool {
    if bits > width {
        return false;
    }
    let shift = width - bits;
    shift >= 128 || (a >> shift) == (b >> shift)
}

/// `url` with any user info (`user:password@`) replaced by `***@`, for messages.
pub fn redact_userinfo(url: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[start..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{}***{}", &url[..start], &rest[at..]),
        None => url.to_owned(),
    }
}

/// A `DT_ENVIRONMENT_URL` that is no environment URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvironmentUrlError(pub String);

impl fmt::Display for EnvironmentUrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EnvironmentUrlError {}

/// The ingest URL of an environment URL (e.g. `https://abc12345.live.dynatrace.com`): its
/// origin and path, trailing slashes dropped, then [`INGEST_PATH`] — what the JavaScript
/// hosts' `forwarderOptionsFromEnv` does with `DT_ENVIRONMENT_URL`. The errors never
/// repeat the value (it may hold credentials).
pub fn endpoint_from_environment_url(url: &str) -> Result<String, EnvironmentUrlError> {
    let err = |why: &str| Err(EnvironmentUrlError(format!("DT_ENVIRONMENT_URL {why}")));
    let url = url.trim();
    let Some((scheme, rest)) = url.split_once("://") else {
        return err("is not an http(s) URL");
    };
    if !scheme.eq_ignore_ascii_case("https") && !scheme.eq_ignore_ascii_case("http") {
        return err("must be an http(s) URL");
    }
    if rest.contains(['?', '#']) {
        return err("must not have a query or fragment");
    }
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    if authority.contains('@') {
        return err("must not contain credentials; pass the token in DT_API_TOKEN");
    }
    if authority.is_empty() || url.parse::<ureq::http::Uri>().is_err() {
        return err("is not a URL");
    }
    Ok(format!(
        "{}://{authority}{}{INGEST_PATH}",
        scheme.to_ascii_lowercase(),
        path.trim_end_matches('/')
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_url_gets_the_ingest_path() {
        let e = |u: &str| endpoint_from_environment_url(u);
        let want = "https://abc12345.live.dynatrace.com/platform/ingest/v1/security.events";
        assert_eq!(e("https://abc12345.live.dynatrace.com").unwrap(), want);
        assert_eq!(e("https://abc12345.live.dynatrace.com/").unwrap(), want);
        assert_eq!(e(" HTTPS://abc12345.live.dynatrace.com// ").unwrap(), want);
        // A Managed environment: the path is kept.
        assert_eq!(
            e("https://managed.example.com:9999/e/abc12345/").unwrap(),
            "https://managed.example.com:9999/e/abc12345/platform/ingest/v1/security.events"
        );
        assert_eq!(
            e("http://127.0.0.1:8123").unwrap(),
            "http://127.0.0.1:8123/platform/ingest/v1/security.events"
        );
        for bad in [
            "abc12345.live.dynatrace.com",
            "ftp://x",
            "https://x/?a=1",
            "https://x/#f",
            "https://user:SECRET@x",
            "https://",
        ] {
            let why = e(bad).unwrap_err().to_string();
            assert!(why.starts_with("DT_ENVIRONMENT_URL "), "{bad}: {why}");
            assert!(!why.contains("SECRET"), "{why}");
        }
    }

    #[test]
    fn the_proxy_is_chosen_per_scheme_and_no_proxy() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let both = env(&[
            ("HTTPS_PROXY", "http://s:3128"),
            ("HTTP_PROXY", "http://p:3128"),
        ]);
        assert_eq!(
            proxy_from_env("https://x.example.com/a", both),
            Some(("HTTPS_PROXY", "http://s:3128".to_owned()))
        );
        assert_eq!(
            proxy_from_env("http://x.example.com/a", both),
            Some(("HTTP_PROXY", "http://p:3128".to_owned()))
        );
        let lower = env(&[("https_proxy", "http://l:1"), ("HTTPS_PROXY", "http://u:1")]);
        assert_eq!(
            proxy_from_env("https://x/", lower),
            Some(("https_proxy", "http://l:1".to_owned()))
        );
        let all = env(&[("ALL_PROXY", "http://a:1")]);
        assert_eq!(
            proxy_from_env("https://x/", all),
            Some(("ALL_PROXY", "http://a:1".to_owned()))
        );
        let bypass = env(&[
            ("HTTPS_PROXY", "http://s:3128"),
            ("NO_PROXY", "localhost, .internal.example,10.0.0.0/8"),
        ]);
        assert_eq!(proxy_from_env("https://a.internal.example/x", bypass), None);
        assert_eq!(proxy_from_env("https://10.1.2.3:443/x", bypass), None);
        assert!(proxy_from_env("https://abc.live.dynatrace.com/x", bypass).is_some());
        assert_eq!(
            proxy_from_env("https://x/", env(&[("HTTPS_PROXY", " ")])),
            None
        );
    }

    #[test]
    fn no_proxy_as_curl_reads_it() {
        assert!(no_proxy_matches("*", "anything"));
        assert!(no_proxy_matches("example.com", "example.com"));
        assert!(no_proxy_matches("example.com", "a.b.EXAMPLE.com"));
        assert!(no_proxy_matches(".example.com", "a.example.com"));
        assert!(no_proxy_matches("*.example.com", "a.example.com"));
        assert!(!no_proxy_matches("example.com", "badexample.com"));
        assert!(no_proxy_matches("127.0.0.1", "127.0.0.1"));
        assert!(!no_proxy_matches("127.0.0.1", "127.0.0.2"));
        assert!(no_proxy_matches("127.0.0.0/8", "127.9.9.9"));
        assert!(no_proxy_matches("::1", "::1"));
        assert!(no_proxy_matches("[fd00::]/8", "fd12::1"));
        assert!(no_proxy_matches("0.0.0.0/0", "8.8.8.8"));
        assert!(!no_proxy_matches("10.0.0.0/40", "10.0.0.1"));
        assert!(!no_proxy_matches("", "x"));
    }

    #[test]
    fn user_info_is_redacted() {
        assert_eq!(
            redact_userinfo("http://user:p%40ss@proxy:3128"),
            "http://***@proxy:3128"
        );
        assert_eq!(redact_userinfo("user:pw@proxy:3128"), "***@proxy:3128");
        assert_eq!(
            redact_userinfo("http://proxy:3128/a@b"),
            "http://proxy:3128/a@b"
        );
    }

    #[test]
    fn ca_file_errors_name_the_file() {
        let dir = std::env::temp_dir().join(format!("secmap-ca-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let missing = dir.join("missing.pem");
        let e = ca_file(&missing).unwrap_err().to_string();
        assert!(e.starts_with(&format!("{}: cannot read the CA file", missing.display())));
        let empty = dir.join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        let e = ca_file(&empty).unwrap_err().to_string();
        assert!(e.contains("no certificate in the CA file"), "{e}");
        let _ = std::fs::remove_dir_all(dir);
    }
}
