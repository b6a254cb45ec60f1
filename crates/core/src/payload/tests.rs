use super::*;

fn split(text: &str, limits: &Limits) -> Result<Vec<String>, Error> {
    let mut scanned = scan(text, limits)?;
    let bodies = scanned.take_bodies();
    let items = resolve(scanned, &bodies, limits)?;
    Ok(items
        .iter()
        .map(|i| match i {
            Item::Record(r) => format!(
                "{}{}:{}",
                r.pointer,
                r.line.map(|l| format!("@{l}")).unwrap_or_default(),
                r.text.len()
            ),
            Item::Bad(b) => format!(
                "{}{}:bad:{}",
                b.pointer,
                b.line.map(|l| format!("@{l}")).unwrap_or_default(),
                b.error.code()
            ),
        })
        .collect())
}

fn shape(text: &str) -> Vec<String> {
    split(text, &Limits::default()).unwrap()
}

#[test]
fn single_array_and_containers() {
    assert_eq!(shape(r#"{"a":1}"#), [":7"]);
    assert_eq!(shape(r#"[{"a":1},{"b":22}]"#), ["/0:7", "/1:8"]);
    assert_eq!(shape(r#"{"records":[{"a":1}]}"#), ["/records/0:7"]);
    assert_eq!(
        shape(r#"{"Findings":[{"a":1}],"ResponseMetadata":{}}"#),
        ["/Findings/0:7"]
    );
    assert_eq!(
        shape(r#"{"value":[{"a":1}],"nextLink":null}"#),
        ["/value/0:7"]
    );
    // `value` that is not an array is just a field of a record.
    assert_eq!(shape(r#"{"value":"x"}"#), [":13"]);
    // Azure Resource Graph pages: the paging fields are neither records nor errors.
    assert_eq!(
        shape(
            r#"{"totalRecords":3,"count":1,"data":[{"a":1}],"facets":[],"resultTruncated":"false","$skipToken":"x"}"#
        ),
        ["/data/0:7"]
    );
    assert_eq!(
        shape(r#"{"count":1,"data":[{"a":1}],"skip_token":null,"total_records":1}"#),
        ["/data/0:7"]
    );
    // Two arrays of records: both are read, every record gets an outcome.
    assert_eq!(
        shape(r#"{"records":[{"a":1}],"value":[{"b":22}]}"#),
        ["/records/0:7", "/value/0:8"]
    );
    // A record with a `data` array stays a record.
    assert_eq!(shape(r#"{"type":"t","data":[1]}"#), [":23"]);
    // Inside a message body too.
    assert_eq!(
        shape(r#"["{\"data\":[{\"a\":1}],\"count\":1}"]"#),
        ["/0/data/0:7"]
    );
}

#[test]
fn event_hubs_string_bodies() {
    assert_eq!(
        shape(r#"["{\"a\":1}", "[{\"b\":1},{\"c\":1}]", "{\"records\":[{\"d\":1}]}", "nope", 5]"#),
        [
            "/0:7",
            "/1/0:7",
            "/1/1:7",
            "/2/records/0:7",
            "/3:bad:invalid-json",
            "/4:bad:unrecognized-record"
        ]
    );
    assert_eq!(shape(r#"["\"{}\""]"#), ["/0:bad:unrecognized-record"]);
    // A lone surrogate escape is valid JSON but no string: that body alone is rejected,
    // at its position.
    let items = split(r#"[{"a":1}, "\ud800"]"#, &Limits::default()).unwrap();
    assert_eq!(items, ["/0:7", "/1:bad:invalid-json"]);
    let mut scanned = scan("[\n \"\\udc00\"]", &Limits::default()).unwrap();
    let bodies = scanned.take_bodies();
    match &resolve(scanned, &bodies, &Limits::default()).unwrap()[0] {
        Item::Bad(b) => assert_eq!((b.error.line(), b.error.column()), (Some(2), Some(2))),
        Item::Record(_) => panic!("a lone surrogate is no record"),
    }
}

#[test]
fn ndjson_rejects_only_bad_lines() {
    assert_eq!(
        shape("{\"a\":1}\n\n{bad\r\n{\"b\":1}\n"),
        ["@1:7", "@3:bad:invalid-json", "@4:7"]
    );
    assert_eq!(shape("{bad\n{\"b\":1}\n"), ["@1:bad:invalid-json", "@2:7"]);
}

#[test]
fn whole_payload_errors() {
    let l = Limits::default();
    assert_eq!(
        split("  \n", &l).unwrap_err().code(),
        ErrorCode::EmptyPayload
    );
    let e = split("{\n  \"a\": tru\n}", &l).unwrap_err();
    assert_eq!(
        (e.code(), e.line(), e.column()),
        (ErrorCode::InvalidJson, Some(2), Some(11))
    );
    // A single record nesting beyond serde_json's own guard fails the payload...
    let deep = r#"{"a":"#.repeat(200) + "1" + &"}".repeat(200);
    assert_eq!(
        split(&deep, &l).unwrap_err().code(),
        ErrorCode::LimitExceeded
    );
    // ...while inside a batch only that element is rejected (the others go on).
    let deep = "[{},".to_owned() + &"[".repeat(5000) + &"]".repeat(5000) + "]";
    assert_eq!(
        split(&deep, &l).unwrap(),
        ["/0:2", "/1:bad:unrecognized-record"]
    );
    let few = Limits {
        max_records: 1,
        ..Limits::default()
    };
    assert_eq!(
        split("[{},{}]", &few).unwrap_err().code(),
        ErrorCode::LimitExceeded
    );
}

#[test]
fn duplicate_keys_still_become_a_record() {
    assert_eq!(shape(r#"{"type":"a","type":"b"}"#), [":23"]);
}

/// `(pointer, line, json or error code, span)` of a record `split_records` finds.
type Shown = (String, Option<u32>, String, Option<std::ops::Range<usize>>);

fn public(payload: &[u8]) -> Vec<Shown> {
    split_records(payload, &Limits::default())
        .unwrap()
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            assert_eq!(r.index as usize, i);
            let json = match r.json {
                Ok(t) => t.into_owned(),
                Err(e) => format!("bad:{}", e.code()),
            };
            (r.pointer, r.line, json, r.span)
        })
        .collect()
}

#[test]
fn split_records_gives_text_spans_and_errors() {
    let s = |p: &str, l: Option<u32>, j: &str, span: Option<std::ops::Range<usize>>| {
        (p.to_owned(), l, j.to_owned(), span)
    };
    // A single record: its text without the surrounding whitespace, after a BOM.
    let payload = "\u{feff} {\"a\": 1}\n";
    assert_eq!(
        public(payload.as_bytes()),
        [s("", None, "{\"a\": 1}", Some(4..12))]
    );
    // NDJSON: each line's record, located by line; a broken line is an error.
    assert_eq!(
        public(b"{\"a\":1}\r\n{bad\n {\"b\":2}\n"),
        [
            s("", Some(1), "{\"a\":1}", Some(0..7)),
            s("", Some(2), "bad:invalid-json", None),
            s("", Some(3), "{\"b\":2}", Some(15..22)),
        ]
    );
    // An Event Hubs batch: a body's records are decoded copies, without a span.
    assert_eq!(
        public(br#"[{"a":1}, "{\"records\":[{\"b\":2}]}", null]"#),
        [
            s("/0", None, "{\"a\":1}", Some(1..8)),
            s("/1/records/0", None, "{\"b\":2}", None),
            s("/2", None, "bad:unrecognized-record", None),
        ]
    );
}

#[test]
fn split_records_fails_as_transform_fails() {
    let few = Limits {
        max_records: 1,
        max_payload_bytes: 16,
        ..Limits::default()
    };
    for payload in [
        &b""[..],
        b"{\"a\": tru}",
        b"[{}, {}]",
        b"[{}                ]",
        b"\xff",
    ] {
        let options = crate::Options {
            limits: few,
            ..crate::Options::new()
        };
        let whole = crate::transform("auto", payload, &options).unwrap_err();
        assert_eq!(split_records(payload, &few).unwrap_err(), whole);
    }
}

/// Message bodies that are one record are parsed once and handed on parsed; everything
/// else a body may hold is read as before, with the same records and errors.
#[test]
fn message_bodies_keep_their_records_and_errors() {
    let batch = [
        r#""{\"a\":1}""#,
        r#"" {\"type\":\"a\",\"type\":\"b\"} ""#,
        r#""{\"records\":[{\"b\":2},{}],\"records\":[]}""#,
        r#""{\"records\":[{\"b\":2},{}]}""#,
        r#""{\"data\":[{}],\"type\":1}""#,
        r#""{\"parameters\":{},\"responses\":{\"200\":{\"body\":{\"value\":[{}]}}}}""#,
        r#""{\"a\":1} {}""#,
        r#""{\"a\":tru}""#,
        r#""{\"records\":[]}""#,
        r#""{\"x\":1,\"value\":[{},{}],\"type\":1}""#,
        r#""{\"x\":1,\"data\":[{},{}],\"Type\":1}""#,
        r#""{\"x\":1,\"parameters\":{},\"responses\":{\"200\":{\"body\":{}}}}""#,
        r#""{\"x\":1,\"parameters\":{},\"responses\":{}}""#,
    ]
    .join(",");
    let payload = format!("[{batch}]");
    let items = split(&payload, &Limits::default()).unwrap();
    assert_eq!(
        items,
        [
            "/0:7",
            "/1:bad:invalid-json",
            "/2:bad:invalid-json",
            "/3/records/0:7",
            "/3/records/1:2",
            "/4:22",
            "/5/responses/200/body/value/0:2",
            "/6:bad:invalid-json",
            "/7:bad:invalid-json",
            "/8:bad:unrecognized-record",
            "/9/value/0:2",
            "/9/value/1:2",
            "/10:31",
            "/11/responses/200/body:2",
            "/12:38",
        ]
    );
    let public = split_records(payload.as_bytes(), &Limits::default()).unwrap();
    let Err(e) = &public[1].json else {
        panic!("a body naming `type` twice is no record")
    };
    assert_eq!(
        e.message(),
        "message body is not JSON: duplicate field `type` at line 1 column 19 of the string"
    );
    // Over `maxRecords` inside the bodies: the payload fails as a whole.
    let two = Limits {
        max_records: 2,
        ..Limits::default()
    };
    for payload in [r#"["{}","{}","{}"]"#, r#"["{}","{\"records\":[{},{}]}"]"#] {
        assert_eq!(
            split(payload, &two).unwrap_err().code(),
            ErrorCode::LimitExceeded
        );
        let options = crate::Options {
            limits: two,
            ..crate::Options::new()
        };
        let whole = crate::transform("auto", payload.as_bytes(), &options).unwrap_err();
        assert_eq!(split_records(payload.as_bytes(), &two).unwrap_err(), whole);
        assert_eq!(whole.code(), ErrorCode::LimitExceeded);
    }
}
