import Database from 'better-sqlite3';
import { PvsKitError } from '@pvskit/core';
import type { PracticeDeletionCounts, PurgeCounts, VideoStore } from './port.js';
import {
  buf,
  num,
  toAccessCode,
  toAppointment,
  toAudit,
  toDevice,
  toEvidence,
  toOutbox,
  toPractice,
  toUser,
  wrapOut,
  type Row,
} from './rows.js';

/*
 * Default store: one SQLite file in WAL mode. secure_delete is on so deleted rows (purge, crypto-shredding)
 * are overwritten with zeros instead of lingering in free pages; after a purge the WAL is checkpointed and
 * truncated so old page images do not survive there either.
 */

interface Migration {
  version: number;
  sql: string;
}

/** Schema history. Never edit an applied migration; append a new one. */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE practices (
        id TEXT PRIMARY KEY,
        org_short_name TEXT NOT NULL,
        org_key TEXT NOT NULL UNIQUE,
        plan TEXT NOT NULL CHECK (plan IN ('basis','plus')),
        profile_json TEXT NOT NULL,
        master_wrap TEXT,
        sepa_sealed BLOB,
        cancelled_on TEXT,
        ends_on TEXT,
        keys_destroyed_at INTEGER,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE used_org_names (name_mac TEXT PRIMARY KEY);
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        practice_id TEXT NOT NULL REFERENCES practices(id),
        short_name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('doctor','staff')),
        is_main INTEGER NOT NULL,
        password_wrap TEXT,
        created_at INTEGER NOT NULL,
        UNIQUE (practice_id, short_name)
      );
      CREATE TABLE devices (
        id TEXT PRIMARY KEY,
        practice_id TEXT NOT NULL REFERENCES practices(id),
        name TEXT NOT NULL,
        public_key TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending','approved','revoked')),
        sealed_key BLOB,
        requested_at INTEGER NOT NULL,
        approved_at INTEGER,
        revoked_at INTEGER
      );
      CREATE TABLE appointments (
        id TEXT PRIMARY KEY,
        practice_id TEXT NOT NULL REFERENCES practices(id),
        kind TEXT NOT NULL CHECK (kind IN ('standard','conference')),
        max_participants INTEGER NOT NULL,
        valid_from INTEGER NOT NULL,
        valid_until INTEGER NOT NULL,
        delete_after INTEGER NOT NULL,
        failed_attempts INTEGER NOT NULL,
        locked_at INTEGER,
        code_generation INTEGER NOT NULL,
        cancelled_at INTEGER,
        sealed BLOB NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX appointments_practice ON appointments(practice_id);
      CREATE INDEX appointments_delete_after ON appointments(delete_after);
      CREATE TABLE access_codes (
        mac TEXT PRIMARY KEY,
        appointment_id TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('doctor','patient')),
        delete_after INTEGER NOT NULL
      );
      CREATE INDEX access_codes_appointment ON access_codes(appointment_id);
      CREATE TABLE evidence (
        id TEXT PRIMARY KEY,
        practice_id TEXT NOT NULL,
        appointment_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        at INTEGER NOT NULL,
        data_json TEXT NOT NULL,
        delete_after INTEGER NOT NULL
      );
      CREATE INDEX evidence_appointment ON evidence(appointment_id);
      CREATE TABLE audit (
        id TEXT PRIMARY KEY,
        practice_id TEXT NOT NULL,
        appointment_id TEXT,
        at INTEGER NOT NULL,
        event TEXT NOT NULL,
        meta_json TEXT NOT NULL,
        delete_after INTEGER NOT NULL
      );
      CREATE INDEX audit_practice ON audit(practice_id, at);
      CREATE TABLE outbox (
        id TEXT PRIMARY KEY,
        practice_id TEXT NOT NULL,
        appointment_id TEXT NOT NULL,
        channel TEXT NOT NULL CHECK (channel IN ('email','sms')),
        status TEXT NOT NULL CHECK (status IN ('pending','sent','failed')),
        attempts INTEGER NOT NULL,
        last_error TEXT,
        sealed BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        delete_after INTEGER NOT NULL
      );
      CREATE INDEX outbox_practice ON outbox(practice_id);
    `,
  },
  {
    // Wrong rests of the doctor code are counted apart from the appointment's lock counter.
    version: 2,
    sql: 'ALTER TABLE appointments ADD COLUMN doctor_code_failures INTEGER NOT NULL DEFAULT 0',
  },
];

/** Options of {@link openSqliteStore}. */
export interface SqliteStoreOptions {
  /** File path, or `:memory:` for a throw-away database. */
  path: string;
}

function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as Row[]).map((r) => num(r.version)),
  );
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(m.version, Date.now());
    })();
  }
}

/**
 * Opens (and migrates) the default SQLite store. WAL mode, foreign keys and secure_delete are switched on.
 */
export function openSqliteStore(options: SqliteStoreOptions): VideoStore {
  let db: Database.Database;
  try {
    db = new Database(options.path);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('secure_delete = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
  } catch (cause) {
    throw new PvsKitError('STORAGE', `cannot open video store at ${options.path}`, {
      cause,
      userMessage: 'Die Datenbank der Videosprechstunde kann nicht geöffnet werden.',
    });
  }

  const q = {
    insertPractice: db.prepare(
      `INSERT INTO practices (id, org_short_name, org_key, plan, profile_json, master_wrap, sepa_sealed, cancelled_on,
        ends_on, keys_destroyed_at, created_at) VALUES (@id, @orgShortName, @orgKey, @plan, @profileJson, @masterWrap,
        @sepaSealed, @cancelledOn, @endsOn, @keysDestroyedAt, @createdAt)`,
    ),
    updatePractice: db.prepare(
      `UPDATE practices SET plan=@plan, profile_json=@profileJson, master_wrap=@masterWrap, sepa_sealed=@sepaSealed,
        cancelled_on=@cancelledOn, ends_on=@endsOn, keys_destroyed_at=@keysDestroyedAt WHERE id=@id`,
    ),
    getPractice: db.prepare('SELECT * FROM practices WHERE id = ?'),
    findPracticeByOrgKey: db.prepare('SELECT * FROM practices WHERE org_key = ?'),
    practicesEnding: db.prepare('SELECT * FROM practices WHERE ends_on IS NOT NULL AND ends_on <= ?'),
    reserveName: db.prepare('INSERT OR IGNORE INTO used_org_names (name_mac) VALUES (?)'),
    insertUser: db.prepare(
      `INSERT INTO users (id, practice_id, short_name, role, is_main, password_wrap, created_at)
        VALUES (@id, @practiceId, @shortName, @role, @isMain, @passwordWrap, @createdAt)`,
    ),
    updateUser: db.prepare('UPDATE users SET role=@role, is_main=@isMain, password_wrap=@passwordWrap WHERE id=@id'),
    getUser: db.prepare('SELECT * FROM users WHERE id = ?'),
    findUser: db.prepare('SELECT * FROM users WHERE practice_id = ? AND short_name = ?'),
    listUsers: db.prepare('SELECT * FROM users WHERE practice_id = ? ORDER BY created_at, rowid'),
    insertDevice: db.prepare(
      `INSERT INTO devices (id, practice_id, name, public_key, status, sealed_key, requested_at, approved_at, revoked_at)
        VALUES (@id, @practiceId, @name, @publicKey, @status, @sealedKey, @requestedAt, @approvedAt, @revokedAt)`,
    ),
    updateDevice: db.prepare(
      `UPDATE devices SET name=@name, status=@status, sealed_key=@sealedKey, approved_at=@approvedAt,
        revoked_at=@revokedAt WHERE id=@id`,
    ),
    getDevice: db.prepare('SELECT * FROM devices WHERE id = ?'),
    listDevices: db.prepare('SELECT * FROM devices WHERE practice_id = ? ORDER BY requested_at, rowid'),
    insertAppointment: db.prepare(
      `INSERT INTO appointments (id, practice_id, kind, max_participants, valid_from, valid_until, delete_after,
        failed_attempts, locked_at, code_generation, doctor_code_failures, cancelled_at, sealed, created_at) VALUES (@id,
        @practiceId, @kind, @maxParticipants, @validFrom, @validUntil, @deleteAfter, @failedAttempts, @lockedAt,
        @codeGeneration, @doctorCodeFailures, @cancelledAt, @sealed, @createdAt)`,
    ),
    updateAppointment: db.prepare(
      `UPDATE appointments SET kind=@kind, max_participants=@maxParticipants, valid_from=@validFrom,
        valid_until=@validUntil, delete_after=@deleteAfter, failed_attempts=@failedAttempts, locked_at=@lockedAt,
        code_generation=@codeGeneration, doctor_code_failures=@doctorCodeFailures, cancelled_at=@cancelledAt,
        sealed=@sealed WHERE id=@id`,
    ),
    getAppointment: db.prepare('SELECT * FROM appointments WHERE id = ?'),
    listAppointments: db.prepare('SELECT * FROM appointments WHERE practice_id = ? ORDER BY valid_from, id'),
    insertCode: db.prepare(
      `INSERT OR IGNORE INTO access_codes (mac, appointment_id, role, delete_after)
        VALUES (@mac, @appointmentId, @role, @deleteAfter)`,
    ),
    findCode: db.prepare('SELECT * FROM access_codes WHERE mac = ?'),
    deleteCodes: db.prepare('DELETE FROM access_codes WHERE appointment_id = ?'),
    insertEvidence: db.prepare(
      `INSERT INTO evidence (id, practice_id, appointment_id, kind, at, data_json, delete_after)
        VALUES (@id, @practiceId, @appointmentId, @kind, @at, @dataJson, @deleteAfter)`,
    ),
    listEvidence: db.prepare('SELECT * FROM evidence WHERE appointment_id = ? ORDER BY at, rowid'),
    insertAudit: db.prepare(
      `INSERT INTO audit (id, practice_id, appointment_id, at, event, meta_json, delete_after)
        VALUES (@id, @practiceId, @appointmentId, @at, @event, @metaJson, @deleteAfter)`,
    ),
    listAudit: db.prepare('SELECT * FROM audit WHERE practice_id = ? ORDER BY at, rowid'),
    listAuditFor: db.prepare('SELECT * FROM audit WHERE practice_id = ? AND appointment_id = ? ORDER BY at, rowid'),
    insertOutbox: db.prepare(
      `INSERT INTO outbox (id, practice_id, appointment_id, channel, status, attempts, last_error, sealed, created_at,
        updated_at, delete_after) VALUES (@id, @practiceId, @appointmentId, @channel, @status, @attempts, @lastError,
        @sealed, @createdAt, @updatedAt, @deleteAfter)`,
    ),
    updateOutbox: db.prepare(
      `UPDATE outbox SET status=@status, attempts=@attempts, last_error=@lastError, sealed=@sealed,
        updated_at=@updatedAt WHERE id=@id`,
    ),
    getOutbox: db.prepare('SELECT * FROM outbox WHERE id = ?'),
    listOutbox: db.prepare('SELECT * FROM outbox WHERE practice_id = ? ORDER BY created_at, rowid'),
  };

  const store: VideoStore = {
    transaction: <T>(fn: () => T): T => (db.inTransaction ? fn() : db.transaction(fn)()),

    insertPractice: (row) =>
      void q.insertPractice.run({ ...row, masterWrap: wrapOut(row.masterWrap), sepaSealed: buf(row.sepaSealed) }),
    updatePractice: (row) =>
      void q.updatePractice.run({ ...row, masterWrap: wrapOut(row.masterWrap), sepaSealed: buf(row.sepaSealed) }),
    getPractice: (id) => {
      const r = q.getPractice.get(id) as Row | undefined;
      return r === undefined ? undefined : toPractice(r);
    },
    findPracticeByOrgKey: (orgKey) => {
      const r = q.findPracticeByOrgKey.get(orgKey) as Row | undefined;
      return r === undefined ? undefined : toPractice(r);
    },
    listPracticesEndingOnOrBefore: (date) => (q.practicesEnding.all(date) as Row[]).map(toPractice),
    reserveOrgName: (nameMac) => q.reserveName.run(nameMac).changes === 1,

    insertUser: (row) =>
      void q.insertUser.run({ ...row, isMain: row.isMain ? 1 : 0, passwordWrap: wrapOut(row.passwordWrap) }),
    updateUser: (row) =>
      void q.updateUser.run({ ...row, isMain: row.isMain ? 1 : 0, passwordWrap: wrapOut(row.passwordWrap) }),
    getUser: (id) => {
      const r = q.getUser.get(id) as Row | undefined;
      return r === undefined ? undefined : toUser(r);
    },
    findUser: (practiceId, shortName) => {
      const r = q.findUser.get(practiceId, shortName) as Row | undefined;
      return r === undefined ? undefined : toUser(r);
    },
    listUsers: (practiceId) => (q.listUsers.all(practiceId) as Row[]).map(toUser),

    insertDevice: (row) => void q.insertDevice.run({ ...row, sealedKey: buf(row.sealedKey) }),
    updateDevice: (row) => void q.updateDevice.run({ ...row, sealedKey: buf(row.sealedKey) }),
    getDevice: (id) => {
      const r = q.getDevice.get(id) as Row | undefined;
      return r === undefined ? undefined : toDevice(r);
    },
    listDevices: (practiceId) => (q.listDevices.all(practiceId) as Row[]).map(toDevice),

    insertAppointment: (row) => void q.insertAppointment.run({ ...row, sealed: Buffer.from(row.sealed) }),
    updateAppointment: (row) => void q.updateAppointment.run({ ...row, sealed: Buffer.from(row.sealed) }),
    getAppointment: (id) => {
      const r = q.getAppointment.get(id) as Row | undefined;
      return r === undefined ? undefined : toAppointment(r);
    },
    listAppointments: (practiceId) => (q.listAppointments.all(practiceId) as Row[]).map(toAppointment),

    insertAccessCode: (row) => q.insertCode.run(row).changes === 1,
    findAccessCode: (mac) => {
      const r = q.findCode.get(mac) as Row | undefined;
      return r === undefined ? undefined : toAccessCode(r);
    },
    deleteAccessCodes: (appointmentId) => q.deleteCodes.run(appointmentId).changes,

    insertEvidence: (row) => void q.insertEvidence.run(row),
    listEvidence: (appointmentId) => (q.listEvidence.all(appointmentId) as Row[]).map(toEvidence),

    insertAudit: (row) => void q.insertAudit.run(row),
    listAudit: (practiceId, appointmentId) =>
      (
        (appointmentId === undefined
          ? q.listAudit.all(practiceId)
          : q.listAuditFor.all(practiceId, appointmentId)) as Row[]
      ).map(toAudit),

    insertOutbox: (row) => void q.insertOutbox.run({ ...row, sealed: Buffer.from(row.sealed) }),
    updateOutbox: (row) => void q.updateOutbox.run({ ...row, sealed: Buffer.from(row.sealed) }),
    getOutbox: (id) => {
      const r = q.getOutbox.get(id) as Row | undefined;
      return r === undefined ? undefined : toOutbox(r);
    },
    listOutbox: (practiceId) => (q.listOutbox.all(practiceId) as Row[]).map(toOutbox),

    purgeExpired: (now) => {
      const counts = db.transaction((): PurgeCounts => {
        const appointments = db.prepare('DELETE FROM appointments WHERE delete_after <= ?').run(now).changes;
        // A child row goes when its own date is due or when its appointment is gone (purged with it).
        const child = (table: 'access_codes' | 'evidence' | 'audit' | 'outbox'): number =>
          db
            .prepare(
              `DELETE FROM ${table} WHERE delete_after <= ? OR (appointment_id IS NOT NULL AND appointment_id NOT IN
                (SELECT id FROM appointments))`,
            )
            .run(now).changes;
        return {
          appointments,
          accessCodes: child('access_codes'),
          evidence: child('evidence'),
          audit: child('audit'),
          outbox: child('outbox'),
        };
      })();
      db.pragma('wal_checkpoint(TRUNCATE)');
      return counts;
    },

    deletePractice: (practiceId) => {
      const counts = db.transaction((): PracticeDeletionCounts => {
        const del = (sql: string): number => db.prepare(sql).run(practiceId).changes;
        const accessCodes = del(
          'DELETE FROM access_codes WHERE appointment_id IN (SELECT id FROM appointments WHERE practice_id = ?)',
        );
        return {
          accessCodes,
          evidence: del('DELETE FROM evidence WHERE practice_id = ?'),
          audit: del('DELETE FROM audit WHERE practice_id = ?'),
          outbox: del('DELETE FROM outbox WHERE practice_id = ?'),
          appointments: del('DELETE FROM appointments WHERE practice_id = ?'),
          devices: del('DELETE FROM devices WHERE practice_id = ?'),
          users: del('DELETE FROM users WHERE practice_id = ?'),
          practices: del('DELETE FROM practices WHERE id = ?'),
        };
      })();
      db.pragma('wal_checkpoint(TRUNCATE)');
      return counts;
    },

    close: () => db.close(),
  };
  return store;
}
