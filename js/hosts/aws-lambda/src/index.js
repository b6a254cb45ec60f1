// AWS Lambda (Node.js 22/24, ESM): GuardDuty findings -> secmap `transform` -> Dynatrace
// through `secmap/forward`. Two triggers (deploy/aws/template.yaml wires either):
// - EventBridge, invoked asynchronously with one event: any record not mapped and any event
//   Dynatrace did not take makes the invocation fail, so that Lambda's async retries and the
//   on-failure destination (the dead letter) apply.
// - SQS (the rule buffers through a queue), a batch of messages whose bodies are EventBridge
//   events: the whole batch is mapped and sent together, and only the messages that failed
//   are reported in `batchItemFailures` (ReportBatchItemFailures), so SQS redelivers just
//   those and, after the queue's maxReceiveCount, moves them to its dead-letter queue.
// Either way the handler stops before the function's deadline (context.getRemainingTimeInMillis)
// and logs its counts as CloudWatch embedded-metric-format lines. See README.md.
// Payloads: the Node.js runtime hands an EventBridge invocation over already parsed (there is
// no raw-payload option), so `transform` serializes it once; SQS bodies are strings and go
// to `transform` as they are. Either way the core's request body goes to the forwarder
// untouched (`output.events` is never parsed).
import { forwarderOptionsFromEnv } from 'secmap/forward';
import { countOutcomes, describeRejection, forwardOutputs, mapPayload } from 'secmap/pipeline';
import { boolSetting, intSetting, transformOptionsFromEnv } from 'secmap/settings';

export const DEFAULT_PROVIDER = 'guardduty';
/** Time kept back from the deadline for reporting (SECMAP_DEADLINE_RESERVE_MS). */
export const DEFAULT_DEADLINE_RESERVE_MS = 5000;
/**
 * The JSON keys a Secrets Manager secret may hold the token under: ours, and the one
 * Dynatrace's own GuardDuty forwarder stores, so that its secret can be reused as it is.
 */
export const TOKEN_KEYS = ['DT_API_TOKEN', 'DYNATRACE_OPENPIPELINE_INGEST_API_TOKEN'];

/** The token from Secrets Manager or SSM Parameter Store, with the SDK the runtime ships. */
async function awsSecrets({ secretId, parameterName }) {
  if (secretId) {
    const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
    const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: secretId }));
    return out.SecretString;
  }
  const { SSMClient, GetParameterCommand } = await import('@aws-sdk/client-ssm');
  const out = await new SSMClient({}).send(new GetParameterCommand({ Name: parameterName, WithDecryption: true }));
  return out.Parameter?.Value;
}

/** A secret string holds the token itself, or JSON with one of `TOKEN_KEYS` (key/value secret). */
export function tokenFromSecret(value) {
  const text = typeof value === 'string' ? value.trim() : '';
  if (!text.startsWith('{')) return text;
  let object;
  try {
    object = JSON.parse(text);
  } catch {
    return '';
  }
  for (const key of TOKEN_KEYS) {
    if (typeof object?.[key] === 'string' && object[key].trim() !== '') return object[key].trim();
  }
  return '';
}

function failure(name, message) {
  const e = new Error(message);
  e.name = name;
  return e;
}

/** True for the event Lambda's SQS event source mapping sends. */
function isSqsBatch(event) {
  return Array.isArray(event?.Records) && event.Records.length > 0 && event.Records.every((r) => r?.eventSource === 'aws:sqs');
}

/**
 * One embedded-metric-format line (written straight to stdout, so that neither the Text nor
 * the JSON log format of the runtime wraps it). Spec:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
export function emfLine(namespace, dimensions, counts, now = Date.now()) {
  return JSON.stringify({
    _aws: {
      Timestamp: now,
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [Object.keys(dimensions)],
          Metrics: Object.keys(counts).map((Name) => ({ Name, Unit: 'Count' })),
        },
      ],
    },
    ...dimensions,
    ...counts,
  });
}

const writeStdout = (line) => process.stdout.write(`${line}\n`);

/**
 * Builds the handler. `env`, `secrets` (the secret loader), `logger` and `metrics` (where
 * EMF lines go) are injectable for tests.
 */
