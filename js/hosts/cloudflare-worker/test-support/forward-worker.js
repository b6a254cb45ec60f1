// Test-only Worker (never deployed): runs secmap/forward inside workerd, so that the shared
// delivery scenarios (host-tests/scenarios/) check the forwarder under the Worker runtime's
// own fetch, timers and streams. POST a JSON body `{ options, events }`: the forwarder is
// created with `options` (endpoint, token, batching, retries) and sends `events`; the reply
// is `{ result, deadEvents, lines }` (what it returned, dead-lettered and logged).
import { createForwarder } from 'secmap/forward';

export default {
  async fetch(request) {
    const { options, events } = await request.json();
    const lines = [];
    const deadEvents = [];
    const logger = { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
    const fwd = createForwarder({ ...options, logger, deadLetter: (l) => deadEvents.push(...l.events) });
    const result = await fwd.send(events);
    return Response.json({ result, deadEvents, lines });
  },
};
