// The soak: `npm run soak -- --duration 1h` (not part of CI). Runs the local exchange with faults on, `record` and
// `live` against it for the duration, samples every process's /metrics every minute (resident memory, heap, open
// file descriptors, ring fill, counters), then stops them and gives a verdict:
//   - memory and descriptors flat after warm-up (growth within the bounds below),
//   - every sequence gap accounted for (in the files as a gap status, no more gaps than faults injected, resynced),
//   - every finished file readable by DuckDB,
//   - rows in the files equal to the records received (nothing lost, nothing doubled).
// Writes samples.jsonl (as it goes), verdict.json, verdict.md and soak.png (the curves) under --out.
// Uses a private copy of build/ so rebuilding the worktree meanwhile cannot touch the running processes.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync, appendFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = new URL('..', import.meta.url).pathname;
const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '1h' },
    sample: { type: 'string', default: '1m' },
    warmup: { type: 'string' },
    out: { type: 'string' },
    render: { type: 'string' },
    help: { type: 'boolean' },
  },
});
if (values.render) {
  // draws an earlier run's picture again from its samples and verdict
  const { readFileSync } = await import('node:fs');
  const dir = resolve(values.render);
  const samples = readFileSync(join(dir, 'samples.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const v = JSON.parse(readFileSync(join(dir, 'verdict.json'), 'utf8'));
  await picture(dir, samples, { pass: v.pass, duration: v.duration, warmupMs: v.warmupMin * 60000, arena: v.mallocArenaMax });
  process.exit(0);
}
if (values.help) {
  console.log(
    `npm run soak -- [--duration 1h] [--sample 1m] [--warmup D (default: a sixth of the duration, at most 10m)] [--out DIR]; --render DIR draws an earlier run's picture again`,
  );
  process.exit(0);
}

function ms(text) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new Error(`not a duration: ${text} (e.g. 90s, 10m, 1h)`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'];
}

const durationMs = ms(values.duration);
const sampleMs = ms(values.sample);
const warmupMs = values.warmup ? ms(values.warmup) : Math.min(600_000, durationMs / 6);
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const out = resolve(values.out ?? join(root, '.soak', stamp));
mkdirSync(out, { recursive: true });
if (!existsSync(join(root, 'build/ringbook.mjs'))) {
  const { execFileSync } = await import('node:child_process');
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), '--no-tests'], { stdio: 'inherit' });
}
const bin = join(out, 'build');
// inside the repository, so the bundles still find node_modules
cpSync(join(root, 'build'), bin, { recursive: true });
const cli = join(bin, 'ringbook.mjs');

/** Bounds of the verdict (after warm-up): growth = median of the last 5 samples − median of the first 5. */
const BOUNDS = { rssMiB: 32, heapMiB: 16, fds: 3 };
const FAULTS = [
  '--drop-rate',
  '0.002',
  '--duplicate-rate',
  '0.0005',
  '--reorder-rate',
  '0.0005',
  '--malformed-rate',
  '0.0005',
  '--disconnect-every',
  '10m',
  '--stall-ms',
  '2000',
  '--stall-every',
  '7m',
  '--latency-ms',
  '1',
  '--jitter-ms',
  '2',
];

