// AWS Lambda (Node.js 20, ESM): GuardDuty findings from EventBridge -> secmap `transform` ->
// Dynatrace through `secmap/forward`. EventBridge invokes asynchronously with one event per
// invocation; the whole event is the payload. Any record that is not mapped and any event
// Dynatrace did not take makes the invocation fail, so that Lambda's async retries and the
// on-failure destination (the dead letter) apply. See README.md.
import { transform } from 'secmap';
import { createForwarder, forwarderOptionsFromEnv } from 'secmap/forward';
import { intSetting, transformOptionsFromEnv } from 'secmap/settings';

export const DEFAULT_PROVIDER = 'guardduty';

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

/** A secret string holds the token itself, or JSON `{"DT_API_TOKEN": "..."}` (key/value secret). */
function tokenFromSecret(value) {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text.startsWith('{')) {
    try {
      return String(JSON.parse(text).DT_API_TOKEN ?? '').trim();
    } catch {
      return '';
    }
  }
  return text;
}

function failure(name, message) {
  const e = new Error(message);
  e.name = name;
  return e;
}

/**
 * Builds the handler. `env`, `secrets` (the secret loader) and `logger` are injectable for tests.
 */
export function createHandler({ env = process.env, secrets = awsSecrets, logger = console } = {}) {
  let cached; // { token, until }

  async function token() {
    if (env.DT_API_TOKEN) return env.DT_API_TOKEN;
    const secretId = env.DT_API_TOKEN_SECRET_ID;
    const parameterName = env.DT_API_TOKEN_PARAMETER;
    if (!secretId && !parameterName) return undefined; // forwarderOptionsFromEnv names what is missing
    if (cached && cached.until > Date.now()) return cached.token;
    const value = tokenFromSecret(await secrets({ secretId, parameterName }));
    if (!value) {
      const setting = secretId ? 'DT_API_TOKEN_SECRET_ID' : 'DT_API_TOKEN_PARAMETER';
      throw failure('SecmapConfigurationError', `the secret that ${setting} names holds no token`);
    }
    const ttl = intSetting(env, 'SECMAP_SECRET_CACHE_SECONDS') ?? 300;
    cached = { token: value, until: Date.now() + ttl * 1000 };
    return value;
  }

  return async function handler(event) {
    const provider = env.SECMAP_PROVIDER?.trim() || DEFAULT_PROVIDER;
    let options, forwarderOptions;
    try {
      options = transformOptionsFromEnv(env);
      forwarderOptions = forwarderOptionsFromEnv({ ...env, DT_API_TOKEN: await token() });
    } catch (e) {
      logger.error(`secmap: configuration error: ${e.message}`);
      throw failure('SecmapConfigurationError', `secmap: configuration error: ${e.message}`);
    }

    let output;
    try {
      output = transform(provider, event, options);
    } catch (e) {
      // A SecmapError (the payload failed as a whole) fails the invocation as it is.
      logger.error(`secmap: EventBridge event ${event?.id ?? '(no id)'} not mapped: ${e.message}`);
      throw e;
    }
    const letters = [];
    let result = { sent: 0, deadLettered: 0, retried: 0, requests: 0, ok: true };
    if (output.events.length > 0) {
      const forwarder = createForwarder({ ...forwarderOptions, deadLetter: (l) => letters.push(l), logger });
      result = await forwarder.send(output.events);
    }

    const records = { total: output.outcomes.length, mapped: 0, skipped: 0, rejected: 0 };
    for (const o of output.outcomes) records[o.outcome] += 1;
    const summary = {
      provider,
      eventId: event?.id,
      records,
      events: { mapped: output.events.length, sent: result.sent, deadLettered: result.deadLettered },
      retried: result.retried,
    };
    logger.info(`secmap: ${JSON.stringify(summary)}`);

    const problems = [];
    if (!result.ok) {
      if (letters.some((l) => l.reason.status === 401 || l.reason.status === 403)) cached = undefined;
      const reasons = [...new Set(letters.map((l) => l.reason.message))];
      problems.push(`${result.deadLettered} of ${output.events.length} events not delivered (${reasons.join('; ')})`);
    }
    const rejected = output.outcomes.filter((o) => o.outcome === 'rejected');
    if (rejected.length > 0) {
      const why = rejected.map((o) => `record ${o.index} ${o.error.code} at ${o.error.pointer ?? o.pointer}: ${o.error.message}`);
      problems.push(`${rejected.length} records rejected (${why.join('; ')})`);
    }
    if (problems.length > 0) {
      const message = `secmap: EventBridge event ${event?.id ?? '(no id)'}: ${problems.join('; ')}`;
      logger.error(message);
      throw failure(result.ok ? 'SecmapRejectedRecord' : 'SecmapDeliveryError', message);
    }
    return summary;
  };
}

export const handler = createHandler();
