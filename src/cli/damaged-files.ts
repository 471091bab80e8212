// --skip-damaged for backtest and optimize: the files that cannot be read are left out before the replay (a damaged
// page found then, not halfway through), named on stderr and in the report, and a symbol left with none of its files
// is said to be so instead of a bare "no recording of".
import { sortOutDamaged, verifyFile, type DamagedFile } from '../capture/read-file';
import type { RecordArea } from '../capture/parquet/record-groups';
import { marketPathParts } from '../capture/schema';
import type { ReplayFile } from '../backtest/feeder';

/**
 * `--skip-damaged`: reads every row of `files` through `area` before the replay (checksums and streams checked), so
 * a damaged page is skipped with its file instead of stopping the replay halfway; adds those to `damaged`.
 */
export async function dropDamaged(
  files: ReplayFile[],
  area: RecordArea,
  damaged: DamagedFile[],
  of?: { symbol: string; symbols: readonly string[] },
): Promise<ReplayFile[]> {
  const checked = await sortOutDamaged(
    files.map((f) => f.path),
    (p) => verifyFile(p, area),
    true,
  );
  damaged.push(...checked.damaged);
  const ok = new Set(checked.ok.map((c) => c.path));
  const kept = files.filter((f) => ok.has(f.path));
  if (!kept.length && of && of.symbols.length > 1) {
    // the other symbols' files may be whole: name the one that cannot be replayed, and what can
    const others = of.symbols.filter((s) => s !== of.symbol);
    throw new Error(
      `every file of ${of.symbol} is damaged: ${checked.damaged.map((d) => d.message).join('; ')}. ` +
        `A run over ${of.symbols.join(',')} needs some of each; replay the others with --symbols ${others.join(',')}`,
    );
  }
  if (!kept.length) throw new Error(`every input file is damaged: ${damaged.map((d) => d.message).join('; ')}`);
  return kept;
}

/**
 * Runs `choose`; a symbol it finds no recording of whose files were all left out as damaged (--skip-damaged) is said
 * to be so, with them, instead of a bare "no recording of".
 */
export function withDamagedNamed<T>(damaged: readonly DamagedFile[], choose: () => T): T {
  try {
    return choose();
  } catch (err) {
    const m = err instanceof Error ? /^no recording of ([^(]+?) (?:\(|$)/.exec(err.message) : null;
    if (!m) throw err;
    const missing = m[1].split(', ');
    const lost = damaged.filter((d) => missing.includes(marketPathParts(d.path)?.symbol ?? ''));
    if (!lost.length) throw err;
    // a data problem, not a typo: no "did you mean", exit 1
    throw new Error(
      `no recording of ${missing.join(', ')} left to replay: every file of it was left out as damaged (${lost.map((d) => d.path).join(', ')})`,
    );
  }
}

/** One line per damaged file left out, for stderr and the report. */
export function skippedLines(damaged: readonly DamagedFile[]): string[] {
  return damaged.length ? [`skipped ${damaged.length} damaged file(s) (--skip-damaged):`, ...damaged.map((d) => `  ${d.message}`)] : [];
}