const say = (line) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}`);
const procs = [];

/** Starts a ringbook command with JSON logs; resolves its metrics URL once it says where it listens. */
function start(name, args) {
  const child = spawn(process.execPath, [cli, ...args, '--log-format', 'json', '--metrics-port', '0'], {
    cwd: out,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const p = { name, child, events: [], exited: null, metricsUrl: null };
  procs.push(p);
  const logFile = join(out, `${name}.log`);
  let ready;
  const readyP = new Promise((resolve) => (ready = resolve));
  for (const stream of [child.stdout, child.stderr]) {
    let buf = '';
    stream.on('data', (chunk) => {
      buf += chunk;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        appendFileSync(logFile, `${line}\n`);
        let e;
        try {
          e = JSON.parse(line);
        } catch {
          continue;
        }
        if (e.metricsUrl) {
          p.metricsUrl = e.metricsUrl;
          ready(p);
        }
        if (e.event === 'summary' || e.ws || e.level !== 'info') p.events.push(e);
      }
    });
  }
  child.on('exit', (code, signal) => {
    p.exited = { code, signal, at: Date.now() };
    ready(p);
  });
  return readyP;
}

async function scrape(url) {
  const res = await fetch(url);
  const text = await res.text();
  const m = {};
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const sp = line.lastIndexOf(' ');
    m[line.slice(0, sp)] = Number(line.slice(sp + 1));
  }
  return m;
}

async function health(url) {
  try {
    const res = await fetch(url.replace(/\/metrics$/, '/health'));
    return res.status === 200;
  } catch {
    return false;
  }
}

const sum = (m, prefix) => Object.entries(m).reduce((a, [k, v]) => (k === prefix || k.startsWith(`${prefix}{`) ? a + v : a), 0);
const maxOf = (m, prefix) =>
  Math.max(
    0,
    ...Object.entries(m)
      .filter(([k]) => k.startsWith(`${prefix}{`))
      .map(([, v]) => v),
  );

let stopping = false;
function killAll() {
  for (const p of procs) if (!p.exited) p.child.kill('SIGTERM');
}
process.on('SIGINT', () => {
  if (stopping) process.exit(130);
  stopping = true;
  say('interrupted: stopping the processes');
  killAll();
  setTimeout(() => process.exit(130), 5000);
});

say(
  `soak for ${values.duration}, a sample every ${values.sample}, warm-up ${Math.round(warmupMs / 60000)} min; output in ${relative(root, out)}/`,
);
const ex = await start('exchange', ['exchange', '--port', '0', '--seed', '7', ...FAULTS]);
if (ex.exited) throw new Error(`the exchange exited: ${JSON.stringify(ex.exited)} (see ${out}/exchange.log)`);
const listening = ex.events.find((e) => e.ws);
const endpoints = ['--ws-url', listening.ws, '--rest-url', listening.rest];
const linger = ['--metrics-linger', '10m'];
const [rec, live] = await Promise.all([
  start('record', [
    'record',
    '--symbols',
    'BTCUSDT,ETHUSDT',
    '--out',
    join(out, 'data'),
    '--source',
    'simulator',
    '--roll',
    '5m',
    ...endpoints,
    ...linger,
  ]),
  start('live', ['live', '--preset', 'demo', '--record', join(out, 'live-data'), ...endpoints, ...linger]),
]);
for (const p of [rec, live])
  if (p.exited) throw new Error(`${p.name} exited at start: ${JSON.stringify(p.exited)} (see ${out}/${p.name}.log)`);
say(`exchange ${listening.rest}; record ${rec.metricsUrl}; live ${live.metricsUrl}`);

const samples = [];
const t0 = Date.now();
async function sample() {
  const at = Date.now();
  const s = { t: (at - t0) / 1000, at: new Date(at).toISOString() };
  for (const p of [ex, rec, live]) {
    if (p.exited) {
      s[p.name] = { exited: p.exited };
      continue;
    }
    try {
      const m = await scrape(p.metricsUrl);
      s[p.name] = {
        rssMiB: m.process_resident_memory_bytes / 2 ** 20,
        heapMiB: m.nodejs_heap_size_used_bytes / 2 ** 20,
        fds: m.process_open_fds,
        ringFill: maxOf(m, 'ringbook_ring_fill_ratio'),
        ready: await health(p.metricsUrl),
        messages: sum(m, 'ringbook_feed_messages_total'),
        gaps: m.ringbook_feed_gaps_total,
        records: m.ringbook_recorder_records_total,
        files: m.ringbook_recorder_files_total,
        orders: m.ringbook_orders_total,
        fills: m.ringbook_fills_total,
        faults: sum(m, 'ringbook_exchange_faults_total'),
        feedHeapMiB: (m['ringbook_thread_heap_used_bytes{thread="feed"}'] ?? NaN) / 2 ** 20,
        feedExternalMiB: (m['ringbook_thread_external_memory_bytes{thread="feed"}'] ?? NaN) / 2 ** 20,
        recorderHeapMiB: (m['ringbook_thread_heap_used_bytes{thread="recorder"}'] ?? NaN) / 2 ** 20,
        recorderExternalMiB: (m['ringbook_thread_external_memory_bytes{thread="recorder"}'] ?? NaN) / 2 ** 20,
      };
    } catch (err) {
      s[p.name] = { error: String(err.message ?? err) };
    }
  }
  samples.push(s);
  appendFileSync(join(out, 'samples.jsonl'), `${JSON.stringify(s)}\n`);
  const r = s.record;
  say(
    `t=${Math.round(s.t / 60)} min: record rss ${r.rssMiB?.toFixed(1)} MiB heap ${r.heapMiB?.toFixed(1)} fds ${r.fds} records ${r.records}; live rss ${s.live.rssMiB?.toFixed(1)} MiB fds ${s.live.fds} orders ${s.live.orders}`,
  );
}

await new Promise((r) => setTimeout(r, 20_000));
await sample();
while (!stopping && Date.now() - t0 < durationMs) {
  const next = t0 + samples.length * sampleMs;
  await new Promise((r) => setTimeout(r, Math.max(0, Math.min(next, t0 + durationMs) - Date.now())));
  if (Date.now() - t0 >= durationMs) break;
  await sample();
}
await sample();

// Stop record and live (SIGTERM: the orderly stop, summary, then the final figures stay up for a last scrape).
say('stopping record and live');
for (const p of [rec, live]) p.child.kill('SIGTERM');
const summaryOf = async (p) => {
  for (let i = 0; i < 600 && !p.events.some((e) => e.event === 'summary') && !p.exited; i++) await new Promise((r) => setTimeout(r, 100));
  return p.events.find((e) => e.event === 'summary');
};
const [recSummary, liveSummary] = await Promise.all([summaryOf(rec), summaryOf(live)]);
const finalRec = rec.exited ? null : await scrape(rec.metricsUrl).catch(() => null);
const finalLive = live.exited ? null : await scrape(live.metricsUrl).catch(() => null);
const finalEx = await scrape(ex.metricsUrl);
for (const p of [rec, live, ex]) if (!p.exited) p.child.kill('SIGTERM');
await Promise.all(procs.map((p) => new Promise((r) => (p.exited ? r() : p.child.on('exit', r)))));

// ---- the verdict
const checks = [];
const check = (name, ok, detail) => checks.push({ name, ok: !!ok, detail });
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};
const after = samples.filter((s) => s.t * 1000 >= warmupMs);
const growth = {};
for (const name of ['record', 'live', 'exchange']) {
  const series = (k) => after.map((s) => s[name]?.[k]).filter((v) => typeof v === 'number');
  growth[name] = {};
  for (const [k, bound] of [
    ['rssMiB', BOUNDS.rssMiB],
    ['heapMiB', BOUNDS.heapMiB],
    ['fds', BOUNDS.fds],
  ]) {
    const xs = series(k);
    const g = xs.length >= 10 ? median(xs.slice(-5)) - median(xs.slice(0, 5)) : NaN;
    growth[name][k] = { first: median(xs.slice(0, 5)), last: median(xs.slice(-5)), growth: g, max: Math.max(...xs), bound };
    check(
      `${name}: ${k} flat after warm-up`,
      Number.isFinite(g) && g <= bound,
      `${g.toFixed(k === 'fds' ? 0 : 1)} (bound ${bound}) over ${xs.length} samples`,
    );
  }
}
for (const p of [rec, live])
  check(`${p.name} stayed up`, !samples.some((s) => s[p.name]?.exited), p.exited ? `exit ${JSON.stringify(p.exited)}` : '');
const readyShare = (name) => samples.filter((s) => s[name]?.ready).length / samples.length;
check('record /health ready in every sample', readyShare('record') === 1, `${(readyShare('record') * 100).toFixed(1)} %`);
check('live /health ready in every sample', readyShare('live') === 1, `${(readyShare('live') * 100).toFixed(1)} %`);

// gaps: the recorder's files say each one; no client saw more gaps than faults were injected on the sequence chain
const inspect = await new Promise((resolve) => {
  const c = spawn(process.execPath, [cli, 'inspect', join(out, 'data'), '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  c.stdout.on('data', (d) => (text += d));
  // { streams, damaged } (an array before inspect reported damaged files)
  c.on('exit', () => {
    const j = JSON.parse(text);
    resolve(Array.isArray(j) ? j : j.streams);
  });
});
const feed = recSummary?.feed ?? {};
const statusIn = (k) => inspect.reduce((a, s) => a + (s.statuses?.[k] ?? 0), 0);
const faults = (k) => finalEx[`ringbook_exchange_faults_total{fault="${k}"}`] ?? 0;
const chainFaults = faults('dropped') + faults('duplicated') + faults('reordered') + faults('malformed');
const liveGaps = finalLive?.ringbook_feed_gaps_total ?? NaN;
check(
  'every gap the recorder saw is a gap status in its files',
  statusIn('gap') === feed.gaps,
  `${statusIn('gap')} in files, ${feed.gaps} counted`,
);
check(
  'every disconnect is in the files (a status per stream)',
  statusIn('disconnect') === feed.disconnects * inspect.length,
  `${statusIn('disconnect')} in files, ${feed.disconnects} counted × ${inspect.length} streams`,
);
check(
  'gaps were seen and none more than faults injected on the chain',
  feed.gaps > 0 && feed.gaps + liveGaps <= chainFaults,
  `record ${feed.gaps} + live ${liveGaps} gaps ≤ ${chainFaults} dropped/duplicated/reordered/malformed updates`,
);
check(
  'every resync got its snapshot',
  feed.resyncs >= 1 && feed.snapshots >= feed.resyncs + inspect.length,
  `${feed.resyncs} resyncs, ${feed.snapshots} snapshots for ${inspect.length} streams`,
);

// files: every one readable by DuckDB; rows = records received
const { DuckDBInstance } = await import('@duckdb/node-api');
const db = await (await DuckDBInstance.create(':memory:')).connect();
const parquet = (dir) =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? parquet(p) : n.endsWith('.parquet') ? [p] : [];
  });
let unreadable = [];
let marketRows = 0;
let files = 0;
for (const dir of [join(out, 'data'), join(out, 'live-data')]) {
  if (!existsSync(dir)) continue;
  for (const f of parquet(dir)) {
    files++;
    try {
      const n = Number(
        (await db.runAndReadAll(`SELECT count(*)::BIGINT AS n FROM read_parquet('${f.replace(/'/g, "''")}')`)).getRowObjectsJson()[0].n,
      );
      if (dir.endsWith('data') && !dir.endsWith('live-data') && f.includes('/venue=')) marketRows += n;
    } catch (err) {
      unreadable.push(`${relative(out, f)}: ${err.message}`);
    }
  }
}
check(
  'every finished file is readable by DuckDB',
  unreadable.length === 0 && files > 0,
  `${files} files${unreadable.length ? `; unreadable: ${unreadable.join('; ')}` : ''}`,
);
const clockRecords = statusIn('clockOffset');
check(
  'rows in the files = records received',
  recSummary &&
    marketRows === recSummary.records &&
    recSummary.records === recSummary.rows &&
    feed.records + clockRecords === recSummary.records,
  `${marketRows} rows in files; recorder took ${recSummary?.records} (${feed.records} from the feed + ${clockRecords} clock statuses), wrote ${recSummary?.rows}`,
);
check(
  'nothing lost',
  recSummary && recSummary.droppedRecords === 0 && recSummary.captureDrops === 0 && recSummary.writeErrors === 0,
  `${recSummary?.droppedRecords} dropped, ${recSummary?.captureDrops} capture drops, ${recSummary?.writeErrors} write errors`,
);
if (finalRec)
  check(
    'record: final /metrics = its summary',
    finalRec.ringbook_recorder_records_total === recSummary.records,
    `${finalRec.ringbook_recorder_records_total} vs ${recSummary.records}`,
  );
