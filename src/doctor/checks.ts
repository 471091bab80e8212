// `ringbook doctor`'s checks: pure functions from what a HostProbe reads to a verdict with the measured value and a
// fix the user can paste. No I/O happens here: the real reads live in probe.ts, and tests pass a fake probe, so
// every status path (OK / WARN / FAIL / SKIP) can be exercised on any machine. The reasoning behind each check is
// in docs/tuning.md.

import { cgroupQuota as quotaOf, choosePlacement, hotThreads } from '../feed/placement';
import { errorText } from '../format/errors';

export type Status = 'OK' | 'WARN' | 'FAIL' | 'SKIP';

/** One check's verdict. `advice` says what to do (and why); null when there is nothing to add. */
export interface CheckResult {
  id: string;
  status: Status;
  /** The measured value, or for SKIP "can't tell: <reason>". */
  value: string;
  advice: string | null;
}

export type Read<T = string> = { ok: true; value: T } | { ok: false; reason: string };

/** Everything the checks may look at. Every read reports failure as a reason instead of throwing. */
export interface HostProbe {
  /** `process.platform`, e.g. 'linux'. */
  platform: string;
  /** `process.versions.node`, e.g. '20.20.2'. */
  nodeVersion: string;
  readFile(path: string): Read;
  listDir(path: string): Read<string[]>;
  exists(path: string): boolean;
  /** Runs a command (no shell, short timeout); ok with stdout when it exits 0. */
  run(cmd: string, args: string[]): Read;
  /** Cores this process may run on (affinity-aware) and cores the OS reports online. */
  cpuCount(): { usable: number; online: number };
  /** Whether the threading primitives ringbook is built on work in this runtime. */
  threads(): ThreadSupport;
}

export interface ThreadSupport {
  sharedArrayBuffer: Read;
  atomicsWait: Read;
  /** A shared WebAssembly.Memory plus a module that imports it and runs an atomic load. */
  wasmThreads: Read;
}

const KiB = 1024;
const MiB = 1024 * 1024;

/**
 * Advice is written hard-wrapped in this file; unwrap it into one line per paragraph so the renderer can wrap to
 * the terminal and JSON consumers get clean text. Lines that start with whitespace (commands) stay as they are.
 */
export function unwrap(text: string): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const prev = out.length ? out[out.length - 1] : undefined;
    if (prev !== undefined && prev !== '' && line !== '' && !/^\s/.test(prev) && !/^\s/.test(line)) out[out.length - 1] = `${prev} ${line}`;
    else out.push(line);
  }
  return out.join('\n');
}

const result = (id: string, status: Status, value: string, advice: string | null): CheckResult => ({
  id,
  status,
  value,
  advice: advice === null ? null : unwrap(advice),
});
const ok = (id: string, value: string, advice: string | null = null) => result(id, 'OK', value, advice);
const warn = (id: string, value: string, advice: string) => result(id, 'WARN', value, advice);
const fail = (id: string, value: string, advice: string) => result(id, 'FAIL', value, advice);
const skip = (id: string, reason: string, advice: string | null = null) => result(id, 'SKIP', `can't tell: ${reason}`, advice);

export function formatBytes(n: number): string {
  if (n >= MiB) return `${Number.isInteger(n / MiB) ? n / MiB : (n / MiB).toFixed(1)} MiB`;
  if (n >= KiB) return `${Number.isInteger(n / KiB) ? n / KiB : (n / KiB).toFixed(1)} KiB`;
  return `${n} B`;
}

