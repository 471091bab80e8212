// How `ringbook demo` and `ringbook live` end on a stop signal, and on a second one while the first stop is still
// under way. The first (SIGTERM) stops in order: cancel all, flatten, the summary, the recording's files finished and
// readable, exit 143. A second ends the process at once with its own code and says what may be left: at the venue
// (live against another process's exchange: the stop's cancel-all had not been answered) or nowhere (demo: its
// exchange ended with it); and the recording, left as journals of what was flushed, which the next start in that
// directory turns into readable Parquet files. Nothing under the recording's own names is left half-written.
//
// The stop is held in progress without any timing: for live, the venue (the local exchange in the test's process)
// answers no REST request from the first signal on, so the stop's cancel-all cannot finish; for demo, whose exchange
// runs inside the child, the child is stopped (SIGSTOP) while both signals are sent, so it takes them together on
// waking, the second while the first stop's cancel-all waits on that exchange, which has not run since.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startExchange, type Exchange } from '../../src/exchange/index';
import type { RestRequest, RestResponse } from '../../src/exchange/router';
import { recoverTree } from '../../src/capture/recover';
import { readFileMeta } from '../../src/capture/read-file';
import { assertVenueFlat } from '../helpers/live-session';
import { CLI, runCli } from '../helpers/cli-run';
import { selfCommand } from '../../src/cli/self';
import { endedAtOnce } from '../../src/cli/session-stop';
import { until } from '../helpers/child-until';

const dir = mkdtempSync(join(tmpdir(), 'ringbook-second-signal-'));

/** A status line with orders sent: the session is trading (to a pipe, one a second with --status-every 1s). */
const TRADING = /^[A-Z_]+ +pos +-?\d+ lots .*\| orders [1-9]/m;
/** The same with a position open (mm-glft quotes both sides: one fills soon on the local exchange). */
const IN_POSITION = /^[A-Z_]+ +pos +-?[1-9]\d* lots/m;
const STOPPING = /\nstopping: cancelling all orders and flattening…\n/;

/** Every file under `d`. */
function files(d: string): string[] {
  if (!existsSync(d)) return [];
  return readdirSync(d, { withFileTypes: true }).flatMap((n) => (n.isDirectory() ? files(join(d, n.name)) : [join(d, n.name)]));
}

/** The built CLI in the background: what it wrote so far (stdout and stderr as one), a wait for a line, its exit. */
function start(args: string[]): { child: ChildProcess; text(): string; seen(re: RegExp): Promise<void>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  let ended = false;
  const waiters: Array<() => void> = [];
  const wake = () => {
    for (const w of waiters.splice(0)) w();
  };
  for (const s of [child.stdout!, child.stderr!]) {
    s.setEncoding('utf8');
    s.on('data', (d: string) => {
      text += d;
      wake();
    });
  }
  // 'close': the exit code once every byte it wrote has been read
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      ended = true;
      wake();
      resolve(code);
    }),
  );
  const seen = (re: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const look = () => {
        if (re.test(text)) resolve();
        else if (ended) reject(new Error(`exited before ${re}:\n${text}`));
        else waiters.push(look);
      };
      look();
    });
  return { child, text: () => text, seen, exited };
}

/** Whether process `pid` is stopped (SIGSTOP): its state in /proc is T. */
function isStopped(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] === 'T';
  } catch {
    return false;
  }
}

/** Every finished Parquet file of the recording under `root` reads (its footer), with its row count; no journal, no temp file. */
async function finishedFiles(root: string): Promise<Array<{ path: string; rows: number }>> {
  const all = files(root);
  assert.equal(
    all.filter((f) => /\.(partial|rawpartial|tmp)$/.test(f)),
    [],
    'nothing unfinished',
  );
  const out = [];
  for (const path of all.filter((f) => f.endsWith('.parquet'))) out.push({ path, rows: (await readFileMeta(path)).rows });
  return out;
}

/** Whether the session's order log under `root` has a record in its journal (flushed each second or so). */
function ordersFlushed(root: string): boolean {
  return files(join(root, '_orders')).some((f) => f.endsWith('.parquet.partial') && statSync(f).size >= 64);
}

/**
 * What a session ended by a second signal left in its recording under `root`: journals of what was flushed, under
 * names of their own (no .parquet file half-written), the session's JSON whole, and the lock gone; recovery (what the
 * next start there runs) turns every journal into a finished file that reads.
 */
async function assertJournalsRecover(root: string): Promise<void> {
  const before = files(root);
  assert.ok(
    before.some((f) => f.endsWith('.parquet.partial')),
    `journals left: ${before.join(', ')}`,
  );
  assert.not.ok(existsSync(join(root, '.ringbook.lock')), 'the lock went with the process');
  const sessions = before.filter((f) => /\/_orders\/session-\d+\.json$/.test(f));
  assert.is(sessions.length, 1, before.join(', '));
  assert.ok(JSON.parse(readFileSync(sessions[0], 'utf8')).symbol, 'the session file is whole');
  const recovered = recoverTree(root);
  assert.ok(recovered.length >= 1);
  assert.ok(
    recovered.every((r) => r.kind === 'recovered'),
    JSON.stringify(recovered),
  );
  const finished = await finishedFiles(root);
  assert.ok(
    finished.some((f) => f.path.includes('/_orders/')),
    'the order log is among them',
  );
}

