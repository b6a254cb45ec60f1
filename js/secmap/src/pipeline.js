// `secmap/pipeline`: what every host does between its trigger and Dynatrace, written once
// so that the hosts behave alike: map a payload with `transform` (a payload that fails as a
// whole is a value, not an exception), count the outcomes, list the rejected records, and
// forward the events with `secmap/forward`, keeping what could not be delivered. Each host
// keeps only its trigger wiring: reading its event, its platform's retry semantics, where
// dead letters go, and how it logs. The contract is pipeline.d.ts.
import { transform, SecmapError } from 'secmap';
import { createForwarder } from './forward.js';

/** Error categories a retry can cure when the provider and options come from the host's
 * settings: `usage` (fixed by correcting the settings), `internal` (may be transient). An
 * `input` or `limit` failure comes back the same on every retry. */
const RETRYABLE_CATEGORIES = new Set(['usage', 'internal']);

/** The `SendResult` of a call that had no events to send (no request is made). */
export const NOTHING_SENT = Object.freeze({ sent: 0, deadLettered: 0, retried: 0, requests: 0, ok: true });

/** Counts of outcomes: `{ total, mapped, skipped, rejected }`, added to `into` when given. */
export function countOutcomes(outcomes, into = { total: 0, mapped: 0, skipped: 0, rejected: 0 }) {
  for (const o of outcomes) {
    into.total += 1;
    into[o.outcome] += 1;
  }
  return into;
}

/** One line naming a rejected record: `record 3 missing-field at /detail/id: ...`. */
export function describeRejection(outcome) {
  const { error } = outcome;
  return `record ${outcome.index} ${error.code} at ${error.pointer ?? outcome.pointer}: ${error.message}`;
}

/**
 * Why a whole payload failed, as a plain object for logs, responses and dead letters:
 * `{ code, category, message, limit?, pointer?, line?, column? }` (`message` without the
 * code and location that `SecmapError.message` repeats).
 */
export function failureReason(error) {
  const reason = { code: error.code, category: error.category, message: error.detail };
  for (const k of ['limit', 'pointer', 'line', 'column']) if (error[k] !== undefined) reason[k] = error[k];
  return reason;
}

/**
 * Maps one payload. A payload (or provider, or options) that fails as a whole comes back as
 * `failure`; any other error (a bug outside the core) is thrown.
 */
export function mapPayload(provider, payload, options) {
  let output;
  try {
    output = transform(provider, payload, options);
  } catch (e) {
    if (!(e instanceof SecmapError)) throw e;
    return {
      provider,
      output: undefined,
      failure: { error: e, reason: failureReason(e), retryable: RETRYABLE_CATEGORIES.has(e.category) },
      records: countOutcomes([]),
      rejected: [],
    };
  }
  return {
    provider,
    output,
    failure: undefined,
    records: countOutcomes(output.outcomes),
    rejected: output.outcomes.filter((o) => o.outcome === 'rejected'),
  };
}

/**
 * Sends the events of one or several `transform` outputs together, as their request bodies
 * (`events` is never parsed). Without events no forwarder is made and nothing is sent.
 * Resolves with the send's result and every dead letter (also handed, as it comes, to
 * `forwarderOptions.deadLetter` when the host gives one).
 */
export async function forwardOutputs(outputs, forwarderOptions) {
  const list = Array.isArray(outputs) ? outputs : [outputs];
  const letters = [];
  if (!list.some((o) => o.eventCount > 0)) return { result: { ...NOTHING_SENT }, letters };
  const onLetter = forwarderOptions.deadLetter;
  const forwarder = createForwarder({
    ...forwarderOptions,
    deadLetter: (letter) => {
      letters.push(letter);
      return onLetter?.(letter);
    },
  });
  // Outputs without events add no body; the numbering of events (`letter.first`) is the same.
  const result = await forwarder.send(list.filter((o) => o.eventCount > 0));
  return { result, letters };
}

/**
 * One payload through the whole pipeline: `mapPayload`, then `forwardOutputs` when it
 * mapped. Adds what every host reports: `events: { mapped, sent, deadLettered }` beside
 * `records`, the send's `result` (`retried`, `requests`, `ok`) and its `letters`.
 */
export async function mapAndForward({ provider, payload, options, forwarderOptions }) {
  const mapped = mapPayload(provider, payload, options);
  const { result, letters } = mapped.output
    ? await forwardOutputs(mapped.output, forwarderOptions)
    : { result: { ...NOTHING_SENT }, letters: [] };
  return {
    ...mapped,
    result,
    letters,
    events: { mapped: mapped.output?.eventCount ?? 0, sent: result.sent, deadLettered: result.deadLettered },
  };
}
