// The monitoring endpoint end to end, on loopback against the local exchange: a scrape of /metrics during `demo`
// shows the counters moving and, after the run, equal to the summary the demo printed; /health turns not ready when
// the exchange stops sending and ready again when it resumes, and while a `live` session is halted (liveness stays
// up); the exchange publishes the faults it injected.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startExchange } from '../../src/exchange/index';
import { startCli, scrape, health, until } from '../helpers/cli-process';

const tmp = () => mkdtempSync(join(tmpdir(), 'ringbook-monitor-'));

test('demo: /metrics moves during the run and equals the summary after it; /health ready, then stopped', async () => {
  const out = tmp();
  const p = startCli(['demo', '--duration', '10s', '--out', out, '--metrics-port', '0', '--log-format', 'json', '--metrics-linger', '2m']);
  try {
    const { metricsUrl, healthUrl } = await p.waitFor((e) => e.metricsUrl);
    assert.match(metricsUrl, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/, 'loopback by default');
    const seen: number[] = [];
    const signals: number[] = [];
    let ready = false;
    const end = Date.now() + 120_000;
    while (!p.events.some((e) => e.event === 'summary')) {
      if (Date.now() > end) throw new Error(`no summary 120 s into a 10 s demo; output:\n${p.text().slice(-3000)}`);
      const m = await scrape(metricsUrl);
      if (m['ringbook_feed_messages_total{channel="books"}'] !== undefined) {
        seen.push(m['ringbook_feed_messages_total{channel="books"}']);
        signals.push(m.ringbook_signals_total);
      }
      if (!ready) ready = (await health(healthUrl)).status === 200;
      await new Promise((r) => setTimeout(r, 300)); // the scrape interval; the loop ends on the summary line
    }
    assert.ok(ready, '/health said ready while the demo ran');
    assert.ok(new Set(seen).size >= 3, `book messages moved between scrapes: ${seen.join(' ')}`);
    assert.ok(
      seen.every((v, i) => i === 0 || v >= seen[i - 1]),
      'a counter never goes back',
    );
    assert.ok(new Set(signals).size >= 3, `signals moved: ${signals.join(' ')}`);

    const s = await p.waitFor((e) => e.event === 'summary');
    const m = await scrape(metricsUrl);
    const is = (metric: string, want: number) => assert.is(m[metric], want, `${metric} = the summary's ${want}`);
    is('ringbook_feed_messages_total{channel="books"}', s.bookMessages);
    is('ringbook_feed_resyncs_total', s.resyncs);
    is('ringbook_signals_total', s.signals);
    is('ringbook_orders_total', s.orders);
    is('ringbook_cancels_total', s.cancels);
    is('ringbook_fills_total', s.fills);
    is('ringbook_rejects_total', s.rejects);
    is('ringbook_round_trips_total', s.trades);
    is('ringbook_position_lots', s.positionLot);
    is('ringbook_symbol_position_lots{symbol="BTCUSDT"}', s.positionLot);
    is('ringbook_recorder_records_total', s.records);
    is('ringbook_recorder_files_total', s.filesWritten);
    is('ringbook_pnl_quote{kind="net",currency="USDT"}', s.equityQuote);
    is('ringbook_pnl_quote{kind="fees",currency="USDT"}', s.feesQuote);
    is(`ringbook_strategy_phase{phase="${s.phase}"}`, 1);
    is('ringbook_kill_switch', s.haltReason === null ? 0 : 1);
    assert.ok(s.signals > 0 && s.bookMessages > 0 && s.records > 0, 'the demo did something');
    assert.ok(m['ringbook_feed_latency_seconds_count'] > 0, 'feed latency observed');
    assert.ok(m['ringbook_tick_to_decision_seconds_count'] > 0, 'tick-to-decision observed');
    assert.ok(m.process_resident_memory_bytes > 0 && m.process_open_fds > 0, 'process metrics');
    assert.ok(m.ringbook_recorder_bytes_written_total > 0 && m.ringbook_disk_free_bytes > 0, 'bytes written and disk free');

    const after = await until(
      async () => {
        const h = await health(healthUrl);
        return h.status === 503 ? h : undefined;
      },
      20_000,
      '/health to say stopped after the run',
    );
    assert.is(after.body.checks.command.detail, 'stopped');
    if (s.haltReason === null) assert.equal(after.body.checks.trading, { ok: true, detail: 'stopped cleanly (not halted)' });
    else assert.is(after.body.checks.trading.ok, false, 'a halt stays a halt after the stop');
    p.child.kill('SIGTERM');
    assert.is(await p.exited, 0, 'SIGTERM ends the linger and exits 0');
  } finally {
    p.child.kill('SIGKILL');
  }
});

