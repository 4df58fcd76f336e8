import { existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { PvsKitError } from '@pvskit/core';
import { createRecordingSmsTransport } from '../invitations/transports.js';
import { createTestRig, registeredPractice, type TestRig } from '../service/testing.js';
import { fromB64 } from '../base/crypto.js';
import { openSqliteStore } from './sqlite-store.js';

const BOOKING = {
  patient: { firstName: 'Zoltána', lastName: 'Krejčová-Übelhör', id: 'PAT-778812', birthDate: '1961-04-03' },
  contact: { email: 'zoltana.krejcova@example.org', phone: '+49 170 5550123' },
  slot: { start: '2026-11-26T15:30', durationMinutes: 45 },
  physicianName: 'Dr. med. Hildegard Quastenberg',
};

let rig: TestRig;
afterEach(() => rig.dispose());

/** Every needle in several encodings a careless store might use. */
function variants(needle: string): Buffer[] {
  return [Buffer.from(needle, 'utf8'), Buffer.from(needle, 'utf16le'), Buffer.from(needle.toLowerCase(), 'utf8'), Buffer.from(needle.toUpperCase(), 'utf8')];
}

function filesOf(dbPath: string): string[] {
  return [dbPath, `${dbPath}-wal`, `${dbPath}-shm`, `${dbPath}-journal`].filter((f) => existsSync(f));
}

function findInFiles(dbPath: string, needles: string[]): string[] {
  const hits: string[] = [];
  for (const file of filesOf(dbPath)) {
    const bytes = readFileSync(file);
    for (const n of needles) for (const v of variants(n)) if (bytes.includes(v)) hits.push(`${file}: ${n}`);
  }
  return hits;
}

function findInTables(dbPath: string, needles: string[]): string[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  const hits: string[] = [];
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['appointments', 'access_codes', 'outbox', 'audit', 'evidence']));
    for (const { name } of tables) {
      for (const row of db.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[]) {
        for (const [col, value] of Object.entries(row)) {
          const text = Buffer.isBuffer(value) ? value.toString('latin1') + value.toString('utf8') : String(value);
          for (const n of needles) if (text.toLowerCase().includes(n.toLowerCase())) hits.push(`${name}.${col}: ${n}`);
        }
      }
    }
  } finally {
    db.close();
  }
  return hits;
}

describe('SQLite store holds no plaintext patient data', () => {
  it('finds no patient name, contact, time, code or link secret in any table, the file or the WAL', async () => {
    const sms = createRecordingSmsTransport();
    rig = await createTestRig({ transports: { sms } });
    const { session } = await registeredPractice(rig, 'plus');
    const a = rig.service.appointments.book(session, BOOKING);
    await rig.service.invitations.send(session, a.id, { channel: 'sms' });
    expect(sms.sent[0]?.text).toContain(a.codes.patient);
    rig.clock.set('2026-11-26T14:20:00Z');
    rig.service.verifyAccessCode({ code: a.codes.patient });
    rig.service.consent.recordConsent({ appointmentId: a.id, textVersion: 'vs-2026-01', channel: 'join-page' });
    rig.service.appointments.issueNewCodes(session, a.id);
    const renewed = rig.service.appointments.get(session, a.id);

    const secretBytes = Buffer.from(fromB64(a.linkSecret));
    const needles = [
      'Zoltána',
      'Zoltana',
      'Krejčová',
      'Übelhör',
      'PAT-778812',
      '1961-04-03',
      'zoltana.krejcova',
      '170 5550123',
      '5550123',
      'Quastenberg',
      '2026-11-26T15:30',
      '15:30',
      a.linkSecret,
      secretBytes.toString('hex'),
      secretBytes.toString('base64'),
      ...[a.codes.doctor, a.codes.patient, renewed.codes.doctor, renewed.codes.patient].flatMap((c) => [c, c.replace(/-/g, '')]),
    ];
    expect(filesOf(rig.dbPath).some((f) => f.endsWith('-wal'))).toBe(true);
    expect(findInTables(rig.dbPath, needles)).toEqual([]);
    expect(findInFiles(rig.dbPath, needles)).toEqual([]);
    // The raw secret bytes are not in the files either.
    for (const f of filesOf(rig.dbPath)) expect(readFileSync(f).includes(secretBytes)).toBe(false);
    // Positive control: the scan does find what is stored in clear.
    expect(findInFiles(rig.dbPath, ['PWinkler']).length).toBeGreaterThan(0);
  });
});

