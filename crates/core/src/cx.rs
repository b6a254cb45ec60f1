//! What a provider's mapping sees of one record: the parsed record behind path-aware
//! accessors ([`Node`]), warnings, the unmapped-path report and normalization helpers.
//!
//! Each record is parsed once into a borrowed DOM; the mapping navigates it with
//! [`Node::get`] and reads values with typed readers. Navigation never fails; a reader
//! fails with the JSON pointer of the value it was given. camelCase names also match their
//! PascalCase spelling (`id` matches `Id`), since providers send both.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use serde_json_borrow::Value;

use crate::error::{Error, ErrorCode};
use crate::event::Value as EventValue;
use crate::json;
use crate::options::Options;
use crate::output::{Warning, WarningCode};
use crate::payload::Record;
use crate::time::{self, Conversion};

/// The mapping context of one record.
pub(crate) struct Cx<'a> {
    pub options: &'a Options,
    /// `options.now`, normalized.
    pub now: Option<&'a str>,
    payload: &'a str,
    record: &'a Record<'a>,
    root: &'a Value<'a>,
    warnings: RefCell<Vec<Warning>>,
    /// With the unmapped report: what the mapping looked into or read, by value address.
    touched: Option<RefCell<HashMap<usize, Touch>>>,
    original: RefCell<Option<Option<EventValue>>>,
    /// Names of missing places: (name, index of the name above it or [`NO_TAIL`]).
    tails: RefCell<Vec<(&'static str, u32)>>,
    /// Whether keys match in any case (`cveid` matches `CveId`), not only camelCase and
    /// PascalCase; providers turn it on for records whose casing is known to vary.
    any_case: Cell<bool>,
    /// For a document held in a string of the record ([`Cx::embedded`]): the record's
    /// context, which collects the warnings.
    parent: Option<&'a Cx<'a>>,
    /// Unmapped paths inside embedded documents, relative to the record.
    embedded_unmapped: RefCell<Vec<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Touch {
    /// Looked into (keys or items read); its unread children are unmapped.
    Navigated,
    /// Read as a whole.
    Consumed,
}

/// Why a node cannot be read, found while navigating to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    None,
    /// The key appears twice in its object (the anchor).
    Duplicate,
    /// An ancestor that should be an object is something else (the anchor).
    NotAnObject,
}

/// No missing names below the anchor.
const NO_TAIL: u32 = u32::MAX;

/// A place in the record: a value, or the absence of one at a known path.
#[derive(Clone, Copy)]
pub(crate) struct Node<'a> {
    cx: &'a Cx<'a>,
    value: Option<&'a Value<'a>>,
    /// The nearest value that exists at or above this place (the value itself if present);
    /// for a fault, the value at fault.
    anchor: &'a Value<'a>,
    /// The last of the names from the anchor down to this place, when it does not exist:
    /// an index into the record's tail arena ([`NO_TAIL`] when it exists). Kept out of
    /// the node so that nodes stay small: every lookup copies them.
    tail: u32,
    fault: Fault,
}

/// A JSON document held in a string of the record, parsed; see [`Cx::parse_embedded`].
pub(crate) struct Embedded<'a> {
    record: Record<'a>,
    /// The string's pointer relative to the record.
    prefix: String,
    dom: Value<'a>,
}

/// A timestamp as the provider sent it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Time<'a> {
    Text(&'a str),
    Epoch(f64),
}

