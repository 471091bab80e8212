// The replay page's engine room, without a browser: a session fed in arbitrary message-aligned slices ends with the
// metrics of an uninterrupted backtest of the file, slices stop where asked, the player seeks, steps and restarts,
// and the chart tables stay bounded and arrive at the page intact through incremental updates.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile } from 'hyparquet';
import { writeRecording } from '../../bench/recording';
import { listParquet } from '../../src/capture/recover';
import { fileMeta } from '../../src/capture/parquet/reader';
import { createBacktestCore, runFiles } from '../../src/backtest/backtest';
import { computeMetrics, type Metrics } from '../../src/backtest/metrics';
import { loadRecording, type Recording } from '../../src/web/recording';
import { landing } from './landing';
import { ReplaySession } from '../../src/web/replay-session';
import { runSettings, parseFees, DEFAULT_PARAMS, ParamError } from '../../src/web/params';
import { Player } from '../../src/web/player';
import { DecimatedTable } from '../../src/web/decimate';
import { TableCopy } from '../../src/web/tables';
import type { FromWorker, RunParams } from '../../src/web/protocol';
import { testCore } from '../helpers/core';

const PARAMS: RunParams = { ...DEFAULT_PARAMS };

let rec: Recording;
let bc: ReturnType<typeof createBacktestCore>;
let reference: Metrics;

test.before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ringbook-web-'));
  writeRecording(dir, 30_000);
  const [path] = listParquet(dir);
  rec = await loadRecording(await asyncBufferFromFile(path), path);
  bc = createBacktestCore(await testCore(), rec.grid);
  const { meta, rows } = await fileMeta(await asyncBufferFromFile(path));
  const s = runSettings(PARAMS);
  const trace = await runFiles(bc, [{ path, meta, rows, firstLocalTs: BigInt(meta.first_local_ts!) }], rec.grid, {
    ...s,
    symbol: rec.meta.symbol ?? 'BTCUSDT',
  });
  reference = computeMetrics(trace);
});

test('the reference run trades (the comparisons below would prove little otherwise)', () => {
  assert.ok(reference.activity.fills > 0, `fills ${reference.activity.fills}`);
});

test("a session fed in irregular slices and single steps ends with the uninterrupted run's metrics", () => {
  const s = new ReplaySession(rec, bc, runSettings(PARAMS));
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const span = Number(rec.lastNs - rec.firstNs);
  while (!s.atEnd) {
    if (rand() < 0.3) {
      const before = s.messages;
      assert.ok(s.step());
      assert.is(s.messages, before + 1);
    } else {
      const bound = s.relNs + rand() * span * 0.05;
      const end = s.sliceEnd(bound, 1 + Math.floor(rand() * 3000));
      s.feedTo(end);
      assert.ok(s.relNs <= bound || end === s.cursor);
    }
  }
  assert.equal(s.finish(), reference);
});

test('sliceEnd stops at the last whole message at or before the bound', () => {
  const s = new ReplaySession(rec, bc, runSettings(PARAMS));
  const target = Number(rec.lastNs - rec.firstNs) / 2;
  s.feedTo(s.sliceEnd(target));
  assert.ok(s.relNs <= target);
  assert.is(rec.msgEnd[s.cursor - 1], 1, 'ends on a message end');
  const next = s.messageEnd(s.cursor);
  assert.ok(rec.rel[next - 1] > target, 'the next message is past the bound');
  assert.is(s.sliceEnd(target), s.cursor, 'nothing more is due');
});

test('fees and parameters are read as the CLI reads them', () => {
  assert.equal(parseFees(''), { maker: 0.0002, taker: 0.0006 });
  assert.equal(parseFees('-0.0001,0.0005'), { maker: -0.0001, taker: 0.0005 });
  // the runtime's range, as the CLI's --fees: a rate of 1 % or more is refused in the box, not by a failed run
  assert.throws(() => parseFees('0.01,0.0006'), /fees "0\.01,0\.0006" must be maker,taker as fractions of value below 0\.01/);
  assert.throws(() => parseFees('0.5,0.1'), /maker,taker as fractions/);
  assert.throws(() => runSettings({ ...PARAMS, config: '{"entry":' }), /not valid JSON/);
  assert.throws(() => runSettings({ ...PARAMS, config: '{"entry":{"threshold":-1}}' }), /entry\.threshold/);
  // the latency field by the CLI's rule: empty is recorded with round trips of own orders, else feed; recorded without
  // them is refused with the CLI's words and what the recording lacks
  assert.is(runSettings(PARAMS).latency.name, 'feed:4x+0ms,3x+0ms');
  const trips = [
    { reqNs: 1e18, rttNs: 4e6 },
    { reqNs: 1e18 + 1e9, rttNs: 8e6 },
  ];
  assert.is(runSettings(PARAMS, { trips, lacks: null }).latency.name, 'recorded:2 round trips');
  assert.is(runSettings({ ...PARAMS, latency: 'feed' }, { trips, lacks: null }).latency.name, 'feed:4x+0ms,3x+0ms');
  assert.is(runSettings({ ...PARAMS, latency: 'recorded' }, { trips, lacks: null }).latency.entry(1e18 + 5e8), 3e6);
  const lacks = "the served directory's _orders holds no orders of BTCUSDT";
  try {
    runSettings({ ...PARAMS, latency: 'recorded' }, { trips: [], lacks });
    assert.unreachable('recorded without round trips');
  } catch (err) {
    assert.is((err as ParamError).field, 'latency');
    assert.is(
      (err as Error).message,
      'latency recorded needs the order acks of a trading session recorded with the market data (`ringbook demo --out DIR` or ' +
        `\`ringbook live --record DIR\`): ${lacks}; use --latency feed (entry 4× and response 3× the recorded feed latency, the default here) or --latency constant:5ms`,
    );
  }
  assert.throws(() => runSettings({ ...PARAMS, latency: 'recorded' }), /has no _orders stream/);
  assert.throws(() => runSettings({ ...PARAMS, queue: 'fifo' }), /not a queue model/);
  const s = runSettings({ ...PARAMS, latency: 'constant:5ms', queue: 'power:2' });
  assert.is(s.latency.name, 'constant:5ms,5ms');
  assert.is(s.queue.name, 'power:2');
  assert.is(s.sampleNs, 1e9);
});

