//! What the engine reads from HTTP: which statuses mean what for the ingest API, the
//! `Retry-After` header, and the origin of a redirect's `Location`.

/// What a status means for a request to the ingest API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusClass {
    /// 2xx: accepted (the API answers 202).
    Delivered,
    /// 408, 429 and the transient 5xx: the same request may succeed later.
    Retry,
    /// 413: the body is too large; split the batch.
    Split,
    /// 307 and 308: the same method and body may go to `Location` (same origin only).
    Redirect,
    /// The endpoint or the token is wrong, and every further request of this send would get
    /// the same answer: 401, 403, 404, 405, 410, the permanent 5xx (501, 505, 506, 508,
    /// 510, 511), and the redirects that would change the method (301, 302, 303) or are
    /// not redirects to follow (300, 304, 305, 306).
    Fatal,
    /// This batch was refused for what it holds (400 and every other status): other
    /// batches may still go through.
    Permanent,
}

/// Classifies `status`. The 5xx not retried are those that describe the server's setup,
/// not its load: 501 Not Implemented (POST or this path is not supported), 505 HTTP
/// Version Not Supported, 506 Variant Also Negotiates and 508 Loop Detected
/// (misconfiguration), 510 Not Extended, 511 Network Authentication Required (a captive
/// proxy wants a login). Retrying them only delays the dead letter. Every other 5xx,
/// including 507 Insufficient Storage, is transient.
pub fn classify(status: u16) -> StatusClass {
    match status {
        200..=299 => StatusClass::Delivered,
        408 | 429 => StatusClass::Retry,
        413 => StatusClass::Split,
        307 | 308 => StatusClass::Redirect,
        300..=399 => StatusClass::Fatal,
        401 | 403 | 404 | 405 | 410 => StatusClass::Fatal,
        501 | 505 | 506 | 508 | 510 | 511 => StatusClass::Fatal,
        500..=599 => StatusClass::Retry,
        _ => StatusClass::Permanent,
    }
}

/// The reason phrase of `status` (RFC 9110), or `""`.
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        202 => "Accepted",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        410 => "Gone",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        507 => "Insufficient Storage",
        511 => "Network Authentication Required",
        _ => "",
    }
}

/// What the status means for this API, when the response body does not say.
pub fn status_hint(status: u16) -> &'static str {
    match status {
        400 => "the ingest API rejected the request body",
        401 => "the token is missing or invalid",
        403 => "the token lacks the scope openpipeline.events_security",
        404 => "no ingest endpoint at this URL",
        405 => "the endpoint does not accept POST",
        408 => "the server timed out waiting for the request",
        413 => "request body too large",
        429 => "throttled",
        501 | 505 => "the server does not support this request",
        511 => "a proxy requires network authentication",
        500..=599 => "the ingest API failed",
        _ => "unexpected status",
    }
}

/// `Retry-After` in milliseconds, from `now_ms` (Unix time in milliseconds): delta-seconds
/// (`120`), decimal seconds (`1.5`, read exactly: milliseconds rounded up), or an
/// HTTP-date (`Wed, 21 Oct 2026 07:28:00 GMT`, a wait of 0 when it has passed). `None`
/// when the value is none of these (negative numbers included): the backoff applies.
pub fn parse_retry_after(value: &str, now_ms: u64) -> Option<u64> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    if v.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        let (int, frac) = v.split_once('.').unwrap_or((v, ""));
        if int.is_empty() || frac.contains('.') || (v.contains('.') && frac.is_empty()) {
            return None;
        }
        // Beyond any cap; saturate rather than overflow.
        let secs: u64 = int.parse().unwrap_or(u64::MAX / 1000).min(u64::MAX / 1000);
        let mut ms = 0u64;
        for (i, d) in frac.bytes().enumerate() {
            let d = u64::from(d - b'0');
            if i < 3 {
                ms += d * 10u64.pow(2 - i as u32);
            } else if d > 0 {
                ms += 1; // a remainder below a millisecond rounds up
                break;
            }
        }
        return Some(secs * 1000 + ms.min(1000));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    let at_ms = at
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_millis()
        .min(u128::from(u64::MAX)) as u64;
    Some(at_ms.saturating_sub(now_ms))
}

/// `scheme://host:port` of an absolute http(s) URL, lowercased, with the default port made
/// explicit; `None` for anything else.
pub fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => "80",
        "https" => "443",
        _ => return None,
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let authority = authority.to_ascii_lowercase();
    // An IPv6 literal keeps its brackets; the port follows the last `:` after them.
    let (host, port) = match authority.rfind(':') {
        Some(i) if !authority[i..].contains(']') => (&authority[..i], &authority[i + 1..]),
        _ => (authority.as_str(), default_port),
    };
    let port = if port.is_empty() { default_port } else { port };
    Some(format!("{scheme}://{host}:{port}"))
}

