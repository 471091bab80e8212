// `ringbook bench` refuses what it would otherwise ignore or misread, before running anything: an unknown benchmark,
// a flag of bench latency on a run without it, --rounds on bench latency alone. Each is a usage error (exit 2).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { runBench } from '../../bench/index';
import { UsageError } from '../../src/cli/args';

async function refusal(args: string[]): Promise<string> {
  try {
    await runBench(args);
  } catch (e) {
    assert.instance(e, UsageError, String(e));
    return (e as Error).message;
  }
  throw new Error(`bench ${args.join(' ')} ran`);
}

test('latency flags without bench latency, and --rounds with bench latency alone, are refused', async () => {
  assert.is(
    await refusal(['ring', 'book', '--rates', '10']),
    '--rates applies to bench latency only, which this run (ring, book) does not include: add latency or drop --rates',
  );
  assert.match(await refusal(['capture', '--threads', 'single']), /^--threads applies to bench latency only/);
  assert.match(await refusal(['feed', '--duration', '3s']), /^--duration applies to bench latency only/);
  assert.match(await refusal(['latency', '--rounds', '3']), /^--rounds does not apply to bench latency/);
  assert.match(await refusal(['latnecy']), /^unknown benchmark "latnecy" \(did you mean latency\?\): expected one of ring, book/);
});

test('the CLI exits 2 on them', () => {
  const r = spawnSync(process.execPath, [join(process.cwd(), 'build/ringbook.mjs'), 'bench', 'ring', '--rates', '10'], {
    encoding: 'utf8',
  });
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /--rates applies to bench latency only/);
  assert.is(r.stdout, '');
});

test('--venue-policy batch without chrt is refused before anything runs', () => {
  // a PATH with node and nothing else: no chrt
  const bin = mkdtempSync(join(tmpdir(), 'ringbook-bench-args-'));
  symlinkSync(process.execPath, join(bin, 'node'));
  const r = spawnSync(process.execPath, [join(process.cwd(), 'build/ringbook.mjs'), 'bench', 'latency', '--venue-policy', 'batch'], {
    encoding: 'utf8',
    env: { ...process.env, PATH: bin },
  });
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /--venue-policy batch needs util-linux's chrt .*or pass --venue-policy normal/);
  assert.is(r.stdout, '');
});

test.run();