export function createHandler({ env = process.env, secrets = awsSecrets, logger = console, metrics = writeStdout } = {}) {
  let cached; // { token, until }

  async function token() {
    if (env.DT_API_TOKEN) return env.DT_API_TOKEN;
    const secretId = env.DT_API_TOKEN_SECRET_ID;
    const parameterName = env.DT_API_TOKEN_PARAMETER;
    if (!secretId && !parameterName) return undefined; // forwarderOptionsFromEnv names what is missing
    if (cached && cached.until > Date.now()) return cached.token;
    const setting = secretId ? 'DT_API_TOKEN_SECRET_ID' : 'DT_API_TOKEN_PARAMETER';
    let value;
    try {
      value = tokenFromSecret(await secrets({ secretId, parameterName }));
    } catch (e) {
      // The SDK's message names the secret and the missing permission, never its value.
      throw new Error(`the secret that ${setting} names cannot be read (${e?.name ?? 'error'}: ${e?.message ?? e})`);
    }
    if (!value) {
      throw new Error(
        `the secret that ${setting} names holds no token (the token itself, or JSON with key ${TOKEN_KEYS.join(' or ')})`,
      );
    }
    const ttl = intSetting(env, 'SECMAP_SECRET_CACHE_SECONDS') ?? 300;
    cached = { token: value, until: Date.now() + ttl * 1000 };
    return value;
  }

  /** Settings of one invocation; a bad one throws naming it. */
  async function configure() {
    return {
      provider: env.SECMAP_PROVIDER?.trim() || DEFAULT_PROVIDER,
      options: transformOptionsFromEnv(env),
      forwarderOptions: forwarderOptionsFromEnv({ ...env, DT_API_TOKEN: await token() }),
      reserveMs: intSetting(env, 'SECMAP_DEADLINE_RESERVE_MS') ?? DEFAULT_DEADLINE_RESERVE_MS,
      metricsOn: boolSetting(env, 'SECMAP_METRICS') ?? true,
      namespace: env.SECMAP_METRICS_NAMESPACE?.trim() || 'secmap',
    };
  }

  /**
   * Forwarder options bounded by the time left: no single request, nor any backoff wait, may
   * outlast the deadline minus the reserve. Past it, requests fail at once (dead-lettered as
   * `timeout`) instead of being cut off mid-flight by the runtime.
   */
  function boundedOptions(forwarderOptions, remaining, reserveMs, deadLetter) {
    const budget = () => remaining() - reserveMs;
    const left = Math.max(1, budget());
    return {
      ...forwarderOptions,
      timeoutMs: Math.max(1, Math.min(forwarderOptions.timeoutMs ?? 30000, left)),
      maxDelayMs: Math.min(forwarderOptions.maxDelayMs ?? 30000, Math.floor(left / 4)),
      deadLetter,
      logger,
      fetch: (input, init) => {
        if (budget() <= 0) {
          const e = new Error('the function deadline is near: request not started');
          e.name = 'TimeoutError';
          return Promise.reject(e);
        }
        return fetch(input, init);
      },
    };
  }

  function emit(cfg, counts) {
    if (cfg?.metricsOn === false) return;
    metrics(emfLine(cfg?.namespace ?? 'secmap', { Provider: cfg?.provider ?? DEFAULT_PROVIDER }, counts));
  }

  /** An EventBridge event (async invocation): throws on anything not delivered. */
  async function handleEvent(event, remaining) {
    let cfg;
    try {
      cfg = await configure();
    } catch (e) {
      logger.error(`secmap: configuration error: ${e.message}`);
      throw failure('SecmapConfigurationError', `secmap: configuration error: ${e.message}`);
    }
    const id = event?.id ?? '(no id)';
    if (remaining() <= cfg.reserveMs) {
      emit(cfg, { DeadlineUnprocessed: 1 });
      throw failure('SecmapDeadlineError', `secmap: EventBridge event ${id}: too little time left to start`);
    }
    let mapped;
    try {
      mapped = mapPayload(cfg.provider, event, cfg.options);
      // A SecmapError (the payload failed as a whole) fails the invocation as it is.
      if (mapped.failure) throw mapped.failure.error;
    } catch (e) {
      logger.error(`secmap: EventBridge event ${id} not mapped: ${e.message}`);
      emit(cfg, { RecordsRejected: 1 });
      throw e;
    }
    const { output, records } = mapped;
    // The core's request body goes to the forwarder as it is: `output.events` is never parsed.
    const { result, letters } = await forwardOutputs(
      output,
      boundedOptions(cfg.forwarderOptions, remaining, cfg.reserveMs),
    );
    const summary = {
      provider: cfg.provider,
      eventId: event?.id,
      records,
      events: { mapped: output.eventCount, sent: result.sent, deadLettered: result.deadLettered },
      retried: result.retried,
    };
    logger.info(`secmap: ${JSON.stringify(summary)}`);
    emit(cfg, metricCounts(records, summary.events, result.retried, 0));

    const problems = [];
    if (!result.ok) {
      if (letters.some((l) => l.reason.status === 401 || l.reason.status === 403)) cached = undefined;
      const reasons = [...new Set(letters.map((l) => l.reason.message))];
      problems.push(`${result.deadLettered} of ${output.eventCount} events not delivered (${reasons.join('; ')})`);
    }
    if (mapped.rejected.length > 0) {
      problems.push(`${mapped.rejected.length} records rejected (${mapped.rejected.map(describeRejection).join('; ')})`);
    }
    if (problems.length > 0) {
      const message = `secmap: EventBridge event ${id}: ${problems.join('; ')}`;
      logger.error(message);
      throw failure(result.ok ? 'SecmapRejectedRecord' : 'SecmapDeliveryError', message);
    }
    return summary;
  }

  /**
   * An SQS batch: maps every message body (an EventBridge event) while time allows, sends all
   * events together, and returns the messages that were not fully delivered. A configuration
   * error fails the whole batch (thrown: every message comes back).
   */
  async function handleSqs(messages, remaining) {
    let cfg;
    try {
      cfg = await configure();
    } catch (e) {
      logger.error(`secmap: configuration error: ${e.message}`);
      throw failure('SecmapConfigurationError', `secmap: configuration error: ${e.message}`);
    }
    const failed = new Map(); // messageId -> why
    const records = { total: 0, mapped: 0, skipped: 0, rejected: 0 };
    // Every message's output, sent together as their bodies (never parsed into events), and
    // where each message's events start among them, to trace dead letters back.
    const outputs = [];
    const owners = []; // {start, count, i}, by start
    let mapped = 0;
    let unprocessed = 0;
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i];
      if (remaining() <= cfg.reserveMs) {
        // Left for SQS to redeliver: stop before the deadline rather than be cut off.
        for (const rest of messages.slice(i)) failed.set(rest.messageId, 'deadline');
        unprocessed = messages.length - i;
        logger.warn(`secmap: ${unprocessed} of ${messages.length} messages left unprocessed: the function deadline is near`);
        break;
      }
      let mappedMessage;
      try {
        mappedMessage = mapPayload(cfg.provider, m.body ?? '', cfg.options);
        if (mappedMessage.failure) throw mappedMessage.failure.error;
      } catch (e) {
        logger.error(`secmap: SQS message ${m.messageId} not mapped: ${e.message}`);
        records.total += 1;
        records.rejected += 1;
        failed.set(m.messageId, e.code ?? 'error');
        continue;
      }
      const { output } = mappedMessage;
      countOutcomes(output.outcomes, records);
      for (const o of mappedMessage.rejected) {
        logger.error(`secmap: SQS message ${m.messageId}: ${describeRejection(o)}`);
        failed.set(m.messageId, 'rejected');
      }
      if (output.eventCount > 0) {
        owners.push({ start: mapped, count: output.eventCount, i });
        outputs.push(output);
        mapped += output.eventCount;
      }
    }
    const reasons = new Set();
    const { result } = await forwardOutputs(
      outputs,
      boundedOptions(cfg.forwarderOptions, remaining, cfg.reserveMs, (letter) => {
        reasons.add(letter.reason.message);
        if (letter.reason.status === 401 || letter.reason.status === 403) cached = undefined;
        // The letter's events are `first ..< first + length` of the send: fail their messages.
        const end = letter.first + letter.events.length;
        for (let k = firstOwner(owners, letter.first); k < owners.length && owners[k].start < end; k++) {
          failed.set(messages[owners[k].i].messageId, 'undelivered');
        }
      }),
    );
    const summary = {
      provider: cfg.provider,
      messages: messages.length,
      records,
      events: { mapped, sent: result.sent, deadLettered: result.deadLettered },
      retried: result.retried,
      failedMessages: failed.size,
      unprocessed,
    };
    logger.info(`secmap: ${JSON.stringify(summary)}`);
    if (reasons.size > 0) logger.error(`secmap: ${result.deadLettered} events not delivered (${[...reasons].join('; ')})`);
    emit(cfg, { ...metricCounts(records, summary.events, result.retried, unprocessed), MessagesFailed: failed.size });
    return { batchItemFailures: [...failed.keys()].map((itemIdentifier) => ({ itemIdentifier })) };
  }

  return async function handler(event, context) {
    const remaining =
      typeof context?.getRemainingTimeInMillis === 'function'
        ? () => context.getRemainingTimeInMillis()
        : () => Number.POSITIVE_INFINITY;
    return isSqsBatch(event) ? handleSqs(event.Records, remaining) : handleEvent(event, remaining);
  };
}

/** The index of the owner holding event `n` (owners sorted by start, none empty). */
function firstOwner(owners, n) {
  let lo = 0;
  let hi = owners.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (owners[mid].start + owners[mid].count <= n) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function metricCounts(records, events, retried, unprocessed) {
  return {
    RecordsMapped: records.mapped,
    RecordsSkipped: records.skipped,
    RecordsRejected: records.rejected,
    EventsSent: events.sent,
    EventsDeadLettered: events.deadLettered,
    Retries: retried,
    DeadlineUnprocessed: unprocessed,
  };
}

export const handler = createHandler();
