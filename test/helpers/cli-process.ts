// A built CLI command running in the background, its JSON log lines parsed as they come, for tests that scrape its
// /metrics and /health while it runs.
import { spawn, type ChildProcess } from 'node:child_process';

export interface CliProcess {
  child: ChildProcess;
  /** Every JSON object logged so far (standard error and output). */
  events: Array<Record<string, any>>;
  /** All text written, for "never printed" checks. */
  text(): string;
  /** Resolves with the first event `pred` accepts (rejects if the process exits first or after `timeoutMs`). */
  waitFor(pred: (e: Record<string, any>) => boolean, timeoutMs?: number): Promise<Record<string, any>>;
  exited: Promise<number | null>;
}

export function startCli(args: string[], env: NodeJS.ProcessEnv = process.env): CliProcess {
  const child = spawn(process.execPath, ['build/ringbook.mjs', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const events: Array<Record<string, any>> = [];
  let all = '';
  const waiters: Array<() => void> = [];
  let exitCode: number | null | undefined;
  for (const s of [child.stdout!, child.stderr!]) {
    let buf = '';
    s.setEncoding('utf8');
    s.on('data', (chunk: string) => {
      all += chunk;
      buf += chunk;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        try {
          events.push(JSON.parse(line));
        } catch {
          // a line that is not JSON (the human format, a crash): kept in text() only
        }
      }
      for (const w of waiters.splice(0)) w();
    });
  }
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      exitCode = code;
      for (const w of waiters.splice(0)) w();
      resolve(code);
    }),
  );
  const waitFor = (pred: (e: Record<string, any>) => boolean, timeoutMs = 60_000) =>
    new Promise<Record<string, any>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no such log line after ${timeoutMs} ms; got:\n${all.slice(-3000)}`)), timeoutMs);
      const look = () => {
        const e = events.find(pred);
        if (e) {
          clearTimeout(timer);
          resolve(e);
        } else if (exitCode !== undefined) {
          clearTimeout(timer);
          reject(new Error(`exited (${exitCode}) before the log line; output:\n${all.slice(-3000)}`));
        } else waiters.push(look);
      };
      look();
    });
  return { child, events, text: () => all, waitFor, exited };
}

/** A Prometheus text scrape as { 'name{labels}': value }. */
export async function scrape(url: string): Promise<Record<string, number>> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
  const out: Record<string, number> = {};
  for (const line of (await res.text()).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const sp = line.lastIndexOf(' ');
    out[line.slice(0, sp)] = Number(line.slice(sp + 1));
  }
  return out;
}

export async function health(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}

/** Polls `fn` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function until<T>(fn: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
