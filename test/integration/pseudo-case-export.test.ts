import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// A completed duty goes from the CLI alone into a KVDT file: `pvskit complete duty.json | pvskit kvdt export -`,
// through a real shell pipe between two processes of the built binary.
const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'packages/cli/dist/bin.js');
const dir = mkdtempSync(join(tmpdir(), 'pvskit-pseudo-'));

const duty = {
  duty: { id: 'd-7', start: '2026-01-09T20:00', end: '2026-01-10T08:00' },
  region: 'BW',
  practice: { bsnr: '529999900', name: 'Notfallpraxis Musterstadt', street: 'Musterstr. 1', zip: '70173', city: 'Stuttgart', phone: '0711 123456', kv: '52' },
  physician: { lanr: '123456601', name: 'Dr. med. Anna Beispiel' },
  software: { name: 'Beispiel-PVS', version: '1.0', kbvTestNumber: 'Y/1/2601/36/999', vendor: { name: 'Beispiel GmbH' } },
  pseudoCase: { sex: 'U', vknr: '61101', memberType: '1', continuingPhysician: 'Organisierter Notfalldienst' },
  cases: [
    {
      id: 'c-1',
      patient: {
        lastName: 'Muster', firstName: 'Erika', birthDate: '1950-03-01', sex: 'W', street: 'Hauptstr.', houseNumber: '5', zip: '70173', city: 'Stuttgart',
        insurance: { type: 'GKV', ik: '108018007', kvnr: 'A123456780', vknr: '61101', memberType: '1' },
      },
      continuingPhysician: 'Dr. med. Hausarzt, Musterstadt',
      diagnoses: [{ icd: 'J18.9', certainty: 'G' }],
      contacts: [{ date: '2026-01-09', time: '21:30' }],
    },
  ],
};

function pipe(dutyJson: unknown, out: string) {
  writeFileSync(join(dir, 'duty.json'), JSON.stringify(dutyJson));
  mkdirSync(join(dir, out));
  const cmd = `"${process.execPath}" "${bin}" complete duty.json | "${process.execPath}" "${bin}" kvdt export - --out ${out}`;
  const r = spawnSync('bash', ['-o', 'pipefail', '-c', cmd], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, files: readdirSync(join(dir, out)) };
}

/** Field id → values of the 0104 record whose patient is `lastName`. */
function caseRecord(bytes: Buffer, lastName: string): Map<string, string[]> {
  const records = bytes.toString('latin1').split('\r\n').map((l) => ({ field: l.slice(3, 7), value: l.slice(7) }));
  const starts = records.flatMap((r, i) => (r.field === '8000' && r.value === '0104' ? [i] : []));
  for (const [k, start] of starts.entries()) {
    const fields = records.slice(start, starts[k + 1] ?? records.findIndex((r, i) => i > start && r.value === 'adt9'));
    if (fields.some((f) => f.field === '3101' && f.value === lastName)) {
      const map = new Map<string, string[]>();
      for (const f of fields) map.set(f.field, [...(map.get(f.field) ?? []), f.value]);
      return map;
    }
  }
  throw new Error(`no 0104 record for ${lastName}`);
}

describe('pvskit complete | pvskit kvdt export -', () => {
  it("writes the duty's pseudo case with the practice's pseudo-case fields, and the file checks clean", () => {
    const r = pipe(duty, 'out-ok');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.files).toHaveLength(1);
    const path = join(dir, 'out-ok', r.files[0] ?? '');
    const pseudo = caseRecord(readFileSync(path), 'Notfalldienst Arzt 1');
    expect(pseudo.get('5001')).toEqual(['99999']);
    expect(pseudo.get('3110')).toEqual(['U']);
    expect(pseudo.get('4104')).toEqual(['61101']);
    expect(pseudo.get('3108')).toEqual(['1']);
    expect(pseudo.get('4243')).toEqual(['Organisierter Notfalldienst']);
    const patient = caseRecord(readFileSync(path), 'Muster');
    expect(patient.get('5001')).toContain('01212');
    const checked = spawnSync(process.execPath, [bin, 'kvdt', 'check', path], { encoding: 'utf8', timeout: 20_000 });
    expect(JSON.parse(checked.stdout)).toEqual({ findings: [] });
    expect(checked.status).toBe(0);
  });

  it('without the pseudoCase block the export refuses the pseudo case, naming its field, and writes nothing', () => {
    const { pseudoCase: _omitted, ...withoutFields } = duty;
    const r = pipe(withoutFields, 'out-refused');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('d-7-pseudo');
    expect(r.stderr).toMatch(/3110|4104|3108|4243/);
    expect(r.files).toEqual([]);
  });

  it('refuses an invalid pseudoCase block at complete, naming the field', () => {
    const r = pipe({ ...duty, pseudoCase: { ...duty.pseudoCase, vknr: '611' } }, 'out-invalid');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('$.pseudoCase.vknr');
    expect(r.stderr).toContain('five-digit VKNR');
    expect(r.files).toEqual([]);
  });
});
