import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PvsKitError } from '@pvskit/core';
import { startPostgres, type TestPostgres } from '../../../../test/support/servers.js';
import { createRecordingSmsTransport } from '../invitations/transports.js';
import { createTestRig, registeredPractice, type TestRig } from '../service/testing.js';
import { fromB64 } from '../base/crypto.js';
import type { VideoServiceOptions } from '../service/options.js';
import type { AppointmentRow, PracticeRow, VideoStore } from './port.js';
import { openPostgresStore } from './postgres/postgres-store.js';
import { openSqliteStore } from './sqlite-store.js';

/*
 * One storage suite, two backends: the default SQLite file and PostgreSQL (a real server started for this file).
 * Whatever the service stores must look the same from the database's side in both — above all, no plaintext.
 */

const BOOKING = {
  patient: { firstName: 'Zoltána', lastName: 'Krejčová-Übelhör', id: 'PAT-778812', birthDate: '1961-04-03' },
  contact: { email: 'zoltana.krejcova@example.org', phone: '+49 170 5550123' },
  slot: { start: '2026-11-26T15:30', durationMinutes: 45 },
  physicianName: 'Dr. med. Hildegard Quastenberg',
};

type RawRow = Record<string, unknown>;

const execFileAsync = promisify(execFile);

/** One store under test, with a raw side door into its database for the checks a service call cannot make. */
interface Backend {
  rig: TestRig;
  /** Runs SQL directly against the database (not through the store). */
  query(sql: string): Promise<RawRow[]>;
  /** Names of all tables the store created. */
  tables(): Promise<string[]>;
  /** Opens a second store on the same database. */
  reopen(): VideoStore;
  /** Database files, where the backend has files the test can read (SQLite). */
  files?: () => string[];
}

interface BackendKind {
  name: string;
  open(overrides?: Partial<VideoServiceOptions>): Promise<Backend>;
}

const sqlite: BackendKind = {
  name: 'SQLite',
  async open(overrides = {}) {
    const rig = await createTestRig(overrides);
    const withDb = <T>(fn: (db: Database.Database) => T): T => {
      const db = new Database(rig.dbPath, { readonly: true, fileMustExist: true });
      try {
        return fn(db);
      } finally {
        db.close();
      }
    };
    return {
      rig,
      query: (sql) => Promise.resolve(withDb((db) => db.prepare(sql).all() as RawRow[])),
      tables: () => Promise.resolve(withDb((db) => (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name))),
      reopen: () => openSqliteStore({ path: rig.dbPath }),
      files: () => [rig.dbPath, `${rig.dbPath}-wal`, `${rig.dbPath}-shm`, `${rig.dbPath}-journal`].filter((f) => existsSync(f)),
    };
  },
};

let server: TestPostgres | undefined;
const postgres: BackendKind = {
  name: 'PostgreSQL',
  async open(overrides = {}) {
    server ??= await startPostgres();
    const url = await server.createDatabase();
    const rig = await createTestRig({ ...overrides, store: openPostgresStore({ url }) });
    const query = async (sql: string): Promise<RawRow[]> => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query<RawRow>(sql)).rows;
      } finally {
        await client.end();
      }
    };
    return {
      rig,
      query,
      tables: async () =>
        (await query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")).map((r) =>
          String(r.table_name),
        ),
      reopen: () => openPostgresStore({ url }),
    };
  },
};

afterAll(async () => {
  await server?.stop();
});

/** Every needle in several encodings a careless store might use. */
function variants(needle: string): Buffer[] {
  return [Buffer.from(needle, 'utf8'), Buffer.from(needle, 'utf16le'), Buffer.from(needle.toLowerCase(), 'utf8'), Buffer.from(needle.toUpperCase(), 'utf8')];
}

function findInFiles(files: string[], needles: string[]): string[] {
  const hits: string[] = [];
  for (const file of files) {
    const bytes = readFileSync(file);
    for (const n of needles) for (const v of variants(n)) if (bytes.includes(v)) hits.push(`${file}: ${n}`);
  }
  return hits;
}

/** Reads every column of every row of every table, bytes both as latin1 and UTF-8 text. */
async function findInTables(backend: Backend, needles: string[]): Promise<string[]> {
  const tables = await backend.tables();
  expect(tables).toEqual(expect.arrayContaining(['practices', 'users', 'devices', 'appointments', 'access_codes', 'outbox', 'audit', 'evidence']));
  const hits: string[] = [];
  for (const name of tables) {
    for (const row of await backend.query(`SELECT * FROM "${name}"`)) {
      for (const [col, value] of Object.entries(row)) {
        const text = Buffer.isBuffer(value) ? value.toString('latin1') + value.toString('utf8') : String(value);
        for (const n of needles) if (text.toLowerCase().includes(n.toLowerCase())) hits.push(`${name}.${col}: ${n}`);
      }
    }
  }
  return hits;
}

