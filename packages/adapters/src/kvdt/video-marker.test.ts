import { describe, expect, it } from 'vitest';
import type { CaseInput } from '@pvskit/core';
import { kvdtCaseView } from './case-view.js';
import { parseKvdtBytes } from './reader.js';
import { parsedItems, sampleCaseInput } from '../../test/kvdt-sample.js';
import { validateKvdt } from './validator.js';
import { writeKvdtBytes } from './writer.js';

const CLOCK = () => new Date('2026-01-12T09:05:00Z');

function caseWith(services: CaseInput['services']): CaseInput {
  return { ...sampleCaseInput(1), services };
}

const VIDEO_ONLY = caseWith([
  { gop: '01212', date: '2026-01-09', time: '21:30', mode: 'video' },
  { gop: '01450', date: '2026-01-09', time: '21:30', mode: 'video' },
]);

async function exported(c: CaseInput) {
  const { bytes } = await writeKvdtBytes(parsedItems([c]), { clock: CLOCK });
  const record = parseKvdtBytes(bytes).records.find((r) => r.satzart === '0104');
  if (record === undefined) throw new Error('no 0104');
  return { bytes, record, gops: record.fields.filter((f) => f.id === '5001').map((f) => f.value) };
}

describe('video contact marking in KVDT (EBM 01210/01212 Zusatzkennzeichnung, 88220)', () => {
  it('a video-only case carries 01212V and 88220, reads back as a video service, and validates clean', async () => {
    const { bytes, record, gops } = await exported(VIDEO_ONLY);
    expect(gops).toEqual(['88220', '01212V', '01450']);
    const view = kvdtCaseView(record);
    expect(view.videoOnly).toBe(true);
    expect(view.services.map((s) => [s.gop, s.mode])).toEqual([
      ['01212', 'video'],
      ['01450', undefined],
    ]);
    const findings = await validateKvdt(bytes);
    expect(findings.filter((f) => f.rule === 'KVDT-VIDEO-MARKER' || f.rule === 'ID-GOP')).toEqual([]);
  });

  it('near-miss: a personal contact keeps the plain GOP and no 88220', async () => {
    const { gops, record } = await exported(caseWith([{ gop: '01212', date: '2026-01-09', time: '21:30' }]));
    expect(gops).toEqual(['01212']);
    expect(kvdtCaseView(record).videoOnly).toBeUndefined();
  });

  it('near-miss: a video Pauschale followed by a personal contact is marked, but the case is not video-only', async () => {
    const c = { ...caseWith([{ gop: '01212', date: '2026-01-09', time: '21:30', mode: 'video' }, { gop: '01214', date: '2026-01-10', time: '02:15' }]) };
    const { gops, bytes } = await exported(c);
    expect(gops).toEqual(['01212V', '01214']);
    expect((await validateKvdt(bytes)).filter((f) => f.rule === 'KVDT-VIDEO-MARKER')).toEqual([]);
  });

  it('before 01.07.2022 nothing is marked (video in the emergency service did not exist)', async () => {
    const c: CaseInput = {
      ...VIDEO_ONLY,
      patient: { ...VIDEO_ONLY.patient, insurance: { ...VIDEO_ONLY.patient.insurance, validFrom: '2022-01-01' } },
      services: [{ gop: '01212', date: '2022-06-11', time: '21:30', mode: 'video' }],
    };
    const { gops } = await exported(c);
    expect(gops).toEqual(['01212']);
  });

  it('attack: a file whose 88220 stands beside an unmarked Pauschale is reported', async () => {
    const { bytes: plain } = await exported(caseWith([{ gop: '01212', date: '2026-01-09', time: '21:30' }]));
    const withMarker = Buffer.from(plain.toString('latin1').replace(/(\d{3}5000\d{8}\r\n)/, (m) => `${m}014500188220\r\n`), 'latin1');
    const findings = await validateKvdt(withMarker);
    expect(findings.some((f) => f.rule === 'KVDT-VIDEO-MARKER' && /^Satz 0104 ab Zeile \d+: Zeile \d+: 01212 ohne Video-Kennzeichnung/.test(f.message))).toBe(true);
  });

  it('attack: a video-marked Pauschale as the only contact without 88220 is reported', async () => {
    const { bytes } = await exported(VIDEO_ONLY);
    const stripped = Buffer.from(bytes.toString('latin1').replace(/\d{3}500188220\r\n\d{3}5098\d+\r\n\d{3}5099\d+\r\n/, ''), 'latin1');
    expect(stripped.toString('latin1')).not.toContain('88220');
    const findings = await validateKvdt(stripped);
    expect(findings.some((f) => f.rule === 'KVDT-VIDEO-MARKER' && /^Satz 0104 ab Zeile \d+: Zeile \d+: 01212V per Video .* 88220 fehlt/.test(f.message))).toBe(true);
  });
});