describe('retention and purge', () => {
  it('every appointment record is deleted at most 90 days after the appointment; purge logs counts', async () => {
    const sms = createRecordingSmsTransport();
    rig = await createTestRig({ transports: { sms } });
    const { session } = await registeredPractice(rig, 'plus');
    const a = rig.service.appointments.book(session, BOOKING);
    await rig.service.invitations.send(session, a.id, { channel: 'sms' });
    rig.clock.set('2026-11-26T14:20:00Z');
    rig.service.consent.recordConsent({ appointmentId: a.id, textVersion: 'vs-2026-01', channel: 'join-page' });
    rig.service.consent.acknowledgeIntroduction({ appointmentId: a.id, personsPresent: 2 });

    const end = Date.parse('2026-11-26T15:15:00Z');
    const limit = end + 90 * 86_400_000;
    const db = new Database(rig.dbPath, { readonly: true });
    for (const table of ['appointments', 'access_codes', 'evidence', 'outbox']) {
      const rows = db.prepare(`SELECT delete_after FROM ${table}`).all() as { delete_after: number }[];
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) expect(r.delete_after).toBeLessThanOrEqual(limit);
    }
    const auditRows = db.prepare('SELECT delete_after, at FROM audit WHERE appointment_id IS NOT NULL').all() as { delete_after: number }[];
    for (const r of auditRows) expect(r.delete_after).toBeLessThanOrEqual(limit);
    // Practice-level entries (registration, login) keep 90 days from the event, which here is earlier.
    const practiceAudit = db.prepare('SELECT delete_after FROM audit WHERE appointment_id IS NULL').all() as { delete_after: number }[];
    for (const r of practiceAudit) expect(r.delete_after).toBeLessThan(limit);
    const sealedBefore = Buffer.from(rig.store.getAppointment(a.id)?.sealed ?? []);
    db.close();

    // Code MACs go as soon as the code window has passed (16:30 UTC here), long before the rest.
    const windowEnd = Date.parse('2026-11-26T16:30:00Z');
    expect(rig.service.purgeExpired(new Date(windowEnd - 1)).accessCodes).toBe(0);
    expect(rig.service.purgeExpired(new Date(windowEnd)).accessCodes).toBe(3);
    expect(rig.service.purgeExpired(new Date(limit - 1))).toEqual({
      appointments: 0,
      accessCodes: 0,
      evidence: 0,
      audit: practiceAudit.length,
      outbox: 0,
    });
    const counts = rig.service.purgeExpired(new Date(limit));
    expect(counts).toEqual({ appointments: 1, accessCodes: 0, evidence: 2, audit: auditRows.length, outbox: 1 });
    expect(rig.logger.entries.find((e) => e.message.startsWith('video purge') && e.data?.appointments === 1)?.data).toMatchObject(counts);
    expect(rig.store.getAppointment(a.id)).toBeUndefined();
    expect(() => rig.service.verifyAccessCode({ code: a.codes.patient })).toThrow(PvsKitError);
    // secure_delete + WAL truncation: the ciphertext itself is gone from the files, not just unlinked.
    for (const f of filesOf(rig.dbPath)) expect(readFileSync(f).includes(sealedBefore)).toBe(false);
  });

  it('retention above 90 days is refused', async () => {
    rig = await createTestRig();
    const { createVideoService } = await import('../service/create.js');
    await expect(
      createVideoService({ store: rig.store, serverSecret: new Uint8Array(32), baseUrl: 'https://x.de', retentionDays: 91 }),
    ).rejects.toThrow(/retentionDays/);
  });

  it('works as a throw-away :memory: database too', async () => {
    rig = await createTestRig({ store: openSqliteStore({ path: ':memory:' }) });
    const { session } = await registeredPractice(rig);
    const a = rig.service.appointments.book(session, BOOKING);
    expect(rig.service.purgeExpired(new Date(Date.parse(a.deleteAfter))).appointments).toBe(1);
  });

  it('migrations run once and the store reopens with its data', async () => {
    rig = await createTestRig();
    await registeredPractice(rig);
    rig.service.close();
    const again = openSqliteStore({ path: rig.dbPath });
    expect(again.findPracticeByOrgKey('pwinkler')?.orgShortName).toBe('PWinkler');
    again.close();
  });
});
