import { PvsKitError } from '@pvskit/core';
import type { PracticeDeletionCounts, PurgeCounts, VideoStore } from '../port.js';
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
} from '../rows.js';
import { MIGRATIONS, MIGRATION_LOCK } from './migrations.js';
import { openSyncConnection, type SyncConnection } from './sync-connection.js';

/*
 * PostgreSQL store for a provider that runs the video service on more than one machine. Same columns, same
 * clear fields, same sealed blobs as the SQLite store: the database never sees more than SQLite does. Rows that
 * list in insertion order carry a `seq` identity, PostgreSQL's stand-in for SQLite's rowid.
 */

/** Options of {@link openPostgresStore}. */
export interface PostgresStoreOptions {
  /** Connection URL, e.g. `postgres://video@db.internal:5432/video`. */
  url: string;
  /** Longest wait for one statement before the store gives up; default 30 s. */
  statementTimeoutMs?: number;
}

/** The URL without its password, for messages and logs. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}

type Columns = Record<string, unknown>;

function insertSql(table: string, columns: Columns, conflict = ''): [string, unknown[]] {
  const names = Object.keys(columns);
  const placeholders = names.map((_, i) => `$${i + 1}`).join(', ');
  return [`INSERT INTO ${table} (${names.join(', ')}) VALUES (${placeholders})${conflict}`, Object.values(columns)];
}

function updateSql(table: string, id: string, columns: Columns): [string, unknown[]] {
  const names = Object.keys(columns);
  const sets = names.map((n, i) => `${n} = $${i + 2}`).join(', ');
  return [`UPDATE ${table} SET ${sets} WHERE id = $1`, [id, ...Object.values(columns)]];
}

function migrate(db: SyncConnection): void {
  db.query('BEGIN');
  try {
    // Instances starting together: one migrates, the others wait here and then find nothing left to do.
    db.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    db.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)');
    const applied = new Set(db.query('SELECT version FROM schema_migrations').rows.map((r) => num(r.version)));
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      db.query(m.sql);
      db.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [m.version, Date.now()]);
    }
    db.query('COMMIT');
  } catch (error) {
    rollbackQuietly(db);
    throw error;
  }
}

/** Rolls back without hiding the error that made it necessary (a broken connection cannot roll back). */
function rollbackQuietly(db: SyncConnection): void {
  try {
    db.query('ROLLBACK');
  } catch {
    // the original error says more
  }
}

