// `ringbook optimize merge <shard dirs…> --out DIR`: the shards of one search (same bundle, core, data and space)
// combined into one result, ranked and summarised as if run at once.
import { existsSync } from 'node:fs';
import { checkCreatableDir } from '../capture/files';
import { join, resolve } from 'node:path';
import { parseFolds, buildFolds } from '../optimize/folds';
import { summarise, venueText } from '../optimize/summary';
import { strategyText } from '../optimize/report-html';
import { plural } from '../format/numbers';
import { parseCommand, type CommandSpec } from './args';
import { readJsonFile } from './json-file';
import { logger } from '../log/logger';
import { liveHolder, withDirLock } from './dir-lock';
import {
  differenceName,
  firstDifference,
  keepEarlierResult,
  LEGACY_STRATEGY,
  readTrials,
  sameData,
  summaryJson,
  valueText,
  writeResults,
  type Manifest,
} from './optimize-results';
import { bestNet, firstInvalid, hungTrials, printSummary, strategyErrors } from './optimize-summary';

const log = logger('optimize');

export const MERGE = {
  name: 'optimize merge',
  usage: '<shard dirs…> [--out results/]',
  summary:
    'Combines the result directories of shards (optimize --shard i/n) into one result: the same summary, report and files as one unsharded run.',
  positionals: { name: 'the shard result directories', min: 1, max: 10_000 },
  flags: {
    out: {
      type: 'string',
      arg: 'DIR',
      default: 'results',
      description: 'the combined results directory (one that holds an earlier result is refused)',
    },
    overwrite: { type: 'boolean', description: 'replace the earlier result in --out' },
    json: { type: 'boolean', description: 'print the summary as JSON (what summary.json holds) instead of the text' },
  },
  examples: [
    ['optimize merge results-0 results-1 results-2 results-3 --out results', 'four shards into results/'],
    ['optimize merge shards/* --out merged', 'every shard directory under shards/'],
  ],
} as const satisfies CommandSpec;

