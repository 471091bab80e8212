// The API keys a session trades with (--keys FILE, the BITGET_API_* variables): read without ever quoting them, and
// registered as secrets before anything can log them, in either log format.
import { readFileSync } from 'node:fs';
import { credentialsFromJson, type Credentials } from '../gateway/index';
import { registerSecret } from '../log/logger';

/** Not through readJsonFile: V8's parse errors quote the text around the mistake, which here is the secret. */
export function readKeys(path: string): Credentials {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`--keys ${path}: ${code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? 'error'})`}`);
  }
  return guarded(credentialsFromJson(text, `--keys ${path}`));
}

/** Credentials whose values the logs will never show, in either format. */
export function guarded(c: Credentials): Credentials {
  registerSecret(c.apiKey);
  registerSecret(c.secret);
  registerSecret(c.passphrase);
  return c;
}