test('live halted (the strategy threw): readiness fails with the halt reason until stopped, liveness stays 200; exit 3', async () => {
  const strategy = join(process.cwd(), 'test/fixtures/strategies/throws.ts');
  const p = startCli(['live', '--strategy', strategy, '--metrics-port', '0', '--log-format', 'json']);
  try {
    const { healthUrl, metricsUrl, livenessUrl } = await p.waitFor((e) => e.livenessUrl);
    const base = healthUrl.replace(/\/health$/, '');
    assert.is(livenessUrl, `${base}/livez`);
    await p.waitFor((e) => typeof e.msg === 'string' && e.msg.startsWith('HALTED: '));
    const h = await health(healthUrl);
    assert.is(h.status, 503);
    assert.is(h.body.status, 'not ready');
    assert.is(h.body.checks.command.ok, true, 'the command still runs: only the trading check fails');
    assert.is(h.body.checks.trading.ok, false);
    assert.match(h.body.checks.trading.detail, /^HALTED: .*no signal at \d+.*; not ready until the process is stopped/);
    for (const path of ['/ready', '/readyz']) assert.is((await fetch(`${base}${path}`)).status, 503, `${path} is readiness`);
    const m = await scrape(metricsUrl);
    assert.is(m.ringbook_ready, 0, 'ringbook_ready agrees with /health');
    assert.is(m.ringbook_kill_switch, 1);
    assert.is(m['ringbook_strategy_phase{phase="HALTED"}'], 1);
    for (const path of ['/livez', '/healthz']) {
      const r = await fetch(`${base}${path}`);
      assert.is(r.status, 200, `${path} is liveness: a halted trader is alive, never to be restarted by a probe`);
      assert.equal(await r.json(), { status: 'alive' });
    }
    p.child.kill('SIGTERM');
    assert.is(await p.exited, 3);
  } finally {
    p.child.kill('SIGKILL');
  }
});

test('record: /health turns not ready when the exchange stops sending, ready again when it resumes', async () => {
  // manual mode: the market moves only when the test ticks it, so "stops sending" is exact
  const ex = await startExchange({ manual: true, seed: 3, symbols: ['USDT-FUTURES:BTCUSDT'] });
  const ticking = setInterval(() => ex.tick(), 50);
  const out = tmp();
  const p = startCli([
    'record',
    '--out',
    out,
    '--ws-url',
    ex.url.ws,
    '--rest-url',
    ex.url.rest,
    '--metrics-port',
    '0',
    '--stale-after',
    '1500ms',
    '--log-format',
    'json',
  ]);
  try {
    const { healthUrl, metricsUrl } = await p.waitFor((e) => e.healthUrl);
    const ready = await until(
      async () => {
        const h = await health(healthUrl);
        return h.status === 200 ? h : undefined;
      },
      30_000,
      'ready while the exchange sends',
    );
    assert.is(ready.body.status, 'ready');
    assert.ok(ready.body.checks.feed.ok && ready.body.checks.recorder.ok);
    clearInterval(ticking);
    const stale = await until(
      async () => {
        const h = await health(healthUrl);
        return h.status === 503 ? h : undefined;
      },
      30_000,
      'not ready once the exchange went quiet',
    );
    assert.is(stale.body.status, 'not ready');
    assert.is(stale.body.checks.feed.ok, false);
    assert.match(stale.body.checks.feed.detail, /no market data for \d+(\.\d)? s \(stale after 1\.5 s\)/);
    assert.is((await scrape(metricsUrl)).ringbook_ready, 0, 'ringbook_ready says the same');
    const resumed = setInterval(() => ex.tick(), 50);
    try {
      await until(
        async () => ((await health(healthUrl)).status === 200 ? true : undefined),
        30_000,
        'ready again once the exchange sends again',
      );
    } finally {
      clearInterval(resumed);
    }
    p.child.kill('SIGTERM');
    assert.is(await p.exited, 0);
  } finally {
    clearInterval(ticking);
    p.child.kill('SIGKILL');
    await ex.close();
  }
});

test('exchange: --metrics-port publishes connections and the faults it injected; bad requests are answered', async () => {
  const p = startCli(['exchange', '--port', '0', '--drop-rate', '0.2', '--metrics-port', '0', '--log-format', 'json']);
  try {
    const { metricsUrl } = await p.waitFor((e) => e.metricsUrl);
    const { ws, rest } = await p.waitFor((e) => e.ws);
    const rec = startCli(['record', '--out', tmp(), '--ws-url', ws, '--rest-url', rest, '--duration', '3s', '--log-format', 'json']);
    assert.is(await rec.exited, 0);
    const m = await scrape(metricsUrl);
    assert.ok(m.ringbook_exchange_connections_total >= 1);
    assert.ok(m['ringbook_exchange_faults_total{fault="dropped"}'] > 0, 'drops counted');
    const base = metricsUrl.replace(/\/metrics$/, '');
    assert.is((await fetch(`${base}/metrics`, { method: 'POST' })).status, 405);
    assert.is((await fetch(`${base}/nothing`)).status, 404);
    assert.is((await fetch(`${base}/health`)).status, 200);
    p.child.kill('SIGTERM');
    assert.is(await p.exited, 0);
  } finally {
    p.child.kill('SIGKILL');
  }
});

test('--metrics-port on a port in use: a clear error naming the flag, exit 1', async () => {
  const first = startCli(['exchange', '--port', '0', '--metrics-port', '0', '--log-format', 'json']);
  try {
    const { metricsUrl } = await first.waitFor((e) => e.metricsUrl);
    const port = new URL(metricsUrl).port;
    const second = startCli(['exchange', '--port', '0', '--metrics-port', port]);
    assert.is(await second.exited, 1);
    assert.match(second.text(), new RegExp(`--metrics-port ${port} on 127\\.0\\.0\\.1 is in use`));
  } finally {
    first.child.kill('SIGKILL');
  }
});

test.run();
