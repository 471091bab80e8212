// A recorded session keeps the exact bundle it traded beside its session file (_orders/session-<ns>.strategy.js, with
// its source map), so `backtest --parity` replays that text even after the user has edited the strategy's file, says
// so (and what changed), and still matches the live decisions one for one; a stored bundle changed after the session
// is refused, naming the file; --strategy over it is checked against the session's hash as before.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = join(process.cwd(), 'build/ringbook.mjs');
const dir = mkdtempSync(join(tmpdir(), 'ringbook-parity-bundle-'));
const mine = join(dir, 'mine.ts');
writeFileSync(
  mine,
  readFileSync(join(process.cwd(), 'src/strategy/builtins/signal-taker.ts'), 'utf8').replace("name: 'signal-taker'", "name: 'mine'"),
);
const run = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120_000 });
const sha = (t: string) => createHash('sha256').update(t).digest('hex');

/**
 * The replay ran the session's code, not the edited file (which never trades): it took the live decisions, every one,
 * answered by the session's own recorded answers (so an IOC taker's fill is the very fill live had).
 */
function replayedTheSession(r: { status: number | null; stdout: string; stderr: string }): void {
  assert.is(r.status, 0, r.stderr);
  const p = JSON.parse(r.stdout).parity;
  assert.ok(p.live > 0, 'the live session traded');
  assert.is(p.divergence, null, JSON.stringify(p.divergence));
  assert.is(p.matched, p.live, "the replay took the live decisions: the session's bundle, not the edited file");
  assert.is(p.backtest, p.live);
  assert.is(p.answers.venue, 'recorded');
}

const demo = run(
  'demo',
  '--strategy',
  'mine.ts',
  '--set',
  'maxSpreadTicks=100000',
  '--set',
  'threshold=0.2',
  '--set',
  'confirm=1',
  '--duration',
  '12s',
  '--out',
  'data',
);
const orders = join(dir, 'data', '_orders');

test('the session stores the bundle it traded, and its source map, beside its session file', () => {
  assert.is(demo.status, 0, demo.stderr);
  const name = readdirSync(orders).find((n) => /^session-\d+\.json$/.test(n))!;
  const session = JSON.parse(readFileSync(join(orders, name), 'utf8'));
  assert.is(session.strategy.name, 'mine');
  assert.is(session.strategy.source, 'mine.ts');
  assert.is(session.strategy.bundleFile, name.replace('.json', '.strategy.js'));
  const text = readFileSync(join(orders, session.strategy.bundleFile), 'utf8');
  assert.is(sha(text), session.strategy.bundleHash, "the stored text is the bundle the session's hash names");
  assert.ok(JSON.parse(readFileSync(join(orders, `${session.strategy.bundleFile}.map`), 'utf8')).mappings, 'its source map beside it');
});

test('--parity replays the stored bundle after the file was edited, says so, and matches the live decisions', () => {
  const before = sha(
    readFileSync(
      join(
        orders,
        readdirSync(orders).find((n) => n.endsWith('.strategy.js'))!,
      ),
      'utf8',
    ),
  );
  // the user changes the strategy after the session: the new code never trades
  writeFileSync(mine, readFileSync(mine, 'utf8').replace('onBook(m) {', 'onBook(m) {\n        if (m) return;'));
  const r = run('backtest', 'data', '--parity', '--json');
  replayedTheSession(r);
  const out = JSON.parse(r.stdout);
  assert.is(out.metrics.strategy.bundleSha256, before, 'the report names the bundle replayed');
  assert.match(
    r.stderr,
    new RegExp(
      `--parity: replaying the bundle mine traded, stored with the session \\(.*session-\\d+\\.strategy\\.js, sha256 ${before.slice(0, 12)}…\\); mine\\.ts has changed since \\(it bundles to sha256 [0-9a-f]{12}… now\\)`,
    ),
  );
  // --strategy with the edited file is another bundle: refused by name and hash, as before
  const given = run('backtest', 'data', '--parity', '--strategy', 'mine.ts');
  assert.is(given.status, 1);
  assert.match(
    given.stderr,
    /--parity: the session traded mine \(mine\.ts, bundle sha256 [0-9a-f]{12}…\), not mine \(mine\.ts, bundle sha256/,
  );
});

test('the file gone: still the stored bundle, and it says the file is not there', () => {
  copyFileSync(mine, join(dir, 'mine.bak'));
  rmSync(mine);
  const r = run('backtest', 'data', '--parity', '--json');
  replayedTheSession(r);
  assert.match(r.stderr, /; mine\.ts is not there from here\n/);
});

test('a stored bundle changed after the session is refused, naming the file and both hashes', () => {
  const js = readdirSync(orders).find((n) => n.endsWith('.strategy.js'))!;
  appendFileSync(join(orders, js), '\n// edited\n');
  const r = run('backtest', 'data', '--parity');
  assert.is(r.status, 1);
  assert.match(
    r.stderr,
    new RegExp(
      `${js.replace(/\./g, '\\.')}: sha256 [0-9a-f]{12}…, not the [0-9a-f]{12}… the session ran: the stored bundle was changed after the session`,
    ),
  );
});

test.run();
