/*
 * Schema history of the PostgreSQL store. Never edit an applied migration; append a new one. Columns mirror
 * the SQLite store one to one (epoch-ms times as BIGINT, sealed data as BYTEA); `seq` keeps insertion order
 * where SQLite uses its rowid.
 */

/** One versioned schema step. */
export interface Migration {
  version: number;
  sql: string;
}

/** Advisory lock key under which one instance at a time migrates ("pvskit-video" as a number). */
export const MIGRATION_LOCK = 7_061_796_153;

export const MIGRATIONS: readonly Migration[] = [
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
        sepa_sealed BYTEA,
        cancelled_on TEXT,
        ends_on TEXT,
        keys_destroyed_at BIGINT,
        created_at BIGINT NOT NULL
      );
      CREATE TABLE used_org_names (name_mac TEXT PRIMARY KEY);
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        seq BIGINT GENERATED ALWAYS AS IDENTITY,
        practice_id TEXT NOT NULL REFERENCES practices(id),
        short_name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('doctor','staff')),
        is_main BOOLEAN NOT NULL,
        password_wrap TEXT,
        created_at BIGINT NOT NULL,
        UNIQUE (practice_id, short_name)
      );
      CREATE TABLE devices (
        id TEXT PRIMARY KEY,
        seq BIGINT GENERATED ALWAYS AS IDENTITY,
        practice_id TEXT NOT NULL REFERENCES practices(id),
        name TEXT NOT NULL,
        public_key TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending','approved','revoked')),
        sealed_key BYTEA,
        requested_at BIGINT NOT NULL,
        approved_at BIGINT,
        revoked_at BIGINT
      );
      CREATE INDEX devices_practice ON devices(practice_id);
      CREATE TABLE appointments (
        id TEXT PRIMARY KEY,
        practice_id TEXT NOT NULL REFERENCES practices(id),
        kind TEXT NOT NULL CHECK (kind IN ('standard','conference')),
        max_participants INTEGER NOT NULL,
        valid_from BIGINT NOT NULL,
        valid_until BIGINT NOT NULL,
        delete_after BIGINT NOT NULL,
        failed_attempts INTEGER NOT NULL,
        locked_at BIGINT,
        code_generation INTEGER NOT NULL,
        cancelled_at BIGINT,
        sealed BYTEA NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX appointments_practice ON appointments(practice_id);
      CREATE INDEX appointments_delete_after ON appointments(delete_after);
      CREATE TABLE access_codes (
        mac TEXT PRIMARY KEY,
        appointment_id TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('doctor','patient')),
        delete_after BIGINT NOT NULL
      );
      CREATE INDEX access_codes_appointment ON access_codes(appointment_id);
      CREATE TABLE evidence (
        id TEXT PRIMARY KEY,
        seq BIGINT GENERATED ALWAYS AS IDENTITY,
        practice_id TEXT NOT NULL,
        appointment_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        at BIGINT NOT NULL,
        data_json TEXT NOT NULL,
        delete_after BIGINT NOT NULL
      );
      CREATE INDEX evidence_appointment ON evidence(appointment_id);
      CREATE TABLE audit (
        id TEXT PRIMARY KEY,
        seq BIGINT GENERATED ALWAYS AS IDENTITY,
        practice_id TEXT NOT NULL,
        appointment_id TEXT,
        at BIGINT NOT NULL,
        event TEXT NOT NULL,
        meta_json TEXT NOT NULL,
        delete_after BIGINT NOT NULL
      );
      CREATE INDEX audit_practice ON audit(practice_id, at);
      CREATE TABLE outbox (
        id TEXT PRIMARY KEY,
        seq BIGINT GENERATED ALWAYS AS IDENTITY,
        practice_id TEXT NOT NULL,
        appointment_id TEXT NOT NULL,
        channel TEXT NOT NULL CHECK (channel IN ('email','sms')),
        status TEXT NOT NULL CHECK (status IN ('pending','sent','failed')),
        attempts INTEGER NOT NULL,
        last_error TEXT,
        sealed BYTEA NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        delete_after BIGINT NOT NULL
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
