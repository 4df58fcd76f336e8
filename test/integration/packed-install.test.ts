import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

/*
 * What a vendor gets from npm: every package packed with `npm pack` and installed into an empty project,
 * without the registry. npm's cache holds the third-party tarballs (by integrity) but not their metadata, so
 * the empty project gets a lockfile: the packed tarballs plus the third-party entries of this repository's
 * lockfile that they need. `npm ci --offline` then installs exactly that; `--offline` makes every request
 * cache-only, so a missing tarball fails the install instead of downloading. Install scripts are skipped
 * (better-sqlite3 would compile from source); nothing checked here loads a native module.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const PACKAGES = ['core', 'billing', 'video', 'adapters', 'cli', 'harness'] as const;
const work = mkdtempSync(join(tmpdir(), 'pvskit-packed-'));
const tgzDir = join(work, 'tgz');
const app = join(work, 'app');

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  [key: string]: unknown;
}
interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  bin?: Record<string, string>;
}

function run(cmd: string, args: readonly string[], cwd: string, timeout = 240_000): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (r.error !== undefined) throw r.error;
  return r;
}

/** Lock paths of `name` and everything it needs, resolved the way Node does (nearest node_modules upwards). */
function closure(lock: Record<string, LockEntry>, names: Iterable<string>): Set<string> {
  const found = new Set<string>();
  const resolve = (from: string, name: string): string | undefined => {
    let base = from;
    for (;;) {
      const candidate = `${base === '' ? '' : `${base}/`}node_modules/${name}`;
      if (lock[candidate] !== undefined) return candidate;
      if (base === '') return undefined;
      const cut = base.lastIndexOf('/node_modules/');
      base = cut === -1 ? '' : base.slice(0, cut);
    }
  };
  const visit = (from: string, name: string, optional: boolean) => {
    const path = resolve(from, name);
    if (path === undefined) {
      if (optional) return;
      throw new Error(`${name} (needed by ${from === '' ? 'the app' : from}) is not in package-lock.json`);
    }
    if (found.has(path)) return;
    found.add(path);
    const entry = lock[path] ?? {};
    for (const dep of Object.keys(entry.dependencies ?? {})) visit(path, dep, false);
    for (const dep of Object.keys(entry.peerDependencies ?? {})) visit(path, dep, true);
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) visit(path, dep, true);
  };
  for (const name of names) visit('', name, false);
  return found;
}

function lockfileFor(manifests: readonly Manifest[], tarballs: ReadonlyMap<string, string>, extraDeps: readonly string[]) {
  const repoLock = (JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> }).packages;
  const ours = new Set(manifests.map((m) => m.name));
  const thirdParty = manifests.flatMap((m) => Object.keys(m.dependencies ?? {}).filter((d) => !ours.has(d)));
  const packages: Record<string, LockEntry> = {};
  const rootDeps: Record<string, string> = {};
  for (const m of manifests) {
    const spec = `file:../tgz/${tarballs.get(m.name) ?? ''}`;
    rootDeps[m.name] = spec;
    packages[`node_modules/${m.name}`] = {
      version: m.version,
      resolved: spec,
      ...(m.dependencies === undefined ? {} : { dependencies: m.dependencies }),
      ...(m.bin === undefined ? {} : { bin: m.bin }),
    };
  }
  for (const path of closure(repoLock, [...thirdParty, ...extraDeps])) {
    // In the vendor's project these are runtime dependencies, not the monorepo's dev tools.
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = repoLock[path] ?? {};
    packages[path] = entry;
  }
  for (const extra of extraDeps) rootDeps[extra] = repoLock[`node_modules/${extra}`]?.version ?? '*';
  return {
    name: 'pvskit-consumer',
    lockfileVersion: 3,
    requires: true,
    packages: { '': { name: 'pvskit-consumer', dependencies: rootDeps }, ...packages },
  };
}