/** Opens (and migrates) the PostgreSQL store. Fails with a STORAGE error when the server cannot be reached. */
export function openPostgresStore(options: PostgresStoreOptions): VideoStore {
  let db: SyncConnection | undefined;
  try {
    db = openSyncConnection(options.url, { timeoutMs: options.statementTimeoutMs ?? 30_000 });
    migrate(db);
  } catch (cause) {
    db?.close();
    throw new PvsKitError('STORAGE', `cannot open video store at ${redact(options.url)}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
      userMessage: 'Die Datenbank der Videosprechstunde kann nicht geöffnet werden.',
    });
  }
  const conn = db;
  const all = (sql: string, ...params: unknown[]): Row[] => conn.query(sql, params).rows;
  const one = (sql: string, ...params: unknown[]): Row | undefined => conn.query(sql, params).rows[0];
  const changes = (sql: string, ...params: unknown[]): number => conn.query(sql, params).rowCount;
  const exec = ([sql, params]: [string, unknown[]]): number => conn.query(sql, params).rowCount;

  let depth = 0;
  const transaction = <T>(fn: () => T): T => {
    if (depth > 0) return fn();
    conn.query('BEGIN');
    depth = 1;
    try {
      const result = fn();
      // As in better-sqlite3: a transaction cannot span an await, the statements after it would run outside it.
      if (typeof (result as { then?: unknown } | null)?.then === 'function') throw new TypeError('a store transaction cannot return a promise');
      conn.query('COMMIT');
      return result;
    } catch (error) {
      rollbackQuietly(conn);
      throw error;
    } finally {
      depth = 0;
    }
  };
  // Dead row versions of deleted records stay in the table files until VACUUM reclaims them.
  const reclaim = (tables: readonly string[]): void => {
    if (depth === 0) conn.query(`VACUUM ${tables.join(', ')}`);
  };

  const practiceColumns = (row: Parameters<VideoStore['updatePractice']>[0]): Columns => ({
    plan: row.plan,
    profile_json: row.profileJson,
    master_wrap: wrapOut(row.masterWrap),
    sepa_sealed: buf(row.sepaSealed),
    cancelled_on: row.cancelledOn,
    ends_on: row.endsOn,
    keys_destroyed_at: row.keysDestroyedAt,
  });
  const userColumns = (row: Parameters<VideoStore['updateUser']>[0]): Columns => ({
    role: row.role,
    is_main: row.isMain,
    password_wrap: wrapOut(row.passwordWrap),
  });
  const deviceColumns = (row: Parameters<VideoStore['updateDevice']>[0]): Columns => ({
    name: row.name,
    status: row.status,
    sealed_key: buf(row.sealedKey),
    approved_at: row.approvedAt,
    revoked_at: row.revokedAt,
  });
  const appointmentColumns = (row: Parameters<VideoStore['updateAppointment']>[0]): Columns => ({
    kind: row.kind,
    max_participants: row.maxParticipants,
    valid_from: row.validFrom,
    valid_until: row.validUntil,
    delete_after: row.deleteAfter,
    failed_attempts: row.failedAttempts,
    locked_at: row.lockedAt,
    code_generation: row.codeGeneration,
    doctor_code_failures: row.doctorCodeFailures,
    cancelled_at: row.cancelledAt,
    sealed: buf(row.sealed),
  });
  const outboxColumns = (row: Parameters<VideoStore['updateOutbox']>[0]): Columns => ({
    status: row.status,
    attempts: row.attempts,
    last_error: row.lastError,
    sealed: buf(row.sealed),
    updated_at: row.updatedAt,
  });
  const found = <T>(r: Row | undefined, read: (r: Row) => T): T | undefined => (r === undefined ? undefined : read(r));
  /*
   * Services read a row and write it back inside a transaction (the failed-try counter, code generations). SQLite
   * has one writer at a time; PostgreSQL serves several instances at once, so inside a transaction a row read
   * by its key is locked until commit and a second instance's read-modify-write waits instead of losing an update.
   */
  const byKey = <T>(table: string, key: string, value: string, read: (r: Row) => T): T | undefined =>
    found(one(`SELECT * FROM ${table} WHERE ${key} = $1${depth > 0 ? ' FOR UPDATE' : ''}`, value), read);

  const store: VideoStore = {
    transaction,

    insertPractice: (row) =>
      void exec(
        insertSql('practices', {
          id: row.id,
          org_short_name: row.orgShortName,
          org_key: row.orgKey,
          ...practiceColumns(row),
          created_at: row.createdAt,
        }),
      ),
    updatePractice: (row) => void exec(updateSql('practices', row.id, practiceColumns(row))),
    getPractice: (id) => byKey('practices', 'id', id, toPractice),
    findPracticeByOrgKey: (orgKey) => byKey('practices', 'org_key', orgKey, toPractice),
    listPracticesEndingOnOrBefore: (date) =>
      all('SELECT * FROM practices WHERE ends_on IS NOT NULL AND ends_on <= $1 ORDER BY id', date).map(toPractice),
    reserveOrgName: (nameMac) => exec(insertSql('used_org_names', { name_mac: nameMac }, ' ON CONFLICT DO NOTHING')) === 1,

    insertUser: (row) =>
      void exec(
        insertSql('users', { id: row.id, practice_id: row.practiceId, short_name: row.shortName, ...userColumns(row), created_at: row.createdAt }),
      ),
    updateUser: (row) => void exec(updateSql('users', row.id, userColumns(row))),
    getUser: (id) => byKey('users', 'id', id, toUser),
    findUser: (practiceId, shortName) =>
      found(one('SELECT * FROM users WHERE practice_id = $1 AND short_name = $2', practiceId, shortName), toUser),
    listUsers: (practiceId) => all('SELECT * FROM users WHERE practice_id = $1 ORDER BY created_at, seq', practiceId).map(toUser),

    insertDevice: (row) =>
      void exec(
        insertSql('devices', {
          id: row.id,
          practice_id: row.practiceId,
          public_key: row.publicKey,
          ...deviceColumns(row),
          requested_at: row.requestedAt,
        }),
      ),
    updateDevice: (row) => void exec(updateSql('devices', row.id, deviceColumns(row))),
    getDevice: (id) => byKey('devices', 'id', id, toDevice),
    listDevices: (practiceId) => all('SELECT * FROM devices WHERE practice_id = $1 ORDER BY requested_at, seq', practiceId).map(toDevice),

    insertAppointment: (row) =>
      void exec(
        insertSql('appointments', { id: row.id, practice_id: row.practiceId, ...appointmentColumns(row), created_at: row.createdAt }),
      ),
    updateAppointment: (row) => void exec(updateSql('appointments', row.id, appointmentColumns(row))),
    getAppointment: (id) => byKey('appointments', 'id', id, toAppointment),
    listAppointments: (practiceId) =>
      all('SELECT * FROM appointments WHERE practice_id = $1 ORDER BY valid_from, id', practiceId).map(toAppointment),

    insertAccessCode: (row) =>
      exec(
        insertSql(
          'access_codes',
          { mac: row.mac, appointment_id: row.appointmentId, role: row.role, delete_after: row.deleteAfter },
          ' ON CONFLICT DO NOTHING',
        ),
      ) === 1,
    findAccessCode: (mac) => byKey('access_codes', 'mac', mac, toAccessCode),
    deleteAccessCodes: (appointmentId) => changes('DELETE FROM access_codes WHERE appointment_id = $1', appointmentId),

    insertEvidence: (row) =>
      void exec(
        insertSql('evidence', {
          id: row.id,
          practice_id: row.practiceId,
          appointment_id: row.appointmentId,
          kind: row.kind,
          at: row.at,
          data_json: row.dataJson,
          delete_after: row.deleteAfter,
        }),
      ),
    listEvidence: (appointmentId) => all('SELECT * FROM evidence WHERE appointment_id = $1 ORDER BY at, seq', appointmentId).map(toEvidence),

    insertAudit: (row) =>
      void exec(
        insertSql('audit', {
          id: row.id,
          practice_id: row.practiceId,
          appointment_id: row.appointmentId,
          at: row.at,
          event: row.event,
          meta_json: row.metaJson,
          delete_after: row.deleteAfter,
        }),
      ),
    listAudit: (practiceId, appointmentId) =>
      (appointmentId === undefined
        ? all('SELECT * FROM audit WHERE practice_id = $1 ORDER BY at, seq', practiceId)
        : all('SELECT * FROM audit WHERE practice_id = $1 AND appointment_id = $2 ORDER BY at, seq', practiceId, appointmentId)
      ).map(toAudit),

    insertOutbox: (row) =>
      void exec(
        insertSql('outbox', {
          id: row.id,
          practice_id: row.practiceId,
          appointment_id: row.appointmentId,
          channel: row.channel,
          ...outboxColumns(row),
          created_at: row.createdAt,
          delete_after: row.deleteAfter,
        }),
      ),
    updateOutbox: (row) => void exec(updateSql('outbox', row.id, outboxColumns(row))),
    getOutbox: (id) => byKey('outbox', 'id', id, toOutbox),
    listOutbox: (practiceId) => all('SELECT * FROM outbox WHERE practice_id = $1 ORDER BY created_at, seq', practiceId).map(toOutbox),

    purgeExpired: (now) => {
      const counts = transaction((): PurgeCounts => {
        const appointments = changes('DELETE FROM appointments WHERE delete_after <= $1', now);
        // A child row goes when its own date is due or when its appointment is gone (purged with it).
        const child = (table: 'access_codes' | 'evidence' | 'audit' | 'outbox'): number =>
          changes(
            `DELETE FROM ${table} WHERE delete_after <= $1 OR (appointment_id IS NOT NULL AND appointment_id NOT IN
              (SELECT id FROM appointments))`,
            now,
          );
        return {
          appointments,
          accessCodes: child('access_codes'),
          evidence: child('evidence'),
          audit: child('audit'),
          outbox: child('outbox'),
        };
      });
      reclaim(['appointments', 'access_codes', 'evidence', 'audit', 'outbox']);
      return counts;
    },

    deletePractice: (practiceId) => {
      const counts = transaction((): PracticeDeletionCounts => {
        const del = (sql: string): number => changes(sql, practiceId);
        const accessCodes = del('DELETE FROM access_codes WHERE appointment_id IN (SELECT id FROM appointments WHERE practice_id = $1)');
        return {
          accessCodes,
          evidence: del('DELETE FROM evidence WHERE practice_id = $1'),
          audit: del('DELETE FROM audit WHERE practice_id = $1'),
          outbox: del('DELETE FROM outbox WHERE practice_id = $1'),
          appointments: del('DELETE FROM appointments WHERE practice_id = $1'),
          devices: del('DELETE FROM devices WHERE practice_id = $1'),
          users: del('DELETE FROM users WHERE practice_id = $1'),
          practices: del('DELETE FROM practices WHERE id = $1'),
        };
      });
      reclaim(['access_codes', 'evidence', 'audit', 'outbox', 'appointments', 'devices', 'users', 'practices']);
      return counts;
    },

    close: () => conn.close(),
  };
  return store;
}