impl<'a> Cx<'a> {
    pub(crate) fn new(
        options: &'a Options,
        now: Option<&'a str>,
        payload: &'a str,
        record: &'a Record<'a>,
        root: &'a Value<'a>,
    ) -> Cx<'a> {
        Cx {
            options,
            now,
            payload,
            record,
            root,
            warnings: RefCell::new(Vec::new()),
            touched: options
                .report_unmapped
                .then(|| RefCell::new(HashMap::new())),
            original: RefCell::new(None),
            tails: RefCell::new(Vec::new()),
            any_case: Cell::new(false),
            parent: None,
            embedded_unmapped: RefCell::new(Vec::new()),
        }
    }

    /// From now on, keys of this record match in any case.
    pub(crate) fn match_keys_in_any_case(&self) {
        self.any_case.set(true);
    }

    /// The JSON document a string of the record holds (Azure's `additionalData` is a map
    /// of strings, some of them JSON): `Ok(None)` when `at` is not a string. The document
    /// is parsed into `dom`, which the caller keeps for the lifetime of the returned
    /// context; pointers in it continue the string's pointer, warnings go to this record.
    pub(crate) fn parse_embedded(&self, at: &Node<'a>) -> Result<Option<Embedded<'a>>, Error> {
        if !matches!(at.present()?, Some(Value::Str(_))) {
            return Ok(None);
        }
        let Some(text) = at.opt_str()? else {
            return Ok(None);
        };
        let parsed = serde_json::from_str::<Value<'a>>(text).map_err(|e| {
            self.error_at(
                ErrorCode::InvalidJson,
                format!(
                    "the string does not hold JSON: {} at column {}",
                    json::bare_message(&e),
                    e.column()
                ),
                at,
            )
        })?;
        let max = self.options.limits.max_depth;
        if json::depth_exceeds(&parsed, max) {
            let e = Error::limit("maxDepth", max as usize, "levels of nesting");
            return Err(self.error_at(e.code(), e.message(), at));
        }
        Ok(Some(Embedded {
            record: Record {
                index: self.record.index,
                pointer: format!("{}{}", self.record.pointer, at.pointer()),
                line: self.record.line,
                text: self.record.text,
                dom: None,
            },
            prefix: at.pointer(),
            dom: parsed,
        }))
    }

    /// The context of an embedded document parsed by [`Cx::parse_embedded`].
    pub(crate) fn embedded(&'a self, doc: &'a Embedded<'a>) -> Cx<'a> {
        let mut cx = Cx::new(self.options, self.now, self.payload, &doc.record, &doc.dom);
        cx.any_case.set(self.any_case.get());
        cx.parent = Some(self);
        cx
    }

    /// Ends an embedded document's context: its unread paths join this record's report.
    pub(crate) fn end_embedded(&self, sub: &Cx<'_>, doc: &Embedded<'_>) {
        let unmapped = sub.unmapped();
        let mut mine = self.embedded_unmapped.borrow_mut();
        mine.extend(unmapped.into_iter().map(|p| format!("{}{p}", doc.prefix)));
    }

    /// The record's root.
    pub(crate) fn root(&'a self) -> Node<'a> {
        self.node(self.root)
    }

    fn node(&'a self, v: &'a Value<'a>) -> Node<'a> {
        Node {
            cx: self,
            value: Some(v),
            anchor: v,
            tail: NO_TAIL,
            fault: Fault::None,
        }
    }

    /// The record's JSON text.
    pub(crate) fn text(&self) -> &'a str {
        self.record.text
    }

    /// A record-level error at `node`. Line and column locate the record in the payload
    /// (the pointer locates the value within it).
    #[cold]
    pub(crate) fn error_at(
        &self,
        code: ErrorCode,
        message: impl Into<String>,
        node: &Node<'_>,
    ) -> Error {
        // The node's own record pointer: an embedded document's continues the string's.
        let e = Error::new(code, message).with_pointer(format!(
            "{}{}",
            node.cx.record.pointer,
            node.pointer()
        ));
        match json::offset_in(self.payload, self.record.text) {
            Some(at) => {
                let (line, column) = json::position(self.payload, at);
                e.with_position(line, column)
            }
            None => e,
        }
    }

    /// Raises a warning about the value at `node`.
    pub(crate) fn warn(&self, code: WarningCode, message: impl Into<String>, node: &Node<'_>) {
        let warnings = match self.parent {
            Some(p) => &p.warnings,
            None => &self.warnings,
        };
        warnings.borrow_mut().push(Warning {
            record: self.record.index,
            code,
            message: message.into(),
            pointer: format!("{}{}", node.cx.record.pointer, node.pointer()),
        });
    }

    /// A timestamp normalized to RFC 3339 UTC; `None` (with a warning) when unreadable.
    pub(crate) fn time(&self, t: Time<'_>, node: &Node<'_>) -> Option<String> {
        let normalized = match t {
            Time::Text(s) => time::normalize_text(s),
            Time::Epoch(n) => time::normalize_epoch(n)
                .map(|(ts, unit)| (ts, Conversion::Converted(unit.epoch_unit()))),
        };
        match normalized {
            Some((ts, Conversion::None)) => Some(ts),
            Some((ts, Conversion::Converted(how))) => {
                self.warn(
                    WarningCode::TimestampNormalized,
                    format!("timestamp `{t}` converted to {ts} ({how})"),
                    node,
                );
                Some(ts)
            }
            None => {
                self.warn(
                    WarningCode::TimestampInvalid,
                    format!("`{t}` is not a timestamp; left out"),
                    node,
                );
                None
            }
        }
    }

    /// The timestamp at `node`, normalized, for an optional time: `None` when absent, and
    /// (with [`Cx::time`]'s warning) when unreadable; a wrongly typed value is an error.
    pub(crate) fn optional_time(&self, node: &Node<'_>) -> Result<Option<String>, Error> {
        Ok(node.time()?.and_then(|t| self.time(t, node)))
    }

    /// The first readable timestamp of `candidates`, for a required time.
    pub(crate) fn required_time(&self, candidates: &[Node<'a>]) -> Result<String, Error> {
        // Every candidate is read (and type-checked); the first readable one wins.
        let times = candidates
            .iter()
            .map(|n| n.time())
            .collect::<Result<Vec<_>, Error>>()?;
        for (t, node) in times.into_iter().zip(candidates) {
            if let Some(t) = t
                && let Some(ts) = self.time(t, node)
            {
                return Ok(ts);
            }
        }
        let names: Vec<String> = candidates.iter().map(Node::pointer).collect();
        let first = candidates.first().copied().unwrap_or_else(|| self.root());
        Err(self.error_at(
            ErrorCode::MissingField,
            format!("no readable finding time; looked at {}", names.join(", ")),
            &first,
        ))
    }

    /// The record for `event.original_content`, computed once per record; `None` when
    /// the option is off. Uncapped, it is the record's text, compacted once (a [`JsonDoc`](crate::event::JsonDoc)).
    pub(crate) fn original_content(&self) -> Option<EventValue> {
        if let Some(cached) = &*self.original.borrow() {
            return cached.clone();
        }
        let value = self.options.original_content.then(|| {
            let Some(max) = self.options.original_content_max_bytes else {
                return EventValue::json(self.text());
            };
            let mut out = String::new();
            json::minify_into(self.text(), &mut out);
            let max = max as usize;
            if out.len() > max {
                let len = out.len();
                let end = json::floor_char_boundary(&out, max);
                out.truncate(end);
                self.warn(
                    WarningCode::OriginalContentTruncated,
                    format!("event.original_content cut from {len} to {end} bytes"),
                    &self.root(),
                );
            }
            EventValue::from(out)
        });
        *self.original.borrow_mut() = Some(value.clone());
        value
    }

    /// Ends the record: its warnings, and (for mapped records, with the report on) the
    /// source paths no mapping read, sorted and without duplicates.
    pub(crate) fn finish(self, mapped: bool) -> (Vec<Warning>, Vec<String>) {
        let unmapped = if mapped { self.unmapped() } else { Vec::new() };
        (self.warnings.into_inner(), unmapped)
    }

    /// The source paths no mapping read (with the report on), sorted, without duplicates.
    fn unmapped(&self) -> Vec<String> {
        let mut unmapped = Vec::new();
        if let Some(touched) = &self.touched {
            let touched = touched.borrow();
            let mut path = String::new();
            collect_unmapped(self.root, &touched, &mut path, &mut unmapped);
            unmapped.extend(self.embedded_unmapped.take());
            unmapped.sort();
            unmapped.dedup();
        }
        unmapped
    }

    fn push_tail(&self, name: &'static str, above: u32) -> u32 {
        let mut tails = self.tails.borrow_mut();
        tails.push((name, above));
        u32::try_from(tails.len() - 1).unwrap_or(NO_TAIL)
    }

    /// The missing names from the anchor down to `tail`, top first.
    fn tail_names(&self, mut tail: u32) -> Vec<&'static str> {
        let tails = self.tails.borrow();
        let mut names = Vec::new();
        while let Some(&(name, above)) = tails.get(tail as usize) {
            names.push(name);
            tail = above;
        }
        names.reverse();
        names
    }

    fn touch(&self, v: &Value<'_>, how: Touch) {
        if let Some(t) = &self.touched {
            let mut t = t.borrow_mut();
            let slot = t.entry(addr(v)).or_insert(how);
            // Reading a value whole also covers having looked into it.
            if how == Touch::Consumed {
                *slot = Touch::Consumed;
            }
        }
    }
}

impl<'a> Node<'a> {
    /// The child `name` (or its PascalCase spelling). Never fails; reading it might.
    pub(crate) fn get(self, name: &'static str) -> Node<'a> {
        if self.fault != Fault::None {
            return Node {
                tail: self.cx.push_tail(name, self.tail),
                value: None,
                ..self
            };
        }
        match self.value {
            Some(v @ Value::Object(obj)) => {
                self.cx.touch(v, Touch::Navigated);
                let mut found = None;
                let mut twice = false;
                for (k, child) in obj.iter() {
                    if key_matches(k, name, self.cx.any_case.get()) {
                        twice |= found.is_some();
                        found.get_or_insert(child);
                    }
                }
                match (found, twice) {
                    (Some(child), false) => self.cx.node(child),
                    // Point at the key, not at its first value.
                    (Some(_), true) => Node {
                        value: None,
                        anchor: v,
                        tail: self.cx.push_tail(name, NO_TAIL),
                        fault: Fault::Duplicate,
                        ..self
                    },
                    (None, _) => Node {
                        value: None,
                        tail: self.cx.push_tail(name, NO_TAIL),
                        ..self
                    },
                }
            }
            None | Some(Value::Null) => Node {
                value: None,
                tail: self.cx.push_tail(name, self.tail),
                ..self
            },
            Some(other) => Node {
                value: None,
                anchor: other,
                tail: NO_TAIL,
                fault: Fault::NotAnObject,
                ..self
            },
        }
    }

    /// `name`, or the same field inside a `data` wrapper (Defender's `additionalData`).
    pub(crate) fn get_or_data(self, name: &'static str) -> Node<'a> {
        let direct = self.get(name);
        if direct.value.is_some() || direct.fault != Fault::None {
            return direct;
        }
        let wrapped = self.get("data").get(name);
        if wrapped.value.is_some() {
            wrapped
        } else {
            direct
        }
    }

    /// Whether a non-null value is here. A `null` found here counts as read.
    pub(crate) fn exists(&self) -> bool {
        match self.value {
            Some(Value::Null) => {
                self.cx.touch(self.anchor, Touch::Consumed);
                false
            }
            Some(_) => true,
            None => false,
        }
    }

    /// The value, `None` when absent or null; an error for faults found while navigating.
    fn present(&self) -> Result<Option<&'a Value<'a>>, Error> {
        match self.fault {
            Fault::None => Ok(self.value.filter(|_| self.exists())),
            Fault::Duplicate => Err(self.cx.error_at(
                ErrorCode::InvalidValue,
                format!("duplicate field `{}`", self.key_name()),
                self,
            )),
            Fault::NotAnObject => {
                let found = self.anchor;
                let at = self.cx.node(found);
                Err(self.cx.error_at(
                    ErrorCode::InvalidValue,
                    format!("invalid type: {}, expected an object", describe(found)),
                    &at,
                ))
            }
        }
    }

    fn wrong_type(&self, found: &Value<'_>, expected: &str) -> Error {
        self.cx.error_at(
            ErrorCode::InvalidValue,
            format!("invalid type: {}, expected {expected}", describe(found)),
            self,
        )
    }

    /// A required string.
    pub(crate) fn str(self) -> Result<&'a str, Error> {
        self.opt_str()?.ok_or_else(|| self.missing())
    }

    /// A string, if present.
    pub(crate) fn opt_str(self) -> Result<Option<&'a str>, Error> {
        match self.present()? {
            None => Ok(None),
            Some(Value::Str(s)) => {
                self.cx.touch(self.value.expect("present"), Touch::Consumed);
                Ok(Some(s.as_ref()))
            }
            Some(other) => Err(self.wrong_type(other, "a string")),
        }
    }

    /// A string, if present and not empty.
    pub(crate) fn text(self) -> Result<Option<&'a str>, Error> {
        Ok(self.opt_str()?.filter(|s| !s.is_empty()))
    }

    /// A finite number, from a JSON number or a numeric string (with a warning).
    pub(crate) fn opt_num(self) -> Result<Option<f64>, Error> {
        let Some(v) = self.present()? else {
            return Ok(None);
        };
        let n = match v {
            Value::Number(n) => n.as_f64(),
            Value::Str(s) => match s.trim().parse::<f64>() {
                Ok(n) if n.is_finite() => {
                    self.cx.warn(
                        WarningCode::ValueCoerced,
                        format!("number {} arrived as a string", json::number(n)),
                        &self,
                    );
                    Some(n)
                }
                _ => {
                    return Err(self.cx.error_at(
                        ErrorCode::InvalidValue,
                        format!("invalid value: string \"{s}\", expected a finite number"),
                        &self,
                    ));
                }
            },
            other => return Err(self.wrong_type(other, "a number")),
        };
        self.cx.touch(v, Touch::Consumed);
        Ok(n.filter(|n| n.is_finite()))
    }

    /// A boolean, from `true`/`false` or the strings `"true"`/`"false"`.
    pub(crate) fn opt_bool(self) -> Result<Option<bool>, Error> {
        let Some(v) = self.present()? else {
            return Ok(None);
        };
        let b = match v {
            Value::Bool(b) => *b,
            Value::Str(s) if s.eq_ignore_ascii_case("true") => true,
            Value::Str(s) if s.eq_ignore_ascii_case("false") => false,
            other => return Err(self.wrong_type(other, "a boolean")),
        };
        self.cx.touch(v, Touch::Consumed);
        Ok(Some(b))
    }

    /// A timestamp: text, or an epoch number.
    pub(crate) fn time(self) -> Result<Option<Time<'a>>, Error> {
        let Some(v) = self.present()? else {
            return Ok(None);
        };
        let t = match v {
            Value::Str(s) => Time::Text(s.as_ref()),
            Value::Number(n) => Time::Epoch(n.as_f64().unwrap_or(f64::NAN)),
            other => return Err(self.wrong_type(other, "a timestamp string or an epoch number")),
        };
        self.cx.touch(v, Touch::Consumed);
        Ok(Some(t))
    }

    /// An array of strings (absent or null: empty).
    pub(crate) fn strs(self) -> Result<Vec<&'a str>, Error> {
        let items = self.items()?;
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            if let Some(s) = item.opt_str()? {
                out.push(s);
            }
        }
        Ok(out)
    }

    /// The items of an array (absent or null: none).
    pub(crate) fn items(self) -> Result<Vec<Node<'a>>, Error> {
        match self.present()? {
            None => Ok(Vec::new()),
            Some(v @ Value::Array(items)) => {
                self.cx.touch(v, Touch::Navigated);
                Ok(items.iter().map(|item| self.cx.node(item)).collect())
            }
            Some(other) => Err(self.wrong_type(other, "an array")),
        }
    }

    /// The entries of an object (absent or null: none), in document order.
    pub(crate) fn entries(self) -> Result<Vec<(&'a str, Node<'a>)>, Error> {
        match self.present()? {
            None => Ok(Vec::new()),
            Some(v @ Value::Object(o)) => {
                self.cx.touch(v, Touch::Navigated);
                Ok(o.iter()
                    .map(|(k, child)| (k, self.cx.node(child)))
                    .collect())
            }
            Some(other) => Err(self.wrong_type(other, "an object")),
        }
    }

    /// Whether an object is here (without reading it).
    pub(crate) fn is_object(&self) -> bool {
        matches!(self.value, Some(Value::Object(_)))
    }

    /// Whether an array is here (without reading it).
    pub(crate) fn is_array(&self) -> bool {
        matches!(self.value, Some(Value::Array(_)))
    }

    /// The value as compact JSON text, read as a whole (absent or null: `None`).
    pub(crate) fn json_text(self) -> Result<Option<String>, Error> {
        let Some(v) = self.present()? else {
            return Ok(None);
        };
        self.cx.touch(v, Touch::Consumed);
        // Serializing a parsed DOM cannot fail (string keys, finite numbers).
        Ok(serde_json::to_string(v).ok())
    }

    /// The value's JSON pointer relative to the record.
    pub(crate) fn pointer(&self) -> String {
        let mut out = path_to(self.cx.root, self.anchor).unwrap_or_default();
        // Missing names are spelled in the casing the anchor's keys use.
        let pascal = matches!(self.anchor, Value::Object(o)
            if o.keys().next().is_some_and(|k| k.starts_with(|c: char| c.is_ascii_uppercase())));
        for name in self.cx.tail_names(self.tail) {
            out.push('/');
            if pascal {
                let mut c = name.chars();
                out.extend(c.next().map(|f| f.to_ascii_uppercase()));
                out.push_str(c.as_str());
            } else {
                out.push_str(name);
            }
        }
        out
    }

    fn key_name(&self) -> &'static str {
        self.cx.tail_names(self.tail).last().copied().unwrap_or("")
    }

    #[cold]
    fn missing(&self) -> Error {
        if let Err(e) = self.present() {
            return e;
        }
        let what = match self.cx.tail_names(self.tail).last() {
            Some(n) => format!("missing field `{n}`"),
            None => "missing value".into(),
        };
        self.cx.error_at(ErrorCode::MissingField, what, self)
    }
}