/** The README's embedding example, made runnable: a concrete case and a sidebar that prints. */
function embeddingExample(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const code = /## Embedding[^\n]*\n\n```ts\n([\s\S]*?)\n```/.exec(readme)?.[1];
  if (code === undefined) throw new Error('README has no ts block under "## Embedding"');
  const prelude = `import type { CaseInput } from '@pvskit/core';
const caseFromYourPvs: CaseInput = ${readFileSync(join(root, 'test/fixtures/readme-case.json'), 'utf8').trim()};
function showInSidebar(indicator: string, summary: string, suggestions: unknown): void {
  console.log(JSON.stringify({ indicator, summary, suggestions }));
}
`;
  return `${prelude}${code}\nkit.dispose();\n`;
}

const manifests: Manifest[] = PACKAGES.map((p) => JSON.parse(readFileSync(join(root, 'packages', p, 'package.json'), 'utf8')) as Manifest);
const packedFiles = new Map<string, string[]>();

describe('packed packages in an empty project, without the registry', () => {
  beforeAll(() => {
    mkdirSync(tgzDir);
    mkdirSync(app);
    const tarballs = new Map<string, string>();
    for (const [i, p] of PACKAGES.entries()) {
      const r = run('npm', ['pack', '--json', '--pack-destination', tgzDir], join(root, 'packages', p), 120_000);
      expect(r.status, r.stderr).toBe(0);
      const [info] = JSON.parse(r.stdout) as { filename: string; files: { path: string }[] }[];
      tarballs.set(manifests[i]?.name ?? '', info?.filename ?? '');
      packedFiles.set(p, (info?.files ?? []).map((f) => f.path));
    }
    const lock = lockfileFor(manifests, tarballs, ['@types/node']);
    writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: 'pvskit-consumer', private: true, type: 'module', dependencies: lock.packages[''].dependencies }, null, 2)}\n`);
    writeFileSync(join(app, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
    const install = run('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], app);
    expect(install.status, `${install.stdout}\n${install.stderr}`).toBe(0);
  }, 600_000);

  it('packs only the build: no sources, tests, benchmarks or test kits', () => {
    for (const p of ['core', 'billing', 'adapters', 'cli', 'harness'] as const) {
      const files = packedFiles.get(p) ?? [];
      expect(files).toContain('package.json');
      expect(files.filter((f) => !f.startsWith('dist/') && !f.startsWith('bin/') && !f.startsWith('scenarios/') && f !== 'package.json' && !/^README/i.test(f))).toEqual([]);
      expect(files.filter((f) => /\.test\.|bench|test-fixtures|testing\/|sample|\.tsbuildinfo$/.test(f))).toEqual([]);
    }
  });

  it("compiles the README's embedding example with tsc against the published types, and runs it", () => {
    writeFileSync(join(app, 'example.ts'), embeddingExample());
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true,
          noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true, outDir: 'out', types: ['node'],
        },
        files: ['example.ts'],
      }),
    );
    const tsc = run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], app);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
    const example = run(process.execPath, ['out/example.js'], app, 60_000);
    expect(example.stderr).toBe('');
    expect(example.status).toBe(0);
    const cards = example.stdout.trim().split('\n').map((l) => JSON.parse(l) as { indicator: string; summary: string });
    // 01210 typed on a Saturday: the weekday Pauschale is wrong, the card says so.
    expect(cards.some((c) => c.indicator === 'critical' && c.summary.includes('01210'))).toBe(true);
  });

  it('runs the installed pvskit command', () => {
    const pvskit = join(app, 'node_modules/.bin/pvskit');
    const help = run(pvskit, ['--help'], app, 60_000);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('pvskit check');
    writeFileSync(
      join(app, 'case.json'),
      JSON.stringify({
        id: 'sat',
        patient: { lastName: 'Muster', firstName: 'Erika', birthDate: '1950-03-01', insurance: { type: 'GKV' } },
        services: [{ gop: '01210', date: '2026-01-10', time: '11:00' }],
      }),
    );
    const check = run(pvskit, ['check', 'case.json'], app, 60_000);
    expect(check.stderr).toBe('');
    expect(check.status).toBe(1);
    const { findings } = JSON.parse(check.stdout) as { findings: { rule: string; caseId?: string }[] };
    expect(findings).toContainEqual(expect.objectContaining({ rule: 'NFD-TIME-BAND', caseId: 'sat' }));
  });
});
