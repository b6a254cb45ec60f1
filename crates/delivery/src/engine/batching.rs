//! Batching: events in the order pushed, grouped by bytes and count, and halved when
//! the server answers 413 (the first half gets the odd event).

use super::{Engine, EventId, Reason, Verdict};

/// Events that travel together.
#[derive(Debug)]
pub(super) struct Batch {
    pub(super) first: EventId,
    pub(super) events: Vec<String>,
    /// Sum of the events' lengths.
    pub(super) bytes: usize,
    /// Requests that carried these events (before a split included).
    pub(super) requests: u32,
    /// Retryable failures of this batch.
    pub(super) tries: u32,
    pub(super) redirects: u32,
    pub(super) url: Option<String>,
}

impl Batch {
    pub(super) fn body_bytes(&self) -> usize {
        self.bytes + self.events.len() + 1
    }

    pub(super) fn body(&self) -> String {
        let mut out = String::with_capacity(self.body_bytes());
        out.push('[');
        for (i, e) in self.events.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(e);
        }
        out.push(']');
        out
    }
}

impl Engine {
    /// Makes the next batch from the input. `false` when there is none (the input is
    /// empty, or not finished and a batch could still grow). An event too large alone
    /// becomes a letter (then `true`).
    pub(super) fn form_batch(&mut self) -> bool {
        let Some(front) = self.input.front() else {
            return false;
        };
        let max = self.config.max_batch_bytes;
        if front.len() + 2 > max {
            let first = self.input_first;
            let events = self.take_input(1);
            let bytes = events[0].len() + 2;
            self.letter(
                first,
                events,
                Reason::TooLarge {
                    bytes,
                    status: None,
                },
                0,
            );
            return true;
        }
        // How many events fit: by count, by bytes, and before any oversized event.
        let (mut n, mut body) = (0usize, 1usize);
        for e in &self.input {
            if n == self.config.max_batch_events || body + e.len() + 1 > max {
                break;
            }
            body += e.len() + 1;
            n += 1;
        }
        let full = n < self.input.len();
        if !full && !self.finished {
            return false;
        }
        let first = self.input_first;
        let events = self.take_input(n);
        let bytes = events.iter().map(String::len).sum();
        self.ready.push_back(Batch {
            first,
            events,
            bytes,
            requests: 0,
            tries: 0,
            redirects: 0,
            url: None,
        });
        true
    }

    pub(super) fn take_input(&mut self, n: usize) -> Vec<String> {
        let n = n.min(self.input.len());
        let events: Vec<String> = self.input.drain(..n).collect();
        self.input_first += n as u64;
        self.input_bytes -= events.iter().map(String::len).sum::<usize>();
        events
    }

    /// A 413 for a batch of more than one event: both halves go first, in order, each
    /// with its own retries and redirects.
    pub(super) fn split(&mut self, mut batch: Batch) -> Verdict {
        let count = batch.events.len();
        let bytes = batch.body_bytes();
        let half = count.div_ceil(2);
        let second_events = batch.events.split_off(half);
        let second_bytes = second_events.iter().map(String::len).sum();
        let second = Batch {
            first: batch.first + half as u64,
            events: second_events,
            bytes: second_bytes,
            requests: batch.requests,
            tries: 0,
            redirects: 0,
            url: None,
        };
        batch.bytes -= second_bytes;
        batch.tries = 0;
        batch.redirects = 0;
        batch.url = None;
        self.ready.push_front(second);
        self.ready.push_front(batch);
        self.summary.splits += 1;
        Verdict::Split {
            count,
            bytes,
            halves: (half, count - half),
        }
    }
}
