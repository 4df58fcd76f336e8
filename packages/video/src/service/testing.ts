import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRecordingLogger } from '@pvskit/core';
import { splitAccessCode } from '../access-code/access-code.js';
import { generateDeviceKeyPair } from '../account/account.js';
import type { DeviceKeyPair, KdfParams } from '../base/crypto.js';
import type { RegistrationInput } from '../account/schemas.js';
import { openSqliteStore } from '../storage/sqlite-store.js';
import type { VideoStore } from '../storage/port.js';
import { createVideoService, type VideoService } from './create.js';
import type { VideoServiceOptions } from './options.js';

/*
 * Test support for this package's own tests (not exported from the package). Uses a real SQLite file in a
 * temp directory and a settable clock.
 */

/** libsodium's minimum Argon2id cost: only for tests that are not about the KDF itself. */
export const FAST_KDF: KdfParams = { opsLimit: 1, memLimit: 8192 };

export interface TestRig {
  service: VideoService;
  store: VideoStore;
  dbPath: string;
  clock: { now: Date; set(iso: string): void; advanceMinutes(m: number): void };
  logger: ReturnType<typeof createRecordingLogger>;
  dispose(): void;
}

export async function createTestRig(overrides: Partial<VideoServiceOptions> = {}): Promise<TestRig> {
  const dir = mkdtempSync(join(tmpdir(), 'pvskit-video-'));
  const dbPath = join(dir, 'video.sqlite');
  const store = overrides.store ?? openSqliteStore({ path: dbPath });
  const logger = createRecordingLogger();
  const clock = {
    now: new Date('2026-11-26T10:00:00Z'),
    set(iso: string) {
      this.now = new Date(iso);
    },
    advanceMinutes(m: number) {
      this.now = new Date(this.now.getTime() + m * 60_000);
    },
  };
  const service = await createVideoService({
    store,
    serverSecret: new Uint8Array(32).fill(7),
    baseUrl: 'https://video.example.de',
    clock: () => clock.now,
    logger,
    kdf: FAST_KDF,
    retry: { attempts: 3, baseDelayMs: 10, delay: async () => {} },
    ...overrides,
  });
  return {
    service,
    store,
    dbPath,
    clock,
    logger,
    dispose() {
      try {
        service.close();
      } catch {
        // already closed by the test
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The seed's registration example (Praxis Winkler), with a fresh device key pair. */
export async function winkler(
  overrides: { plan?: 'basis' | 'plus'; orgShortName?: string; password?: string } = {},
): Promise<{ input: RegistrationInput; device: DeviceKeyPair; password: string; masterPassword: string }> {
  const device = await generateDeviceKeyPair();
  const password = overrides.password ?? 'Sommer2026!';
  const masterPassword = 'Master-Passwort-42';
  const plan = overrides.plan ?? 'basis';
  return {
    device,
    password,
    masterPassword,
    input: {
      organisation: { name: 'Praxis Winkler', kind: 'Arztpraxis', size: '1-5 Mitarbeiter' },
      address: { street: 'Musterstraße', houseNumber: '123', zip: '12345', city: 'Musterhausen' },
      mainUser: {
        salutation: 'Herr',
        title: 'Dr. med.',
        firstName: 'Martin',
        lastName: 'Winkler',
        email: 'm.winkler@mail.de',
        phone: '01234 5678 910',
      },
      login: {
        orgShortName: overrides.orgShortName ?? 'PWinkler',
        userShortName: 'MartinW',
        password,
        passwordRepeat: password,
        masterPassword,
        masterPasswordRepeat: masterPassword,
        deviceName: 'Laptop Martin',
        devicePublicKey: device.publicKey,
      },
      plan,
      ...(plan === 'plus'
        ? {
            sepaMandate: {
              accountHolder: 'Dr. Med. Martin Winkler',
              iban: 'DE89 3704 0044 0532 0130 00',
              bic: 'COBADEFFXXX',
              consent: true as const,
            },
          }
        : {}),
      acceptDataProcessingAgreement: true,
      credentialsNoted: true,
    },
  };
}

/** Registers Winkler and logs in on the registering device. */
export async function registeredPractice(rig: TestRig, plan: 'basis' | 'plus' = 'basis') {
  const w = await winkler({ plan });
  const reg = await rig.service.account.register(w.input);
  const session = await rig.service.account.login({
    organisation: 'PWinkler',
    user: 'MartinW',
    password: w.password,
    device: { id: reg.deviceId, secretKey: w.device.secretKey },
  });
  return { ...w, reg, session };
}

/** `count` guesses at a doctor code: its own locator with wrong rests (what a guesser who found the locator sends). */
export function wrongDoctorCodeRests(doctorCode: string, count = 10): string[] {
  const { locator, secret } = splitAccessCode(doctorCode);
  return Array.from({ length: count + 1 }, (_, i) => i.toString(16).padStart(5, '0'))
    .filter((rest) => rest !== secret)
    .slice(0, count)
    .map((rest) => `${locator}${rest}`);
}
