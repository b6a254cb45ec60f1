//! One test per decision of the engine. The shared scenario corpus
//! (`host-tests/scenarios`) runs in `tests/scenarios.rs`.

use crate::*;

const URL: &str = "https://abc.live.dynatrace.com/platform/ingest/v1/security.events";
const TOKEN: &str = "dt0c01.PUBLIC.SECRETSECRETSECRET";

fn engine(f: impl FnOnce(&mut Config)) -> Engine {
    let mut c = Config::new(URL, TOKEN);
    c.base_delay_ms = 100;
    c.max_delay_ms = 1000;
    f(&mut c);
    Engine::new(c).expect("valid config")
}

fn event(n: usize) -> String {
    format!(r#"{{"n":{n}}}"#)
}

fn status(s: u16) -> Reply {
    Reply::Status {
        status: s,
        retry_after: None,
        location: None,
        body: String::new(),
    }
}

fn send(e: &mut Engine, now: u64) -> Request {
    match e.next(now) {
        Action::Send(r) => r,
        other => panic!("expected a request, got {other:?}"),
    }
}

fn letter(e: &mut Engine, now: u64) -> DeadLetter {
    match e.next(now) {
        Action::DeadLetter(l) => l,
        other => panic!("expected a dead letter, got {other:?}"),
    }
}

#[test]
fn batches_by_count_and_bytes_in_order() {
    let mut e = engine(|c| c.max_batch_events = 2);
    for n in 0..5 {
        e.push(event(n));
    }
    // Not finished: two full batches go, the fifth event waits for more.
    let r = send(&mut e, 0);
    assert_eq!(
        (r.first, r.count, r.body.as_str()),
        (0, 2, r#"[{"n":0},{"n":1}]"#)
    );
    e.reply(r.id, 0, status(202)).unwrap();
    let r = send(&mut e, 0);
    e.reply(r.id, 0, status(202)).unwrap();
    assert_eq!(e.next(0), Action::Idle);
    e.finish();
    let r = send(&mut e, 0);
    assert_eq!((r.first, r.count), (4, 1));
    e.reply(r.id, 0, status(202)).unwrap();
    assert_eq!(e.next(0), Action::Done);
    let s = e.summary();
    assert_eq!(
        (
            s.pushed,
            s.delivered,
            s.dead_lettered,
            s.pending,
            s.requests
        ),
        (5, 5, 0, 0, 3)
    );
    assert!(s.all_delivered());

    // Bytes: `[{"n":0},{"n":1}]` is 17 bytes; a limit of 16 holds one event per body.
    let mut e = engine(|c| c.max_batch_bytes = 16);
    e.push(event(0));
    e.push(event(1));
    e.finish();
    assert_eq!(send(&mut e, 0).count, 1);
    let mut e = engine(|c| c.max_batch_bytes = 17);
    e.push(event(0));
    e.push(event(1));
    e.finish();
    assert_eq!(send(&mut e, 0).count, 2);
}

#[test]
fn an_event_too_large_alone_is_dead_lettered_unsent() {
    let mut e = engine(|c| c.max_batch_bytes = 9); // `[{"n":0}]` is 9
    e.push(event(0));
    e.push(r#"{"n":10}"#.to_owned());
    e.push(event(2));
    e.finish();
    let r = send(&mut e, 0);
    assert_eq!(r.first, 0);
    e.reply(r.id, 0, status(202)).unwrap();
    let l = letter(&mut e, 0);
    assert_eq!((l.first, l.attempts), (1, 0));
    assert_eq!(
        l.reason,
        Reason::TooLarge {
            bytes: 10,
            status: None
        }
    );
    assert_eq!(send(&mut e, 0).first, 2);
}

#[test]
fn retryable_statuses_back_off_with_jitter_then_give_up() {
    for s in [408, 429, 500, 502, 503, 504, 507] {
        let mut e = engine(|c| c.max_attempts = 3);
        e.push(event(0));
        e.finish();
        let mut now = 0;
        for attempt in 1..=2u32 {
            let r = send(&mut e, now);
            assert_eq!(r.attempt, attempt);
            match e.reply(r.id, now, status(s)).unwrap() {
                Verdict::Retry {
                    wait_ms, attempts, ..
                } => {
                    assert_eq!(attempts, attempt);
                    // Full jitter under base · 2^(n-1).
                    assert!(wait_ms <= 100 << (attempt - 1), "{wait_ms}");
                    assert_eq!(
                        e.next(now),
                        Action::Wait {
                            until_ms: now + wait_ms
                        }
                    );
                    now += wait_ms;
                }
                v => panic!("{s}: {v:?}"),
            }
        }
        let r = send(&mut e, now);
        assert!(matches!(
            e.reply(r.id, now, status(s)).unwrap(),
            Verdict::Failed { fatal: false, .. }
        ));
        let l = letter(&mut e, now);
        assert_eq!(l.attempts, 3);
        assert_eq!(l.reason.status(), Some(s));
        assert!(
            l.reason
                .to_string()
                .starts_with(&format!("gave up after 3 attempts: {s}")),
            "{}",
            l.reason
        );
        assert_eq!(e.next(now), Action::Done);
        assert_eq!(e.summary().retries, 2);
        assert!(!e.summary().all_delivered());
    }
}

#[test]
fn the_jitter_comes_from_the_seed() {
    let waits = |seed| {
        let mut e = engine(|c| {
            c.seed = seed;
            c.max_attempts = 10;
            c.max_delay_ms = 1_000_000;
        });
        e.push(event(0));
        e.finish();
        let mut now = 0;
        let mut out = vec![];
        for _ in 0..6 {
            let r = send(&mut e, now);
            let Verdict::Retry { wait_ms, .. } = e.reply(r.id, now, Reply::Timeout).unwrap() else {
                panic!()
            };
            out.push(wait_ms);
            now += wait_ms;
        }
        out
    };
    assert_eq!(waits(7), waits(7));
    assert_ne!(waits(7), waits(8));
}

#[test]
fn retry_after_is_honoured_and_capped() {
    for (value, want) in [
        ("0", 0),
        ("0.25", 250),
        ("2", 1000),
        ("Thu, 01 Jan 1970 00:00:00 GMT", 0),
        ("junk", u64::MAX),
    ] {
        let mut e = engine(|c| c.base_delay_ms = 0);
        e.push(event(0));
        e.finish();
        let r = send(&mut e, 5000);
        let reply = Reply::Status {
            status: 429,
            retry_after: Some(value.to_owned()),
            location: None,
            body: String::new(),
        };
        let Verdict::Retry { wait_ms, .. } = e.reply(r.id, 5000, reply).unwrap() else {
            panic!()
        };
        // `junk` falls back to the backoff, which is 0 with a base of 0.
        assert_eq!(wait_ms, if want == u64::MAX { 0 } else { want }, "{value}");
    }
}

#[test]
fn timeouts_and_network_errors_are_retried_and_named() {
    let mut e = engine(|c| c.max_attempts = 2);
    e.push(event(0));
    e.finish();
    let r = send(&mut e, 0);
    assert!(matches!(
        e.reply(r.id, 0, Reply::Timeout).unwrap(),
        Verdict::Retry { .. }
    ));
    let now = match e.next(0) {
        Action::Wait { until_ms } => until_ms,
        a => panic!("{a:?}"),
    };
    let r = send(&mut e, now);
    e.reply(r.id, now, Reply::Network(format!("reset\nby {TOKEN}")))
        .unwrap();
    let l = letter(&mut e, now);
    assert_eq!(
        l.reason,
        Reason::Network {
            message: "reset\\nby [redacted]".to_owned(),
            attempts: 2
        }
    );
    assert_eq!(l.reason.code(), "network");
}

#[test]
fn a_413_halves_down_to_single_events() {
    let mut e = engine(|_| {});
    for n in 0..3 {
        e.push(event(n));
    }
    e.finish();
    let r = send(&mut e, 0);
    assert_eq!(
        e.reply(r.id, 0, status(413)).unwrap(),
        Verdict::Split {
            count: 3,
            bytes: 25,
            halves: (2, 1)
        }
    );
    let r = send(&mut e, 0);
    assert_eq!((r.first, r.count), (0, 2));
    e.reply(r.id, 0, status(413)).unwrap();
    let r = send(&mut e, 0);
    assert_eq!((r.first, r.count, r.attempt), (0, 1, 3));
    e.reply(r.id, 0, status(202)).unwrap();
    let r = send(&mut e, 0);
    assert_eq!((r.first, r.count), (1, 1));
    e.reply(r.id, 0, status(413)).unwrap();
    let l = letter(&mut e, 0);
    assert_eq!((l.first, l.attempts), (1, 3));
    assert_eq!(
        l.reason,
        Reason::TooLarge {
            bytes: 9,
            status: Some(413)
        }
    );
    let r = send(&mut e, 0);
    assert_eq!((r.first, r.count), (2, 1));
    e.reply(r.id, 0, status(202)).unwrap();
    assert_eq!(e.next(0), Action::Done);
    let s = e.summary();
    assert_eq!(
        (s.delivered, s.dead_lettered, s.splits, s.requests),
        (2, 1, 2, 5)
    );
}

#[test]
fn fatal_statuses_dead_letter_the_rest_without_requests() {
    for s in [401, 403, 404, 405, 410, 501, 505, 511] {
        let mut e = engine(|c| c.max_batch_events = 1);
        for n in 0..3 {
            e.push(event(n));
        }
        e.finish();
        let r = send(&mut e, 0);
        let body = r#"{"error":{"code":401,"message":"Token Authentication failed"}}"#;
        let reply = Reply::Status {
            status: s,
            retry_after: None,
            location: None,
            body: body.to_owned(),
        };
        assert!(matches!(
            e.reply(r.id, 0, reply).unwrap(),
            Verdict::Failed { fatal: true, .. }
        ));
        let l = letter(&mut e, 0);
        assert_eq!((l.first, l.reason.status(), l.attempts), (0, Some(s), 1));
        assert!(
            l.reason
                .to_string()
                .ends_with("(Token Authentication failed)"),
            "{}",
            l.reason
        );
        for first in 1..3 {
            let l = letter(&mut e, 0);
            assert_eq!((l.first, l.attempts), (first, 0));
            assert!(matches!(l.reason, Reason::NotSent { .. }));
            assert_eq!(l.reason.code(), "http-status");
        }
        assert_eq!(e.next(0), Action::Done);
        assert_eq!(e.summary().requests, 1);
    }
    let mut e = engine(|_| {});
    e.push(event(0));
    e.finish();
    let r = send(&mut e, 0);
    e.reply(r.id, 0, status(401)).unwrap();
    assert_eq!(
        letter(&mut e, 0).reason.to_string(),
        "401 Unauthorized: the token is missing or invalid"
    );
}

#[test]
fn a_400_fails_only_its_batch() {
    let mut e = engine(|c| c.max_batch_events = 1);
    e.push(event(0));
    e.push(event(1));
    e.finish();
    let r = send(&mut e, 0);
    let body = "<html>\n<h1>Bad\n request</h1></html>";
    let reply = Reply::Status {
        status: 400,
        retry_after: None,
        location: None,
        body: body.to_owned(),
    };
    assert!(matches!(
        e.reply(r.id, 0, reply).unwrap(),
        Verdict::Failed { fatal: false, .. }
    ));
    assert_eq!(
        letter(&mut e, 0).reason.to_string(),
        "400 Bad Request: the ingest API rejected the request body (<html> <h1>Bad request</h1></html>)"
    );
    let r = send(&mut e, 0);
    e.reply(r.id, 0, status(202)).unwrap();
    assert_eq!(e.next(0), Action::Done);
    assert_eq!((e.summary().delivered, e.summary().dead_lettered), (1, 1));
}

fn redirect(s: u16, location: Option<&str>) -> Reply {
    Reply::Status {
        status: s,
        retry_after: None,
        location: location.map(str::to_owned),
        body: String::new(),
    }
}

#[test]
fn same_origin_307_and_308_resend_the_same_post() {
    for s in [307, 308] {
        let mut e = engine(|_| {});
        e.push(event(0));
        e.finish();
        let first = send(&mut e, 0);
        let v = e
            .reply(
                first.id,
                0,
                redirect(s, Some("/platform/ingest/custom/security.events/moved")),
            )
            .unwrap();
        assert_eq!(
            v,
            Verdict::Redirected {
                status: s,
                to: "https://abc.live.dynatrace.com/platform/ingest/custom/security.events/moved"
                    .to_owned()
            }
        );
        let again = send(&mut e, 0);
        assert_eq!(
            again.url,
            "https://abc.live.dynatrace.com/platform/ingest/custom/security.events/moved"
        );
        assert_eq!(again.body, first.body);
        e.reply(again.id, 0, status(202)).unwrap();
        assert_eq!(e.next(0), Action::Done);
        assert!(e.summary().all_delivered());
    }
}

#[test]
fn other_redirects_are_refused_and_fatal() {
    let cases = [
        (301, Some("/elsewhere")),
        (302, Some("/elsewhere")),
        (303, Some("/elsewhere")),
        (307, Some("https://evil.example/ingest")),
        (308, Some("//evil.example/ingest")),
        (307, Some("relative")),
        (307, None),
    ];
    for (s, location) in cases {
        let mut e = engine(|c| c.max_batch_events = 1);
        e.push(event(0));
        e.push(event(1));
        e.finish();
        let r = send(&mut e, 0);
        assert!(matches!(
            e.reply(r.id, 0, redirect(s, location)).unwrap(),
            Verdict::Failed { fatal: true, .. }
        ));
        let l = letter(&mut e, 0);
        assert_eq!((l.reason.code(), l.reason.status()), ("redirect", Some(s)));
        assert!(matches!(letter(&mut e, 0).reason, Reason::NotSent { .. }));
        assert_eq!(e.next(0), Action::Done);
        assert_eq!(e.summary().requests, 1);
    }
    // Redirect loops end after MAX_REDIRECTS.
    let mut e = engine(|_| {});
    e.push(event(0));
    e.finish();
    for _ in 0..MAX_REDIRECTS {
        let r = send(&mut e, 0);
        assert!(matches!(
            e.reply(r.id, 0, redirect(307, Some("/loop"))).unwrap(),
            Verdict::Redirected { .. }
        ));
    }
    let r = send(&mut e, 0);
    e.reply(r.id, 0, redirect(307, Some("/loop"))).unwrap();
    assert!(
        letter(&mut e, 0)
            .reason
            .to_string()
            .contains("more than 3 times")
    );
}

#[test]
fn abort_dead_letters_everything_not_delivered() {
    let mut e = engine(|c| c.max_batch_events = 2);
    for n in 0..5 {
        e.push(event(n));
    }
    let r = send(&mut e, 0);
    e.reply(r.id, 0, status(202)).unwrap();
    let out = send(&mut e, 0); // events 2 and 3 in flight
    e.abort("interrupted by SIGTERM");
    let l = letter(&mut e, 0);
    assert_eq!((l.first, l.events.len(), l.attempts), (2, 2, 1));
    assert_eq!(
        l.reason.to_string(),
        "not delivered: interrupted by SIGTERM"
    );
    let l = letter(&mut e, 0);
    assert_eq!((l.first, l.events.len()), (4, 1));
    // Pushed after the abort: dead-lettered too.
    e.push(event(5));
    assert_eq!(letter(&mut e, 0).first, 5);
    assert_eq!(e.next(0), Action::Done);
    assert_eq!(e.reply(out.id, 0, status(202)), Err(StaleReply(out.id)));
    let s = e.summary();
    assert_eq!(
        (s.pushed, s.delivered, s.dead_lettered, s.pending),
        (6, 2, 4, 0)
    );
}

#[test]
fn replies_are_matched_to_their_request() {
    let mut e = engine(|_| {});
    e.push(event(0));
    e.finish();
    let r = send(&mut e, 0);
    assert_eq!(e.next(0), Action::AwaitReply(r.id));
    assert!(e.reply(RequestId(99), 0, status(202)).is_err());
    assert!(e.reply(r.id, 0, status(202)).is_ok());
    assert!(e.reply(r.id, 0, status(202)).is_err());
}

#[test]
fn server_text_is_truncated_redacted_and_escaped() {
    let mut e = engine(|_| {});
    e.push(event(0));
    e.finish();
    let r = send(&mut e, 0);
    let body = format!(
        "{{\"error\":{{\"code\":400,\"message\":\"bad {TOKEN}\\nsecmap: total: 9 sent, 0 not delivered{}\"}}}}",
        "x".repeat(500)
    );
    let reply = Reply::Status {
        status: 400,
        retry_after: None,
        location: None,
        body,
    };
    e.reply(r.id, 0, reply).unwrap();
    let text = letter(&mut e, 0).reason.to_string();
    assert!(!text.contains('\n') && !text.contains("SECRET"), "{text}");
    assert!(text.contains("bad [redacted]\\nsecmap: total"), "{text}");
    assert!(text.len() < 400, "{}", text.len());
}

#[test]
fn configs_are_checked() {
    let ok = Config::new(URL, TOKEN);
    assert!(Engine::new(ok.clone()).is_ok());
    for (f, want) in [
        (
            (|c: &mut Config| c.endpoint = "ftp://x/".into()) as fn(&mut Config),
            ConfigError::Endpoint,
        ),
        (
            |c| c.endpoint = "https://u:p@x/".into(),
            ConfigError::Endpoint,
        ),
        (|c| c.token = String::new(), ConfigError::Token),
        (|c| c.token = "a b".into(), ConfigError::Token),
        (|c| c.token = "tök".into(), ConfigError::Token),
        (
            |c| c.max_batch_bytes = 2,
            ConfigError::Limit("max_batch_bytes must be at least 3 (`[x]`)"),
        ),
        (
            |c| c.max_batch_events = 0,
            ConfigError::Limit("max_batch_events must be at least 1"),
        ),
        (
            |c| c.max_attempts = 0,
            ConfigError::Limit("max_attempts must be at least 1"),
        ),
    ] {
        let mut c = ok.clone();
        f(&mut c);
        assert_eq!(Engine::new(c).unwrap_err(), want);
    }
    assert!(!format!("{ok:?}").contains("SECRET"));
}

/// Events as the core writes them (a golden case's expected output: unicode, escapes,
/// nested arrays and objects), one per line.
const GOLDEN: &str = include_str!(
    "../../../testdata/cases/defender-for-cloud/severity-labels-and-scores.events.ndjson"
);

fn golden_events() -> Vec<String> {
    GOLDEN.lines().map(str::to_owned).collect()
}

/// Every request and dead letter of a run where each request gets `reply(attempt)`.
fn drain(e: &mut Engine, reply: impl Fn(&Request) -> u16) -> Vec<(u64, usize, String)> {
    let mut seen = Vec::new();
    loop {
        match e.next(0) {
            Action::Send(r) => {
                let s = reply(&r);
                seen.push((r.first, r.count, r.body.clone()));
                e.reply(r.id, 0, status(s)).unwrap();
            }
            Action::DeadLetter(l) => seen.push((l.first, l.events.len(), l.events.join("\n"))),
            Action::Done => return seen,
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[test]
fn a_body_pushed_whole_makes_the_batches_of_its_events_pushed_one_by_one() {
    let events = golden_events();
    assert!(events.len() > 10);
    let body = format!("[{}]", events.join(","));
    let total = body.len();
    // Several limits: one batch, byte-bound batches, count-bound batches.
    for (bytes, count) in [
        (10_000_000, 5_000),
        (total / 3, 5_000),
        (total, 4),
        (2_000, 1),
    ] {
        let config = |c: &mut Config| {
            c.max_batch_bytes = bytes;
            c.max_batch_events = count;
        };
        let mut by_event = engine(config);
        for ev in &events {
            by_event.push(ev.clone());
        }
        by_event.finish();
        let mut by_body = engine(config);
        assert_eq!(by_body.push_body(&body), Ok(0..events.len() as u64));
        by_body.finish();
        let expected = drain(&mut by_event, |_| 202);
        assert_eq!(drain(&mut by_body, |_| 202), expected);
        if bytes == 10_000_000 {
            // One request, carrying the body exactly.
            assert_eq!(expected, vec![(0, events.len(), body.clone())]);
        }
    }
}

#[test]
fn a_body_pushed_whole_is_still_split_per_event_on_413() {
    let events = golden_events();
    let body = format!("[{}]", events.join(","));
    let mut e = engine(|_| {});
    e.push_body(&body).unwrap();
    e.finish();
    // 413 for anything but single events: halves down to one event per request.
    let seen = drain(&mut e, |r| if r.count > 1 { 413 } else { 202 });
    let singles: Vec<_> = seen.iter().filter(|(_, n, _)| *n == 1).collect();
    assert_eq!(singles.len(), events.len());
    for (i, (first, _, b)) in singles.iter().enumerate() {
        assert_eq!(
            (*first, b.as_str()),
            (i as u64, format!("[{}]", events[i]).as_str())
        );
    }
    let s = e.summary();
    assert_eq!((s.delivered, s.dead_lettered), (events.len() as u64, 0));
}

#[test]
fn bodies_append_and_keep_each_element_as_written() {
    let mut e = engine(|_| {});
    e.push(event(0));
    // Whitespace around elements is not part of them; inside them it is kept.
    let body = " [ {\"n\":1} ,\n{ \"s\": \"a,]\\u00e9\" , \"a\":[1,{}]}\t] ";
    assert_eq!(e.push_body(body), Ok(1..3));
    assert_eq!(e.push_body("[]"), Ok(3..3));
    e.finish();
    let r = send(&mut e, 0);
    assert_eq!(
        r.body,
        "[{\"n\":0},{\"n\":1},{ \"s\": \"a,]\\u00e9\" , \"a\":[1,{}]}]"
    );
    assert_eq!(
        split_body("[{}, {\"x\":null}]"),
        Ok(vec!["{}", "{\"x\":null}"])
    );
}

#[test]
fn a_body_that_is_not_an_array_of_objects_is_refused_whole() {
    let mut e = engine(|_| {});
    for bad in [
        "",
        "{\"n\":1}",
        "[{\"n\":1}",
        "[{\"n\":1}] x",
        "not json",
        "[{\"n\":1},]",
    ] {
        match e.push_body(bad) {
            Err(BodyError::NotArray { message }) => assert!(!message.is_empty(), "{bad}"),
            other => panic!("{bad}: {other:?}"),
        }
    }
    let err = e.push_body("[{\"n\":1},2,{}]").unwrap_err();
    assert_eq!(err, BodyError::NotObject { index: 1 });
    assert_eq!(
        err.to_string(),
        "the request body's element at /1 is not a JSON object (an event)"
    );
    assert_eq!(
        e.push_body("[null]"),
        Err(BodyError::NotObject { index: 0 })
    );
    // Nothing of a refused body was pushed.
    assert_eq!(e.summary().pushed, 0);
    e.finish();
    assert_eq!(e.next(0), Action::Done);
}
