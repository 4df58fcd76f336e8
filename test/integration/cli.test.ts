import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Drives the built `pvskit` binary as a non-JS host would: a child process, JSON files, exit codes.
const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'packages/cli/dist/bin.js');
const contractCase = JSON.parse(readFileSync(join(root, 'test/fixtures/contract/case.json'), 'utf8')) as Record<string, unknown>;
const dir = mkdtempSync(join(tmpdir(), 'pvskit-cli-'));

function pvskit(args: string[], stdin?: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, input: stdin ?? '', encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, content: unknown): string {
  writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  return name;
}

const saturdayWith01210 = {
  ...contractCase,
  id: 'sat',
  duty: { start: '2026-01-10T08:00', end: '2026-01-10T20:00' },
  contacts: [{ date: '2026-01-10', time: '11:00' }],
  services: [{ gop: '01210', date: '2026-01-10', time: '11:00' }],
};

describe('pvskit check (child process)', () => {
  it('exits 0 with {"findings":[…]} when no error finding', () => {
    const r = pvskit(['check', file('ok.json', contractCase)]);
    const out = JSON.parse(r.stdout) as { findings: Array<{ severity: string }> };
    expect(out.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('exits 1 when a rule reports an error, and names the rule', () => {
    const r = pvskit(['check', file('sat.json', saturdayWith01210)]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { findings: Array<{ rule: string; fix?: unknown }> };
    expect(out.findings).toContainEqual(expect.objectContaining({ rule: 'NFD-TIME-BAND', fix: { op: 'replace', service: 0, gop: '01212' } }));
  });

  it('reads stdin with -', () => {
    const r = pvskit(['check', '-'], JSON.stringify(saturdayWith01210));
    expect(r.code).toBe(1);
  });

  it('exits 2 on an unknown field: one stderr line naming file, path and reason; {"error":…} on stdout', () => {
    const r = pvskit(['check', file('typo.json', { ...contractCase, servises: [] })]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('typo.json');
    expect(r.stderr).toContain('$.servises');
    expect(r.stderr).toContain('unknown field');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'VALIDATION', file: 'typo.json', path: '$.servises' } });
  });

  it('exits 2 on unreadable input: missing file, broken JSON, empty array', () => {
    for (const [args, reason] of [
      [['check', 'missing.json'], 'file not found'],
      [['check', file('broken.json', '{"id": ')], 'not valid JSON'],
      [['check', file('empty.json', [])], 'empty array'],
    ] as const) {
      const r = pvskit([...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(reason);
      expect(Object.keys(JSON.parse(r.stdout) as object)).toEqual(['error']);
    }
  });

  it('names the array index of a bad item', () => {
    const r = pvskit(['check', file('arr.json', [contractCase, { ...contractCase, region: 'XX' }])]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('$[1].region');
  });
});

describe('pvskit complete (child process)', () => {
  it('answers {"case":…} for one case and {"cases":[…]} for an array', () => {
    const single = pvskit(['complete', file('c1.json', contractCase)]);
    expect(single.code).toBeLessThan(2);
    expect(JSON.parse(single.stdout)).toHaveProperty('case.services');
    const many = pvskit(['complete', file('c2.json', [contractCase, saturdayWith01210])]);
    expect((JSON.parse(many.stdout) as { cases: unknown[] }).cases).toHaveLength(2);
  });

  it('completes the contract bundle with a pseudo case', () => {
    const r = pvskit(['complete', join(root, 'test/fixtures/contract/bundle.json')]);
    expect(r.code).toBeLessThan(2);
    const out = JSON.parse(r.stdout) as { cases: Array<{ pseudo?: boolean; services: Array<{ gop: string }> }> };
    expect(out.cases.some((c) => c.pseudo === true && c.services.some((s) => s.gop === '99999'))).toBe(true);
  });
});