test('a decimated table stays bounded and its updates rebuild it exactly on the other side', () => {
  const t = new DecimatedTable(2, 64);
  const copy = new TableCopy(2);
  for (let i = 0; i < 10_000; i++) {
    t.push(i, i * 2);
    if (i % 37 === 0) copy.apply(t.update());
  }
  copy.apply(t.update());
  assert.ok(t.length <= 64);
  assert.is(copy.length, t.length);
  const stride = t.everyNth;
  assert.ok(stride >= 10_000 / 64);
  copy.cols[0].forEach((v, i) => {
    assert.is(v, i * stride);
    assert.is(copy.cols[1][i], v * 2);
  });
  assert.is(t.update(), undefined, 'nothing new');
});

/** A player driven by hand: tasks run when `drain` is called; the clock moves 1 ms each time it is read. */
function harness() {
  const posted: FromWorker[] = [];
  const tasks: Array<() => void> = [];
  let clock = 0;
  const player = new Player(rec, bc, PARAMS, 'max', {
    post: (m) => posted.push(m),
    now: () => clock++,
    later: (fn) => tasks.push(fn),
    copyLadder: true,
  });
  const drain = (max = 1e6) => {
    for (let i = 0; i < max && tasks.length; i++) tasks.shift()!();
  };
  const last = () => [...posted].reverse().find((m) => m.type === 'frame') as Extract<FromWorker, { type: 'frame' }>;
  return { player, posted, drain, last };
}

test('the player runs to the end at max speed, seeks both ways and steps one message', () => {
  const h = harness();
  h.player.open();
  assert.is(h.last().status, 'paused');
  h.player.play();
  h.drain();
  const done = h.posted.find((m) => m.type === 'done') as Extract<FromWorker, { type: 'done' }>;
  assert.ok(done, 'the run ended');
  assert.equal(done.metrics, reference);
  assert.is(h.last().status, 'done');

  const first = rec.firstNs;
  const span = rec.lastNs - first;
  const mid = first + span / 2n;
  h.player.seekTo(mid);
  h.drain();
  assert.ok(
    h.posted.some((m) => m.type === 'reset' && m.reason === 'restart'),
    'seeking after the end restarts',
  );
  let f = h.last();
  assert.is(f.status, 'paused');
  assert.not.ok(f.seeking);
  assert.is(BigInt(f.localTs), landing(rec, mid), `landed at ${f.localTs}, wanted the last message at or before ${mid}`);

  const resets = h.posted.filter((m) => m.type === 'reset').length;
  const later = first + (span * 3n) / 4n;
  h.player.seekTo(later);
  h.drain();
  f = h.last();
  assert.is(h.posted.filter((m) => m.type === 'reset').length, resets, 'forwards: no restart');
  assert.is(BigInt(f.localTs), landing(rec, later));

  const before = f.messages;
  h.player.step();
  f = h.last();
  assert.is(f.messages, before + 1);
  assert.ok(f.ladder && f.ladder.bids.length > 0 && f.ladder.asks.length > 0, 'a copied ladder rides along');

  h.player.seekTo(first + span / 4n);
  h.drain();
  f = h.last();
  assert.is(h.posted.filter((m) => m.type === 'reset').length, resets + 1, 'backwards: a restart');
  assert.is(BigInt(f.localTs), landing(rec, first + span / 4n));

  h.player.play();
  h.drain();
  const again = [...h.posted].reverse().find((m) => m.type === 'done') as Extract<FromWorker, { type: 'done' }>;
  assert.equal(again.metrics, reference, 'seeks and steps do not change the outcome');
});

test('a stopped player (another recording is opening) posts nothing more', () => {
  const h = harness();
  h.player.open();
  h.player.play();
  h.drain(2);
  assert.not.ok(
    h.posted.some((m) => m.type === 'done'),
    'still running',
  );
  const n = h.posted.length;
  h.player.stop();
  h.drain();
  assert.is(h.posted.length, n);
});

test('bad parameters leave the recording loaded and say what is wrong; a fixed run works', () => {
  const h = harness();
  h.player.open();
  h.player.rerun({ ...PARAMS, config: '{"signal":{"source":"nope"}}' }, true);
  const err = h.posted.find((m) => m.type === 'error') as Extract<FromWorker, { type: 'error' }>;
  assert.match(err.message, /signal\.source/);
  h.player.rerun(PARAMS, true);
  h.drain();
  assert.ok(h.posted.some((m) => m.type === 'done'));
});

test.run();
