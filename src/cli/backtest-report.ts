// What a backtest writes and prints once its replay is done: the HTML report (--report), then the report as the
// terminal table or --json, with --parity's comparison after it (or beside it in the JSON). The one place its output
// takes its form, apart from the run that makes the figures.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Metrics } from '../backtest/metrics';
import type { BacktestTrace } from '../backtest/trace';
import { formatReport, type ReportContext } from '../backtest/report-text';
import { htmlReport } from '../backtest/report-html';
import { formatParity, type ParityReport, type ParityUnits } from '../backtest/parity';
import { logger } from '../log/logger';
import type { RunReport } from './run-report';

/** --report FILE: the self-contained HTML report, said where it went. */
export function writeHtmlReport(file: string, metrics: Metrics, trace: BacktestTrace, title: string, ctx: ReportContext): void {
  writeFileSync(resolve(file), htmlReport(metrics, trace, title, ctx));
  logger('backtest').info(`report written to ${file}`, { report: file });
}

/** --json's text: bigints as decimal strings, indented. */
const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? String(x) : x), 2);

/** The report on stdout: the table, or --json. */
export function printReport(metrics: Metrics, report: RunReport, asJson: boolean): void {
  console.log(asJson ? json(report.json) : formatReport(metrics, report.ctx));
}

/** --parity: the report and the comparison on stdout, the table followed by the comparison, or one JSON object. */
export function printParity(metrics: Metrics, report: RunReport, parity: ParityReport, units: ParityUnits, asJson: boolean): void {
  if (asJson) console.log(json({ metrics: report.json, parity }));
  else console.log(`${formatReport(metrics, report.ctx)}\n${formatParity(parity, units)}`);
}
