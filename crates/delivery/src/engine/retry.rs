//! Retries: a retryable failure (timeout, network error, 408, 429, most 5xx) waits for
//! `Retry-After` when the server sent one, else for an exponential backoff with full
//! jitter from the host's seed; both capped at `max_delay_ms`.

use super::{Batch, Engine, Reason, Verdict};

impl Engine {
    /// A retryable failure: wait and send again, or give up after `max_attempts` tries.
    pub(super) fn retry(
        &mut self,
        mut batch: Batch,
        now_ms: u64,
        problem: String,
        retry_after_ms: Option<u64>,
        exhausted: impl FnOnce(u32) -> Reason,
    ) -> Verdict {
        batch.tries += 1;
        if batch.tries >= self.config.max_attempts {
            let reason = exhausted(batch.tries);
            return self.fail(batch, reason, false);
        }
        let wait_ms = match retry_after_ms {
            Some(ms) => ms.min(self.config.max_delay_ms),
            None => self.backoff(batch.tries),
        };
        self.summary.retries += 1;
        let verdict = Verdict::Retry {
            count: batch.events.len(),
            bytes: batch.body_bytes(),
            capped: retry_after_ms.is_some_and(|ms| ms > self.config.max_delay_ms),
            problem,
            attempts: batch.tries,
            max_attempts: self.config.max_attempts,
            wait_ms,
            retry_after_ms,
        };
        self.waiting = Some((now_ms.saturating_add(wait_ms), batch));
        verdict
    }

    /// Exponential backoff with full jitter: uniform in `[0, min(max, base · 2^(n-1))]`.
    fn backoff(&mut self, tries: u32) -> u64 {
        let ceiling = self
            .config
            .base_delay_ms
            .saturating_mul(1u64 << (tries - 1).min(40))
            .min(self.config.max_delay_ms);
        self.random() % (ceiling + 1)
    }

    /// splitmix64: good enough to spread retries, and reproducible from the seed.
    fn random(&mut self) -> u64 {
        self.rng = self.rng.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}
