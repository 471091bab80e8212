// `ringbook serve`: the browser replay page and the recordings it reads, on 127.0.0.1 until Ctrl-C, SIGTERM or
// SIGHUP. Thin: checks flags, finds the page next to this bundle (build/ringbook.mjs → build/web/), starts src/serve; with
// --strategy FILE it keeps that file bundled (src/serve/strategy.ts), rebuilt on every save, for the page to re-run.
import { logger } from '../log/logger';
import { existsSync, statSync, accessSync, realpathSync, constants } from 'node:fs';
import { resolve, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../serve/server';
import { StrategyWatcher, strategyApi } from '../serve/strategy';
import { findRecordings } from '../serve/listing';
import { readFileMeta, sortOutDamaged } from '../capture/read-file';
import { helpHint, parseCommand, renderHelp, UsageError, type CommandSpec } from './args';
import { signalExit, signalText, untilStopped } from './stop-signals';

export const SERVE = {
  name: 'serve',
  usage: '[DIR | --data DIR] [--port 8080] [--strategy FILE] [options]',
  summary:
    'Serves the browser replay page and the recordings under --data: the page at /, the list of recordings at /api/recordings, the files themselves at /data/<path> (with range requests, as the page reads Parquet in pieces), the built-in strategies bundled at /api/strategies, and with --strategy your file at /api/strategy (rebuilt on every save; the page follows /api/strategy/events).',
  // the recording directory as backtest and inspect take it (serve DIR), or as --data DIR
  positionals: { name: 'one recording directory (or --data DIR)', min: 0, max: 1 },
  flags: {
    data: {
      type: 'string',
      arg: 'DIR',
      default: 'data',
      description: 'recording root, as given to ringbook record --out (or give it as the argument)',
    },
    port: { type: 'int', arg: 'N', default: 8080, min: 0, max: 65535, noun: 'a port number', description: 'port, 0 = any free port' },
    host: {
      type: 'string',
      arg: 'H',
      default: '127.0.0.1',
      description: 'interface to bind (anything but 127.0.0.1 exposes the recordings to the network)',
    },
    strategy: {
      type: 'string',
      arg: 'FILE',
      description:
        "your strategy's .ts/.js file: bundled for the page (which offers it beside the built-ins) and rebuilt on every save; the page re-runs the replay with each new build, and shows a build error with its file:line while the last good bundle stays",
    },
    'skip-damaged': {
      type: 'boolean',
      description:
        'leave recordings whose footer cannot be read (torn, foreign, unknown schema) out of the list; without it such a file stops the server at start, named',
    },
  },
  examples: [
    ['serve --data data/', 'the replay page for the recordings under data/, at http://127.0.0.1:8080/'],
    ['serve data/', 'the same'],
    ['serve --data data/ --port 0', 'the same on any free port (printed)'],
    ['serve --data data/ --strategy my-strategy.ts', 'the page runs my-strategy.ts, again on every save'],
  ],
} as const satisfies CommandSpec;

export interface ServeCliOptions {
  dataRoot: string;
  host: string;
  port: number;
  skipDamaged: boolean;
  /** --strategy FILE, or null. */
  strategy: string | null;
}

/** Parses `ringbook serve` flags; throws an Error that says what to fix. Returns undefined for --help. */
export function parseServeArgs(args: string[]): ServeCliOptions | undefined {
  const parsed = parseCommand(SERVE, args, () => {});
  if (!parsed) return undefined;
  const { values, positionals } = parsed;
  if (positionals.length && args.some((a) => a === '--data' || a.startsWith('--data=')))
    throw new UsageError(`give the recording directory once: ${positionals[0]} or --data ${values.data}, not both (${helpHint(SERVE)})`);
  const data = positionals[0] ?? values.data;
  if (!values.host) throw new UsageError('--host needs an address, e.g. 127.0.0.1');
  if (!data) throw new UsageError('--data needs a directory, e.g. --data data/');
  if (values.strategy !== undefined) {
    const f = values.strategy;
    if (!existsSync(f))
      throw new Error(`--strategy ${f}: no such file (give your strategy's .ts or .js file; ringbook new strategy NAME writes one)`);
    if (statSync(f).isDirectory()) throw new Error(`--strategy ${f} is a directory: give the strategy's .ts or .js file`);
  }
  return {
    dataRoot: resolve(data),
    host: values.host,
    port: values.port,
    skipDamaged: values['skip-damaged'] === true,
    strategy: values.strategy ?? null,
  };
}

/** The page's directory: `web/` next to the running bundle. */
export function defaultWebRoot(from: string | URL = import.meta.url): string {
  return fileURLToPath(new URL('./web/', from));
}

function checkDataRoot(dir: string): void {
  if (!existsSync(dir)) {
    throw new Error(`no recording directory at ${dir}: record one with ringbook record --out ${dir}, or point --data at an existing one`);
  }
  if (!statSync(dir).isDirectory()) throw new Error(`--data ${dir} is a file; give the recording directory (the --out of ringbook record)`);
  try {
    accessSync(dir, constants.R_OK | constants.X_OK);
  } catch (err) {
    throw new Error(`cannot read --data ${dir} (${(err as NodeJS.ErrnoException).code}): fix its permissions or choose another directory`);
  }
}

export interface ServeCliIo {
  /** Stops the server when aborted (as Ctrl-C, SIGTERM and SIGHUP do). */
  signal?: AbortSignal;
  /** Where status lines go; default console.log. */
  log?: (line: string) => void;
  /** The page's directory; default web/ next to the running bundle. */
  webRoot?: string;
  /** Called once listening, with the page URL (tests use it to find a port-0 server). */
  onListening?: (url: string) => void;
}

/** `ringbook serve …`: resolves 0 after a clean shutdown; throws on bad flags or when it cannot listen. */
export async function runServe(args: string[], io: ServeCliIo = {}): Promise<number> {
  const out = io.log ?? ((line: string) => console.log(line));
  const o = parseServeArgs(args);
  if (!o) {
    out(renderHelp(SERVE));
    return 0;
  }
  const logger_ = logger('serve', (text) => out(text.replace(/\n$/, '')));
  const log = (line: string) => (/warning/.test(line) ? logger_.warn(line) : logger_.info(line));
  checkDataRoot(o.dataRoot);
  const webRoot = io.webRoot ?? defaultWebRoot();
  if (!existsSync(webRoot) || !statSync(webRoot).isDirectory()) {
    throw new Error(`the replay page is not built (no directory ${webRoot}): run npm run build first`);
  }
  const served = o.strategy ? new StrategyWatcher(o.strategy, log) : null;
  let server;
  try {
    server = await startServer({
      webRoot,
      dataRoot: o.dataRoot,
      host: o.host,
      port: o.port,
      skipDamaged: o.skipDamaged,
      api: strategyApi(served),
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new Error(`port ${o.port} on ${o.host} is in use (pick another with --port, or --port 0 for any free port)`);
    if (code === 'EACCES')
      throw new Error(
        `not allowed to listen on port ${o.port} (ports below 1024 need privileges): pick another with --port, e.g. --port 8080`,
      );
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      throw new Error(`cannot bind --host ${o.host} (${code}); use an address of this machine, e.g. 127.0.0.1`);
    throw err;
  }
  const found = await findRecordings(realpathSync(o.dataRoot));
  let checked;
  try {
    checked = await sortOutDamaged(
      found.map((f) => join(o.dataRoot, f.path)),
      readFileMeta,
      o.skipDamaged,
    );
  } catch (err) {
    await server.close();
    throw err;
  }
  // market data files (the ticker stream's, listed for the replay's funding, are not recordings of their own)
  const market = new Set(found.filter((f) => !f.stream).map((f) => join(o.dataRoot, f.path)));
  const count = checked.ok.filter((c) => market.has(c.path)).length;
  log(`ringbook serve: ${server.url}`);
  log(`  data ${o.dataRoot} (${count} recording file${count === 1 ? '' : 's'})`);
  // the page would open on an empty list: say here what fills it (it lists new files when reloaded)
  if (count === 0)
    log(
      `  nothing to replay under ${o.dataRoot} yet: record some (ringbook demo --out ${o.dataRoot}, or ringbook record --out ${o.dataRoot}) and reload the page, or drop .parquet files on it`,
    );
  if (served) {
    // a file that does not build yet is no reason to stop: the page shows why, and the next save may fix it
    await served.start();
    log(`  watching ${o.strategy}: every save rebuilds it and the page re-runs the replay`);
  }
  if (checked.damaged.length) {
    log(`  skipping ${checked.damaged.length} damaged file(s) (--skip-damaged), not listed:`);
    for (const d of checked.damaged) log(`    ${d.message}`);
  }
  if (!existsSync(join(webRoot, 'index.html')))
    log(`  warning: no index.html in ${webRoot}; / answers 404 until the page is built (/api and /data work)`);
  if (!/^(127\.|localhost$|::1$)/.test(o.host))
    log(`  warning: bound to ${o.host}: anyone who can reach this machine can read the recordings`);
  // it runs until stopped: Ctrl-C, SIGTERM or SIGHUP is its normal end (exit 0); a second one while it closes ends it
  // at once, with that signal's code. Listening before the line that says so: a signal sent on it must be caught
  const stop = untilStopped({
    now: (sig) => log(`ringbook serve: ${signalText(sig)} while stopping: ended at once (exit ${signalExit(sig)})`),
    abort: io.signal,
  });
  log('  (Ctrl-C to stop)');
  io.onListening?.(server.url);

  await stop.stopped;
  const by = stop.by ? ` by ${signalText(stop.by)}` : '';
  served?.close();
  await server.close();
  stop.release();
  log(`ringbook serve: stopped${by}`);
  return 0;
}
