/**
 * `secmap/forward`: the forwarding client every JavaScript host shares. It POSTs events to
 * the Dynatrace OpenPipeline security-events ingest API in batches, retries what can be
 * retried, and hands whatever it cannot deliver to a dead-letter callback. Nothing is
 * dropped silently: every event is either sent or dead-lettered, and counted.
 *
 * Every decision is made by secmap's delivery engine (the Rust crate `secmap-delivery`,
 * from the package's WebAssembly; the `secmap` CLI runs the same engine), so all hosts
 * behave alike: timeouts, resets, 408, 429 and 5xx (except 501, 505, 506, 508, 510, 511)
 * are retried with backoff, full jitter and `Retry-After` (seconds, decimal seconds or an
 * HTTP-date); 413 halves the batch; 401, 403, 404, 405, 410, the permanent 5xx and
 * redirects that are not followed stop the send (the rest is dead-lettered without
 * requests); 400 fails its batch only; 307/308 to the endpoint's origin resend the same
 * POST there, other redirects are never followed (no POST turned into a GET, no token
 * sent elsewhere). Error bodies are read up to 64 KiB.
 */
import type { Output, SecurityEvent } from './index.js';

export interface ForwarderOptions {
  /**
   * The full ingest URL, e.g.
   * `https://<env-id>.live.dynatrace.com/platform/ingest/v1/security.events`
   * (or a custom endpoint `/platform/ingest/custom/security.events/<name>`).
   */
  endpoint: string;
  /**
   * A Dynatrace access token with scope `openpipeline.events_security`, sent as
   * `Authorization: Api-Token <token>`. It never appears in logs, errors or results.
   */
  token: string;
  /** Most bytes per request body (the JSON array). Default 10,000,000. */
  maxBatchBytes?: number;
  /** Most events per request. Default 5,000. */
  maxBatchEvents?: number;
  /** Tries per request, the first included, on 429, 5xx, timeouts and resets. Default 5. */
  maxAttempts?: number;
  /** First backoff; doubles per retry, with full jitter. Default 500 ms. */
  baseDelayMs?: number;
  /** Cap on any single wait, `Retry-After` included. Default 30,000 ms. */
  maxDelayMs?: number;
  /** Per-request timeout. Default 30,000 ms. */
  timeoutMs?: number;
  /**
   * Receives events that could not be delivered, with why. Called once per failed
   * request part. Default: log the count (never the events) at error level.
   */
  deadLetter?: (letter: DeadLetter) => void | Promise<void>;
  /** Where log lines go (`console` by default). Lines never contain the token. */
  logger?: Pick<Console, 'info' | 'warn' | 'error'>;
  /** The fetch implementation (default `globalThis.fetch`). */
  fetch?: typeof fetch;
}

export interface DeadLetter {
  /** The events, consecutive. Event objects given to `send` are handed back as they were;
   * events that came in a request body are parsed from it (only these, only now). */
  events: SecurityEvent[];
  /** The index of the first of them among the events of the `send` (numbered from 0
   * across every body of an array of outputs), to trace them to their source. */
  first: number;
  reason: {
    /** `http-status`: a non-retryable status, retries exhausted, or a redirect that is not
     * followed (301/302/303, another origin, too many: `status` is the 3xx); `timeout`;
     * `network` (reset, refused); `too-large`: one event alone exceeds the size limit or
     * got 413. Events not sent because an earlier request of the send failed for good
     * carry that request's code and status. */
    code: 'http-status' | 'timeout' | 'network' | 'too-large';
    /** The last HTTP status, when there was one. */
    status?: number;
    /** What happened, e.g. `401 Unauthorized: the token is missing or invalid`; control
     * characters escaped and the token redacted. */
    message: string;
    /** Requests made for these events. */
    attempts: number;
  };
}

export interface SendResult {
  /** Events Dynatrace accepted (2xx). */
  sent: number;
  /** Events handed to `deadLetter`. */
  deadLettered: number;
  /** Retries made (requests beyond the first, 413 splits not counted). */
  retried: number;
  /** HTTP requests made. */
  requests: number;
  /** `true` when every event was sent. */
  ok: boolean;
}

/**
 * What `send` takes. Best: what `transform` returned (or several, e.g. one per queue
 * message). Only its request body is used (`bodyBytes`, else `body`): copied once into the
 * engine, split there into events, and sent exactly as the core wrote it; `events` is never
 * read, so no event object is built or serialized again. Also: that body alone (bytes or
 * text: a JSON array of objects), or an array of event objects (serialized one by one with
 * `JSON.stringify`, e.g. events a host built or changed).
 */
export type SendInput =
  | Pick<Output, 'bodyBytes'>
  | { readonly body: string }
  | Uint8Array
  | string
  | ReadonlyArray<Pick<Output, 'bodyBytes'>>
  | ReadonlyArray<SecurityEvent>;

export interface Forwarder {
  /** Sends the events of `input` (see `SendInput`); resolves when each one is sent or
   * dead-lettered. Never rejects for delivery failures (see `SendResult.ok`); rejects with
   * a `TypeError`, before any request, for a body that is not a JSON array of objects
   * (the element or parse error named) or an event that cannot be serialized. */
  send(input: SendInput): Promise<SendResult>;
  /** Totals over every `send` of this forwarder. */
  readonly counters: { sent: number; deadLettered: number; retried: number; requests: number };
}

export function createForwarder(options: ForwarderOptions): Forwarder;

/**
 * Options from environment variables (or app settings):
 * - `DT_INGEST_URL`: the full ingest URL; or `DT_ENVIRONMENT_URL` (e.g.
 *   `https://abc12345.live.dynatrace.com`) plus the built-in path
 *   `/platform/ingest/v1/security.events`;
 * - `DT_API_TOKEN`: the token (required);
 * - `SECMAP_MAX_BATCH_BYTES`, `SECMAP_MAX_BATCH_EVENTS`, `SECMAP_MAX_ATTEMPTS`,
 *   `SECMAP_BASE_DELAY_MS`, `SECMAP_MAX_DELAY_MS`, `SECMAP_TIMEOUT_MS`: the limits above.
 * Throws an `Error` naming the missing or malformed setting (never its value for the token).
 */
export function forwarderOptionsFromEnv(
  env: Record<string, string | undefined>,
): Omit<ForwarderOptions, 'deadLetter' | 'logger' | 'fetch'>;
