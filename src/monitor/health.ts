// Readiness for container health checks and load balancers: a command is ready while its market data is fresh, its
// recorder is writing and its trading session (live, demo) is not halted. Each check is a function of the command's
// own counters, so /health and /metrics agree. Liveness (the process serves) is not a check: src/monitor/server.ts.

export interface CheckResult {
  ok: boolean;
  /** What is wrong (or what is fine), in words. */
  detail: string;
}

export type Check = (nowMs: number) => CheckResult;

export class Health {
  private readonly checks = new Map<string, Check>();

  add(name: string, check: Check): this {
    this.checks.set(name, check);
    return this;
  }

  /** Every check now: ready when all pass. */
  report(nowMs = Date.now()): { ready: boolean; checks: Record<string, CheckResult> } {
    const checks: Record<string, CheckResult> = {};
    let ready = true;
    for (const [name, check] of this.checks) {
      const r = check(nowMs);
      checks[name] = r;
      ready &&= r.ok;
    }
    return { ready, checks };
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

/**
 * Market data is fresh while the feed's message count moved in the last `staleAfterMs`. `count` reads the running
 * total (undefined before the feed reported at all); the clock starts when the check is made, so a feed that never
 * delivers turns stale after the same time.
 */
export function feedFreshness(count: () => number | undefined, staleAfterMs: number, startMs = Date.now()): Check {
  let last = -1;
  let movedAt = startMs;
  return (now) => {
    const n = count();
    if (n !== undefined && n !== last) {
      if (last !== -1 || n > 0) movedAt = now;
      last = n;
    }
    const age = now - movedAt;
    if (n === undefined || n === 0) {
      return age > staleAfterMs
        ? { ok: false, detail: `no market data ${seconds(age)} after start (stale after ${seconds(staleAfterMs)})` }
        : { ok: false, detail: 'waiting for the first market data' };
    }
    return age > staleAfterMs
      ? { ok: false, detail: `no market data for ${seconds(age)} (stale after ${seconds(staleAfterMs)})` }
      : { ok: true, detail: `last market data ${seconds(age)} ago` };
  };
}

/**
 * The recorder is failing while its write-error total grew in the last `windowMs` (a failing writer retries about
 * once per flush interval, each failure counted), and healthy again once a window passes without a new error.
 */
export function writerHealth(errors: () => number | undefined, windowMs: number): Check {
  let last = 0;
  let failedAt = -Infinity;
  return (now) => {
    const n = errors() ?? 0;
    if (n > last) {
      failedAt = now;
      last = n;
    }
    return now - failedAt <= windowMs
      ? { ok: false, detail: `writes are failing (${n} write errors so far): see the ALARM lines` }
      : { ok: true, detail: n ? `writing (${n} write errors earlier, none in the last ${seconds(windowMs)})` : 'writing' };
  };
}

/**
 * A trading session is ready while it is not halted. A halt (a risk limit, the strategy threw, refused keys, a failed
 * reconcile) is final for the process: the check stays failed, with the halt's reason, until the process is stopped;
 * a restart is an operator's decision, never a probe's (it would trade again after a daily-loss halt). A clean stop
 * (phase STOPPED, no reason) is not a halt.
 */
export function tradingHealth(session: () => { phase: string; haltReason: string | null }): Check {
  return () => {
    const s = session();
    return s.haltReason !== null
      ? { ok: false, detail: `HALTED: ${s.haltReason}; not ready until the process is stopped (it will not trade again by itself)` }
      : { ok: true, detail: s.phase === 'STOPPED' ? 'stopped cleanly (not halted)' : `trading (${s.phase})` };
  };
}