impl std::fmt::Display for Time<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Time::Text(s) => f.write_str(s),
            Time::Epoch(n) => f.write_str(&json::number(*n)),
        }
    }
}

/// `key` is `name`, or `name` with its first letter upper-cased (or, with `any_case`,
/// `name` in any case).
fn key_matches(key: &str, name: &str, any_case: bool) -> bool {
    if key.len() != name.len() {
        return false;
    }
    if any_case {
        return key.eq_ignore_ascii_case(name);
    }
    let (kb, nb) = (key.as_bytes(), name.as_bytes());
    (kb[0] == nb[0] || kb[0] == nb[0].to_ascii_uppercase()) && kb[1..] == nb[1..]
}

fn addr(v: &Value<'_>) -> usize {
    std::ptr::from_ref(v) as usize
}

fn describe(v: &Value<'_>) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) => match n.as_f64() {
            Some(f) => format!("number `{}`", json::number(f)),
            None => "number".into(),
        },
        Value::Str(s) => format!("string \"{}\"", json::truncate(s, 40)),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// The JSON pointer of `target` (found by address) under `root`.
fn path_to(root: &Value<'_>, target: &Value<'_>) -> Option<String> {
    fn walk(v: &Value<'_>, target: usize, path: &mut String) -> bool {
        if addr(v) == target {
            return true;
        }
        let len = path.len();
        match v {
            Value::Object(o) => {
                for (k, child) in o.iter() {
                    path.push('/');
                    path.push_str(&json::escape_token(k));
                    if walk(child, target, path) {
                        return true;
                    }
                    path.truncate(len);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    path.push('/');
                    path.push_str(&i.to_string());
                    if walk(child, target, path) {
                        return true;
                    }
                    path.truncate(len);
                }
            }
            _ => {}
        }
        false
    }
    let mut path = String::new();
    walk(root, addr(target), &mut path).then_some(path)
}

/// The paths of children nobody touched, below values that were looked into. Array
/// positions are written `*`, so each path is a pattern that holds for every item.
fn collect_unmapped(
    v: &Value<'_>,
    touched: &HashMap<usize, Touch>,
    path: &mut String,
    out: &mut Vec<String>,
) {
    let len = path.len();
    let mut visit = |child: &Value<'_>, path: &mut String| {
        match touched.get(&addr(child)) {
            Some(Touch::Consumed) => {}
            Some(Touch::Navigated) => collect_unmapped(child, touched, path, out),
            None => out.push(path.clone()),
        }
        path.truncate(len);
    };
    match v {
        Value::Object(o) => {
            for (k, child) in o.iter() {
                path.push('/');
                path.push_str(&json::escape_token(k));
                visit(child, path);
            }
        }
        Value::Array(items) => {
            for child in items {
                path.push_str("/*");
                visit(child, path);
            }
        }
        _ => {}
    }
}
