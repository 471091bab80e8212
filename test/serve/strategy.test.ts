// `ringbook serve --strategy FILE` without a browser: the flag's checks, the watcher's versions (a new bundle or a
// new error bumps it, a save without a change does not, the last good bundle survives a bad save), and the endpoints
// (/api/strategies with the built-ins bundled as backtest bundles them, /api/strategy, its bundle.js, its event
// stream, 404s without --strategy), all on 127.0.0.1 with port 0.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { startServer, type RunningServer } from '../../src/serve/server';
import { StrategyWatcher, strategyApi, type ServedStrategy } from '../../src/serve/strategy';
import { parseServeArgs } from '../../src/cli/serve';
import { loadStrategy } from '../../src/strategy/loader';

const FIXTURE = join(process.cwd(), 'test/fixtures/strategies/imbalance-taker.ts');

const ctx = {} as { dir: string; file: string; source: string; watcher: StrategyWatcher; server: RunningServer; bare: RunningServer };

function get(port: number, path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Reads server-sent events until `n` data lines arrived; `onFirst` runs once the first one is in (subscribed). */
function events(port: number, n: number, onFirst: () => void): Promise<{ type: string | undefined; data: Array<{ version: number }> }> {
  return new Promise((resolve, reject) => {
    let first = false;
    const req = request({ host: '127.0.0.1', port, path: '/api/strategy/events' }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        text += d;
        const data = [...text.matchAll(/^data: (.*)$/gm)].map((m) => JSON.parse(m[1]) as { version: number });
        if (data.length === 1 && !first) {
          first = true;
          onFirst();
        }
        if (data.length >= n) {
          req.destroy();
          resolve({ type: res.headers['content-type'], data });
        }
      });
    });
    req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
    req.end();
  });
}

test.before(async () => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'ringbook-serve-strategy-'));
  mkdirSync(join(ctx.dir, 'data'));
  mkdirSync(join(ctx.dir, 'web'));
  ctx.file = join(ctx.dir, 'mine.ts');
  copyFileSync(FIXTURE, ctx.file);
  ctx.source = readFileSync(ctx.file, 'utf8');
  ctx.watcher = new StrategyWatcher(ctx.file);
  await ctx.watcher.start();
  const base = { webRoot: join(ctx.dir, 'web'), dataRoot: join(ctx.dir, 'data'), port: 0 };
  ctx.server = await startServer({ ...base, api: strategyApi(ctx.watcher) });
  ctx.bare = await startServer({ ...base, api: strategyApi(null) });
});

test.after(async () => {
  ctx.watcher?.close();
  await ctx.server?.close();
  await ctx.bare?.close();
});

test('--strategy must name a file', () => {
  const data = join(ctx.dir, 'data');
  assert.is(parseServeArgs(['--data', data, '--strategy', ctx.file])!.strategy, ctx.file);
  assert.is(parseServeArgs(['--data', data])!.strategy, null);
  assert.throws(() => parseServeArgs(['--data', data, '--strategy', join(ctx.dir, 'nope.ts')]), /--strategy .*nope\.ts: no such file/);
  assert.throws(() => parseServeArgs(['--data', data, '--strategy', ctx.dir]), /is a directory: give the strategy's \.ts or \.js file/);
});

test('the first build is version 1; a save without a change is no new version; a bad save keeps the good bundle', async () => {
  const first = ctx.watcher.state;
  assert.is(first.version, 1);
  assert.is(first.name, 'imbalance-taker');
  assert.is(first.error, null);
  assert.is(first.bundle!.hash, (await loadStrategy(ctx.file)).bundle!.hash, 'the bundle backtest --strategy FILE runs');
  await ctx.watcher.build();
  assert.is(ctx.watcher.state.version, 1);
  writeFileSync(ctx.file, ctx.source.replace("name: 'imbalance-taker'", "name: 'Not A Name'"));
  await ctx.watcher.build();
  const bad: ServedStrategy = ctx.watcher.state;
  assert.is(bad.version, 2);
  assert.match(bad.error!, /strategy name "Not A Name" must be lower-case words and dashes/);
  assert.is(bad.bundle!.hash, first.bundle!.hash);
  writeFileSync(ctx.file, ctx.source);
  await ctx.watcher.build();
  assert.is(ctx.watcher.state.version, 3);
  assert.is(ctx.watcher.state.error, null);
});

test('the endpoints: the built-ins and the served file, its bundle and its events', async () => {
  const port = ctx.server.port;
  const list = JSON.parse((await get(port, '/api/strategies')).body) as {
    builtins: Array<{ name: string; bundle: { hash: string } }>;
    served: { version: number; name: string; hash: string; error: null };
  };
  assert.equal(
    list.builtins.map((b) => b.name),
    ['obi-ofi', 'signal-taker', 'mm-glft', 'lead-lag'],
  );
  assert.is(list.builtins[1].bundle.hash, (await loadStrategy('signal-taker')).bundle!.hash);
  assert.is(list.served.name, 'imbalance-taker');
  assert.is(list.served.hash, ctx.watcher.state.bundle!.hash);
  const st = JSON.parse((await get(port, '/api/strategy')).body) as ServedStrategy;
  assert.is(st.version, ctx.watcher.state.version);
  const js = await get(port, '/api/strategy/bundle.js');
  assert.is(js.status, 200);
  assert.is(js.body, st.bundle!.text);
  assert.is(js.headers['x-ringbook-bundle-sha256'], st.bundle!.hash);
  assert.is(js.headers['cross-origin-resource-policy'], 'same-origin');
  // the stream says the version at once, then each new one
  const v = ctx.watcher.state.version;
  const got = await events(port, 2, () => {
    writeFileSync(ctx.file, ctx.source.replace('default: 0.3', 'default: 0.4'));
    void ctx.watcher.build();
  });
  assert.match(String(got.type), /^text\/event-stream/);
  assert.equal(
    got.data.map((d) => d.version),
    [v, v + 1],
  );
});

test('without --strategy: /api/strategy is a 404 that says how, /api/strategies still lists the built-ins', async () => {
  const r = await get(ctx.bare.port, '/api/strategy');
  assert.is(r.status, 404);
  assert.match(r.body, /start ringbook serve --strategy FILE/);
  const list = JSON.parse((await get(ctx.bare.port, '/api/strategies')).body) as { served: null; builtins: unknown[] };
  assert.is(list.served, null);
  assert.is(list.builtins.length, 4);
  assert.is((await get(ctx.bare.port, '/api/nothing')).status, 404);
});

test.run();
