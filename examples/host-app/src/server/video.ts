import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { Logger, PvsKitPlugin } from '@pvskit/core';
import {
  accessControlFromVideoService,
  createSignalingService,
  createVideoService,
  currentConsentText,
  generateDeviceKeyPair,
  openPostgresStore,
  openSqliteStore,
  videoPlugin,
  type PracticeSession,
  type SignalingService,
  type VideoService,
  type VideoStore,
} from '@pvskit/video';
import type { HostSettings } from '../shared/api.js';

/*
 * The sample PVS as a video practice: on first start it registers the demo practice with the video service,
 * keeps its login on this machine (a secrets file next to the data, never in the databases) and logs in.
 * The signaling server runs inside the host app's HTTP server (`/signal`).
 */

/** Credentials of the demo practice and the server secrets, kept apart from the databases. */
interface VideoSecrets {
  v: 1;
  /** Server secret of the video service (code HMACs): whoever holds it and the database can test codes offline. */
  serverSecret: string;
  /** Signs doctor tickets and resume tokens; persisted so a restarted server resumes running calls. */
  signalingSecret: string;
  organisation: string;
  user: string;
  password: string;
  masterPassword: string;
  device: { id: string; secretKey: string };
}

/**
 * Files of the video part, next to the host app's data file. With PostgreSQL the store lives in the database,
 * and the secrets get a file of their own: they belong to the practice registered there, not in the SQLite file.
 */
export function videoFiles(dataFile: string, store: 'sqlite' | 'postgres' = 'sqlite'): { store: string; secrets: string } {
  const base = dataFile.replace(/\.sqlite$/, '');
  return store === 'sqlite' ? { store: `${base}.video.sqlite`, secrets: `${base}.secrets.json` } : { store: '', secrets: `${base}.video-postgres.secrets.json` };
}

export interface VideoIntegration {
  service: VideoService;
  store: VideoStore;
  signaling: SignalingService;
  plugin: PvsKitPlugin;
  session(): PracticeSession;
  consentText(date: string): { version: string; text: string };
  close(): Promise<void>;
}

function writeSecrets(path: string, secrets: VideoSecrets): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  renameSync(tmp, path);
  chmodSync(path, 0o600);
}

const b64url = (n: number): string => randomBytes(n).toString('base64url');

async function registerDemoPractice(service: VideoService, settings: HostSettings): Promise<VideoSecrets> {
  const device = await generateDeviceKeyPair();
  const password = `Demo-${b64url(12)}`;
  const masterPassword = `Master-${b64url(18)}`;
  const practice = settings.practice;
  const result = await service.account.register({
    organisation: { name: practice.name ?? 'Notfallpraxis', kind: 'Notfallpraxis', size: '1-5 Mitarbeiter', specialty: 'Allgemeinmedizin', ...(practice.bsnr === undefined ? {} : { bsnr: practice.bsnr }) },
    address: { street: (practice.street ?? 'Klinikstraße 12').replace(/\s+\d+\w?$/, ''), houseNumber: /(\d+\w?)$/.exec(practice.street ?? '')?.[1] ?? '1', zip: practice.zip ?? '99999', city: practice.city ?? 'Stuttgart' },
    mainUser: {
      salutation: 'Frau',
      title: 'Dr. med.',
      firstName: 'Anna',
      lastName: 'Beispiel',
      email: 'praxis@example.invalid',
      phone: practice.phone ?? '0711 123456',
      ...(settings.physician.lanr === undefined ? {} : { lanr: settings.physician.lanr }),
      role: 'doctor',
    },
    login: {
      // Unique per data file: the short name is handed out once and never again (seed).
      orgShortName: `demo-${b64url(6)}`,
      userShortName: 'abeispiel',
      password,
      passwordRepeat: password,
      masterPassword,
      masterPasswordRepeat: masterPassword,
      deviceName: 'empfang-pc',
      devicePublicKey: device.publicKey,
    },
    plan: 'basis',
    acceptDataProcessingAgreement: true,
    credentialsNoted: true,
  });
  return {
    v: 1,
    serverSecret: b64url(32),
    signalingSecret: b64url(32),
    organisation: result.orgShortName,
    user: result.userShortName,
    password,
    masterPassword,
    device: { id: result.deviceId, secretKey: device.secretKey },
  };
}

/** Opens the video store and service, registers the demo practice on first use, logs in, and builds the signaling service. */
export async function startVideo(options: {
  dataFile: string;
  reset: boolean;
  baseUrl: string;
  settings: HostSettings;
  logger: Logger;
  /** PostgreSQL URL for the video store; without it, a SQLite file next to the data file. */
  postgresUrl?: string | undefined;
  /** Redis URL that joins the signaling to other instances; without it, signaling in this process only. */
  redisUrl?: string | undefined;
}): Promise<VideoIntegration> {
  const postgresUrl = options.postgresUrl;
  const files = videoFiles(options.dataFile, postgresUrl === undefined ? 'sqlite' : 'postgres');
  // A provider's PostgreSQL database is never emptied here: reset only forgets the demo practice's secrets.
  const storeFiles = postgresUrl === undefined ? [files.store, `${files.store}-wal`, `${files.store}-shm`] : [];
  if (options.reset) for (const f of [...storeFiles, files.secrets]) rmSync(f, { force: true });
  // A SQLite store without its secrets (or the reverse) cannot be opened: start both afresh.
  if (postgresUrl === undefined && existsSync(files.store) !== existsSync(files.secrets)) for (const f of [files.store, files.secrets]) rmSync(f, { force: true });
  const store = postgresUrl === undefined ? openSqliteStore({ path: files.store }) : openPostgresStore({ url: postgresUrl });
  let secrets: VideoSecrets | undefined = existsSync(files.secrets) ? (JSON.parse(readFileSync(files.secrets, 'utf8')) as VideoSecrets) : undefined;
  const serverSecret = secrets?.serverSecret ?? b64url(32);
  // 'interactive' Argon2id: a demo login on every start must not take seconds and 256 MiB.
  const service = await createVideoService({ store, serverSecret, baseUrl: options.baseUrl, logger: options.logger, kdf: 'interactive' });
  if (secrets === undefined) {
    secrets = { ...(await registerDemoPractice(service, options.settings)), serverSecret };
    writeSecrets(files.secrets, secrets);
  }
  const session = await service.account.login({ organisation: secrets.organisation, user: secrets.user, password: secrets.password, device: secrets.device });
  const signaling = createSignalingService({
    access: accessControlFromVideoService({ service, store }),
    secret: Buffer.from(secrets.signalingSecret, 'base64url'),
    logger: options.logger,
    path: '/signal',
    ...(options.redisUrl === undefined ? {} : { redis: options.redisUrl }),
  });
  return {
    service,
    store,
    signaling,
    plugin: videoPlugin(service, { session: () => session }),
    session: () => session,
    consentText: (date) => currentConsentText(date),
    async close() {
      await signaling.close();
      service.account.logout(session);
      service.close();
    },
  };
}
