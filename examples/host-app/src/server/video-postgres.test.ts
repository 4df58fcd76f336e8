import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { berlinDateTimeOf, createRecordingLogger } from '@pvskit/core';
import { startPostgres, type TestPostgres } from '../../../../test/support/servers.js';
import type { AppointmentView, StateResponse } from '../shared/api.js';
import { startHostApp, type RunningHostApp } from './index.js';
import { videoFiles } from './video.js';

/* The host app's video service on a real PostgreSQL server instead of its SQLite file (`pvskit serve --postgres`). */

let server: TestPostgres;
let dir: string;
beforeAll(async () => {
  server = await startPostgres();
  dir = mkdtempSync(join(tmpdir(), 'pvskit-host-app-pg-'));
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function rowCounts(url: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const counts: Record<string, number> = {};
    for (const table of ['practices', 'appointments', 'access_codes']) {
      counts[table] = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n);
    }
    return counts;
  } finally {
    await client.end();
  }
}

describe('host app with the video store in PostgreSQL', () => {
  it('registers the demo practice, books into PostgreSQL, writes no video SQLite file and keeps the data on restart', async () => {
    const url = await server.createDatabase();
    const dataFile = join(dir, 'data.sqlite');
    let app: RunningHostApp = await startHostApp({ port: 0, dataFile, today: '2026-01-14', videoPostgres: url });
    try {
      const api = async <T>(path: string, body?: unknown): Promise<T> => {
        const res = await fetch(`${app.url}${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        return (await res.json()) as T;
      };
      expect((await api<StateResponse>('/api/state')).features.video).toBe(true);
      const now = berlinDateTimeOf(new Date());
      const { appointment } = await api<{ appointment: AppointmentView }>('/api/patients/p-1/appointments', { start: `${now.date}T${now.time}`, durationMinutes: 15 });
      expect(await rowCounts(url)).toMatchObject({ practices: 1, appointments: 1 });
      expect((await rowCounts(url)).access_codes).toBeGreaterThanOrEqual(2);
      expect(existsSync(videoFiles(dataFile).store)).toBe(false);

      await app.close();
      app = await startHostApp({ port: 0, dataFile, today: '2026-01-14', videoPostgres: url });
      const again = await api<AppointmentView>(`/api/appointments/${appointment.id}`);
      expect(again.patientCode).toBe(appointment.patientCode);
      expect((await rowCounts(url)).practices).toBe(1);
    } finally {
      await app.close();
    }
  });

  it('an unreachable PostgreSQL leaves the PVS running without video and says why', async () => {
    const logger = createRecordingLogger();
    const app = await startHostApp({ port: 0, dataFile: join(dir, 'other.sqlite'), today: '2026-01-14', videoPostgres: 'postgres://nobody@127.0.0.1:1/none', logger });
    try {
      const state = (await (await fetch(`${app.url}/api/state`)).json()) as StateResponse;
      expect(state.features.video).toBe(false);
      expect(logger.entries.find((e) => e.message === 'host-app: video consultation unavailable')?.data?.error).toMatch(/cannot open video store at postgres:\/\/nobody@127\.0\.0\.1:1\/none/);
    } finally {
      await app.close();
    }
  });
});
