// bench ring without one of its peers (ringbuf.js is a devDependency): the other rows and ratios still print, the
// ratios against the absent peer read n/a, and a line says which peer is missing and why.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ringReport, type RingBench } from '../../bench/ring.bench';
import { Results, spread } from '../../bench/stats';

test('a missing peer: n/a ratios and the reason, the rest as usual', () => {
  const r: RingBench = {
    results: new Results(),
    errors: 0,
    ratios: { wasm_over_ringbuf_b1: NaN, wasm_js_over_plain_js_b1: 1.02, wasm_over_postmessage_b1: 4.91 },
    pairs: { wasm_js_over_plain_js_b1: spread([0.9, 1.02, 1.1]) },
    load: { before: [1, 1, 1], after: [1, 1, 1] },
    missing: ['ringbuf.js is not installed (a devDependency: npm ci without --omit=dev), so its rows and ratios are missing'],
  };
  const lines = ringReport(r).split('\n');
  assert.match(lines[0], /^  ratio wasm_over_ringbuf_b1 +n\/a$/);
  assert.match(lines[1], /^  ratio wasm_js_over_plain_js_b1 +1\.02× +pairs: /);
  assert.match(lines[2], /^  ratio wasm_over_postmessage_b1 +4\.91×$/);
  assert.is(
    lines[3],
    '  missing peer: ringbuf.js is not installed (a devDependency: npm ci without --omit=dev), so its rows and ratios are missing',
  );
});

test.run();
