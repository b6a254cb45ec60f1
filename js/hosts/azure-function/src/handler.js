// The Event Hubs batch handler: Defender for Cloud continuous-export messages -> secmap
// `transform` -> Dynatrace through `secmap/forward`. No mapping logic lives here.
//
// Failure policy (README "On failure"):
// - Records `transform` rejects are permanent: they go to the dead-letter output.
// - Events Dynatrace did not take, and batches that failed for a configuration reason, are
//   worth retrying: while the function's retry policy has attempts left the handler THROWS,
//   so the runtime re-runs the whole batch (at-least-once delivery). On the last attempt it
//   writes them to the dead-letter output and returns, because the Functions runtime only
//   writes output bindings of invocations that succeed.
import { forwarderOptionsFromEnv } from 'secmap/forward';
import { NOTHING_SENT, countOutcomes, forwardOutputs, mapPayload } from 'secmap/pipeline';
import { transformOptionsFromEnv } from 'secmap/settings';

// `auto`: one hub carries what continuous export sends, container-image findings
// (assessments and sub-assessments) and alerts alike; each record's provider is detected.
export const DEFAULT_PROVIDER = 'auto';

/**
 * App Service leaves a Key Vault reference as its literal text when it cannot resolve it
 * (no access, wrong URI, vault firewall):
 * https://learn.microsoft.com/en-us/azure/app-service/app-service-key-vault-references#troubleshooting-key-vault-references
 * Sent as a token, that text would only earn 401s; it is a configuration error instead.
 */
