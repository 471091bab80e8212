import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';

const cli = (...args: string[]) => spawnSync(process.execPath, ['build/ringbook.mjs', ...args], { encoding: 'utf8' });

test('help lists the commands; an unknown command says what to do and exits 2', () => {
  const help = cli('--help');
  assert.is(help.status, 0);
  assert.match(help.stdout, /watch[\s\S]*exchange[\s\S]*doctor[\s\S]*bench/);
  const bad = cli('frobnicate');
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /unknown command "frobnicate"/);
});

test('bench rejects bad arguments with a clear error', () => {
  const r = cli('bench', 'disk');
  assert.is(r.status, 2);
  assert.match(r.stderr, /unknown benchmark "disk": expected one of ring, book, feed, capture, backtest, optimize, import/);
  const q = cli('bench', '--rounds', 'x');
  assert.is(q.status, 2);
  assert.match(q.stderr, /--rounds needs a whole number ≥ 1, got "x" \(see ringbook bench --help\)/);
});

test('a quick bench run completes, moves every record intact and prints JSON with ratios', () => {
  const r = cli('bench', 'ring', 'book', '--quick', '--rounds', '1', '--json');
  assert.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.is(out.ring.record_errors, 0);
  assert.ok(out.ring.ratios.wasm_over_ringbuf_b1 > 0);
  assert.ok(out.book.ratios.core_over_reference_with_signals > 0);
  assert.ok(out.book.rows.core_signals_level_updates_per_s.median > 0);
});

test.run();