/** The whole-number fields of a /proc/sys file ("4096\t131072\t6291456"), or null if it isn't one. */
function ints(text: string): number[] | null {
  const parts = text.trim().split(/\s+/);
  if (!parts.length || parts.some((p) => !/^\d+$/.test(p))) return null;
  return parts.map(Number);
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Clock sync

const CLOCK_ADVICE = `Run a time daemon: \`sudo apt-get install chrony\` (or dnf/yum), then \`chronyc tracking\` should show
"Leap status : Normal" and a System time offset well under 1 ms. On AWS point chrony at the Amazon Time Sync
Service (169.254.169.123, or the PTP hardware clock /dev/ptp0 where the instance exposes one); with a PTP-capable NIC, PTP
(linuxptp: ptp4l + phc2sys) gets to microseconds. ringbook estimates the local-vs-exchange offset itself (REST
server-time round trips) and reports corrected latency, but that estimate is a snapshot: a free-running clock drifts
tens of ms per hour, so feed latency (local_ts - exch_ts) stops meaning anything, and once the clock leaves Bitget's
request-timestamp window, signed REST/WS requests are rejected (40008 / 30014).`;

/** `chronyc tracking`: synchronised when "Leap status : Normal"; the offset comes from "System time". */
export function parseChronyTracking(text: string): { synced: boolean; offsetS: number | null; ref: string | null } {
  const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(text)?.[1].trim() ?? null;
  const leap = field('Leap status');
  const sys = /^System time\s*:\s*([\d.]+) seconds (slow|fast)/m.exec(text);
  const offsetS = sys ? Number(sys[1]) * (sys[2] === 'slow' ? -1 : 1) : null;
  return { synced: leap === 'Normal', offsetS, ref: field('Reference ID') };
}

function formatOffset(s: number): string {
  const a = Math.abs(s);
  const mag = a < 1e-3 ? `${(a * 1e6).toFixed(0)} µs` : a < 1 ? `${(a * 1e3).toFixed(1)} ms` : `${a.toFixed(2)} s`;
  return `${mag} ${s < 0 ? 'behind' : 'ahead of'} NTP time`;
}

/** First line of a reason, cut short so a table row stays readable. */
const brief = (reason: string, max = 60) => {
  const line = reason.split('\n')[0];
  return line.length > max ? `${line.slice(0, max - 3)}...` : line;
};

export function checkClockSync(p: HostProbe): CheckResult {
  const id = 'clock-sync';
  const tried: string[] = [];

  const td = p.run('timedatectl', ['show', '-p', 'NTPSynchronized', '--value']);
  if (td.ok && /^(yes|no)$/.test(td.value.trim())) {
    return td.value.trim() === 'yes'
      ? ok(id, 'synchronised (timedatectl NTPSynchronized=yes)')
      : warn(id, 'NOT synchronised (timedatectl NTPSynchronized=no)', CLOCK_ADVICE);
  }
  tried.push(td.ok ? `timedatectl answered "${brief(td.value.trim())}"` : brief(td.reason));

  const ch = p.run('chronyc', ['tracking']);
  if (ch.ok && /Leap status/.test(ch.value)) {
    const t = parseChronyTracking(ch.value);
    const off = t.offsetS === null ? '' : `, ${formatOffset(t.offsetS)}`;
    if (!t.synced) return warn(id, `chrony NOT synchronised${off}`, CLOCK_ADVICE);
    if (t.offsetS !== null && Math.abs(t.offsetS) > 0.01) {
      return warn(
        id,
        `chrony synchronised but${off}`,
        `chrony is still slewing a large offset. Wait for \`chronyc tracking\` to settle, or step it once with \`sudo chronyc makestep\`.\n${CLOCK_ADVICE}`,
      );
    }
    return ok(id, `synchronised (chrony${off})`);
  }
  tried.push(ch.ok ? 'chronyc printed no "Leap status"' : brief(ch.reason));

  // systemd-timesyncd touches this file once it has synchronised; the directory alone means it runs but hasn't yet.
  if (p.exists('/run/systemd/timesync/synchronized')) return ok(id, 'synchronised (systemd-timesyncd)');
  if (p.exists('/run/systemd/timesync')) return warn(id, 'systemd-timesyncd runs but has NOT synchronised', CLOCK_ADVICE);
  tried.push('no /run/systemd/timesync');

  // adjtimex(2) is not reachable from Node; the adjtimex tool prints its status word (bit 0x40 = STA_UNSYNC).
  const ax = p.run('adjtimex', ['--print']);
  const status = ax.ok ? /^\s*status:\s*(\d+)/m.exec(ax.value) : null;
  if (status) {
    return (Number(status[1]) & 0x40) === 0
      ? ok(id, `kernel clock synchronised (adjtimex status ${status[1]})`)
      : warn(id, `kernel clock NOT synchronised (adjtimex status ${status[1]} has STA_UNSYNC)`, CLOCK_ADVICE);
  }
  tried.push(ax.ok ? 'adjtimex printed no status' : brief(ax.reason));

  const inContainer = containerMarkers(p);
  if (inContainer.length)
    return skip(
      id,
      `no time-sync source answered inside this container (${tried.join('; ')})`,
      `This is a container (${inContainer.join(', ')}): its clock is the host's kernel clock, which a time daemon in
here cannot set (that needs CAP_SYS_TIME), so installing one here changes nothing. Check on the host instead:
  timedatectl show -p NTPSynchronized --value     # want yes
  chronyc tracking                                # want "Leap status : Normal", System time well under 1 ms
If it is not, fix it on the host (not in here):

${CLOCK_ADVICE}`,
    );
  return skip(id, `no time-sync source answered (${tried.join('; ')})`, CLOCK_ADVICE);
}

// ---------------------------------------------------------------------------------------------------------------
// 1b. Clock source: ringbook reads the clock once per message, so its cost is on the hot path.

const FAST_CLOCKSOURCES = ['tsc', 'kvm-clock', 'arch_sys_counter', 'hyperv_clocksource_tsc_page'];

export function checkClocksource(p: HostProbe): CheckResult {
  const id = 'clocksource';
  const base = '/sys/devices/system/clocksource/clocksource0';
  const cur = p.readFile(`${base}/current_clocksource`);
  if (!cur.ok) return skip(id, cur.reason);
  const name = cur.value.trim();
  if (FAST_CLOCKSOURCES.includes(name)) return ok(id, name);
  const avail = p.readFile(`${base}/available_clocksource`);
  const hasTsc = avail.ok && avail.value.split(/\s+/).includes('tsc');
  return warn(
    id,
    `${name}${avail.ok ? ` (available: ${avail.value.trim()})` : ''}`,
    `Clock reads through ${name} go to the hypervisor or a slow timer (about a microsecond each instead of ~20 ns from
the TSC), and ringbook stamps every message with performance.now().
${
  hasTsc
    ? `Switch now: \`echo tsc | sudo tee ${base}/current_clocksource\`; persist with the kernel parameters
\`clocksource=tsc tsc=reliable\` (AWS recommends this on Xen instances).`
    : 'tsc is not offered here (the kernel judged it unstable); prefer an instance type with an invariant TSC.'
}`,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// 2. Socket buffers

/** Below this a max buffer is too small to absorb a snapshot burst while the feed thread is busy. */
export const MIN_BUFFER_MAX = 4 * MiB;
const TARGET_BUFFER_MAX = 16 * MiB;

export function checkSocketBuffers(p: HostProbe): CheckResult {
  const id = 'socket-buffers';
  const read = (key: string) => {
    const r = p.readFile(`/proc/sys/${key.replace(/\./g, '/')}`);
    return r.ok ? (ints(r.value) ?? undefined) : undefined;
  };
  const keys = [
    'net.core.rmem_max',
    'net.core.wmem_max',
    'net.core.rmem_default',
    'net.core.wmem_default',
    'net.ipv4.tcp_rmem',
    'net.ipv4.tcp_wmem',
  ];
  const v = Object.fromEntries(keys.map((k) => [k, read(k)]));
  if (keys.every((k) => v[k] === undefined)) {
    const r = p.readFile('/proc/sys/net/core/rmem_max');
    return skip(id, r.ok ? '/proc/sys/net/core/rmem_max is not a number' : r.reason);
  }

  const parts: string[] = [];
  const fixes: string[] = [];
  const show = (label: string, n: number | undefined) => parts.push(`${label} ${n === undefined ? '?' : formatBytes(n)}`);
  for (const k of ['net.core.rmem_max', 'net.core.wmem_max']) {
    const n = v[k]?.[0];
    show(k.split('.')[2], n);
    if (n !== undefined && n < MIN_BUFFER_MAX) fixes.push(`${k}=${TARGET_BUFFER_MAX}`);
  }
  for (const k of ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem']) {
    const t = v[k];
    show(`${k.split('.')[2]} max`, t?.[2]);
    // Keep the user's min and initial sizes; only the autotuning ceiling matters here.
    if (t && t.length === 3 && t[2] < MIN_BUFFER_MAX) fixes.push(`${k}="${t[0]} ${t[1]} ${TARGET_BUFFER_MAX}"`);
  }
  const d = [v['net.core.rmem_default']?.[0], v['net.core.wmem_default']?.[0]];
  parts.push(`defaults ${d.map((n) => (n === undefined ? '?' : formatBytes(n))).join('/')}`);
  const value = parts.join(', ');
  if (!fixes.length) return ok(id, value);

  return warn(
    id,
    value,
    `A burst (the full-depth snapshots Bitget sends on every (re)subscribe, many symbols at once) must fit in the
kernel's socket buffer while the feed thread is busy (GC pause, start-up). When it doesn't, TCP shrinks its window,
the exchange queues on its side and every later message arrives late. Node never sets SO_RCVBUF, so TCP autotuning
up to tcp_rmem's max sizes the receive side; rmem_max/wmem_max cap explicit SO_RCVBUF/SO_SNDBUF and UDP. Raise the
ceilings below ${formatBytes(MIN_BUFFER_MAX)} (this costs memory only when a buffer actually fills):
${fixes.map((f) => `  sudo sysctl -w ${f}`).join('\n')}
Persist them (applied at boot, or now with \`sudo sysctl --system\`):
${fixes.map((f) => `  echo '${f.replace('=', ' = ').replace(/"/g, '')}' | sudo tee -a /etc/sysctl.d/90-ringbook.conf`).join('\n')}`,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// 3. TCP options

const FASTOPEN_MEANING: Record<number, string> = { 0: 'off', 1: 'client only', 2: 'server only', 3: 'client and server' };

export function checkTcpFastOpen(p: HostProbe): CheckResult {
  const id = 'tcp-fastopen';
  const r = p.readFile('/proc/sys/net/ipv4/tcp_fastopen');
  if (!r.ok) return skip(id, r.reason);
  const n = ints(r.value)?.[0];
  if (n === undefined) return skip(id, `/proc/sys/net/ipv4/tcp_fastopen holds "${r.value.trim()}", not a number`);
  const value = `${n} (${FASTOPEN_MEANING[n & 3]}${n > 3 ? ', plus extra flags' : ''})`;
  const explain = `net.ipv4.tcp_fastopen is a bit mask: 1 = send data in the SYN as a client, 2 = accept it as a
server, 3 = both. Fast Open saves one round trip on a repeat connection, i.e. on reconnects, and only if both ends
do it: Bitget's servers decide whether it happens, and Node's sockets don't request it on their own today, so this
is cheap hygiene rather than a latency lever. 3 also covers the local simulator (\`ringbook exchange\`):
  sudo sysctl -w net.ipv4.tcp_fastopen=3
  echo 'net.ipv4.tcp_fastopen = 3' | sudo tee -a /etc/sysctl.d/90-ringbook.conf`;
  return (n & 1) === 0 ? warn(id, value, explain) : ok(id, value, (n & 3) === 3 ? null : explain);
}

/** Info only: congestion control and the long-gone tcp_low_latency switch, so nobody chases them. */
export function checkTcpStack(p: HostProbe): CheckResult {
  const id = 'tcp-stack';
  const cc = p.readFile('/proc/sys/net/ipv4/tcp_congestion_control');
  const ll = p.readFile('/proc/sys/net/ipv4/tcp_low_latency');
  if (!cc.ok && !ll.ok) return skip(id, cc.reason);
  const parts = [
    cc.ok ? `congestion control ${cc.value.trim()}` : 'congestion control ?',
    ll.ok ? `tcp_low_latency ${ll.value.trim()} (ignored since Linux 4.14)` : 'tcp_low_latency not present (removed, nothing to set)',
  ];
  return ok(
    id,
    parts.join(', '),
    `Congestion control only shapes what this host sends (orders, pings); the market-data stream is paced by Bitget's
side. bbr or cubic are both fine. tcp_low_latency has been a no-op since Linux 4.14, so there is nothing to set.`,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// 4. CPU

/** Live mode keeps a feed worker, the engine worker and the main thread busy at once. */
export const MIN_CORES = 3;

/** The cgroup CPU quota in cores (v2 cpu.max, else v1 cfs_quota/period), or null when unlimited or unknown. */
function cgroupQuota(p: HostProbe): number | null {
  return quotaOf((path) => {
    const r = p.readFile(path);
    return r.ok ? r.value : null;
  });
}

/** The cores this process may use: affinity capped by the cgroup quota; null when the runtime reported none. */
function effectiveCores(p: HostProbe): number | null {
  const { usable } = p.cpuCount();
  if (!(usable > 0)) return null;
  const quota = cgroupQuota(p);
  return quota === null ? usable : Math.min(usable, quota);
}

export function checkCpuCount(p: HostProbe): CheckResult {
  const id = 'cpu-count';
  const { usable, online } = p.cpuCount();
  if (!(usable > 0)) return skip(id, 'the runtime reported no CPUs');
  const quota = cgroupQuota(p);
  const effective = quota === null ? usable : Math.min(usable, quota);
  const value = `${usable} usable${online !== usable ? ` of ${online} online` : ''}${quota === null ? '' : `, cgroup quota ${+quota.toFixed(2)} cores`}`;
  const recording = hotThreads(true);
  if (effective >= recording) return ok(id, value);
  if (effective >= MIN_CORES)
    return ok(
      id,
      value,
      `Enough for the multi-thread layout while not recording. \`demo\` and \`record\` (and \`live --record\`) add a
recorder worker, so they need ${recording} cores for it and run single-threaded here (see the \`threads\` check).`,
    );
  return warn(
    id,
    value,
    `ringbook live mode runs a feed worker, an engine worker and the main thread (plus a recorder worker in
\`record\`/\`demo\`), each wanting a core. With fewer than ${MIN_CORES} they share cores: a ring's consumer spins only
briefly and then sleeps, so with the producer waiting for the same core the spin never succeeds, every hand-off pays
a futex wake-up plus a scheduler time slice, and latency rises from microseconds to (sometimes) milliseconds.
\`live\` and \`demo\` therefore run feed, engine and strategy on one thread here (see the \`threads\` check). For the
multi-thread layout, give the process at least ${MIN_CORES} cores (${recording} to record too)${quota !== null ? ' (raise the container CPU limit, e.g. `docker run --cpus 4`)' : ''}, or
${online > usable ? 'widen its CPU affinity (`taskset -cp 0-3 <pid>`), or ' : ''}use a larger instance.`,
  );
}

/** Which thread layout `live` and `demo` pick here (--threads auto), and why. */
export function checkThreads(p: HostProbe): CheckResult {
  const id = 'threads';
  const cores = effectiveCores(p);
  if (cores === null) return skip(id, 'the runtime reported no CPUs (live and demo fall back to the single-thread layout)');
  const trading = choosePlacement('auto', cores, false);
  const recording = choosePlacement('auto', cores, true);
  if (trading.layout === recording.layout) return ok(id, `${trading.layout}: ${trading.reason} (--threads to override)`);
  return ok(id, `${trading.layout} (${trading.reason}); ${recording.layout} when recording (${recording.reason}) (--threads to override)`);
}

export function checkCpuGovernor(p: HostProbe): CheckResult {
  const id = 'cpu-governor';
  const dir = '/sys/devices/system/cpu';
  const list = p.listDir(dir);
  if (!list.ok) return skip(id, list.reason);
  const cpus = list.value.filter((n) => /^cpu\d+$/.test(n));
  const counts = new Map<string, number>();
  for (const cpu of cpus) {
    const g = p.readFile(`${dir}/${cpu}/cpufreq/scaling_governor`);
    if (g.ok) counts.set(g.value.trim(), (counts.get(g.value.trim()) ?? 0) + 1);
  }
  if (!counts.size) return skip(id, `no ${dir}/cpu*/cpufreq (usual in a VM: the hypervisor owns the frequency)`);
  const value = [...counts].map(([g, n]) => `${g} x${n}`).join(', ');
  if (counts.size === 1 && counts.has('performance')) return ok(id, value);
  return warn(
    id,
    value,
    `Governors other than performance let cores clock down between bursts; the first messages after a quiet spell
then run slow while the core ramps up (tens to hundreds of µs). Pin the frequency up:
  sudo cpupower frequency-set -g performance
  # or without cpupower:
  echo performance | sudo tee ${dir}/cpu*/cpufreq/scaling_governor
Persist with your distribution's tool (e.g. \`tuned-adm profile latency-performance\`, or a systemd unit running the
line above). Deep C-states are the other half: see docs/tuning.md.`,
  );
}

export function checkHypervisor(p: HostProbe): CheckResult {
  const id = 'hypervisor';
  const r = p.readFile('/proc/cpuinfo');
  if (!r.ok) return skip(id, r.reason);
  const flags = /^flags\s*:(.*)$/m.exec(r.value);
  if (!flags) return skip(id, '/proc/cpuinfo has no flags line (not x86?)');
  const model = /^model name\s*:\s*(.*)$/m.exec(r.value)?.[1].trim();
  const virt = flags[1].split(/\s+/).includes('hypervisor');
  return ok(
    id,
    `${virt ? 'virtual machine' : 'bare metal'}${model ? ` (${model})` : ''}`,
    virt
      ? `In a VM the vCPUs are host threads: they can be descheduled (steal time, see \`top\`'s st column), frequency
and C-states belong to the hypervisor, and NIC interrupts pass through a virtual device. Fine for ringbook's
message rates; for the tail, prefer dedicated-tenancy or metal instances and check steal time stays near 0.`
      : null,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// 5. Node

export const MIN_NODE_MAJOR = 20;

export function checkNodeVersion(p: HostProbe): CheckResult {
  const id = 'node-version';
  const major = Number(/^v?(\d+)\./.exec(p.nodeVersion)?.[1]);
  if (!Number.isInteger(major)) return skip(id, `unrecognised Node version "${p.nodeVersion}"`);
  const value = `v${p.nodeVersion.replace(/^v/, '')}`;
  if (major >= MIN_NODE_MAJOR) return ok(id, value);
  return fail(
    id,
    value,
    `ringbook needs Node ${MIN_NODE_MAJOR} or newer (shared WebAssembly memory across worker threads, the V8 it was
tested on). Install a current LTS, e.g. \`nvm install 20 && nvm use 20\` or the NodeSource / distribution package.`,
  );
}

export function checkNodeThreads(p: HostProbe): CheckResult {
  const id = 'node-threads';
  const t = p.threads();
  const items: [string, Read][] = [
    ['SharedArrayBuffer', t.sharedArrayBuffer],
    ['Atomics.wait', t.atomicsWait],
    ['wasm threads', t.wasmThreads],
  ];
  const bad = items.filter(([, r]) => !r.ok);
  if (!bad.length) return ok(id, items.map(([n]) => n).join(', ') + ' work');
  return fail(
    id,
    bad.map(([n, r]) => `${n}: ${r.ok ? '' : brief(r.reason)}`).join('; '),
    `ringbook's rings and book live in one shared WebAssembly.Memory used by several worker threads with atomics;
without these it cannot start. Check that Node is not started with --jitless (removes WebAssembly) or
--no-harmony-sharedarraybuffer (removes SharedArrayBuffer), also via NODE_OPTIONS, and use an official Node
${MIN_NODE_MAJOR}+ build.`,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// 6. Process limits, memory, container

/** Sockets, capture files and browser clients in `serve` each take one; 1024 is plenty, less risks EMFILE. */
export const MIN_OPEN_FILES = 1024;

export function checkOpenFiles(p: HostProbe): CheckResult {
  const id = 'open-files';
  const r = p.readFile('/proc/self/limits');
  if (!r.ok) return skip(id, r.reason);
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(r.value);
  if (!m) return skip(id, 'no "Max open files" line in /proc/self/limits');
  const soft = m[1] === 'unlimited' ? Infinity : Number(m[1]);
  const value = `soft ${m[1]}, hard ${m[2]}`;
  if (soft >= MIN_OPEN_FILES) return ok(id, value);
  return warn(
    id,
    value,
    `ringbook holds a socket per venue connection, a file per open capture and a socket per browser client in
\`serve\`; with a soft limit under ${MIN_OPEN_FILES} a long run can fail with EMFILE. Raise it for the shell with
\`ulimit -n 65536\` (up to the hard limit), in a systemd unit with LimitNOFILE=65536, in Docker with
\`--ulimit nofile=65536:65536\`, or system-wide in /etc/security/limits.conf.`,
  );
}

export function checkTransparentHugepages(p: HostProbe): CheckResult {
  const id = 'thp';
  const r = p.readFile('/sys/kernel/mm/transparent_hugepage/enabled');
  if (!r.ok) return skip(id, r.reason);
  const mode = /\[(\w+)\]/.exec(r.value)?.[1];
  if (!mode) return skip(id, `unrecognised THP setting "${r.value.trim()}"`);
  return ok(
    id,
    mode,
    mode === 'always'
      ? `With THP "always", khugepaged and fault-time compaction can stall a thread for milliseconds now and then,
which shows up in the latency tail. ringbook allocates its shared memory once at start-up, so it gains little from
huge pages: \`echo madvise | sudo tee /sys/kernel/mm/transparent_hugepage/enabled\` (persist with the kernel
parameter transparent_hugepage=madvise).`
      : null,
  );
}

/** True when the interface is one end of a veth pair (its peer lives in another network namespace). */
function isVeth(p: HostProbe, iface: string): boolean | null {
  const idx = p.readFile(`/sys/class/net/${iface}/ifindex`);
  const link = p.readFile(`/sys/class/net/${iface}/iflink`);
  if (!idx.ok || !link.ok) return null;
  return idx.value.trim() !== link.value.trim();
}

/** The interface carrying the default route, from /proc/net/route (destination 00000000). */
function defaultRouteIface(p: HostProbe): string | null {
  const r = p.readFile('/proc/net/route');
  if (!r.ok) return null;
  for (const line of r.value.split('\n').slice(1)) {
    const [iface, dest] = line.trim().split(/\s+/);
    if (dest === '00000000') return iface;
  }
  return null;
}

/** What says this process runs in a container: marker files, the cgroup path; empty when nothing does. */
function containerMarkers(p: HostProbe): string[] {
  const markers: string[] = [];
  if (p.exists('/.dockerenv')) markers.push('/.dockerenv');
  if (p.exists('/run/.containerenv')) markers.push('/run/.containerenv');
  const cg = p.readFile('/proc/self/cgroup');
  if (cg.ok && /docker|kubepods|containerd|libpod|lxc/.test(cg.value)) markers.push('cgroup path');
  return markers;
}

export function checkContainer(p: HostProbe): CheckResult {
  const id = 'container';
  const markers = containerMarkers(p);
  const cg = p.readFile('/proc/self/cgroup');
  if (!markers.length) return ok(id, cg.ok ? 'not in a container' : `no container markers (${brief(cg.reason)})`);

  const iface = defaultRouteIface(p);
  const veth = iface ? isVeth(p, iface) : null;
  const found = `container (${markers.join(', ')})`;
  if (veth === true) {
    return warn(
      id,
      `${found}, default route via ${iface}, a veth: bridged networking`,
      `Bridged container networking sends every packet through a veth pair, a Linux bridge and NAT (conntrack),
adding tens of µs and jitter per packet plus softirq work on whatever core handles it. Run with the host's network
stack: \`docker run --network host ...\` (Kubernetes: \`hostNetwork: true\`). ringbook needs no published ports
except for \`serve\`/\`exchange\`, which then bind on the host directly.`,
    );
  }
  if (veth === false) return ok(id, `${found}, default route via ${iface}, not a veth: host networking`);
  return ok(
    id,
    `${found}, network mode unknown`,
    'If this container is bridged (not --network host), see docs/tuning.md: host networking avoids a veth + NAT hop.',
  );
}

// ---------------------------------------------------------------------------------------------------------------

/** Every check, in report order. Each `run` returns a result carrying the same `id`. */
export const CHECKS: readonly { id: string; run: (p: HostProbe) => CheckResult }[] = [
  { id: 'clock-sync', run: checkClockSync },
  { id: 'clocksource', run: checkClocksource },
  { id: 'socket-buffers', run: checkSocketBuffers },
  { id: 'tcp-fastopen', run: checkTcpFastOpen },
  { id: 'tcp-stack', run: checkTcpStack },
  { id: 'cpu-count', run: checkCpuCount },
  { id: 'threads', run: checkThreads },
  { id: 'cpu-governor', run: checkCpuGovernor },
  { id: 'hypervisor', run: checkHypervisor },
  { id: 'node-version', run: checkNodeVersion },
  { id: 'node-threads', run: checkNodeThreads },
  { id: 'open-files', run: checkOpenFiles },
  { id: 'thp', run: checkTransparentHugepages },
  { id: 'container', run: checkContainer },
];

/** Runs every check; a check that throws (a bug, or a probe surprise) becomes a SKIP naming the error. */
export function runChecks(p: HostProbe): CheckResult[] {
  return CHECKS.map(({ id, run }) => {
    try {
      return run(p);
    } catch (e) {
      return skip(id, `the check itself failed (${errorText(e)}); please report it`);
    }
  });
}
