// Type-checked (never run) by js/secmap/test/types.test.mjs with `tsc --noEmit --strict`
// against the package's published types (index.d.ts, forward.d.ts, pipeline.d.ts), as a
// host written in TypeScript would use them. Each `@ts-expect-error` line is a misuse the types must reject.
import {
  SecmapError,
  eventsToJson,
  mappingVersion,
  providers,
  transform,
  type ErrorInfo,
  type Options,
  type Output,
  type ProviderInfo,
  type RecordOutcome,
  type SecurityEvent,
  type Warning,
} from 'secmap';
import {
  createForwarder,
  forwarderOptionsFromEnv,
  type DeadLetter,
  type Forwarder,
  type ForwarderOptions,
  type SendResult,
} from 'secmap/forward';
import {
  NOTHING_SENT,
  countOutcomes,
  describeRejection,
  forwardOutputs,
  mapAndForward,
  mapPayload,
  type Mapped,
  type RecordCounts,
  type Run,
} from 'secmap/pipeline';

const options: Options = {
  originalContent: true,
  originalContentMaxBytes: 4096,
  reportUnmapped: false,
  skipSampleFindings: true,
  now: '2026-11-24T10:15:00Z',
  limits: { maxPayloadBytes: 1 << 20, maxRecords: 10, maxDepth: 32, maxStringBytes: 1024, maxEvents: 100 },
};

const payloads: Array<string | Uint8Array | ArrayBuffer | DataView | object> = [
  '{}',
  new Uint8Array(2),
  new ArrayBuffer(2),
  new DataView(new ArrayBuffer(2)),
  { records: [] },
];
for (const p of payloads) {
  const out: Output = transform('auto', p, options);
  const first: SecurityEvent | undefined = out.events[0];
  const level: string | number | boolean | string[] | undefined = first?.['dt.security.risk.level'];
  void level;
  for (const o of out.outcomes) describe(o);
  const w: Warning[] = out.warnings;
  const where: string = w[0]?.pointer ?? '';
  void where;
}
transform('guardduty', '{}');
transform('some-future-provider', '{}');

function describe(o: RecordOutcome): string {
  switch (o.outcome) {
    case 'mapped':
      return `${o.index}: ${o.events} events`;
    case 'skipped':
      return `${o.index}: skipped (${o.reason}) ${o.message}`;
    case 'rejected': {
      const e: ErrorInfo = o.error;
      return `${o.index}: ${e.code} at ${e.pointer ?? ''} ${e.line ?? ''}:${e.column ?? ''}`;
    }
  }
}

try {
  transform('auto', 'not json');
} catch (e) {
  if (e instanceof SecmapError) {
    const code: 'invalid-json' | string = e.code;
    const line: number | undefined = e.line;
    const detail: string = e.detail;
    void [code, line, detail];
  }
}

const list: ProviderInfo[] = providers();
const firstExample: string | undefined = list[0]?.examples[0]?.payload;
void firstExample;
const version: string = mappingVersion();
const body: string = eventsToJson(transform('auto', '{}').events);
void [version, body];

const letters: DeadLetter[] = [];
const forwarderOptions: ForwarderOptions = {
  ...forwarderOptionsFromEnv({ DT_ENVIRONMENT_URL: 'https://abc12345.live.dynatrace.com', DT_API_TOKEN: 'x' }),
  maxBatchBytes: 1_000_000,
  maxBatchEvents: 100,
  maxAttempts: 3,
  baseDelayMs: 100,
  maxDelayMs: 5_000,
  timeoutMs: 10_000,
  deadLetter: async (letter) => {
    letters.push(letter);
    const code: 'http-status' | 'timeout' | 'network' | 'too-large' = letter.reason.code;
    const status: number | undefined = letter.reason.status;
    const attempts: number = letter.reason.attempts;
    const first: number = letter.first;
    void [code, status, attempts, first];
  },
  logger: console,
  fetch: globalThis.fetch,
};
const forwarder: Forwarder = createForwarder(forwarderOptions);
createForwarder({ endpoint: 'https://abc12345.live.dynatrace.com/platform/ingest/v1/security.events', token: 't' });

async function forwardAll(): Promise<boolean> {
  const output = transform('auto', '{}');
  // The output itself (its body, as the core wrote it), its bytes or text, several
  // outputs, or event objects.
  const result: SendResult = await forwarder.send(output);
  await forwarder.send(output.bodyBytes);
  await forwarder.send(output.body);
  await forwarder.send([output, output]);
  await forwarder.send(output.events);
  const total: number = forwarder.counters.sent + forwarder.counters.deadLettered;
  void total;
  return result.ok && result.sent + result.deadLettered >= 0 && result.retried >= 0 && result.requests >= 0;
}
void forwardAll;

// A host on secmap/pipeline: map, count, name rejections, forward.
async function pipelineHost(payload: Uint8Array): Promise<number> {
  const mapped: Mapped = mapPayload('auto', payload, options);
  if (mapped.failure) {
    const code: ErrorInfo['code'] = mapped.failure.reason.code;
    const again: boolean = mapped.failure.retryable;
    const thrown: SecmapError = mapped.failure.error;
    void code, again, thrown;
    return 0;
  }
  const counts: RecordCounts = countOutcomes(mapped.output.outcomes, countOutcomes([]));
  const lines: string[] = mapped.rejected.map(describeRejection);
  const letters: DeadLetter[] = (await forwardOutputs([mapped.output], forwarderOptions)).letters;
  const run: Run = await mapAndForward({ provider: 'guardduty', payload, forwarderOptions });
  const sent: number = run.events.sent + NOTHING_SENT.sent;
  return counts.total + lines.length + letters.length + sent;
}
void pipelineHost;

// Misuse the types must reject.
// @ts-expect-error: unknown option key
transform('auto', '{}', { originalContnet: false });
// @ts-expect-error: wrong option type
transform('auto', '{}', { now: 12 });
// @ts-expect-error: a number is not a payload
transform('auto', 42);
// @ts-expect-error: a number is neither a body nor events
void forwarder.send(42);
// @ts-expect-error: endpoint and token are required
createForwarder({ maxAttempts: 3 });
// @ts-expect-error: unknown forwarder option
createForwarder({ endpoint: 'https://x', token: 't', retries: 3 });
// @ts-expect-error: forwarderOptionsFromEnv does not return a logger
forwarderOptionsFromEnv({}).logger;
// @ts-expect-error: not a dead-letter reason code
const badCode: DeadLetter['reason']['code'] = 'gone';
void badCode;
// @ts-expect-error: a run needs forwarder options
void mapAndForward({ provider: 'auto', payload: '{}' });
// @ts-expect-error: NOTHING_SENT is read-only
NOTHING_SENT.sent = 1;
// @ts-expect-error: counters are read-only
forwarder.counters = { sent: 0, deadLettered: 0, retried: 0, requests: 0 };
