//! The delivery engine (`secmap-delivery`) behind the `delivery` interface of
//! `wit/secmap.wit`. Mechanical: convert the WIT records, call the engine, convert back.

use std::cell::RefCell;

use secmap_delivery as d;

use crate::bindings::exports::secmap::mapping::delivery as wit;

/// The `engine` resource: the engine behind a `RefCell`, since WIT methods take `&self`.
pub struct Engine(RefCell<d::Engine>);

impl wit::GuestEngine for Engine {
    fn create(c: wit::Config) -> Result<wit::Engine, String> {
        let mut config = d::Config::new(c.endpoint, c.token);
        if let Some(v) = c.max_batch_bytes {
            config.max_batch_bytes = usize::try_from(v).unwrap_or(usize::MAX);
        }
        if let Some(v) = c.max_batch_events {
            config.max_batch_events = v as usize;
        }
        if let Some(v) = c.max_attempts {
            config.max_attempts = v;
        }
        if let Some(v) = c.base_delay_ms {
            config.base_delay_ms = v;
        }
        if let Some(v) = c.max_delay_ms {
            config.max_delay_ms = v;
        }
        config.seed = c.seed;
        let engine = d::Engine::new(config).map_err(|e| e.to_string())?;
        Ok(wit::Engine::new(Engine(RefCell::new(engine))))
    }

    fn push(&self, event: String) -> u64 {
        self.0.borrow_mut().push(event)
    }

    fn push_body(&self, body: String) -> Result<wit::Pushed, String> {
        let ids = self
            .0
            .borrow_mut()
            .push_body(&body)
            .map_err(|e| e.to_string())?;
        Ok(wit::Pushed {
            first: ids.start,
            count: ids.end - ids.start,
        })
    }

    fn finish(&self) {
        self.0.borrow_mut().finish();
    }

    fn abort(&self, message: String) {
        self.0.borrow_mut().abort(&message);
    }

    fn next(&self, now_ms: u64) -> wit::Action {
        match self.0.borrow_mut().next(now_ms) {
            d::Action::Send(r) => wit::Action::Send(wit::Request {
                id: r.id.0,
                url: r.url,
                body: r.body,
                first: r.first,
                count: u32::try_from(r.count).unwrap_or(u32::MAX),
                attempt: r.attempt,
            }),
            d::Action::Wait { until_ms } => wit::Action::Wait(until_ms),
            d::Action::DeadLetter(l) => wit::Action::DeadLetter(wit::DeadLetter {
                first: l.first,
                reason: reason(&l.reason),
                events: l.events,
                attempts: l.attempts,
            }),
            d::Action::AwaitReply(id) => wit::Action::AwaitReply(id.0),
            d::Action::Idle => wit::Action::Idle,
            d::Action::Done => wit::Action::Done,
        }
    }

    fn reply(&self, id: u64, now_ms: u64, reply: wit::Reply) -> Result<wit::Verdict, String> {
        let reply = match reply {
            wit::Reply::Status(s) => d::Reply::Status {
                status: s.status,
                retry_after: s.retry_after,
                location: s.location,
                body: s.body,
            },
            wit::Reply::Timeout => d::Reply::Timeout,
            wit::Reply::Network(m) => d::Reply::Network(m),
        };
        let v = self
            .0
            .borrow_mut()
            .reply(d::RequestId(id), now_ms, reply)
            .map_err(|e| e.to_string())?;
        Ok(wit::Verdict {
            kind: match v {
                d::Verdict::Delivered { .. } => wit::VerdictKind::Delivered,
                d::Verdict::Retry { .. } => wit::VerdictKind::Retry,
                d::Verdict::Split { .. } => wit::VerdictKind::Split,
                d::Verdict::Redirected { .. } => wit::VerdictKind::Redirected,
                d::Verdict::Failed { .. } => wit::VerdictKind::Failed,
            },
            level: match v.level() {
                d::Level::Info => wit::Level::Info,
                d::Level::Warn => wit::Level::Warn,
                d::Level::Error => wit::Level::Error,
            },
            message: v.to_string(),
        })
    }

    fn summary(&self) -> wit::Summary {
        let s = self.0.borrow().summary();
        wit::Summary {
            pushed: s.pushed,
            delivered: s.delivered,
            dead_lettered: s.dead_lettered,
            pending: s.pending,
            requests: s.requests,
            retries: s.retries,
            splits: s.splits,
            done: s.done,
        }
    }
}

fn reason(r: &d::Reason) -> wit::Reason {
    wit::Reason {
        code: r.code().into(),
        status: r.status(),
        message: r.to_string(),
    }
}
