//! A whole request body pushed at once: the JSON array the core writes (`[` + events
//! joined by `,` + `]`), split into its elements' texts in one linear pass and pushed as
//! they are. Hosts hand the core's output straight to the engine, with no event objects
//! built and no JSON written again, and the requests carry the core's bytes.

use std::fmt;
use std::ops::Range;

use serde_json::value::RawValue;

use crate::{Engine, EventId};

/// A body that is not a JSON array of objects. Nothing of it was pushed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyError {
    /// Not JSON, or JSON but not an array: the parser's message (with line and column).
    NotArray {
        /// What the parser said.
        message: String,
    },
    /// The element at JSON pointer `/{index}` is not an object.
    NotObject {
        /// Its index in the array.
        index: usize,
    },
}

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BodyError::NotArray { message } => {
                write!(
                    f,
                    "the request body is not a JSON array of events: {message}"
                )
            }
            BodyError::NotObject { index } => write!(
                f,
                "the request body's element at /{index} is not a JSON object (an event)"
            ),
        }
    }
}

impl std::error::Error for BodyError {}

/// The texts of the elements of the JSON array `body`, each exactly as written (without
/// the whitespace around it), or why `body` is not an array of objects. Linear: one
/// validating parse, no value built, no text copied.
pub fn split_body(body: &str) -> Result<Vec<&str>, BodyError> {
    let elements: Vec<&RawValue> = serde_json::from_str(body).map_err(|e| BodyError::NotArray {
        message: e.to_string(),
    })?;
    elements
        .into_iter()
        .enumerate()
        .map(|(index, raw)| {
            let text = raw.get();
            if text.starts_with('{') {
                Ok(text)
            } else {
                Err(BodyError::NotObject { index })
            }
        })
        .collect()
}

impl Engine {
    /// Pushes every event of `body`, a JSON array of objects (the request body the core
    /// writes), in order, each element's text exactly as written; returns their ids. The
    /// batches are then the ones [`push`](Engine::push)ing the elements one by one makes,
    /// byte for byte. A body that is not an array of objects is refused whole: nothing
    /// is pushed.
    pub fn push_body(&mut self, body: &str) -> Result<Range<EventId>, BodyError> {
        let elements = split_body(body)?;
        let first = self.summary().pushed;
        for text in elements {
            self.push(text.to_owned());
        }
        Ok(first..self.summary().pushed)
    }
}
