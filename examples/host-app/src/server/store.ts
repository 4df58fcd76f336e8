import { chmodSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { BundleCaseInput, CaseRecord, CaseStatus, HostSettings, PatientRecord } from '../shared/api.js';
import type { Duty } from '@pvskit/core';
import { buildSeed, type Seed } from './seed.js';

/**
 * Schema version of the host app's own tables; bump with a migration when they change.
 * 2: host_pake_tries (the doctor's spent PAKE tries per appointment and code pair); version 1 files gain the
 * table on open.
 */
const SCHEMA_VERSION = 2;
const MIGRATABLE_VERSIONS: readonly unknown[] = [1];

/** An appointment as the host (the PVS) remembers it: which patient, when. Codes and secrets stay in @pvskit/video. */
export interface AppointmentLink {
  id: string;
  patientId: string;
  start: string;
  durationMinutes: number;
  createdAt: string;
}

/**
 * The sample PVS's own data in one SQLite file: practice settings, patients, the duty and its cases.
 * Rows hold JSON documents in the contract's shape, because that is what the hooks consume.
 */
export class HostStore {
  private readonly db: Database.Database;

  private constructor(db: Database.Database) {
    this.db = db;
  }

  /**
   * Opens (creating and seeding on first use) the data file. `reset` deletes the file first.
   * `today` (local YYYY-MM-DD) places the seeded duty on the last weekend before it.
   */
  static open(file: string, options: { reset?: boolean; today: string }): HostStore {
    if (options.reset === true && file !== ':memory:') {
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    }
    // The data directory holds patient records: other users of the machine may not even list it.
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    if (file !== ':memory:') keepPrivate(file);
    db.pragma('foreign_keys = ON');
    const store = new HostStore(db);
    store.migrate();
    if (store.setting('seededAt') === undefined) store.seed(buildSeed(options.today));
    return store;
  }

  close(): void {
    this.db.close();
  }

  /** The underlying connection, for packages that keep their own tables in the same file (video). */
  get database(): Database.Database {
    return this.db;
  }

  private migrate(): void {
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS host_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS host_patients (id TEXT PRIMARY KEY, data TEXT NOT NULL, sort_key TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS host_duties (id TEXT PRIMARY KEY, data TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS host_cases (
        id TEXT PRIMARY KEY,
        patient_id TEXT NOT NULL REFERENCES host_patients(id),
        duty_id TEXT NOT NULL REFERENCES host_duties(id),
        status TEXT NOT NULL CHECK (status IN ('open', 'signed')),
        data TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS host_appointments (
        id TEXT PRIMARY KEY,
        patient_id TEXT NOT NULL REFERENCES host_patients(id),
        start TEXT NOT NULL,
        duration_minutes INTEGER NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS host_pake_tries (
        appointment_id TEXT PRIMARY KEY REFERENCES host_appointments(id) ON DELETE CASCADE,
        code_generation INTEGER NOT NULL,
        spent INTEGER NOT NULL CHECK (spent >= 0)
      );
    `);
    const version = this.setting('schemaVersion');
    // Every migration so far only adds tables, which CREATE TABLE IF NOT EXISTS above has just done.
    if (version === undefined || MIGRATABLE_VERSIONS.includes(version)) this.setSetting('schemaVersion', SCHEMA_VERSION);
    else if (version !== SCHEMA_VERSION) {
      throw new Error(`host-app data file has schema version ${JSON.stringify(version)}, expected ${SCHEMA_VERSION}; start with --reset`);
    }
  }

  private seed(seed: Seed): void {
    const tx = this.db.transaction(() => {
      this.setSetting('settings', seed.settings);
      for (const p of seed.patients) this.putPatient(p);
      this.db.prepare('INSERT INTO host_duties (id, data) VALUES (?, ?)').run(seed.duty.id, JSON.stringify(seed.duty));
      for (const c of seed.cases) this.insertCase(c.id, c.patientId, seed.duty.id, c.case, c.status);
      this.setSetting('seededAt', new Date().toISOString());
    });
    tx();
  }

  private setting(key: string): unknown {
    const row = this.db.prepare('SELECT value FROM host_meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.value) as unknown);
  }

  private setSetting(key: string, value: unknown): void {
    this.db.prepare('INSERT INTO host_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, JSON.stringify(value));
  }

  settings(): HostSettings {
    return this.setting('settings') as HostSettings;
  }

  patients(): PatientRecord[] {
    const rows = this.db.prepare('SELECT data FROM host_patients ORDER BY sort_key').all() as { data: string }[];
    return rows.map((r) => JSON.parse(r.data) as PatientRecord);
  }

  patient(id: string): PatientRecord | undefined {
    const row = this.db.prepare('SELECT data FROM host_patients WHERE id = ?').get(id) as { data: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.data) as PatientRecord);
  }

  private putPatient(p: PatientRecord): void {
    this.db
      .prepare('INSERT INTO host_patients (id, data, sort_key) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data, sort_key = excluded.sort_key')
      .run(p.id, JSON.stringify(p), `${p.lastName.toLocaleLowerCase('de')} ${p.firstName.toLocaleLowerCase('de')}`);
  }

  /** The demo duty (the app manages one duty roster entry). */
  duty(): Duty & { id: string } {
    const row = this.db.prepare('SELECT data FROM host_duties ORDER BY id LIMIT 1').get() as { data: string } | undefined;
    if (row === undefined) throw new Error('no duty in the data file');
    return JSON.parse(row.data) as Duty & { id: string };
  }

  cases(filter: { patientId?: string; dutyId?: string } = {}): CaseRecord[] {
    const where: string[] = [];
    const args: string[] = [];
    if (filter.patientId !== undefined) {
      where.push('patient_id = ?');
      args.push(filter.patientId);
    }
    if (filter.dutyId !== undefined) {
      where.push('duty_id = ?');
      args.push(filter.dutyId);
    }
    const sql = `SELECT * FROM host_cases ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`} ORDER BY id`;
    return (this.db.prepare(sql).all(...args) as CaseRow[]).map(toCaseRecord);
  }

  caseById(id: string): CaseRecord | undefined {
    const row = this.db.prepare('SELECT * FROM host_cases WHERE id = ?').get(id) as CaseRow | undefined;
    return row === undefined ? undefined : toCaseRecord(row);
  }

  createCase(patientId: string, data: BundleCaseInput): CaseRecord {
    const duty = this.duty();
    const next = this.db.prepare("SELECT COUNT(*) AS n FROM host_cases").get() as { n: number };
    let n = next.n + 1;
    while (this.caseById(`c-${n}`) !== undefined) n += 1;
    const id = `c-${n}`;
    this.insertCase(id, patientId, duty.id, { ...data, id }, 'open');
    const created = this.caseById(id);
    if (created === undefined) throw new Error(`case ${id} vanished after insert`);
    return created;
  }

  private insertCase(id: string, patientId: string, dutyId: string, data: BundleCaseInput, status: CaseStatus): void {
    this.db
      .prepare('INSERT INTO host_cases (id, patient_id, duty_id, status, data, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, patientId, dutyId, status, JSON.stringify(data), new Date().toISOString());
  }

  updateCase(id: string, data: BundleCaseInput, status?: CaseStatus): CaseRecord {
    const current = this.caseById(id);
    if (current === undefined) throw new Error(`no case ${id}`);
    this.db
      .prepare('UPDATE host_cases SET data = ?, status = ?, updated_at = ? WHERE id = ?')
      .run(JSON.stringify({ ...data, id }), status ?? current.status, new Date().toISOString(), id);
    return this.caseById(id) as CaseRecord;
  }

  addAppointment(link: AppointmentLink): void {
    this.db
      .prepare('INSERT INTO host_appointments (id, patient_id, start, duration_minutes, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(link.id, link.patientId, link.start, link.durationMinutes, link.createdAt);
  }

  appointmentById(id: string): AppointmentLink | undefined {
    const r = this.db.prepare('SELECT * FROM host_appointments WHERE id = ?').get(id) as
      | { id: string; patient_id: string; start: string; duration_minutes: number; created_at: string }
      | undefined;
    return r === undefined ? undefined : { id: r.id, patientId: r.patient_id, start: r.start, durationMinutes: r.duration_minutes, createdAt: r.created_at };
  }

  /**
   * Deletes the PVS's links to appointments the video service no longer has (purged after their retention
   * period): the link itself ties a video id to a patient and must not outlive the appointment. Returns the count.
   */
  purgeAppointmentLinks(stillExists: (id: string) => boolean): number {
    const ids = (this.db.prepare('SELECT id FROM host_appointments').all() as { id: string }[]).map((r) => r.id).filter((id) => !stillExists(id));
    const del = this.db.prepare('DELETE FROM host_appointments WHERE id = ?');
    this.db.transaction(() => {
      for (const id of ids) del.run(id);
    })();
    return ids.length;
  }

  /**
   * PAKE tries the doctor's call client spent on this appointment's code pair `codeGeneration`: 0 for a pair
   * nothing was recorded for, so new codes start with the whole budget.
   */
  pakeTriesSpent(appointmentId: string, codeGeneration: number): number {
    const r = this.db.prepare('SELECT code_generation, spent FROM host_pake_tries WHERE appointment_id = ?').get(appointmentId) as
      | { code_generation: number; spent: number }
      | undefined;
    return r !== undefined && r.code_generation === codeGeneration ? r.spent : 0;
  }

  /**
   * Adds one call page's change to the count of code pair `codeGeneration` (an older pair's count is dropped;
   * never below 0) and returns the new count. Changes, not counts: two pages open on one appointment add up.
   */
  addPakeTries(appointmentId: string, codeGeneration: number, change: number): number {
    return this.db.transaction(() => this.writePakeTries(appointmentId, codeGeneration, Math.max(0, this.pakeTriesSpent(appointmentId, codeGeneration) + change)))();
  }

  /**
   * Takes one try for code pair `codeGeneration` if fewer than `limit` are spent, in one transaction, so call
   * pages asking at the same time cannot both get the last one.
   */
  reservePakeTry(appointmentId: string, codeGeneration: number, limit: number): { granted: boolean; spent: number } {
    return this.db.transaction(() => {
      const spent = this.pakeTriesSpent(appointmentId, codeGeneration);
      if (spent >= limit) return { granted: false, spent };
      return { granted: true, spent: this.writePakeTries(appointmentId, codeGeneration, spent + 1) };
    })();
  }

  /** Stores the count of code pair `codeGeneration` (replacing an older pair's) and returns it. */
  private writePakeTries(appointmentId: string, codeGeneration: number, spent: number): number {
    this.db
      .prepare(
        `INSERT INTO host_pake_tries (appointment_id, code_generation, spent) VALUES (?, ?, ?)
         ON CONFLICT(appointment_id) DO UPDATE SET code_generation = excluded.code_generation, spent = excluded.spent`,
      )
      .run(appointmentId, codeGeneration, spent);
    return spent;
  }

  appointments(patientId: string): AppointmentLink[] {
    const rows = this.db.prepare('SELECT * FROM host_appointments WHERE patient_id = ? ORDER BY start DESC').all(patientId) as {
      id: string;
      patient_id: string;
      start: string;
      duration_minutes: number;
      created_at: string;
    }[];
    return rows.map((r) => ({ id: r.id, patientId: r.patient_id, start: r.start, durationMinutes: r.duration_minutes, createdAt: r.created_at }));
  }
}

interface CaseRow {
  id: string;
  patient_id: string;
  duty_id: string;
  status: CaseStatus;
  data: string;
  updated_at: string;
}

function toCaseRecord(row: CaseRow): CaseRecord {
  return {
    id: row.id,
    patientId: row.patient_id,
    dutyId: row.duty_id,
    status: row.status,
    updatedAt: row.updated_at,
    case: JSON.parse(row.data) as BundleCaseInput,
  };
}

/**
 * Makes an SQLite file and its WAL/SHM files readable by this user only: a data directory chosen by the practice
 * may be readable by others. SQLite gives journal files it creates later the mode of the database file.
 */
export function keepPrivate(file: string): void {
  if (process.platform === 'win32') return;
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(`${file}${suffix}`)) chmodSync(`${file}${suffix}`, 0o600);
}
