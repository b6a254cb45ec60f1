//! The delivery engine (`secmap-delivery`) for JavaScript: `js/secmap/src/forward.js`
//! drives it and does only fetch, timers and the dead-letter callback. Mechanical: options
//! in, actions and verdicts out as JSON text (one string per crossing). Events cross in as
//! the core's request body (`pushBody`: its bytes, one copy into wasm memory, split once
//! by the engine) or one by one as JSON text (`push`, for a host's own event objects);
//! each request body crosses out once, as bytes (`takeBody`).

use secmap_delivery::{self as d, Action, Config, Engine, Reason, Reply, RequestId, Verdict};
use serde_json::{Value, json};
use wasm_bindgen::prelude::*;

/// One send's engine. See `secmap_delivery::Engine`.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Delivery {
    engine: Engine,
    /// The body of the last `send` action, until `takeBody`.
    body: Option<String>,
}

/// A thrown string (no js-sys needed); the forwarder wraps it in an `Error`.
fn err(message: impl std::fmt::Display) -> JsValue {
    JsValue::from_str(&message.to_string())
}

fn number(options: &Value, key: &str, default: u64) -> Result<u64, JsValue> {
    match &options[key] {
        Value::Null => Ok(default),
        v => v
            .as_u64()
            .ok_or_else(|| err(format!("`{key}` must be a whole number >= 0"))),
    }
}

#[wasm_bindgen]
impl Delivery {
    /// `options` as JSON text: `{endpoint, token, maxBatchBytes?, maxBatchEvents?,
    /// maxAttempts?, baseDelayMs?, maxDelayMs?, seed?}`. Throws the engine's refusal as a
    /// string (never holding the token).
    #[wasm_bindgen(constructor)]
    pub fn new(options: &str) -> Result<Delivery, JsValue> {
        let o: Value = serde_json::from_str(options).map_err(err)?;
        let text = |k: &str| o[k].as_str().unwrap_or("").to_owned();
        let mut c = Config::new(text("endpoint"), text("token"));
        c.max_batch_bytes = number(&o, "maxBatchBytes", c.max_batch_bytes as u64)? as usize;
        c.max_batch_events = number(&o, "maxBatchEvents", c.max_batch_events as u64)? as usize;
        c.max_attempts = u32::try_from(number(&o, "maxAttempts", 5)?).unwrap_or(u32::MAX);
        c.base_delay_ms = number(&o, "baseDelayMs", c.base_delay_ms)?;
        c.max_delay_ms = number(&o, "maxDelayMs", c.max_delay_ms)?;
        c.seed = number(&o, "seed", 0)?;
        Engine::new(c)
            .map(|engine| Delivery { engine, body: None })
            .map_err(err)
    }

    /// Adds an event (its JSON text); returns its id (its index).
    pub fn push(&mut self, event: String) -> f64 {
        self.engine.push(event) as f64
    }

    /// Adds every event of a request body as the core wrote it (UTF-8 bytes of a JSON array
    /// of objects), each exactly as written; returns how many. Throws (nothing pushed) when
    /// the bytes are not UTF-8 or not an array of objects.
    #[wasm_bindgen(js_name = pushBody)]
    pub fn push_body(&mut self, body: &[u8]) -> Result<f64, JsValue> {
        let text = std::str::from_utf8(body)
            .map_err(|e| err(format!("the request body is not UTF-8: {e}")))?;
        self.push_body_text(text)
    }

    /// [`push_body`](Delivery::push_body) for a body held as a string.
    #[wasm_bindgen(js_name = pushBodyText)]
    pub fn push_body_text(&mut self, body: &str) -> Result<f64, JsValue> {
        let ids = self.engine.push_body(body).map_err(err)?;
        Ok((ids.end - ids.start) as f64)
    }

    /// No more events.
    pub fn finish(&mut self) {
        self.engine.finish();
    }

    /// Stops: everything not delivered is dead-lettered with `message`.
    pub fn abort(&mut self, message: &str) {
        self.engine.abort(message);
    }

    /// The next action as JSON text: `{"kind":"send","id","url","first","count","attempt"}`
    /// (its body from `takeBody`), `{"kind":"wait","untilMs"}`, `{"kind":"deadLetter",
    /// "first","count","attempts","reason":{"code","status"?,"message"},"events":[...]}`
    /// (the events exactly as pushed), `{"kind":"awaitReply"}`, `{"kind":"idle"}` or
    /// `{"kind":"done"}`.
    pub fn next(&mut self, now_ms: f64) -> String {
        let v = match self.engine.next(now_ms.max(0.0) as u64) {
            Action::Send(r) => {
                self.body = Some(r.body);
                json!({
                    "kind": "send", "id": r.id.0, "url": r.url,
                    "first": r.first, "count": r.count, "attempt": r.attempt,
                })
            }
            Action::Wait { until_ms } => json!({"kind": "wait", "untilMs": until_ms}),
            Action::DeadLetter(l) => {
                let head = json!({
                    "kind": "deadLetter", "first": l.first, "count": l.events.len(),
                    "attempts": l.attempts, "reason": reason(&l.reason),
                })
                .to_string();
                // The events are JSON already: spliced in as they are, not re-encoded.
                return format!(
                    "{},\"events\":[{}]}}",
                    &head[..head.len() - 1],
                    l.events.join(",")
                );
            }
            Action::AwaitReply(_) => json!({"kind": "awaitReply"}),
            Action::Idle => json!({"kind": "idle"}),
            Action::Done => json!({"kind": "done"}),
        };
        v.to_string()
    }

