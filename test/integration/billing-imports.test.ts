import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

// A loader hook that records every module URL the import graph resolves, so the test sees what really loads.
const hook = `
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  process.stderr.write('LOADED ' + r.url + '\\n');
  return r;
}`;
const register = `
import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));`;

function modulesLoadedBy(entry: string): string[] {
  const result = spawnSync(
    process.execPath,
    ['--import', `data:text/javascript,${encodeURIComponent(register)}`, '--input-type=module', '-e', `await import(${JSON.stringify(entry)});`],
    { cwd: root, encoding: 'utf8', timeout: 20_000 },
  );
  expect(result.status, result.stderr).toBe(0);
  return result.stderr
    .split('\n')
    .filter((l) => l.startsWith('LOADED '))
    .map((l) => l.slice(7));
}

describe('@pvskit/billing import graph', () => {
  it('loads no libsodium, WebRTC, SQLite or PostgreSQL client', () => {
    const loaded = modulesLoadedBy('@pvskit/billing');
    expect(loaded.some((u) => u.includes('/packages/billing/dist/'))).toBe(true);
    expect(loaded.filter((u) => /libsodium|wrtc|simple-peer|better-sqlite3|node_modules\/pg\/|nodemailer/.test(u))).toEqual([]);
  });
});
