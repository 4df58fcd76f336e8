import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { berlinDateTimeOf } from '@pvskit/core';
import { startPostgres, startRedis, type TestPostgres, type TestRedis } from '../../../../test/support/servers.js';
import type { AppointmentView, DoctorCallInfo } from '../shared/api.js';
import { AppClient } from '../testing/http-client.js';
import { startHostApp, type RunningHostApp } from './index.js';
import { secretsFileFor } from './secrets.js';
import type { DemoCredentials } from './video.js';

/* Two host-app instances with `pvskit serve --postgres … --redis …`: their signaling acts as one relay. */

let postgres: TestPostgres;
let redis: TestRedis;
let dir: string;
beforeAll(async () => {
  [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  dir = mkdtempSync(join(tmpdir(), 'pvskit-host-app-redis-'));
}, 90_000);
afterAll(async () => {
  await Promise.all([postgres?.stop(), redis?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

function socket(url: string): Promise<{ ws: WebSocket; next(pred: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> }> {
  const ws = new WebSocket(url);
  const messages: Record<string, unknown>[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(String(d)) as Record<string, unknown>));
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () =>
      resolve({
        ws,
        async next(pred) {
          await expect.poll(() => messages.some(pred), { timeout: 10_000 }).toBe(true);
          return messages.find(pred) as Record<string, unknown>;
        },
      }),
    );
  });
}

describe('host app signaling through Redis', () => {
  it('a doctor on instance A sees the knock of a patient who reached instance B', async () => {
    const videoPostgres = await postgres.createDatabase();
    const first = join(dir, 'a', 'host-app.sqlite');
    const second = join(dir, 'b', 'host-app.sqlite');
    const secretsDir = join(dir, 'secrets');
    const apps: RunningHostApp[] = [];
    try {
      apps.push(await startHostApp({ port: 0, dataFile: first, secretsDir, today: '2026-01-14', videoPostgres, redis: redis.url }));
      const credentials = apps[0]?.firstStart as DemoCredentials;
      // Every instance signs and checks tickets and resume tokens with the same secrets: the deployment copies the file.
      copyFileSync(apps[0]?.secretsFile as string, secretsFileFor(secretsDir, second));
      apps.push(await startHostApp({ port: 0, dataFile: second, secretsDir, today: '2026-01-14', videoPostgres, redis: redis.url }));
      const [a, b] = apps as [RunningHostApp, RunningHostApp];
      const practice = new AppClient(a.url);
      expect((await practice.login(credentials)).status).toBe(200);
      const now = berlinDateTimeOf(new Date());
      const { appointment } = (await practice.json<{ appointment: AppointmentView }>('/api/patients/p-1/appointments', { body: { start: `${now.date}T${now.time}`, durationMinutes: 15 } })).body;
      const info = (await practice.json<DoctorCallInfo>(`/api/appointments/${appointment.id}/doctor`)).body;

      const doctor = await socket(`${a.url.replace(/^http/, 'ws')}${info.signalingPath}`);
      doctor.ws.send(JSON.stringify({ t: 'hello', appointmentId: appointment.id, role: 'doctor', ticket: info.ticket }));
      await doctor.next((m) => m.t === 'welcome');
      const patient = await socket(`${b.url.replace(/^http/, 'ws')}${info.signalingPath}`);
      patient.ws.send(JSON.stringify({ t: 'hello', appointmentId: appointment.id, role: 'patient' }));
      const welcome = await patient.next((m) => m.t === 'welcome');
      expect(welcome['peers']).toEqual([expect.objectContaining({ role: 'doctor' })]);
      expect(await doctor.next((m) => m.t === 'peer-joined')).toMatchObject({ peer: { peerId: welcome['peerId'], role: 'patient', admitted: false } });
      doctor.ws.terminate();
      patient.ws.terminate();
    } finally {
      for (const app of apps) await app.close();
    }
  });
});