export async function runMerge(argv: string[]): Promise<number> {
  const args = parseCommand(MERGE, argv);
  if (!args) return 0;
  const values = args.values;
  checkCreatableDir('--out', values.out);
  return withDirLock(
    '--out',
    values.out,
    (l) => log.warn(l),
    async () => {
      keepEarlierResult(values.out, values.overwrite === true);
      const parts = args.positionals.map((d) => {
        const p = join(d, 'manifest.json');
        if (!existsSync(p)) throw new Error(`${d} is not an optimizer result directory (no manifest.json)`);
        const manifest = readJsonFile(p, 'shard').value as Manifest;
        return { dir: d, manifest, results: readTrials(d) };
      });
      const first = parts[0].manifest;
      // the strategy is compared by name and bundle, not by the path it was loaded from (another machine, another checkout)
      const comparable = (m: Manifest) => JSON.stringify({ ...sameData(m), shard: null, complete: true, strategy: null });
      const same = (m: Manifest) => comparable(m) === comparable(first);
      const ran = (p: (typeof parts)[number]) => p.manifest.strategy ?? LEGACY_STRATEGY;
      for (const p of parts) {
        const a = ran(parts[0]);
        const b = ran(p);
        const bad = p.results.find((r) => (r.bundleSha256 ?? null) !== b.bundleSha256 || (r.coreSha256 ?? null) !== b.coreSha256);
        if (bad)
          throw new Error(
            `${join(p.dir, 'trials.jsonl')}: trial ${bad.id} ran bundle sha256 ${bad.bundleSha256 ?? 'unknown'}, the shard's manifest says ${b.bundleSha256 ?? 'unknown'}: the directory mixes runs; re-run that shard`,
          );
        if (a.name !== b.name || a.bundleSha256 !== b.bundleSha256 || a.coreSha256 !== b.coreSha256)
          throw new Error(
            `${p.dir} ran the strategy ${strategyText(b)}, ${parts[0].dir} ran ${strategyText(a)}: shards must run the same bundle on the same core (the same strategy file, unedited, and the same ringbook build)`,
          );
      }
      // the same directory twice (a glob and a name, a typo) would otherwise read as a missing shard
      const byPath = new Map<string, string>();
      for (const p of parts) {
        const earlier = byPath.get(resolve(p.dir));
        if (earlier !== undefined)
          throw new Error(
            earlier === p.dir
              ? `${p.dir} is given twice: give each shard once`
              : `${earlier} and ${p.dir} are the same directory: give each shard once`,
          );
        byPath.set(resolve(p.dir), p.dir);
      }
      for (const p of parts) {
        if (!same(p.manifest)) {
          const d = firstDifference(JSON.parse(comparable(first)), JSON.parse(comparable(p.manifest)));
          throw new Error(
            `${p.dir} was run with ${d ? `${differenceName(d.path)} ${valueText(d.b)}, ${parts[0].dir} with ${valueText(d.a)}` : `other data, space or settings than ${parts[0].dir}`}: shards must come from the same command`,
          );
        }
        if (!p.manifest.complete) {
          // a shard's journal reads as not complete while it runs: one still running is waited for, not re-run
          const running = liveHolder(p.dir);
          throw new Error(
            running
              ? `${p.dir} is still running (pid ${running.pid}: ${running.command}): merge once every shard is done`
              : `${p.dir} did not finish (stopped early): re-run that shard (with --resume, its finished trials are kept)`,
          );
        }
      }
      const count = first.shard?.count ?? 1;
      const byIndex = new Map<number, string>();
      for (const p of parts) {
        const i = p.manifest.shard?.index ?? 0;
        const other = byIndex.get(i);
        if (other !== undefined) throw new Error(`${other} and ${p.dir} are both shard ${i}/${count}: give each shard once`);
        byIndex.set(i, p.dir);
      }
      const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i));
      if (missing.length) throw new Error(`missing shard(s) ${missing.map((i) => `${i}/${count}`).join(', ')} of ${count}`);
      // a shard holds the ids ≡ its index mod the count: one holding fewer lost trials (a trials.jsonl cut short, edited)
      for (const p of parts) {
        const i = p.manifest.shard?.index ?? 0;
        const expected = first.total > i ? Math.floor((first.total - 1 - i) / count) + 1 : 0;
        if (p.results.length !== expected)
          throw new Error(
            `${p.dir} (shard ${i}/${count}) holds ${plural(p.results.length, 'trial')} in trials.jsonl, its share of the search's ${plural(first.total, 'trial')} is ${expected}: re-run that shard`,
          );
      }
      const results = parts.flatMap((p) => p.results).sort((a, b) => a.id - b.id);
      if (results.length !== first.total) throw new Error(`the shards hold ${results.length} trials, the search has ${first.total}`);
      const folds = first.walkForward
        ? buildFolds(parseFolds(first.walkForward), BigInt(first.settings.fromNs), BigInt(first.settings.toNs) + 1n)
        : null;
      const summary = summarise({
        results,
        objective: first.objective,
        sampleNs: first.settings.sampleNs,
        fromNs: first.settings.fromNs,
        toNs: first.settings.toNs,
        folds,
        base: first.settings.base,
        keys: first.keys,
      });
      const manifest: Manifest = { ...first, shard: null, complete: true };
      writeResults(resolve(values.out), manifest, results, summary);
      if (values.json) console.log(summaryJson(manifest, summary));
      else
        printSummary(summary, first.keys, values.out, {
          symbol: first.symbol,
          symbols: first.symbols,
          bestNetQuote: bestNet(results),
          strategy: manifest.strategy,
          units: manifest.units,
          threw: strategyErrors(results),
          hung: hungTrials(results),
          invalid: firstInvalid(results),
          venue: venueText(results, manifest.settings.amendKeepsQueue === true),
        });
      return summary.chosen ? 0 : 1;
    },
  );
}
