import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

// Everything KVDT 0104 needs (contract: "Fields that only the KVDT export needs").
const exportable = {
  ...contractCase,
  id: 'k-1',
  practice: { bsnr: '529999900', name: 'Notfallpraxis Musterstadt', street: 'Musterstr. 1', zip: '70173', city: 'Stuttgart', phone: '0711 123456', kv: '52' },
  physician: { lanr: '123456601', name: 'Dr. med. Anna Beispiel' },
  patient: {
    lastName: 'Žižek',
    firstName: 'Œdipa',
    birthDate: '1950-03-01',
    sex: 'W',
    street: 'Hauptstr.',
    houseNumber: '5',
    zip: '70173',
    city: 'Stuttgart',
    insurance: { type: 'GKV', ik: '108018007', kvnr: 'A123456780', vknr: '61101', memberType: '1' },
  },
  continuingPhysician: 'Dr. med. Hausarzt, Musterstadt',
  software: { name: 'pvskit-test', version: '0.1.0', kbvTestNumber: 'Y/1/2601/36/999', vendor: { name: 'pvskit' } },
};

describe('pvskit kvdt (child process)', () => {
  it('exports a case to a directory as Z01<BSNR>_….con in ISO-8859-15, reads it back and finds nothing', () => {
    mkdirSync(join(dir, 'out-ok'));
    const r = pvskit(['kvdt', 'export', file('exportable.json', exportable), '--out', 'out-ok']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const files = readdirSync(join(dir, 'out-ok'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^Z01529999900_\d{2}\.\d{2}\.\d{4}_\d{2}\.\d{2}\.con$/);
    const bytes = readFileSync(join(dir, 'out-ok', files[0] ?? ''));
    // Ž is 0xB4 and Œ is 0xBC in ISO-8859-15 (latin1 has other characters there).
    expect(bytes.includes(Buffer.from([0xb4, 0x69, 0xb8, 0x65, 0x6b]))).toBe(true);
    expect(bytes.includes(Buffer.from([0xbc, 0x64, 0x69, 0x70, 0x61]))).toBe(true);
    const read = pvskit(['kvdt', 'read', join('out-ok', files[0] ?? '')]);
    expect(read.code).toBe(0);
    expect(read.stdout).toContain('Žižek');
    const checked = pvskit(['kvdt', 'check', join('out-ok', files[0] ?? '')]);
    expect(JSON.parse(checked.stdout)).toEqual({ findings: [] });
    expect(checked.code).toBe(0);
  });

  it('refuses a character outside ISO-8859-15 with exit 2, naming the field, and leaves no file', () => {
    mkdirSync(join(dir, 'out-refused'));
    const sahin = { ...exportable, patient: { ...exportable.patient, lastName: 'Şahin' } };
    const r = pvskit(['kvdt', 'export', file('sahin.json', sahin), '--out', 'out-refused']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('3101');
    expect(r.stderr).toContain('Ş');
    expect(readdirSync(join(dir, 'out-refused'))).toEqual([]);
  });

  it('refuses a case without an export field (VKNR), naming case and field, and writes nothing', () => {
    const { vknr: _vknr, ...insurance } = exportable.patient.insurance;
    const r = pvskit(['kvdt', 'export', file('novknr.json', { ...exportable, patient: { ...exportable.patient, insurance } }), '--out', 'missing.con']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('k-1');
    expect(r.stderr).toContain('4104');
    expect(existsSync(join(dir, 'missing.con'))).toBe(false);
  });

  it('check on KBV\'s test file exits 1 and reports its wrong KVNR check digits', () => {
    const r = pvskit(['kvdt', 'check', join(root, 'test/fixtures/kbv/Z05123456699_27.10.2023_12.00.con')]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { findings: Array<{ rule: string; line?: number }> };
    expect(out.findings.filter((f) => f.rule === 'ID-KVNR').map((f) => f.line)).toContain(220);
  });
});