/** The package as built (`tsc -b`), for tests that run the store in child processes. */
const builtEntry = pathToFileURL(fileURLToPath(new URL('../../dist/index.js', import.meta.url))).href;

const appointmentRow = (id: string, practiceId: string): AppointmentRow => ({
  id,
  practiceId,
  kind: 'standard',
  maxParticipants: 2,
  validFrom: 0,
  validUntil: 10,
  deleteAfter: 20,
  failedAttempts: 0,
  lockedAt: null,
  codeGeneration: 1,
  doctorCodeFailures: 0,
  cancelledAt: null,
  sealed: new Uint8Array([9, 9]),
  createdAt: 0,
});

const practiceRow = (id: string): PracticeRow => ({
  id,
  orgShortName: id,
  orgKey: id.toLowerCase(),
  plan: 'basis',
  profileJson: '{}',
  masterWrap: null,
  sepaSealed: null,
  cancelledOn: null,
  endsOn: null,
  keysDestroyedAt: null,
  createdAt: 1,
});

describe.each([sqlite, postgres])('video store on $name', (kind) => {
  let backend: Backend;
  const open = async (overrides?: Partial<VideoServiceOptions>): Promise<Backend> => (backend = await kind.open(overrides));
  afterEach(() => backend.rig.dispose());

  /** A plus practice with one appointment, its SMS invitation sent, the clock at 14:20 UTC on the day. */
  const bookedAndInvited = async () => {
    const sms = createRecordingSmsTransport();
    const { rig } = await open({ transports: { sms } });
    const { session } = await registeredPractice(rig, 'plus');
    const a = rig.service.appointments.book(session, BOOKING);
    await rig.service.invitations.send(session, a.id, { channel: 'sms' });
    expect(sms.sent[0]?.text).toContain(a.codes.patient);
    rig.clock.set('2026-11-26T14:20:00Z');
    return { rig, service: rig.service, session, a };
  };

  it('holds no patient name, contact, time, code or link secret in any column of any table', async () => {
    const { service, session, a } = await bookedAndInvited();
    service.verifyAccessCode({ code: a.codes.patient });
    service.consent.recordConsent({ appointmentId: a.id, textVersion: 'vs-2026-01', channel: 'join-page' });
    service.appointments.issueNewCodes(session, a.id);
    const renewed = service.appointments.get(session, a.id);

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
    expect(await findInTables(backend, needles)).toEqual([]);
    // Positive control: the scan does find what is stored in clear.
    expect((await findInTables(backend, ['PWinkler'])).length).toBeGreaterThan(0);

    if (backend.files !== undefined) {
      const files = backend.files();
      expect(files.some((f) => f.endsWith('-wal'))).toBe(true);
      expect(findInFiles(files, needles)).toEqual([]);
      // The raw secret bytes are not in the files either.
      for (const f of files) expect(readFileSync(f).includes(secretBytes)).toBe(false);
      expect(findInFiles(files, ['PWinkler']).length).toBeGreaterThan(0);
    }
  });

  it('deletes every appointment record at most 90 days after the appointment; purge logs counts', async () => {
    const { rig, service, a } = await bookedAndInvited();
    service.consent.recordConsent({ appointmentId: a.id, textVersion: 'vs-2026-01', channel: 'join-page' });
    service.consent.acknowledgeIntroduction({ appointmentId: a.id, personsPresent: 2 });

    const end = Date.parse('2026-11-26T15:15:00Z');
    const limit = end + 90 * 86_400_000;
    for (const table of ['appointments', 'access_codes', 'evidence', 'outbox']) {
      const rows = await backend.query(`SELECT delete_after FROM ${table}`);
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) expect(Number(r.delete_after)).toBeLessThanOrEqual(limit);
    }
    const auditRows = await backend.query('SELECT delete_after, at FROM audit WHERE appointment_id IS NOT NULL');
    for (const r of auditRows) expect(Number(r.delete_after)).toBeLessThanOrEqual(limit);
    // Practice-level entries (registration, login) keep 90 days from the event, which here is earlier.
    const practiceAudit = await backend.query('SELECT delete_after FROM audit WHERE appointment_id IS NULL');
    for (const r of practiceAudit) expect(Number(r.delete_after)).toBeLessThan(limit);
    const sealedBefore = Buffer.from(rig.store.getAppointment(a.id)?.sealed ?? []);

    // Code MACs go as soon as the code window has passed (16:30 UTC here), long before the rest.
    const windowEnd = Date.parse('2026-11-26T16:30:00Z');
    expect(service.purgeExpired(new Date(windowEnd - 1)).accessCodes).toBe(0);
    expect(service.purgeExpired(new Date(windowEnd)).accessCodes).toBe(3);
    expect(service.purgeExpired(new Date(limit - 1))).toEqual({
      appointments: 0,
      accessCodes: 0,
      evidence: 0,
      audit: practiceAudit.length,
      outbox: 0,
    });
    const counts = service.purgeExpired(new Date(limit));
    expect(counts).toEqual({ appointments: 1, accessCodes: 0, evidence: 2, audit: auditRows.length, outbox: 1 });
    expect(rig.logger.entries.find((e) => e.message.startsWith('video purge') && e.data?.appointments === 1)?.data).toMatchObject(counts);
    expect(rig.store.getAppointment(a.id)).toBeUndefined();
    expect(() => service.verifyAccessCode({ code: a.codes.patient })).toThrow(PvsKitError);
    for (const table of ['appointments', 'access_codes', 'evidence', 'outbox']) expect(await backend.query(`SELECT * FROM ${table}`)).toEqual([]);
    // SQLite: secure_delete + WAL truncation, so the ciphertext itself is gone from the files, not just unlinked.
    for (const f of backend.files?.() ?? []) expect(readFileSync(f).includes(sealedBefore)).toBe(false);
  });

  it('refuses retention above 90 days', async () => {
    const { rig } = await open();
    const { createVideoService } = await import('../service/create.js');
    await expect(
      createVideoService({ store: rig.store, serverSecret: new Uint8Array(32), baseUrl: 'https://x.de', retentionDays: 91 }),
    ).rejects.toThrow(/retentionDays/);
  });

  it('runs migrations once and reopens with its data', async () => {
    const { rig, reopen } = await open();
    await registeredPractice(rig);
    const again = reopen();
    const third = reopen();
    try {
      expect(again.findPracticeByOrgKey('pwinkler')?.orgShortName).toBe('PWinkler');
      expect(third.listUsers(again.findPracticeByOrgKey('pwinkler')?.id ?? '')).toHaveLength(1);
    } finally {
      again.close();
      third.close();
    }
    expect((await backend.query('SELECT version FROM schema_migrations')).map((r) => Number(r.version))).toEqual([1, 2]);
  });

  it('rolls a failed transaction back and joins nested ones', async () => {
    const { rig } = await open();
    const store = rig.store;
    expect(() =>
      store.transaction(() => {
        store.insertPractice(practiceRow('Rollback'));
        store.transaction(() => store.insertPractice(practiceRow('Nested')));
        throw new Error('abort');
      }),
    ).toThrow('abort');
    expect(store.getPractice('Rollback')).toBeUndefined();
    expect(store.getPractice('Nested')).toBeUndefined();
    expect(store.transaction(() => (store.insertPractice(practiceRow('Kept')), store.getPractice('Kept')?.orgKey))).toBe('kept');
    // A unique violation inside a transaction leaves the store usable.
    expect(() => store.transaction(() => store.insertPractice(practiceRow('Kept')))).toThrow();
    expect(store.getPractice('Kept')?.id).toBe('Kept');
    // A transaction cannot span an await: refused, and what it wrote before is rolled back.
    expect(() => store.transaction(() => (store.insertPractice(practiceRow('Async')), Promise.resolve()))).toThrow(TypeError);
    expect(store.getPractice('Async')).toBeUndefined();
  });

  it('keeps the port contract: first-wins codes and names, insertion order for equal times, bytes round-trip', async () => {
    const { rig } = await open();
    const store = rig.store;
    store.insertPractice({ ...practiceRow('Bytes'), sepaSealed: new Uint8Array([0, 1, 2, 255]) });
    expect(store.getPractice('Bytes')?.sepaSealed).toEqual(new Uint8Array([0, 1, 2, 255]));
    expect(store.reserveOrgName('mac-1')).toBe(true);
    expect(store.reserveOrgName('mac-1')).toBe(false);
    const code = { mac: 'ab'.repeat(32), appointmentId: 'A1', role: 'patient' as const, deleteAfter: 2 ** 41 };
    expect(store.insertAccessCode(code)).toBe(true);
    expect(store.insertAccessCode({ ...code, appointmentId: 'A2' })).toBe(false);
    expect(store.findAccessCode(code.mac)).toEqual(code);
    for (const id of ['e3', 'e1', 'e2']) {
      store.insertEvidence({ id, practiceId: 'Bytes', appointmentId: 'A1', kind: 'consent', at: 5, dataJson: '{}', deleteAfter: 9 });
    }
    expect(store.listEvidence('A1').map((e) => e.id)).toEqual(['e3', 'e1', 'e2']);
    expect(store.deleteAccessCodes('A1')).toBe(1);
  });
});

