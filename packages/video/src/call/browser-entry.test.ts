import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const NODE_ONLY = /from '(node:[^']+|ws|better-sqlite3|nodemailer|@roamhq\/wrtc|smtp-server)'/;

/** Follows relative imports from the browser entry and returns every module reached. */
function closure(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(/from '(\.[^']+)\.js'/g)) visit(resolve(dirname(file), `${m[1] as string}.ts`));
  };
  visit(entry);
  return [...seen];
}

test('the browser entry reaches no Node-only module', () => {
  const files = closure(join(here, 'browser.ts'));
  expect(files.map((f) => f.slice(here.length - 'call'.length))).toEqual(
    expect.arrayContaining(['call/client.ts', 'call/e2e.ts', 'call/cpace.ts', 'signaling/protocol.ts']),
  );
  for (const f of files) expect(readFileSync(f, 'utf8'), f).not.toMatch(NODE_ONLY);
});

test('the package exports the browser entry as @pvskit/video/browser', () => {
  const pkg = JSON.parse(readFileSync(join(here, '../../package.json'), 'utf8')) as { exports: Record<string, { import: string; types: string }> };
  expect(pkg.exports['./browser']).toEqual({ types: './dist/call/browser.d.ts', import: './dist/call/browser.js' });
});