export function checkResolvedSettings(env) {
  for (const name of ['DT_API_TOKEN', 'DT_INGEST_URL', 'DT_ENVIRONMENT_URL']) {
    const value = env[name];
    if (typeof value === 'string' && /^\s*@Microsoft\.KeyVault\(/i.test(value)) {
      throw new Error(
        `${name} is an unresolved Key Vault reference: give the function app's managed identity read access ` +
          `to the secret (role "Key Vault Secrets User") and check the reference's SecretUri`,
      );
    }
  }
}
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * One message as `transform` takes it inside the batch array, and as dead letters show it.
 * The trigger hands bodies over as bytes (`dataType: 'binary'`, functions/defender.js):
 * decoded here to the string the core's Event Hubs batch splitter takes, never parsed.
 * Strings and already-parsed objects (a registration without `dataType`) still work.
 */
function normalizeMessage(message) {
  if (message instanceof Uint8Array || message instanceof ArrayBuffer || ArrayBuffer.isView(message)) {
    const bytes =
      message instanceof ArrayBuffer
        ? new Uint8Array(message)
        : new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
    try {
      return { body: utf8.decode(bytes) };
    } catch {
      // Not UTF-8: `null` keeps the record's place (transform rejects it); the dead letter
      // keeps the bytes.
      return { body: null, invalidUtf8: true, base64: Buffer.from(bytes).toString('base64') };
    }
  }
  return { body: message === undefined ? null : message };
}

/** Where message `i` sits in its partition (for replays), from the trigger metadata. */
function messageMetadata(meta, i) {
  const at = (name) => (Array.isArray(meta?.[name]) ? meta[name][i] : undefined);
  const out = {
    partitionId: meta?.partitionContext?.partitionId,
    sequenceNumber: at('sequenceNumberArray'),
    offset: at('offsetArray'),
    enqueuedTimeUtc: at('enqueuedTimeUtcArray'),
  };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

/**
 * True when the runtime will not run this batch again: no retry policy, or the last retry.
 * `maxRetryCount` -1 means "retry forever".
 */
export function isLastAttempt(retryContext) {
  if (!retryContext) return true;
  const { retryCount, maxRetryCount } = retryContext;
  return maxRetryCount >= 0 && retryCount >= maxRetryCount;
}

/**
 * Handles one Event Hubs batch. `deadLetterOutput` is the registered output binding.
 * @param {unknown[]} messages
 * @param {import('@azure/functions').InvocationContext} context
 */
export async function handleDefenderBatch(messages, context, { deadLetterOutput, env = process.env }) {
  const batch = Array.isArray(messages) ? messages : [messages];
  const normalized = batch.map(normalizeMessage);
  const provider = env.SECMAP_PROVIDER?.trim() || DEFAULT_PROVIDER;
  const meta = context.triggerMetadata;
  const letters = []; // NDJSON lines for the dead-letter output
  const base = { invocationId: context.invocationId, functionName: context.functionName };
  const messageEntry = (i) => {
    const n = normalized[i];
    const entry = { index: i, ...messageMetadata(meta, i) };
    if (n.invalidUtf8) entry.bodyBase64 = n.base64;
    else entry.body = n.body;
    return entry;
  };
  const unprocessed = (reason) =>
    normalized.forEach((_, i) => letters.push({ kind: 'unprocessed-message', ...base, reason, message: messageEntry(i) }));

  let retryable = false;
  let mapped;
  let result = NOTHING_SENT;
  let options;
  let forwarderOptions;
  try {
    // Both or neither: a malformed setting leaves the batch unprocessed.
    checkResolvedSettings(env);
    [options, forwarderOptions] = [transformOptionsFromEnv(env), forwarderOptionsFromEnv(env)];
  } catch (e) {
    context.error(`secmap: configuration error: ${e.message}`);
    unprocessed({ code: 'configuration', message: e.message });
    retryable = true;
  }

  if (options) {
    mapped = mapPayload(provider, normalized.map((n) => n.body), options);
    const { failure } = mapped;
    if (failure) {
      context.error(`secmap: the batch of ${batch.length} messages failed as a whole: ${failure.error.message}`);
      unprocessed(failure.reason);
      // The provider and options come from the app settings: `usage` is cured by fixing them.
      retryable = failure.retryable;
    }
  }

  const output = mapped?.output;
  if (output) {
    for (const o of mapped.rejected) {
      const i = Number(o.pointer.split('/')[1]);
      const reason = normalized[i]?.invalidUtf8
        ? { code: 'invalid-utf8', message: 'message body is not UTF-8' }
        : o.error;
      letters.push({
        kind: 'rejected-record',
        ...base,
        reason,
        record: { index: o.index, pointer: o.pointer },
        message: messageEntry(i),
      });
    }
    // The core's request body goes to the forwarder as it is: `output.events` is never
    // parsed on the way (only dead letters are, from the forwarder's copy).
    ({ result } = await forwardOutputs(output, {
      ...forwarderOptions,
      deadLetter: (letter) => {
        for (const event of letter.events) {
          letters.push({ kind: 'undelivered-event', ...base, reason: letter.reason, event });
        }
      },
      logger: {
        info: (m) => context.info(m),
        warn: (m) => context.warn(m),
        error: (m) => context.error(m),
      },
    }));
    if (!result.ok) retryable = true;
  }

  const records = mapped?.records ?? countOutcomes([]);
  const counts = { messages: batch.length, mapped: records.mapped, skipped: records.skipped, rejected: records.rejected };
  const summary = {
    provider,
    records: counts,
    events: { mapped: output?.eventCount ?? 0, sent: result.sent, deadLettered: result.deadLettered },
    retried: result.retried,
    deadLetters: 0,
  };
  context.info(
    `secmap: ${batch.length} messages, ${counts.mapped} records mapped, ${counts.skipped} skipped, ` +
      `${counts.rejected} rejected; ${summary.events.mapped} events, ${result.sent} sent, ${result.deadLettered} not delivered`,
  );

  if (retryable && !isLastAttempt(context.retryContext)) {
    const rc = context.retryContext;
    const attempt = `attempt ${rc.retryCount + 1} of ${rc.maxRetryCount < 0 ? 'unlimited' : rc.maxRetryCount + 1}`;
    const why = [...new Set(letters.filter((l) => l.kind !== 'rejected-record').map((l) => l.reason.message))];
    throw new Error(`secmap: batch not fully delivered (${attempt}), the runtime will retry it: ${why.join('; ')}`);
  }
  if (letters.length > 0) {
    const value =
      deadLetterOutput.type === 'eventHub' ? letters : letters.map((l) => JSON.stringify(l)).join('\n') + '\n';
    context.extraOutputs.set(deadLetterOutput, value);
    summary.deadLetters = letters.length;
    const kinds = {};
    for (const l of letters) kinds[l.kind] = (kinds[l.kind] ?? 0) + 1;
    context.error(
      `secmap: ${letters.length} dead letters written to the ${deadLetterOutput.type} output ` +
        `(${Object.entries(kinds).map(([k, n]) => `${n} ${k}`).join(', ')})`,
    );
  }
  return summary;
}
