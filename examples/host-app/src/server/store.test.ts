import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HostStore } from './store.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pvskit-host-store-'));
  file = join(dir, 'data.sqlite');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const link = { id: 'appt-00000001', patientId: 'p-1', start: '2026-01-14T10:00', durationMinutes: 15, createdAt: '2026-01-14T09:00:00.000Z' };

describe('host store: PAKE tries', () => {
  it('keeps the count of the current code pair only, and drops it with the appointment link', () => {
    const store = HostStore.open(file, { today: '2026-01-14' });
    store.addAppointment(link);
    expect(store.pakeTriesSpent(link.id, 1)).toBe(0);
    expect(store.addPakeTries(link.id, 1, 4)).toBe(4);
    expect(store.addPakeTries(link.id, 1, -1)).toBe(3);
    expect(store.pakeTriesSpent(link.id, 1)).toBe(3);
    expect(store.pakeTriesSpent(link.id, 2)).toBe(0);
    // The next pair starts from 0, whatever the older pair's count was; no count goes below 0.
    expect(store.addPakeTries(link.id, 2, 1)).toBe(1);
    expect(store.pakeTriesSpent(link.id, 1)).toBe(0);
    expect(store.addPakeTries(link.id, 2, -5)).toBe(0);
    expect(store.purgeAppointmentLinks(() => false)).toBe(1);
    expect(store.database.prepare('SELECT COUNT(*) AS n FROM host_pake_tries').get()).toEqual({ n: 0 });
    store.close();
  });

  it('opens a version 1 file (before the table existed) and refuses a file from a newer version', () => {
    const first = HostStore.open(file, { today: '2026-01-14' });
    first.database.exec("DROP TABLE host_pake_tries; UPDATE host_meta SET value = '1' WHERE key = 'schemaVersion'");
    first.close();
    const upgraded = HostStore.open(file, { today: '2026-01-14' });
    upgraded.addAppointment(link);
    upgraded.addPakeTries(link.id, 1, 2);
    expect(upgraded.pakeTriesSpent(link.id, 1)).toBe(2);
    upgraded.database.exec("UPDATE host_meta SET value = '3' WHERE key = 'schemaVersion'");
    upgraded.close();
    expect(() => HostStore.open(file, { today: '2026-01-14' })).toThrow(/schema version 3, expected 2/);
  });
});
