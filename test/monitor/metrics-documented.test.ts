// Every metric the commands publish is listed in docs/operations.md, under the name they publish it by.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('each ringbook_* metric name in src/ appears in docs/operations.md', () => {
  const docs = readFileSync('docs/operations.md', 'utf8');
  const names = new Set<string>();
  for (const f of sources('src')) for (const m of readFileSync(f, 'utf8').matchAll(/'(ringbook_[a-z0-9_]+)'/g)) names.add(m[1]);
  assert.ok(names.size > 20, `metric names found in src/: ${names.size}`);
  const missing = [...names].filter((n) => !docs.includes(`\`${n}`) && !docs.includes(`${n}{`) && !docs.includes(`${n}\``));
  assert.equal(missing, [], 'metrics published but not documented');
});

test.run();