/// `location` resolved against `base`: an absolute URL, a network-path reference
/// (`//host/path`) or an absolute path (`/path`). Relative paths (`path`, `../path`) are
/// not resolved (`None`): the ingest API never sends them, and guessing is worse than
/// refusing.
pub fn resolve_location(base: &str, location: &str) -> Option<String> {
    let location = location.trim();
    if location.contains("://") {
        origin(location)?;
        return Some(location.to_owned());
    }
    let (scheme, rest) = base.split_once("://")?;
    if let Some(net) = location.strip_prefix("//") {
        return Some(format!("{scheme}://{net}"));
    }
    if location.starts_with('/') {
        let authority = rest.split(['/', '?', '#']).next()?;
        return Some(format!("{scheme}://{authority}{location}"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_classified() {
        use StatusClass::*;
        for (status, class) in [
            (200, Delivered),
            (202, Delivered),
            (204, Delivered),
            (408, Retry),
            (429, Retry),
            (500, Retry),
            (502, Retry),
            (503, Retry),
            (504, Retry),
            (507, Retry),
            (509, Retry),
            (599, Retry),
            (413, Split),
            (307, Redirect),
            (308, Redirect),
            (300, Fatal),
            (301, Fatal),
            (302, Fatal),
            (303, Fatal),
            (304, Fatal),
            (401, Fatal),
            (403, Fatal),
            (404, Fatal),
            (405, Fatal),
            (410, Fatal),
            (501, Fatal),
            (505, Fatal),
            (506, Fatal),
            (508, Fatal),
            (510, Fatal),
            (511, Fatal),
            (400, Permanent),
            (409, Permanent),
            (415, Permanent),
            (422, Permanent),
            (100, Permanent),
            (0, Permanent),
            (600, Permanent),
        ] {
            assert_eq!(classify(status), class, "{status}");
        }
    }

    #[test]
    fn retry_after_seconds_decimals_and_dates() {
        let now = 1_000_000_000_000; // 2001-09-09T01:46:40Z
        assert_eq!(parse_retry_after("2", now), Some(2000));
        assert_eq!(parse_retry_after(" 0 ", now), Some(0));
        assert_eq!(parse_retry_after("1.5", now), Some(1500));
        assert_eq!(parse_retry_after("0.25", now), Some(250));
        assert_eq!(parse_retry_after("0.0001", now), Some(1));
        assert_eq!(parse_retry_after("2.0005", now), Some(2001));
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(u64::MAX / 1000 * 1000)
        );
        for bad in ["", "soon", "-1", "1.", ".5", "1.2.3", "1e3", "+3"] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad:?}");
        }
        assert_eq!(
            parse_retry_after("Sun, 09 Sep 2001 01:46:43 GMT", now),
            Some(3000)
        );
        assert_eq!(
            parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT", now),
            Some(0)
        );
        assert_eq!(
            parse_retry_after("Sun, 32 Sep 2001 01:46:43 GMT", now),
            None
        );
    }

    #[test]
    fn origins_and_locations() {
        assert_eq!(
            origin("https://ABC.live.dynatrace.com/platform").as_deref(),
            Some("https://abc.live.dynatrace.com:443")
        );
        assert_eq!(
            origin("http://127.0.0.1:8080/x?y").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(origin("http://[::1]/x").as_deref(), Some("http://[::1]:80"));
        assert_eq!(
            origin("http://[::1]:9/x").as_deref(),
            Some("http://[::1]:9")
        );
        assert_eq!(origin("ftp://x/"), None);
        assert_eq!(origin("http://user@x/"), None);
        assert_eq!(origin("/relative"), None);
        let base = "http://127.0.0.1:8080/platform/ingest/v1/security.events";
        assert_eq!(
            resolve_location(base, "/other").as_deref(),
            Some("http://127.0.0.1:8080/other")
        );
        assert_eq!(
            resolve_location(base, "//evil.example/x").as_deref(),
            Some("http://evil.example/x")
        );
        assert_eq!(
            resolve_location(base, "https://evil.example/x").as_deref(),
            Some("https://evil.example/x")
        );
        assert_eq!(resolve_location(base, "other"), None);
        assert_eq!(resolve_location(base, "javascript://x"), None);
    }
}
