// What every parity test requires of `backtest --parity --json`: exit 0 and every live decision matched, and the
// replay's orders answered by the session's own recorded answers, all of them.
import * as assert from 'uvu/assert';

export interface ParityRun {
  status: number | null;
  stderr: string;
  parity: any; // the report's parity section (src/backtest/parity.ts), read as JSON
}

export function assertFullMatch(r: ParityRun): void {
  assert.is(r.status, 0, `${r.stderr}\n${JSON.stringify(r.parity?.divergence)}`);
  const p = r.parity;
  assert.ok(p.live >= 4, `the session traded several times (${p.live} decisions)`);
  assert.is(p.divergence, null);
  assert.is(p.matched, p.live);
  assert.is(p.backtest, p.live);
}

export function assertRecordedAnswers(r: ParityRun): void {
  const a = r.parity.answers;
  assert.is(a.venue, 'recorded');
  assert.ok(a.recorded > 0);
  assert.is(a.delivered, a.recorded, 'every recorded answer reached the replay');
  assert.is(a.withheld, 0);
}
