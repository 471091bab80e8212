// `ringbook doctor`: checks the host for what low-latency market data needs and prints what to fix. The checks are
// pure (src/doctor/checks.ts) over a probe that reads /proc, /sys and a few status commands (src/doctor/probe.ts);
// this file only parses arguments, renders and picks the exit code.
import { runChecks, type CheckResult, type HostProbe } from '../doctor/checks';
import { hostProbe } from '../doctor/probe';
import { parseCommand, type CommandSpec } from './args';

export const DOCTOR = {
  name: 'doctor',
  usage: '[--json]',
  summary:
    'Checks this host for low-latency market data: clock sync and clock source, socket buffers, TCP options, CPU count / governor / virtualisation, Node version and thread support, open-file limit, transparent huge pages, and container networking.',
  details:
    'Each check prints OK, WARN, FAIL or SKIP (could not tell, with the reason), followed by advice for every WARN and FAIL. Needs no root and no network; docs/tuning.md explains each check.',
  flags: {
    json: { type: 'boolean', description: '{"checks":[{"id","status","value","advice"}]} instead of the table' },
  },
  examples: [
    ['doctor', 'the checks and what to fix'],
    ['doctor --json', 'the same as JSON'],
  ],
  notes: 'Exit code 1 if any check FAILs (ringbook cannot run properly here), else 0.',
} as const satisfies CommandSpec;

const WIDTH = 100;
const INDENT = '    ';

/** Wraps each advice paragraph to WIDTH under a 4-space indent; command lines (leading spaces) stay unbroken. */
export function wrapAdvice(text: string): string {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    if (/^\s/.test(para) || para === '') {
      out.push(para === '' ? '' : INDENT + para);
      continue;
    }
    let line = '';
    for (const word of para.split(' ')) {
      if (line && INDENT.length + line.length + 1 + word.length > WIDTH) {
        out.push(INDENT + line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    out.push(INDENT + line);
  }
  return out.join('\n');
}

export function renderReport(results: CheckResult[], probe: Pick<HostProbe, 'platform' | 'nodeVersion'>): string {
  const idWidth = Math.max(...results.map((r) => r.id.length));
  const lines = [`ringbook doctor: ${probe.platform}, node v${probe.nodeVersion}`, ''];
  if (probe.platform !== 'linux') lines.push('These checks read Linux /proc and /sys; on this platform most of them will SKIP.', '');
  for (const r of results) lines.push(`  ${r.status.padEnd(4)}  ${r.id.padEnd(idWidth)}  ${r.value}`);

  // Advice for everything that wants action; a SKIP gets advice only when there is something to do anyway.
  const actionable = results.filter((r) => r.status !== 'OK' && r.advice);
  for (const r of actionable) lines.push('', `${r.status} ${r.id}`, wrapAdvice(r.advice!));

  const count = (s: string) => results.filter((r) => r.status === s).length;
  lines.push(
    '',
    `${count('FAIL')} FAIL, ${count('WARN')} WARN, ${count('SKIP')} SKIP, ${count('OK')} OK. Why each check matters: docs/tuning.md`,
  );
  return lines.join('\n');
}

/**
 * Runs `ringbook doctor`. Returns 1 if any check failed, else 0. `probe` is for tests; by default the real host
 * is read.
 */
export async function runDoctor(argv: string[], probe: HostProbe = hostProbe()): Promise<number> {
  const args = parseCommand(DOCTOR, argv);
  if (!args) return 0;
  const json = args.values.json;
  const results = runChecks(probe);
  if (json)
    console.log(JSON.stringify({ checks: results.map(({ id, status, value, advice }) => ({ id, status, value, advice })) }, null, 2));
  else console.log(renderReport(results, probe));
  return results.some((r) => r.status === 'FAIL') ? 1 : 0;
}
