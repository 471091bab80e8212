// What the deployment files run, exercised here where no container engine and no init system can run them: every
// command line in the Dockerfile, the compose file and the systemd units parses with the one grammar and starts,
// pointed at the local exchange instead of Bitget (and the trader at the local exchange instead of Bitget's demo
// environment), on ephemeral ports and temporary directories; the health probe they name answers ready while the
// command runs and fails once it is gone; the units pass systemd-analyze verify where it is installed; the
// Dockerfile keeps its promises (Debian Node, build stage, npm ci --omit=dev, non-root, /data volume, HEALTHCHECK).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startExchange } from '../../src/exchange/index';
import { parseCommand, type CommandSpec } from '../../src/cli/args';
import { RECORD } from '../../src/cli/record';
import { LIVE } from '../../src/cli/live-args';
import { startCli, until } from '../helpers/cli-process';

interface Deployed {
  where: string;
  argv: string[];
  /** The health probe's command, as the file runs it. */
  probe?: string[];
}

const dockerfile = readFileSync('Dockerfile', 'utf8');
const compose = readFileSync('compose.yaml', 'utf8');
const units = readdirSync('deploy/systemd')
  .filter((f) => f.endsWith('.service'))
  .map((f) => ({ name: f, text: readFileSync(join('deploy/systemd', f), 'utf8') }));

/** The JSON array after `KEYWORD` on its line (Dockerfile exec form, compose flow sequences). */
const jsonArray = (text: string, re: RegExp): string[] => JSON.parse(re.exec(text)![1]);

function deployed(): Deployed[] {
  const out: Deployed[] = [];
  const entry = jsonArray(dockerfile, /^ENTRYPOINT (\[.*\])$/m);
  assert.equal(entry, ['node', 'build/ringbook.mjs']);
  const probe = jsonArray(dockerfile, /^HEALTHCHECK .*CMD (\[.*\])$/m);
  out.push({ where: 'Dockerfile CMD', argv: jsonArray(dockerfile, /^CMD (\[.*\])$/m), probe });
  for (const m of compose.matchAll(/^ {2}(\w+):\n(?:^ {4}.*\n)*?^ {4}command: (\[.*\])$/gm)) {
    out.push({ where: `compose service ${m[1]}`, argv: JSON.parse(m[2]), probe });
  }
  for (const u of units) {
    const exec = /^ExecStart=(\S+) (\S+ringbook\.mjs) (.*)$/m.exec(u.text)!;
    assert.is(exec[1], '/usr/bin/node', `${u.name}: node from Debian's path`);
    out.push({ where: u.name, argv: exec[3].split(' ') });
  }
  return out;
}

const SPECS: Record<string, CommandSpec> = { record: RECORD, live: LIVE };