if (finalLive && liveSummary)
  check(
    'live: final /metrics = its summary',
    finalLive.ringbook_orders_total === liveSummary.orders && finalLive.ringbook_fills_total === liveSummary.fills,
    `orders ${finalLive.ringbook_orders_total} vs ${liveSummary.orders}, fills ${finalLive.ringbook_fills_total} vs ${liveSummary.fills}`,
  );

const pass = checks.every((c) => c.ok);
const verdict = {
  pass,
  mallocArenaMax: process.env.MALLOC_ARENA_MAX ?? 'default',
  duration: values.duration,
  samples: samples.length,
  warmupMin: warmupMs / 60000,
  bounds: BOUNDS,
  growth,
  faults: Object.fromEntries(Object.entries(finalEx).filter(([k]) => k.startsWith('ringbook_exchange_faults_total'))),
  record: recSummary && { records: recSummary.records, rows: recSummary.rows, files: recSummary.files, feed },
  live: liveSummary && {
    orders: liveSummary.orders,
    fills: liveSummary.fills,
    trades: liveSummary.trades,
    equityQuote: liveSummary.equityQuote,
    ended: liveSummary.ended,
  },
  checks,
};
writeFileSync(join(out, 'verdict.json'), `${JSON.stringify(verdict, null, 2)}\n`);
const md = [
  `Soak ${values.duration} (${samples.length} samples, warm-up ${Math.round(warmupMs / 60000)} min, MALLOC_ARENA_MAX ${process.env.MALLOC_ARENA_MAX ?? 'unset'}): **${pass ? 'PASS' : 'FAIL'}**`,
  '',
  '| check | result | detail |',
  '|---|---|---|',
  ...checks.map((c) => `| ${c.name} | ${c.ok ? 'ok' : 'FAILED'} | ${c.detail} |`),
].join('\n');
writeFileSync(join(out, 'verdict.md'), `${md}\n`);
console.log(md);

