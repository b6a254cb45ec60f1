// Azure Functions (Node, programming model v4): Event Hubs trigger for Microsoft Defender for
// Cloud continuous export. Bindings are read from app settings when the worker starts; see
// README.md ("Settings").
import { app, output } from '@azure/functions';
import { handleDefenderBatch } from '../handler.js';

const env = process.env;
const seconds = (name, fallback) => {
  const v = Number(env[name] ?? fallback);
  if (!Number.isFinite(v) || v < 0) throw new Error(`setting ${name} must be a number of seconds`);
  return v * 1000;
};
const maxRetries = Number(env.SECMAP_FUNCTION_MAX_RETRIES ?? 5);
if (!Number.isInteger(maxRetries) || maxRetries < -1) {
  throw new Error('setting SECMAP_FUNCTION_MAX_RETRIES must be a whole number (-1: retry forever)');
}

/**
 * Dead letters (rejected records, undeliverable events): one NDJSON blob per invocation in
 * Storage, or, with SECMAP_DEAD_LETTER_EVENTHUB set, one Event Hubs event per dead letter.
 */
export const deadLetterOutput = env.SECMAP_DEAD_LETTER_EVENTHUB
  ? output.eventHub({
      eventHubName: env.SECMAP_DEAD_LETTER_EVENTHUB,
      connection: env.SECMAP_DEAD_LETTER_CONNECTION || 'EVENTHUB_CONNECTION',
    })
  : output.storageBlob({
      path: env.SECMAP_DEAD_LETTER_PATH || 'secmap-dead-letter/defender/{DateTime}-{rand-guid}.ndjson',
      connection: env.SECMAP_DEAD_LETTER_CONNECTION || 'AzureWebJobsStorage',
    });

/** The registration, exported so that tests invoke exactly the registered handler. */
export const defenderFunction = {
  connection: 'EVENTHUB_CONNECTION',
  eventHubName: '%SECMAP_EVENTHUB_NAME%',
  consumerGroup: env.SECMAP_EVENTHUB_CONSUMER_GROUP || '$Default',
  cardinality: 'many',
  // Bodies as bytes (Buffers), exactly as sent. Without `dataType` the host binds a batch
  // as JSON objects (and fails on a body that is not JSON: Azure/azure-functions-nodejs-library#187);
  // with `string`, @azure/functions 4.x still JSON.parses each string (`fromRpcTypedData`,
  // `collectionString`); `binary` arrives as `collectionBytes`, one Buffer per event
  // (`cardinality: many` + `binary` binds `byte[][]`: Azure/azure-functions-host#735). The
  // handler decodes them to strings for the core's Event Hubs batch splitter.
  dataType: 'binary',
  extraOutputs: [deadLetterOutput],
  // A failed invocation re-runs the same batch (the checkpoint does not move meanwhile).
  retry: {
    strategy: 'exponentialBackoff',
    maxRetryCount: maxRetries,
    minimumInterval: seconds('SECMAP_FUNCTION_RETRY_MIN_SECONDS', 10),
    maximumInterval: seconds('SECMAP_FUNCTION_RETRY_MAX_SECONDS', 300),
  },
  handler: (messages, context) => handleDefenderBatch(messages, context, { deadLetterOutput }),
};

app.eventHub('secmapDefender', defenderFunction);