for (const command of ['demo', 'live'] as const)
  test(`${command}, SIGTERM: cancel all, flatten, the summary and the recording's files finished and readable, exit 143`, async () => {
    const out = join(dir, `${command}-once`);
    // live trades the local exchange in the test's process, as a user's venue would be another machine's
    const ex = command === 'live' ? await startExchange({ seed: 7 }) : null;
    const p = start([
      ...(ex
        ? ['live', '--strategy', 'mm-glft', '--record', out, '--ws-url', ex.url.ws, '--rest-url', ex.url.rest]
        : ['demo', '--out', out]),
      ...['--duration', '5m', '--status-every', '1s'],
    ]);
    try {
      await p.seen(TRADING);
      p.child.kill('SIGTERM');
      assert.is(await p.exited, 143, p.text());
      const text = p.text();
      assert.match(text, STOPPING);
      assert.match(text, /\n {2}trading {7}\d+ orders? .*; position 0 lots at the end\n/);
      assert.match(text, /\n {2}ended {9}interrupted by SIGTERM after [\d.]+ (ms|s) of its 5 min --duration \(exit 143\)\n/);
      assert.not.match(text, /while stopping|LEFT ON THE VENUE/);
      if (ex) await assertVenueFlat(ex);
      const finished = await finishedFiles(out);
      const said = new RegExp(
        `\n {2}recording {5}(\\d+) files?, ([\\d,]+) market-data records? and ([\\d,]+) own-order records? under ${out}/\n`,
      ).exec(text);
      assert.ok(said, text);
      assert.is(Number(said![1]), finished.length, 'the summary counts the files there');
      const orders = finished.filter((f) => f.path.includes('/_orders/'));
      assert.ok(orders.length === 1 && orders[0].rows > 0, 'the order log holds the orders');
      const rows = (fs: typeof finished) => fs.reduce((n, f) => n + f.rows, 0);
      assert.is(Number(said![2].replace(/,/g, '')), rows(finished) - rows(orders), 'the market data they hold');
      assert.is(Number(said![3].replace(/,/g, '')), rows(orders), 'and the order log');
      assert.not.ok(existsSync(join(out, '.ringbook.lock')));
      const inspected = runCli('inspect', out);
      assert.is(inspected.code, 0, inspected.err);
    } finally {
      p.child.kill('SIGKILL');
      await ex?.close();
    }
  });

test('demo, a second signal while the stop is under way: ended at once with its code, nothing left at a venue, the recording recoverable', async () => {
  const out = join(dir, 'demo-twice');
  const p = start(['demo', '--duration', '5m', '--out', out, '--status-every', '1s']);
  try {
    await p.seen(TRADING);
    await until(p.child, () => ordersFlushed(out), 'its order log flushed');
    // Held still while both signals come: on waking it takes them one after the other, the first starting the stop
    // (its cancel-all sent to the exchange on its own main thread, which must run to answer it), the second ending
    // it. Which of the two it takes first is the kernel's choice: the message names the second, and its code is the one.
    p.child.kill('SIGSTOP');
    await until(p.child, () => isStopped(p.child.pid!), 'it stopped');
    p.child.kill('SIGINT');
    p.child.kill('SIGTERM');
    p.child.kill('SIGCONT');
    const code = await p.exited;
    const text = p.text();
    if (process.env.SHOW) console.log(text);
    const second = /\n(Ctrl-C|SIGTERM) while stopping: (.*)\n/.exec(text);
    assert.ok(second, text);
    assert.is(code, second![1] === 'Ctrl-C' ? 130 : 143, text);
    assert.match(text, STOPPING);
    assert.ok(text.search(STOPPING) < second!.index, 'the first stop had begun');
    assert.is(
      second![2],
      `ended at once (exit ${code}); its local exchange ran in this process and ended with it, so no order or position of the session is left anywhere; ` +
        `the recording under ${out}/ keeps what was flushed, in journals the next start there turns into Parquet files (${selfCommand(CLI)} record --out ${out}/ --duration 1s)`,
    );
    assert.not.match(text, /\nsummary:\n/, 'no summary: the stop did not finish');
    await assertJournalsRecover(out);
  } finally {
    p.child.kill('SIGKILL');
  }
});

/**
 * The exchange answering no REST request once held: each one (the stop's cancel-all, its flatten's position read) is
 * passed to `onHeld` and left unanswered until `release()`, which answers them 503 without acting on them. Its
 * WebSockets go on.
 */
