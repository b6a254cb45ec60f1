//! Redirects: 307 and 308 to the endpoint's origin are followed with the same POST and
//! body, at most [`MAX_REDIRECTS`] times. Every other redirect dead-letters the batch and
//! stops the send: 301, 302 and 303 because clients turn them into a GET without the
//! body, and a redirect to another origin because the token must not go elsewhere.

use super::{Batch, DETAIL_CHARS, Engine, MAX_REDIRECTS, Reason, Verdict};
use crate::http;
use crate::text::{clean, truncate_chars};

impl Engine {
    /// A 307 or 308: follow it when it stays on the endpoint's origin, else give up.
    pub(super) fn redirect(
        &mut self,
        mut batch: Batch,
        status: u16,
        location: Option<String>,
        token: &str,
    ) -> Verdict {
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
                let shown = clean(&to, token);
                batch.url = Some(to);
                self.ready.push_front(batch);
                Verdict::Redirected { status, to: shown }
            }
            _ => {
                let why = match (&location, same_origin) {
                    (None, _) => "without a Location".to_owned(),
                    (Some(l), false) => format!(
                        "to {}, not the endpoint's origin (the token is not sent elsewhere)",
                        clean(&truncate_chars(l, DETAIL_CHARS), token)
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
                self.fail(batch, reason, true)
            }
        }
    }

    /// A 301, 302 or 303 (or another 3xx that is not followed): the batch and the rest of
    /// the send are dead-lettered.
    pub(super) fn redirect_not_followed(
        &mut self,
        batch: Batch,
        status: u16,
        location: Option<&str>,
        token: &str,
    ) -> Verdict {
        let shown = location
            .map(|l| format!(" to {}", clean(&truncate_chars(l, DETAIL_CHARS), token)))
            .unwrap_or_default();
        let reason = Reason::Redirect {
            status,
            message: format!(
                "{status} {}: the endpoint redirects{shown}; not followed, because it would resend the POST as a GET without the events; set the endpoint to the final URL",
                http::reason_phrase(status)
            ),
        };
        self.fail(batch, reason, true)
    }
}
