//! The counts over everything pushed, for an honest exit status.

/// Counts over everything pushed. `delivered + dead_lettered + pending` is the number of
/// events pushed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Events pushed.
    pub pushed: u64,
    /// Events the API accepted.
    pub delivered: u64,
    /// Events handed out in [`Action::DeadLetter`](crate::Action::DeadLetter).
    pub dead_lettered: u64,
    /// Events neither (still to send, in a request, or in a letter not yet handed out).
    pub pending: u64,
    /// Requests handed out.
    pub requests: u64,
    /// Requests that repeated an earlier one after a retryable failure.
    pub retries: u64,
    /// 413 splits.
    pub splits: u64,
    /// Whether [`Engine::finish`](crate::Engine::finish) was called and every event is settled.
    pub done: bool,
}

impl Summary {
    /// Whether every event pushed was delivered: the only case for a successful exit.
    pub fn all_delivered(&self) -> bool {
        self.done && self.delivered == self.pushed
    }
}