function holdRest(ex: Exchange, onHeld: (r: RestRequest) => void): { hold(): void; release(): void } {
  const router = ex.context.router;
  const handle = router.handle.bind(router);
  let held = false;
  const waiting: Array<(r: RestResponse) => void> = [];
  router.handle = (r) => {
    if (!held) return handle(r);
    onHeld(r);
    return new Promise((answer) => waiting.push(answer));
  };
  return {
    hold: () => (held = true),
    release() {
      held = false;
      for (const answer of waiting.splice(0)) answer({ status: 503, body: '{"code":"503","msg":"held by the test"}' });
    },
  };
}

const CANCEL_ALL = '/api/v2/mix/order/cancel-all-orders';

test('live, a second signal while the stop waits on the venue: ended at once with its code, what may be left there named, the recording recoverable', async () => {
  const ex = await startExchange({ seed: 7 });
  const rec = join(dir, 'live-twice');
  const asked: string[] = [];
  let cancelAllAsked: () => void = () => {};
  const cancelAll = new Promise<void>((done) => (cancelAllAsked = done));
  const venue = holdRest(ex, (r) => {
    asked.push(`${r.method} ${r.path}`);
    if (r.path === CANCEL_ALL) cancelAllAsked();
  });
  const p = start([
    'live',
    '--strategy',
    'mm-glft',
    '--status-every',
    '1s',
    '--record',
    rec,
    '--ws-url',
    ex.url.ws,
    '--rest-url',
    ex.url.rest,
  ]);
  try {
    await p.seen(IN_POSITION);
    await until(p.child, () => ordersFlushed(rec), 'its order log flushed');
    venue.hold();
    p.child.kill('SIGTERM');
    await p.seen(STOPPING);
    // the stop's cancel-all is at the venue, unanswered: the stop cannot finish until it is
    await cancelAll;
    p.child.kill('SIGHUP');
    assert.is(await p.exited, 129, p.text());
    const text = p.text();
    if (process.env.SHOW) console.log(text);
    assert.match(
      text,
      `\nSIGHUP while stopping: ended at once (exit 129); orders or a position of the session may be left on the venue, the stop's cancel-all and flatten unconfirmed: ` +
        `check it; the next session with these keys names what it finds there and clears it before it trades (a position only with risk.flattenOnBreach, else it refuses to start); ` +
        `the recording under ${rec}/ keeps what was flushed, in journals the next start there turns into Parquet files (${selfCommand(CLI)} record --out ${rec}/ --duration 1s)\n`,
    );
    assert.not.match(text, /\nsummary:\n/);
    assert.ok(asked.includes(`POST ${CANCEL_ALL}`), asked.join(', '));
    // what the message warns of is there: the session's quotes, its position, or both
    const account = ex.trading!.account();
    assert.ok(
      account.openOrders.length > 0 || account.futures.positions.some((x: { lots: number }) => x.lots !== 0),
      JSON.stringify(account),
    );
    await assertJournalsRecover(rec);
    // and the next session does as the message says: names it, clears it, trades; its stop leaves the venue flat
    venue.release();
    const next = start(['live', '--strategy', 'mm-glft', '--ws-url', ex.url.ws, '--rest-url', ex.url.rest]);
    try {
      await next.seen(/\nBTCUSDT: cleared; flat with no open orders, trading starts\n/);
      if (process.env.SHOW) console.log(next.text());
      assert.match(next.text(), /from before this session/);
      next.child.kill('SIGTERM');
      assert.is(await next.exited, 0, next.text());
      await assertVenueFlat(ex);
    } finally {
      next.child.kill('SIGKILL');
    }
  } finally {
    p.child.kill('SIGKILL');
    venue.release();
    await ex.close();
  }
});

test("the second signal's line says what the session leaves: at a venue elsewhere (flattened or not), nowhere, the recording", () => {
  const venue =
    'the next session with these keys names what it finds there and clears it before it trades (a position only with risk.flattenOnBreach, else it refuses to start)';
  assert.is(
    endedAtOnce('SIGINT', { venueInProcess: false, flatten: true }),
    `Ctrl-C while stopping: ended at once (exit 130); orders or a position of the session may be left on the venue, the stop's cancel-all and flatten unconfirmed: check it; ${venue}`,
  );
  assert.is(
    endedAtOnce('SIGTERM', { venueInProcess: false, flatten: false, recordDir: 'rec' }),
    `SIGTERM while stopping: ended at once (exit 143); orders or a position of the session may be left on the venue, the stop's cancel-all unconfirmed: check it; ${venue}; ` +
      `the recording under rec/ keeps what was flushed, in journals the next start there turns into Parquet files (${selfCommand()} record --out rec/ --duration 1s)`,
  );
  assert.is(
    endedAtOnce('SIGHUP', { venueInProcess: true, flatten: true }),
    'SIGHUP while stopping: ended at once (exit 129); its local exchange ran in this process and ended with it, so no order or position of the session is left anywhere',
  );
});

test.run();