await picture(out, samples, { pass, duration: values.duration, warmupMs, arena: process.env.MALLOC_ARENA_MAX });
process.exit(pass ? 0 : 1);

/** The curves: one panel per quantity (a line per process), and the recorder's threads; soak.html and soak.png. */
async function picture(dir, samples, { pass, duration, warmupMs, arena }) {
  const colors = { record: '#1f77b4', live: '#d62728', exchange: '#7f7f7f' };
  const byProcess = (key) => ['record', 'live', 'exchange'].map((n) => ({ color: colors[n], value: (s) => s[n]?.[key] }));
  const panels = [
    ['resident memory (MiB)', byProcess('rssMiB')],
    ['V8 heap used, main thread (MiB)', byProcess('heapMiB')],
    ['open file descriptors', byProcess('fds')],
    ['fullest ring (share of capacity)', byProcess('ringFill'), 0.01],
    [
      'record: worker threads (MiB) — feed external, recorder external, recorder heap, feed heap',
      [
        { color: '#ff7f0e', value: (s) => s.record?.feedExternalMiB },
        { color: '#2ca02c', value: (s) => s.record?.recorderExternalMiB },
        { color: '#9467bd', value: (s) => s.record?.recorderHeapMiB },
        { color: '#8c564b', value: (s) => s.record?.feedHeapMiB },
      ],
    ],
  ].filter(([, series]) => series.some((x) => samples.some((s) => Number.isFinite(x.value(s)))));
  const W = 560;
  const H = 220;
  const svgPanel = ([title, series, floor = 1]) => {
    const pts = series.map((x) => [x.color, samples.map((s) => [s.t / 60, x.value(s)]).filter(([, v]) => Number.isFinite(v))]);
    const all = pts.flatMap(([, p]) => p.map(([, v]) => v));
    const top = Math.max(floor, ...all) * 1.15;
    const tMax = Math.max(1, ...samples.map((s) => s.t / 60));
    const x = (t) => 50 + (t / tMax) * (W - 70);
    const y = (v) => H - 30 - (v / top) * (H - 60);
    const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => top * f);
    const warmX = x(warmupMs / 60000);
    return `<svg width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="11">
  <text x="${W / 2}" y="16" text-anchor="middle" font-size="13">${title}</text>
  <rect x="50" y="30" width="${warmX - 50}" height="${H - 60}" fill="#f3f3f3"/>
  ${ticks.map((v) => `<line x1="50" x2="${W - 20}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/><text x="45" y="${y(v) + 4}" text-anchor="end">${v < 10 ? v.toFixed(floor < 1 ? 3 : 1) : v.toFixed(0)}</text>`).join('')}
  ${[0, 0.25, 0.5, 0.75, 1].map((f) => `<text x="${x(tMax * f)}" y="${H - 12}" text-anchor="middle">${Math.round(tMax * f)} min</text>`).join('')}
  ${pts.map(([color, p]) => `<polyline fill="none" stroke="${color}" stroke-width="1.8" points="${p.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`).join('')}
</svg>`;
  };
  const rows = Math.ceil(panels.length / 2);
  const html = `<!doctype html><html><body style="margin:0;background:#fff;font-family:sans-serif">
<div style="padding:8px 12px;font-size:14px">ringbook soak, ${duration} against the local exchange with faults on${arena && arena !== 'default' ? `, MALLOC_ARENA_MAX=${arena}` : ''} — ${pass ? 'PASS' : 'FAIL'} ·
<span style="color:${colors.record}">■ record (2 symbols)</span> <span style="color:${colors.live}">■ live (demo preset, recording)</span>
<span style="color:${colors.exchange}">■ exchange</span> · grey: warm-up</div>
<div style="display:grid;grid-template-columns:${W}px ${W}px">${panels.map(svgPanel).join('')}</div></body></html>`;
  writeFileSync(join(dir, 'soak.html'), html);
  try {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
    const page = await browser.newPage({ viewport: { width: W * 2, height: H * rows + 40 } });
    await page.setContent(html);
    await page.screenshot({ path: join(dir, 'soak.png'), fullPage: true });
    await browser.close();
    console.log(`picture: ${relative(root, join(dir, 'soak.png'))}`);
  } catch (err) {
    console.log(`no picture (${err.message.split('\n')[0]}); the chart is in ${relative(root, join(dir, 'soak.html'))}`);
  }
}
