import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeFaults, parseExchangeArgs, resolveCredentials, runExchange } from '../../src/cli/exchange';
import { zeroFaultCounters } from '../../src/exchange/faults';
import { UsageError } from '../../src/cli/usage-error';
import { getText, within } from './helpers';
import { signed } from './private-helpers';

test('defaults and every flag parse; --flag=value works; negative skew is a value, not a flag', () => {
  assert.equal(parseExchangeArgs([]), {
    host: '127.0.0.1',
    port: 8181,
    seed: 1,
    symbols: [],
    pingTimeoutMs: 120000,
    flow: {},
    faults: {},
    metricsPort: undefined,
    metricsHost: '127.0.0.1',
  });
  assert.equal(parseExchangeArgs(['--metrics-port', '9464'])!.metricsPort, 9464);
  const o = parseExchangeArgs([
    '--host',
    '0.0.0.0',
    '--port=0',
    '--seed',
    '7',
    '--symbols',
    'BTCUSDT, SPOT:A2ZUSDT',
    '--drop-rate',
    '0.01',
    '--duplicate-rate',
    '0.02',
    '--reorder-rate',
    '0.03',
    '--corrupt-checksum-rate',
    '0.04',
    '--malformed-rate',
    '0.05',
    '--disconnect-every',
    '30',
    '--stall-ms',
    '3000',
    '--stall-every',
    '20',
    '--latency-ms',
    '50',
    '--jitter-ms',
    '10',
    '--clock-skew-ms',
    '-250',
    '--informed-share',
    '0.4',
    '--news-per-sec',
    '0.5',
    '--news-ticks',
    '12',
    '--amend-keeps-queue',
  ])!;
  assert.equal(o.flow, { informedShare: 0.4, newsPerSec: 0.5, newsTicks: 12 });
  assert.equal(o.trading, { amendKeepsQueue: true });
  assert.equal([o.host, o.port, o.seed, o.symbols], ['0.0.0.0', 0, 7, ['BTCUSDT', 'SPOT:A2ZUSDT']]);
  assert.equal(o.faults, {
    dropRate: 0.01,
    duplicateRate: 0.02,
    reorderRate: 0.03,
    corruptChecksumRate: 0.04,
    malformedRate: 0.05,
    disconnectEverySec: 30,
    stallMs: 3000,
    stallEverySec: 20,
    latencyMs: 50,
    jitterMs: 10,
    clockSkewMs: -250,
  });
  assert.is(parseExchangeArgs(['--help']), undefined);
});

test('the -ms flags take the duration grammar; a plain number there is still milliseconds', () => {
  const faults = (...args: string[]) => parseExchangeArgs(args)!.faults;
  assert.equal(faults('--latency-ms', '5ms', '--jitter-ms', '0.5s', '--clock-skew-ms', '-1.5s'), {
    latencyMs: 5,
    jitterMs: 500,
    clockSkewMs: -1500,
  });
  assert.equal(faults('--latency-ms=2000us', '--clock-skew-ms', '−250'), { latencyMs: 2, clockSkewMs: -250 });
  assert.equal(faults('--stall-ms', '3s', '--stall-every', '20s'), { stallMs: 3000, stallEverySec: 20 });
  assert.equal(faults('--latency-ms', '0', '--jitter-ms', '1m'), { latencyMs: 0, jitterMs: 60_000 });
  assert.is(parseExchangeArgs(['--ping-timeout-ms', '30s'])!.pingTimeoutMs, 30_000);
  assert.is(parseExchangeArgs(['--ping-timeout-ms', '45000'])!.pingTimeoutMs, 45_000);
});

