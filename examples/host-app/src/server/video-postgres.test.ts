import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { berlinDateTimeOf, createRecordingLogger } from '@pvskit/core';
import { startPostgres, type TestPostgres } from '../../../../test/support/servers.js';
import type { AppointmentView, StateResponse } from '../shared/api.js';
import { AppClient } from '../testing/http-client.js';
import { startHostApp, type RunningHostApp } from './index.js';
import { videoFiles, type DemoCredentials } from './video.js';

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
    const dataFile = join(dir, 'data', 'data.sqlite');
    const secretsDir = join(dir, 'secrets');
    let app: RunningHostApp = await startHostApp({ port: 0, dataFile, secretsDir, today: '2026-01-14', videoPostgres: url });
    try {
      const credentials = app.firstStart as DemoCredentials;
      const practice = async (): Promise<AppClient> => {
        const client = new AppClient(app.url);
        expect((await client.login(credentials)).status).toBe(200);
        return client;
      };
      let client = await practice();
      expect((await client.json<StateResponse>('/api/state')).body.features.video).toBe(true);
      const now = berlinDateTimeOf(new Date());
      const { appointment } = (await client.json<{ appointment: AppointmentView }>('/api/patients/p-1/appointments', { body: { start: `${now.date}T${now.time}`, durationMinutes: 15 } })).body;
      expect(await rowCounts(url)).toMatchObject({ practices: 1, appointments: 1 });
      expect((await rowCounts(url)).access_codes).toBeGreaterThanOrEqual(2);
      expect(existsSync(videoFiles(dataFile).store)).toBe(false);

      await app.close();
      app = await startHostApp({ port: 0, dataFile, secretsDir, today: '2026-01-14', videoPostgres: url });
      expect(app.firstStart).toBeUndefined();
      client = await practice();
      const again = (await client.json<AppointmentView>(`/api/appointments/${appointment.id}`)).body;
      expect(again.patientCode).toBe(appointment.patientCode);
      expect((await rowCounts(url)).practices).toBe(1);
    } finally {
      await app.close();
    }
  });

  it('an unreachable PostgreSQL: the server starts, says why, and hands out no data (the login needs the keyring in the video store)', async () => {
    const logger = createRecordingLogger();
    const app = await startHostApp({ port: 0, dataFile: join(dir, 'other', 'other.sqlite'), secretsDir: join(dir, 'other-secrets'), today: '2026-01-14', videoPostgres: 'postgres://nobody@127.0.0.1:1/none', logger });
    try {
      expect((await fetch(`${app.url}/api/state`)).status).toBe(401);
      expect(logger.entries.find((e) => e.message === 'host-app: video consultation unavailable')?.data?.error).toMatch(/cannot open video store at postgres:\/\/nobody@127\.0\.0\.1:1\/none/);
    } finally {
      await app.close();
    }
  });
});
