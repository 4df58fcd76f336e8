import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { publishedSchemaNames } from '@pvskit/core';
import { VERBS } from '../../packages/cli/src/commands/verbs.js';

// The committed `pvskit` entry runs the esbuild bundle; it must answer exactly like the plain tsc build.
const root = fileURLToPath(new URL('../..', import.meta.url));
const entry = join(root, 'packages/cli/bin/pvskit.cjs');
const tscBin = join(root, 'packages/cli/dist/bin.js');
const contractCase = JSON.parse(readFileSync(join(root, 'test/fixtures/contract/case.json'), 'utf8')) as Record<string, unknown>;
const contractBundle = JSON.parse(readFileSync(join(root, 'test/fixtures/contract/bundle.json'), 'utf8')) as unknown;
const kbvFile = join(root, 'test/fixtures/kbv/Z05123456699_27.10.2023_12.00.con');
const dir = mkdtempSync(join(tmpdir(), 'pvskit-bundle-'));

function run(bin: string, args: string[], stdin = '') {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, input: stdin, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, content: unknown): string {
  writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  return name;
}

const saturday = {
  ...contractCase,
  id: 'sat',
  duty: { start: '2026-01-10T08:00', end: '2026-01-10T20:00' },
  contacts: [{ date: '2026-01-10', time: '11:00' }],
  services: [{ gop: '01210', date: '2026-01-10', time: '11:00' }],
};
const typo = { ...contractCase, servises: [] };

beforeAll(() => {
  const r = spawnSync(process.execPath, [join(root, 'scripts/bundle-cli.mjs'), '--quiet'], { encoding: 'utf8', timeout: 120_000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
}, 150_000);

describe('pvskit bundle', () => {
  it('answers every verb like the tsc build: same stdout, stderr and exit code', () => {
    const invocations = [
      ['--help'],
      [],
      ['--version'],
      ['chekc'],
      ['schema', 'case'],
      ['schema', 'cases'],
      ['check', file('ok.json', contractCase)],
      ['check', file('sat.json', saturday)],
      ['check', file('typo.json', typo)],
      ['check', file('bundle.json', contractBundle)],
      ['check', file('bad.json', '{"patient":')],
      ['check', file('array.json', [contractCase, saturday])],
      ['complete', 'ok.json'],
      ['complete', 'bundle.json'],
      ['kvdt', 'check', kbvFile],
      ['kvdt', 'read', kbvFile],
      ['kvdt'],
      ['check', '--ndjson', 'ok.json'],
    ];
    const codes: (number | null)[] = [];
    for (const args of invocations) {
      const bundled = run(entry, args);
      expect({ args, ...bundled }).toEqual({ args, ...run(tscBin, args) });
      codes.push(bundled.code);
    }
    expect(codes).toEqual([0, 2, 0, 2, 0, 2, 0, 1, 2, 0, 2, 1, 0, 0, 1, 0, 2, 2]);
  }, 120_000);

  it('check --ndjson: one answer line per input line, the same findings and errors as one run per file', () => {
    const lines = [JSON.stringify(contractCase), JSON.stringify(saturday), '', '{"patient":', JSON.stringify(typo), JSON.stringify(contractBundle)];
    const r = run(entry, ['check', '--ndjson'], `${lines.join('\n')}\n`);
    const answers = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(answers).toHaveLength(5);
    const single = (name: string) => JSON.parse(run(entry, ['check', name]).stdout) as { error?: { file?: string } };
    expect(answers[0]).toEqual(single('ok.json'));
    expect(answers[1]).toEqual(single('sat.json'));
    expect(answers[2]).toEqual({ ...single('bad.json'), error: { ...single('bad.json').error, file: '<stdin>:4' } });
    expect(answers[3]).toEqual({ ...single('typo.json'), error: { ...single('typo.json').error, file: '<stdin>:5' } });
    expect(answers[4]).toEqual(single('bundle.json'));
    // One stderr line per bad input line; the exit code is the worst line's.
    expect(r.stderr.trim().split('\n')).toHaveLength(2);
    expect(r.code).toBe(2);
    expect(run(entry, ['check', '--ndjson'], `${lines[0] ?? ''}\n${lines[1] ?? ''}\n`).code).toBe(1);
    expect(run(entry, ['check', '--ndjson'], `${lines[0] ?? ''}\n`).code).toBe(0);
  }, 60_000);

  it('the code caches are used by a fresh node, and without them or with damaged ones the answers are the same', () => {
    const bundle = join(root, 'packages/cli/dist/bundle');
    const { verbs } = createRequire(import.meta.url)(join(bundle, 'pvskit.cjs')) as { verbs: Record<string, { script?: string; module?: string }> };
    expect(Object.keys(verbs)).toEqual(Object.keys(VERBS));
    const scripts = Object.values(verbs).flatMap((v) => (v.script === undefined ? [] : [v.script]));
    expect(scripts.length).toBeGreaterThanOrEqual(4);
    // A child without vitest's flags, as a PVS starts pvskit.
    const probe = `const b = require(${JSON.stringify(join(bundle, 'pvskit.cjs'))}); for (const f of ${JSON.stringify(scripts)}) console.log(b.loadScript(require('node:path').join(${JSON.stringify(bundle)}, f)).cache);`;
    expect(spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' }).stdout.trim().split('\n')).toEqual(scripts.map(() => 'used'));

    const copy = (name: string, change: (cacheFile: string) => void) => {
      const target = join(dir, name);
      rmSync(target, { recursive: true, force: true });
      cpSync(bundle, target, { recursive: true });
      for (const f of readdirSync(target)) if (f.endsWith('.cache')) change(join(target, f));
      const bin = join(target, 'bin.cjs');
      writeFileSync(bin, "require('./pvskit.cjs').run();\n");
      return bin;
    };
    const uncached = copy('uncached', (f) => rmSync(f));
    const damaged = copy('damaged', (f) => {
      const bytes = readFileSync(f);
      bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0xff;
      writeFileSync(f, bytes);
    });
    const invocations = [
      ['check', 'ok.json'],
      ['check', 'sat.json'],
      ['check', 'typo.json'],
      ['check', 'bundle.json'],
      ['check', 'array.json'],
      ['complete', 'bundle.json'],
      ['kvdt', 'check', kbvFile],
      ['schema', 'case'],
    ];
    for (const args of invocations) {
      const cached = run(entry, args);
      expect({ args, ...run(uncached, args) }).toEqual({ args, ...cached });
      expect({ args, ...run(damaged, args) }).toEqual({ args, ...cached });
    }
  }, 120_000);

  it('the ES module entry bin/pvskit.mjs forwards to the same command', () => {
    const esmEntry = join(root, 'packages/cli/bin/pvskit.mjs');
    for (const args of [['--version'], ['chekc'], ['check', 'sat.json']]) expect({ args, ...run(esmEntry, args) }).toEqual({ args, ...run(entry, args) });
  });

  it('help names every published schema', () => {
    expect(VERBS.schema.usage).toBe(`pvskit schema <${publishedSchemaNames.join('|')}>`);
  });
});