test('bad flags are refused with a message that says what to fix', () => {
  const cases: [string[], RegExp][] = [
    [['--drop-rate', '2'], /--drop-rate needs a probability from 0 to 1, got "2"/],
    [['--drop-rate'], /--drop-rate needs a value/],
    [['--port', 'x'], /--port needs a port number from 0 to 65535, got "x"/],
    [['--port', '70000'], /--port needs a port number from 0 to 65535, got "70000"/],
    [['--latency-ms', '1.5'], /--latency-ms "1\.5" is not a whole number of milliseconds/],
    [['--latency-ms', '250us'], /--latency-ms "250us" is not a whole number of milliseconds/],
    [['--latency-ms', '-5ms'], /--latency-ms -5ms: the duration must not be negative/],
    [
      ['--jitter-ms', '5 parsecs'],
      /--jitter-ms needs a duration \(e\.g\. 250 \(ms\), 5ms, 0\.5s, 2m; a plain number is milliseconds\), got "5 parsecs"/,
    ],
    [['--ping-timeout-ms', '0'], /--ping-timeout-ms needs a duration from 1 to 2147483647 ms, got "0"/],
    [['--stall-ms', '30d', '--stall-every', '40d'], /--stall-ms needs a duration from 0 to 2147483647 ms, got "30d"/],
    [['--clock-skew-ms', 'soon'], /--clock-skew-ms needs a duration \(negative allowed\)/],
    [['--stall-ms', '100'], /--stall-ms and --stall-every go together/],
    [['--stall-ms', '3000', '--stall-every', '2'], /--stall-every \(2 s\) must be longer than --stall-ms/],
    [['--frobnicate'], /^unknown option --frobnicate \(see ringbook exchange --help\)$/],
    [['extra'], /unexpected argument "extra"/],
    [['--symbols', ','], /--symbols needs at least one symbol/],
    [['--drop-rat', '0.1'], /unknown option --drop-rat: did you mean --drop-rate\? \(see ringbook exchange --help\)/],
    [['--disconnect-every', '-5s'], /--disconnect-every -5s: a duration must be positive/],
    [['--informed-share', '1.5'], /--informed-share needs a share from 0 to 1, got "1.5"/],
    [['--news-ticks', '0'], /--news-ticks needs a whole number of ticks ≥ 1/],
    [['--funding-every', '500ms'], /--funding-every: give whole seconds \(e\.g\. 1m, 30s\), got 500 ms/],
    [['--funding-every', 'often'], /--funding-every "often" is not a duration/],
    [['--stall-every', '0'], /--stall-every must be longer than 0/],
    [['--host', ''], /--host needs an address/],
    [['--no-trading', '--balance', '5'], /--no-trading cannot be combined with trading flags \(--balance\)/],
    [['--balance', 'lots'], /--balance needs an amount of USDT like 10000, got "lots"/],
    [['--api-key='], /--api-key needs a value/],
    [['--symbols', 'FOO'], /--symbols: unknown symbol "FOO"/],
  ];
  for (const [args, re] of cases) {
    const err = (() => {
      try {
        parseExchangeArgs(args);
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    assert.instance(err, UsageError, args.join(' '));
    assert.match(err!.message, re, args.join(' '));
    // every one, whichever check made it, ends with where the help is, once
    assert.ok(err!.message.endsWith(' (see ringbook exchange --help)'), err!.message);
    assert.is(err!.message.split('--help)').length, 2, err!.message);
  }
});

test('runExchange: --help prints usage; an unknown symbol is a usage error, before anything listens', async () => {
  const lines: string[] = [];
  assert.is(await runExchange(['--help'], { log: (l) => lines.push(l) }), 0);
  assert.match(lines.join('\n'), /--corrupt-checksum-rate P/);
  const err = await runExchange(['--port', '0', '--symbols', 'NOPEUSDT'], { log: () => undefined }).catch((e: Error) => e);
  assert.instance(err, UsageError);
  assert.match(String(err), /--symbols: unknown symbol "NOPEUSDT" \(known: USDT-FUTURES:BTCUSDT, /);
  assert.throws(() => parseExchangeArgs(['--symbols', 'BTCUSDT,ETHUSDTT']), /unknown symbol "ETHUSDTT".*; did you mean ETHUSDT\?/);
  assert.throws(() => parseExchangeArgs(['--symbols', 'SPOT:SOLUSDT']), /unknown symbol "SPOT:SOLUSDT"/);
});

test('the stop line says the fault counts in words: the ones that happened, or none', () => {
  assert.is(describeFaults(zeroFaultCounters()), 'faults: none');
  assert.is(
    describeFaults({ ...zeroFaultCounters(), dropped: 12_345, corruptedChecksums: 2, disconnects: 1, delayedFrames: 7 }),
    'faults: 12,345 dropped, 2 corrupted checksums, 1 disconnect, 7 delayed frames',
  );
});

test('runExchange prints the URLs, serves, and exits 0 on stop', async () => {
  const lines: string[] = [];
  let onLine: () => void = () => undefined;
  const stop = new AbortController();
  const done = runExchange(['--port', '0', '--seed', '3', '--symbols', 'SPOT:A2ZUSDT', '--clock-skew-ms', '1000'], {
    signal: stop.signal,
    log: (l) => {
      lines.push(l);
      onLine();
    },
  });
  await within(
    new Promise<void>((resolve) => {
      onLine = () => lines.some((l) => l.includes('(Ctrl-C to stop)')) && resolve();
    }),
    5000,
    'the startup lines',
    () => lines.join('\n'),
  );
  const rest = /rest (http:\/\/\S+)/.exec(lines.join('\n'))![1];
  assert.match(lines.join('\n'), /ws {3}ws:\/\/127\.0\.0\.1:\d+\/v2\/ws\/public/);
  // the faults line speaks the flags' grammar, not the option names
  assert.match(lines.join('\n'), /faults --clock-skew-ms 1000ms$/m);
  assert.match(lines.join('\n'), /^ {2}funding settled 8-hourly \(00:00, 08:00, 16:00 UTC\)$/m);
  const symbols = JSON.parse((await getText(`${rest}/api/v2/spot/public/symbols`)).text);
  assert.equal(
    symbols.data.map((s: { symbol: string }) => s.symbol),
    ['A2ZUSDT'],
  );
  stop.abort();
  assert.is(await within(done, 5000, 'runExchange to return'), 0);
  // the REST side counts too: a session that trades over REST is not "0 connections"
  assert.match(lines[lines.length - 1], /stopped after 0 WebSocket connections \(0 frames out\) and 1 REST request; faults: none$/);
});

test('runExchange closes cleanly on SIGTERM', async () => {
  const lines: string[] = [];
  let started: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (started = resolve));
  const done = runExchange(['--port', '0'], { log: (l) => (lines.push(l), l.includes('Ctrl-C') && started()) });
  await within(ready, 5000, 'startup', () => lines.join('\n'));
  process.emit('SIGTERM' as 'SIGINT');
  assert.is(await within(done, 5000, 'runExchange to return after SIGTERM'), 0);
  assert.is(process.listenerCount('SIGTERM'), 0, 'its signal handlers are removed');
});

test('trading flags: credentials, balance, leverage, rate limits, --no-trading; bad values refused', () => {
  const o = parseExchangeArgs([
    '--api-key',
    'k1',
    '--api-secret=s1',
    '--api-passphrase',
    'p1',
    '--balance',
    '2500.5',
    '--leverage',
    '20',
    '--no-rate-limits',
  ])!;
  assert.equal(o.trading, {
    credentials: { apiKey: 'k1', secret: 's1', passphrase: 'p1' },
    balance: '2500.5',
    leverage: 20,
    rateLimits: false,
  });
  assert.is(parseExchangeArgs(['--no-trading'])!.trading, false);
  assert.throws(() => parseExchangeArgs(['--balance', 'lots']), /--balance needs an amount of USDT/);
  assert.throws(() => parseExchangeArgs(['--leverage', '200']), /--leverage needs a whole number from 1 to 125, got "200"/);
  assert.throws(() => parseExchangeArgs(['--no-trading', '--api-key', 'k']), /--no-trading cannot be combined/);
  assert.throws(() => parseExchangeArgs(['--api-secret']), /--api-secret needs a value/);
});

test('credentials: flags, then BITGET_API_* variables, then the demo ones (each field on its own)', () => {
  assert.equal(resolveCredentials(undefined, {}), {
    apiKey: 'ringbook-demo',
    secret: 'ringbook-demo-secret',
    passphrase: 'ringbook-demo-pass',
  });
  const env = { BITGET_API_KEY: 'ek', BITGET_API_SECRET: 'es', BITGET_API_PASSPHRASE: 'ep' };
  assert.equal(resolveCredentials(undefined, env), { apiKey: 'ek', secret: 'es', passphrase: 'ep' });
  assert.equal(resolveCredentials({ secret: 'fs' }, env), { apiKey: 'ek', secret: 'fs', passphrase: 'ep' });
});

test('runExchange trades with the configured credentials and never prints the secret or passphrase', async () => {
  const lines: string[] = [];
  let onLine: () => void = () => undefined;
  const stop = new AbortController();
  const env = { BITGET_API_KEY: 'env-key-1234', BITGET_API_SECRET: 'env-secret-xyz', BITGET_API_PASSPHRASE: 'env-pass-xyz' };
  const done = runExchange(['--port', '0', '--symbols', 'USDT-FUTURES:BTCUSDT', '--balance', '500'], {
    signal: stop.signal,
    env,
    log: (l) => {
      lines.push(l);
      onLine();
    },
  });
  await within(
    new Promise<void>((resolve) => {
      onLine = () => lines.some((l) => l.includes('(Ctrl-C to stop)')) && resolve();
    }),
    5000,
    'the startup lines',
    () => lines.join('\n'),
  );
  const text = lines.join('\n');
  assert.match(text, /private ws ws:\/\/127\.0\.0\.1:\d+\/v2\/ws\/private/);
  assert.match(text, /API key env-…/);
  assert.not.match(text, /env-secret-xyz|env-pass-xyz|env-key-1234/);
  const rest = /rest (http:\/\/\S+)/.exec(text)![1];
  const creds = { apiKey: env.BITGET_API_KEY, secret: env.BITGET_API_SECRET, passphrase: env.BITGET_API_PASSPHRASE };
  const r = await signed(rest, 'GET', '/api/v2/mix/account/accounts', { productType: 'USDT-FUTURES' }, { creds });
  assert.equal([r.json.code, r.json.data[0].available], ['00000', '500']);
  stop.abort();
  assert.is(await within(done, 5000, 'runExchange to return'), 0);
});

test.run();
