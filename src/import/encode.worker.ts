// The import's file thread: encodes each finished stream buffer as Parquet and writes it the recorder's way (.tmp,
// fsync, rename, directory fsync), while the import thread goes on converting. Jobs are done in the order they
// come; each answer hands the buffer back for reuse.
import { parentPort } from 'node:worker_threads';
import { encodeParquet } from '../capture/parquet/encode';
import { removeIfExists, writeFileDurably } from '../capture/files';
import type { EncodeJob, EncodeDone } from './encoder';

parentPort!.on('message', (job: EncodeJob) => {
  let done: EncodeDone;
  try {
    writeFileDurably(job.path, encodeParquet(job.words, 0, job.rows, job.meta, { rowGroupSize: job.rowGroupSize }));
    done = { id: job.id, words: job.words };
  } catch (err) {
    try {
      removeIfExists(`${job.path}.tmp`);
    } catch {
      // the write error is the one to report
    }
    const e = err as NodeJS.ErrnoException;
    done = { id: job.id, words: job.words, error: { code: e.code, message: e.message } };
  }
  parentPort!.postMessage(done, [done.words.buffer as ArrayBuffer]);
});