    /// The body of the last `send` action (UTF-8 bytes of the JSON array), once.
    #[wasm_bindgen(js_name = takeBody)]
    pub fn take_body(&mut self) -> Vec<u8> {
        self.body.take().map(String::into_bytes).unwrap_or_default()
    }

    /// An HTTP answer to request `id`. `body`: at most `BODY_EXCERPT_LIMIT` bytes of it.
    /// Returns the verdict as JSON text (see [`verdict`]).
    #[wasm_bindgen(js_name = replyStatus)]
    pub fn reply_status(
        &mut self,
        id: f64,
        now_ms: f64,
        status: u16,
        retry_after: Option<String>,
        location: Option<String>,
        body: String,
    ) -> Result<String, JsValue> {
        let reply = Reply::Status {
            status,
            retry_after,
            location,
            body,
        };
        self.reply(id, now_ms, reply)
    }

    /// No answer within the timeout.
    #[wasm_bindgen(js_name = replyTimeout)]
    pub fn reply_timeout(&mut self, id: f64, now_ms: f64) -> Result<String, JsValue> {
        self.reply(id, now_ms, Reply::Timeout)
    }

    /// No answer: the runtime's error text.
    #[wasm_bindgen(js_name = replyNetwork)]
    pub fn reply_network(
        &mut self,
        id: f64,
        now_ms: f64,
        message: String,
    ) -> Result<String, JsValue> {
        self.reply(id, now_ms, Reply::Network(message))
    }

    fn reply(&mut self, id: f64, now_ms: f64, reply: Reply) -> Result<String, JsValue> {
        let v = self
            .engine
            .reply(RequestId(id as u64), now_ms.max(0.0) as u64, reply)
            .map_err(err)?;
        Ok(verdict(&v).to_string())
    }

    /// `{"pushed","delivered","deadLettered","pending","requests","retries","splits","done"}`
    /// as JSON text.
    pub fn summary(&self) -> String {
        let s = self.engine.summary();
        json!({
            "pushed": s.pushed, "delivered": s.delivered, "deadLettered": s.dead_lettered,
            "pending": s.pending, "requests": s.requests, "retries": s.retries,
            "splits": s.splits, "done": s.done,
        })
        .to_string()
    }
}

/// `{"code","status"?,"message"}`.
fn reason(r: &Reason) -> Value {
    let mut v = json!({"code": r.code(), "message": r.to_string()});
    if let Some(s) = r.status() {
        v["status"] = json!(s);
    }
    v
}

/// `{"kind": "delivered"|"retry"|"split"|"redirected"|"failed", "level":
/// "info"|"warn"|"error", "message"}` (plus `waitMs` for a retry).
fn verdict(v: &Verdict) -> Value {
    let kind = match v {
        Verdict::Delivered { .. } => "delivered",
        Verdict::Retry { .. } => "retry",
        Verdict::Split { .. } => "split",
        Verdict::Redirected { .. } => "redirected",
        Verdict::Failed { .. } => "failed",
    };
    let level = match v.level() {
        d::Level::Info => "info",
        d::Level::Warn => "warn",
        d::Level::Error => "error",
    };
    let mut out = json!({"kind": kind, "level": level, "message": v.to_string()});
    if let Verdict::Retry { wait_ms, .. } = v {
        out["waitMs"] = json!(wait_ms);
    }
    out
}

/// `text` without the token (whole, percent-encoded, split, or fragments of 8+
/// characters): `secmap_delivery::text::redact`.
#[wasm_bindgen]
pub fn redact(text: &str, token: &str) -> String {
    d::text::redact(text, token)
}

/// `text` with control characters escaped: `secmap_delivery::text::escape_control`.
#[wasm_bindgen(js_name = escapeControl)]
pub fn escape_control(text: &str) -> String {
    d::text::escape_control(text).into_owned()
}

/// Most bytes of an error body the forwarder reads.
#[wasm_bindgen(js_name = bodyExcerptLimit)]
pub fn body_excerpt_limit() -> u32 {
    d::BODY_EXCERPT_LIMIT as u32
}
