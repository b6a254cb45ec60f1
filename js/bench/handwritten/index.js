// The hand-written peer of secmap in the benchmark (see README.md): the same call shape as
// the engines in js/bench/bench.mjs, payload in, request body out.
import { transformDefender } from './defender.js';
import { transformGuardDuty } from './guardduty.js';

/**
 * Maps `input` (a string, UTF-8 bytes, or an already-parsed payload) of `provider`
 * (`guardduty` or `defender-for-cloud`); returns `{ body, events }`: the request body
 * (`JSON.stringify` of the events) and how many events it holds.
 */
export function transform(provider, input, options = {}) {
  if (provider === 'guardduty') return transformGuardDuty(input, options);
  if (provider === 'defender-for-cloud') return transformDefender(input, options);
  throw new Error(`the hand-written mapper has no provider ${provider}`);
}
