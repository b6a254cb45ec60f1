/**
 * `secmap/pipeline`: the steps every host takes between its trigger and Dynatrace, written
 * once so that the hosts behave alike: map a payload with `transform` (a payload that fails
 * as a whole comes back as a value), count the outcomes, list the rejected records, and
 * forward the events with `secmap/forward`, collecting what could not be delivered. A host
 * keeps only its trigger wiring: reading its event, its platform's retry semantics, where
 * dead letters go, and how it logs.
 */
import type { ErrorInfo, Options, Output, Provider, RecordOutcome, SecmapError, transform } from './index.js';
import type { DeadLetter, ForwarderOptions, SendResult } from './forward.js';

/** What `transform` takes as its payload. */
export type Payload = Parameters<typeof transform>[1];

/** How many records ended in each outcome. */
export interface RecordCounts {
  total: number;
  mapped: number;
  skipped: number;
  rejected: number;
}

/** A payload (or the provider, or the options) that failed as a whole. */
export interface Failure {
  /** What `transform` threw. */
  error: SecmapError;
  /** The same as a plain object for logs, responses and dead letters (`failureReason`). */
  reason: ErrorInfo;
  /**
   * Whether a retry can cure it when the provider and options come from the host's
   * settings: `usage` (after the settings are fixed) and `internal` (may be transient);
   * an `input` or `limit` failure comes back the same on every retry. A host whose
   * provider comes from its caller decides for itself.
   */
  retryable: boolean;
}

/** What `mapPayload` returns: an output, or the failure of the whole payload. */
export type Mapped =
  | {
      provider: Provider;
      output: Output;
      failure: undefined;
      records: RecordCounts;
      /** The rejected outcomes, in record order. */
      rejected: Array<Extract<RecordOutcome, { outcome: 'rejected' }>>;
    }
  | {
      provider: Provider;
      output: undefined;
      failure: Failure;
      /** All zero. */
      records: RecordCounts;
      rejected: [];
    };

/** What `forwardOutputs` resolves with. */
export interface Forwarded {
  result: SendResult;
  /** Every dead letter of the send, in order. */
  letters: DeadLetter[];
}

/** What `mapAndForward` resolves with: the mapping, the send, and its event counts. */
export type Run = Mapped &
  Forwarded & {
    events: { mapped: number; sent: number; deadLettered: number };
  };

/** The `SendResult` of a call with no events to send (no request made). */
export declare const NOTHING_SENT: Readonly<SendResult>;

/** Counts outcomes by kind; adds them to `into` when given (e.g. over a batch of messages). */
export function countOutcomes(outcomes: readonly RecordOutcome[], into?: RecordCounts): RecordCounts;

/** One line naming a rejected record: `record 3 missing-field at /detail/id: ...`. */
export function describeRejection(outcome: Extract<RecordOutcome, { outcome: 'rejected' }>): string;

/** A `SecmapError` as a plain `ErrorInfo` (its `detail` as `message`). */
export function failureReason(error: SecmapError): ErrorInfo;

/**
 * Maps one payload with `transform`. A `SecmapError` comes back as `failure`; any other
 * error (a payload of a type `transform` does not take, a bug) is thrown.
 */
export function mapPayload(provider: Provider, payload: Payload, options?: Options): Mapped;

/**
 * Sends the events of one or several `transform` outputs in one send, as the core wrote
 * them. Without events, no forwarder is made and nothing is sent (`NOTHING_SENT`). Every
 * dead letter is collected (and also handed to `forwarderOptions.deadLetter` as it comes,
 * when given; the forwarder's default of logging the count does not apply).
 */
export function forwardOutputs(
  outputs: Output | readonly Output[],
  forwarderOptions: ForwarderOptions,
): Promise<Forwarded>;

/** `mapPayload`, then `forwardOutputs` when the payload mapped. */
export function mapAndForward(args: {
  provider: Provider;
  payload: Payload;
  options?: Options;
  forwarderOptions: ForwarderOptions;
}): Promise<Run>;