/** The command as this machine can run it: local endpoints, port 0, a temporary directory. */
function localised(argv: string[], ws: string, rest: string, dir: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--demo') continue; // Bitget's demo environment: the local exchange stands in for it
    if (a === '--ws-url' || a === '--rest-url') {
      i++;
      continue;
    }
    if (a === '--metrics-port' || a === '--out' || a === '--record') {
      const v = argv[++i];
      out.push(a, a === '--metrics-port' ? '0' : join(dir, v.replace(/^\//, '').replace(/\//g, '_')));
      continue;
    }
    out.push(a);
  }
  return [...out, '--ws-url', ws, '--rest-url', rest];
}

const probeOnce = (probe: string[], url: string) =>
  spawnSync(probe[0] === 'node' ? process.execPath : probe[0], [...probe.slice(1), url], { encoding: 'utf8', timeout: 30_000 });

test('the deployment files run record and live with flags the grammar accepts', () => {
  const all = deployed();
  assert.ok(all.length >= 5, all.map((d) => d.where).join(', '));
  for (const d of all) {
    const [cmd, ...rest] = d.argv;
    assert.ok(cmd in SPECS, `${d.where}: ${cmd}`);
    const parsed = parseCommand(SPECS[cmd], rest, () => {});
    assert.ok(parsed, d.where);
    assert.ok(rest.includes('--metrics-port') && rest.includes('--log-format'), `${d.where}: metrics and JSON logs`);
  }
});

test('each deployed command starts against the local exchange, its health probe says ready, SIGTERM stops it cleanly', async () => {
  const ex = await startExchange({ host: '127.0.0.1', port: 0, seed: 5 });
  const env = { ...process.env };
  for (const k of ['BITGET_API_KEY', 'BITGET_API_SECRET', 'BITGET_API_PASSPHRASE']) delete env[k];
  try {
    for (const d of deployed()) {
      const dir = mkdtempSync(join(tmpdir(), 'ringbook-deploy-'));
      const argv = localised(d.argv, ex.url.ws, ex.url.rest, dir);
      const p = startCli(argv, env);
      try {
        const { healthUrl } = await p.waitFor((e) => e.healthUrl, 60_000);
        const probe = d.probe ?? ['node', 'scripts/healthcheck.mjs'];
        const ok = await until(
          async () => {
            const r = probeOnce(probe, healthUrl);
            return r.status === 0 ? r : undefined;
          },
          60_000,
          `${d.where}: the health probe to pass`,
        );
        assert.match(ok.stdout, /"status":"ready"/, d.where);
        p.child.kill('SIGTERM');
        assert.is(await p.exited, 0, `${d.where}: exits 0 on SIGTERM`);
        const gone = probeOnce(probe, healthUrl);
        assert.is(gone.status, 1, `${d.where}: the probe fails once the command is gone`);
        assert.match(gone.stderr, /no answer from http:\/\/127\.0\.0\.1:\d+\/health/);
      } finally {
        p.child.kill('SIGKILL');
      }
    }
  } finally {
    await ex.close();
  }
});

test('the health probe fails on 503 and names what is wrong', async () => {
  const { createServer } = await import('node:http');
  const server = createServer((_req, res) => {
    res.writeHead(503, { 'content-type': 'application/json' });
    res.end('{"status":"not ready","checks":{"feed":{"ok":false,"detail":"no market data for 20 s"}}}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const r = await new Promise<{ code: number | null; err: string }>((resolve) => {
    const c = spawn(process.execPath, ['scripts/healthcheck.mjs'], { env: { ...process.env, RINGBOOK_METRICS_PORT: String(port) } });
    let err = '';
    c.stderr.on('data', (d) => (err += d));
    c.on('exit', (code) => resolve({ code, err }));
  });
  server.close();
  assert.is(r.code, 1);
  assert.match(r.err, /not ready \(HTTP 503\): .*no market data for 20 s/);
});

test('Dockerfile: Debian Node, a build stage, runtime with npm ci --omit=dev, non-root, /data volume, HEALTHCHECK', () => {
  const froms = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
  assert.is(froms.length, 2, 'a build stage and a runtime stage');
  for (const f of froms) assert.match(f, /^node:\d+-(bookworm|trixie)(-slim)?$/, 'Node on Debian');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  assert.match(runtime, /RUN npm ci --omit=dev/);
  assert.match(runtime, /COPY --from=build \/src\/build build/);
  assert.match(runtime, /^USER ringbook$/m);
  assert.match(runtime, /^VOLUME \/data$/m);
  assert.match(runtime, /^HEALTHCHECK /m);
  assert.match(dockerfile.slice(0, dockerfile.lastIndexOf('\nFROM ')), /RUN node scripts\/build\.mjs --no-tests/);
  for (const m of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
    for (const src of m[1].split(' ')) assert.ok(existsSync(src), `COPY ${src}: exists in the repository`);
  }
  assert.match(compose, /network_mode: host/);
});

test('every way of running it gives the orderly stop time: docker run --stop-timeout, stop_grace_period, TimeoutStopSec', () => {
  // Docker's own default is 10 s, then SIGKILL: the trader killed mid-flatten leaves its orders and position on the venue
  const MIN_S = 30;
  const runs = [dockerfile, readFileSync('docs/operations.md', 'utf8')].flatMap((text) =>
    [...text.replace(/\\\n#?\s*/g, ' ').matchAll(/docker run [^\n]*/g)].map((m) => m[0]),
  );
  assert.ok(runs.length >= 4, `the docker run lines found: ${runs.length}`);
  for (const r of runs) {
    const t = /--stop-timeout (\d+)/.exec(r);
    assert.ok(t && Number(t[1]) >= MIN_S, `${r}: --stop-timeout of at least ${MIN_S} s`);
  }
  const grace = /stop_grace_period: (\d+)s/.exec(compose);
  assert.ok(grace && Number(grace[1]) >= MIN_S, 'compose: stop_grace_period');
  for (const u of units) {
    const t = /^TimeoutStopSec=(\d+)$/m.exec(u.text);
    assert.ok(t && Number(t[1]) >= MIN_S, `${u.name}: TimeoutStopSec`);
  }
});

test('the systemd units pass systemd-analyze verify (where it is installed)', () => {
  const which = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
  if (which.error) return; // no systemd tools on this machine: the units were only parsed above
  for (const u of units) {
    const r = spawnSync('systemd-analyze', ['verify', join('deploy/systemd', u.name)], { encoding: 'utf8' });
    assert.is(r.status, 0, `${u.name}: ${r.stderr}`);
    assert.is(r.stderr.trim(), '', `${u.name}: no warnings`);
    assert.match(u.text, /^Restart=(always|on-failure)$/m);
    assert.match(u.text, /^MemoryMax=/m);
    assert.match(u.text, /^User=ringbook$/m);
  }
});

test.run();
