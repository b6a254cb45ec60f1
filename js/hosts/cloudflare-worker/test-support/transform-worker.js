// Test-only Worker (never deployed): exposes secmap's `transform`, loaded through the
// package's `workerd` entry, so that the golden corpus can be checked inside workerd.
// POST /?provider=<id>&options=<JSON> with the payload bytes as the body.
import { transform, SecmapError } from 'secmap';

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const provider = url.searchParams.get('provider');
    const options = JSON.parse(url.searchParams.get('options') ?? '{}');
    const payload = new Uint8Array(await request.arrayBuffer());
    try {
      const out = transform(provider, payload, options);
      return Response.json({
        // Serialized here, in workerd: these strings are what a Worker would send.
        eventLines: out.events.map((e) => JSON.stringify(e)),
        outcomes: out.outcomes,
        warnings: out.warnings,
      });
    } catch (e) {
      if (!(e instanceof SecmapError)) throw e;
      const { code, category, detail: message, limit, pointer, line, column } = e;
      return Response.json({ error: { code, category, message, limit, pointer, line, column } });
    }
  },
};
