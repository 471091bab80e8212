// Finished import buffers → Parquet files on a thread of its own (./encode.worker), in order, at most `depth` jobs
// in flight so memory stays bounded; without the worker bundle (or with `inline`) the same work runs here.
// Errors come back at the next settle() or close(), naming the file.
import { Worker } from 'node:worker_threads';
import { encodeParquet } from '../capture/parquet/encode';
import { removeIfExists, writeFileDurably } from '../capture/files';
import type { FileMeta } from '../capture/schema';
import { findWorkerDir } from '../feed/pipeline';
import { errnoText } from '../capture/write-gate';

export interface EncodeJob {
  id: number;
  path: string;
  words: Int32Array;
  rows: number;
  meta: FileMeta;
  rowGroupSize?: number;
}

export interface EncodeDone {
  id: number;
  words: Int32Array;
  error?: { code?: string; message: string };
}

export class FileEncoder {
  private readonly worker: Worker | null;
  private readonly jobs = new Map<number, { path: string; rows: number }>();
  private nextId = 0;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;
  /** Buffers handed back, for the next files. */
  readonly spare: Int32Array[] = [];

  constructor(
    private readonly onDone: (f: { path: string; rows: number }) => void,
    o: { inline?: boolean } = {},
  ) {
    let worker: Worker | null = null;
    if (!o.inline) {
      try {
        worker = new Worker(new URL('import-encode.mjs', findWorkerDir()));
      } catch {
        worker = null; // no bundle next to this code (a test of the sources): encode here
      }
    }
    this.worker = worker;
    worker?.on('message', (d: EncodeDone) => this.done(d));
    worker?.on('error', (e) => this.fail(e instanceof Error ? e : new Error(String(e))));
    worker?.unref();
  }

  get pending(): number {
    return this.jobs.size;
  }

  submit(job: Omit<EncodeJob, 'id'>): void {
    const id = this.nextId++;
    this.jobs.set(id, { path: job.path, rows: job.rows });
    if (this.worker) {
      this.worker.ref();
      this.worker.postMessage({ ...job, id }, [job.words.buffer as ArrayBuffer]);
      return;
    }
    try {
      writeFileDurably(job.path, encodeParquet(job.words, 0, job.rows, job.meta, { rowGroupSize: job.rowGroupSize }));
      this.done({ id, words: job.words });
    } catch (err) {
      removeIfExists(`${job.path}.tmp`);
      const e = err as NodeJS.ErrnoException;
      this.done({ id, words: job.words, error: { code: e.code, message: e.message } });
    }
  }

  /** Waits until at most `max` jobs are in flight; throws the first write error. */
  async settle(max = 1): Promise<void> {
    while (this.jobs.size > max && !this.failure) await new Promise<void>((r) => (this.wake = r));
    if (this.failure) throw this.failure;
  }

  /** Waits for every job, then ends the thread. */
  async close(): Promise<void> {
    try {
      await this.settle(0);
    } finally {
      await this.worker?.terminate();
    }
  }

  private done(d: EncodeDone): void {
    const job = this.jobs.get(d.id);
    this.jobs.delete(d.id);
    if (this.jobs.size === 0) this.worker?.unref();
    if (d.error) {
      const hint =
        d.error.code === 'ENOSPC'
          ? ': the disk is full (free space or choose another --out)'
          : d.error.code === 'EACCES' || d.error.code === 'EPERM' || d.error.code === 'EROFS'
            ? ': the output directory is not writable'
            : '';
      this.fail(new Error(`cannot write ${job?.path ?? 'a file'} (${errnoText(d.error)})${hint}`));
    } else if (job) {
      if (this.spare.length < 1) this.spare.push(d.words);
      this.onDone(job);
    }
    this.wake?.();
    this.wake = null;
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.wake?.();
    this.wake = null;
  }
}
