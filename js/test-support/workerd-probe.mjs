// A Cloudflare Worker that loads secmap's `workerd` entry (for js/secmap/test/package.test.mjs,
// run in miniflare): answers with the entry's export names and the mapping of an example.
import * as secmap from '../secmap/src/workerd.js';

export default {
  async fetch() {
    const guardduty = secmap.providers().find((p) => p.id === 'guardduty');
    const out = secmap.transform('auto', guardduty.examples[0].payload);
    return Response.json({
      exports: Object.keys(secmap).sort(),
      version: secmap.mappingVersion(),
      events: out.events.map((e) => JSON.stringify(e)),
    });
  },
};