describe('SQLite only', () => {
  let rig: TestRig | undefined;
  afterEach(() => rig?.dispose());

  it('works as a throw-away :memory: database too', async () => {
    rig = await createTestRig({ store: openSqliteStore({ path: ':memory:' }) });
    const { session } = await registeredPractice(rig);
    const a = rig.service.appointments.book(session, BOOKING);
    expect(rig.service.purgeExpired(new Date(Date.parse(a.deleteAfter))).appointments).toBe(1);
  });
});

describe('PostgreSQL only', () => {
  beforeAll(async () => {
    server ??= await startPostgres();
  });

  it('two instances on one database share codes, names and failed-try counters, first write wins', async () => {
    const url = await server!.createDatabase();
    const a = openPostgresStore({ url });
    const b = openPostgresStore({ url });
    try {
      a.insertPractice(practiceRow('Shared'));
      expect(b.reserveOrgName('mac-shared')).toBe(true);
      expect(a.reserveOrgName('mac-shared')).toBe(false);
      const code = { mac: 'cd'.repeat(32), appointmentId: 'A1', role: 'doctor' as const, deleteAfter: 10 };
      expect(a.insertAccessCode(code)).toBe(true);
      expect(b.insertAccessCode(code)).toBe(false);
      const appointment = appointmentRow('A1', 'Shared');
      a.insertAppointment(appointment);
      b.transaction(() => b.updateAppointment({ ...appointment, failedAttempts: 1 }));
      expect(a.getAppointment('A1')?.failedAttempts).toBe(1);
    } finally {
      a.close();
      b.close();
    }
  });

  it('two processes counting failed tries on one appointment at once lose no count', async () => {
    const url = await server!.createDatabase();
    const store = openPostgresStore({ url });
    store.insertPractice(practiceRow('Race'));
    store.insertAppointment(appointmentRow('R1', 'Race'));
    // The same read-modify-write as the lockout counter (appointments/access.ts), 150 times in each process.
    const script = `import(${JSON.stringify(builtEntry)}).then((m) => {
      const store = m.openPostgresStore({ url: process.env.PG_URL });
      for (let i = 0; i < 150; i++) store.transaction(() => {
        const r = store.getAppointment('R1');
        store.updateAppointment({ ...r, failedAttempts: r.failedAttempts + 1 });
      });
      store.close();
    });`;
    const run = () => execFileAsync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, PG_URL: url }, timeout: 60_000 });
    await Promise.all([run(), run()]);
    expect(store.getAppointment('R1')?.failedAttempts).toBe(300);
    store.close();
  });

  it('works from the built package in an ES-module process and in a CommonJS one', async () => {
    // An eval'd worker inherits --input-type from its parent; the store's worker must run under either.
    const url = await server!.createDatabase();
    const entry = builtEntry;
    const script = `import(${JSON.stringify(entry)}).then((m) => {
      const store = m.openPostgresStore({ url: process.env.PG_URL, statementTimeoutMs: 10000 });
      process.stdout.write(JSON.stringify([store.reserveOrgName('n-' + process.argv[1]), store.reserveOrgName('n-' + process.argv[1])]));
      store.close();
    });`;
    for (const inputType of ['module', 'commonjs']) {
      const { stdout } = await execFileAsync(process.execPath, [`--input-type=${inputType}`, '-e', script, inputType], {
        env: { ...process.env, PG_URL: url },
        timeout: 20_000,
      });
      expect(JSON.parse(stdout), inputType).toEqual([true, false]);
    }
  });

  it('a server gone mid-run fails the next call; an unreachable one is a STORAGE error with a German message and no password', async () => {
    const open = openPostgresStore({ url: await server!.createDatabase(), statementTimeoutMs: 5000 });
    open.insertPractice(practiceRow('Before'));
    const port = server?.port ?? 0;
    await server?.stop();
    server = undefined;
    expect(() => open.getPractice('Before')).toThrow(/terminat|connection|ECONNRESET|shut/i);
    open.close();

    let error: unknown;
    try {
      openPostgresStore({ url: `postgres://video:Geheim-123@127.0.0.1:${port}/video`, statementTimeoutMs: 5000 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PvsKitError);
    expect((error as PvsKitError).code).toBe('STORAGE');
    expect((error as PvsKitError).userMessage).toMatch(/Datenbank der Videosprechstunde/);
    expect((error as PvsKitError).message).toContain(`127.0.0.1:${port}/video`);
    expect((error as PvsKitError).message).not.toContain('Geheim-123');
  });
});
