import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { existsSync, rmSync } from 'node:fs';
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
import { currentPracticeSession } from './auth/sessions.js';
import { readSecrets, writeSecrets, type HostSecrets } from './secrets.js';
import { keepPrivate } from './store.js';

/*
 * The sample PVS as a video practice: on first start it registers the demo practice with the video service and
 * shows its login once; the server keeps only its device key and server secrets (secrets.ts), never a password.
 * The practice session (with the data key) exists only while a practice user is logged in. The signaling
 * server runs inside the host app's HTTP server (`/signal`).
 */

/** The demo practice's login, shown once on first start. */
export interface DemoCredentials {
  organisation: string;
  user: string;
  password: string;
  masterPassword: string;
}

/** Files of the video part, next to the host app's data file. */
export function videoFiles(dataFile: string): { store: string; legacySecrets: string } {
  const base = dataFile.replace(/\.sqlite$/, '');
  return { store: `${base}.video.sqlite`, legacySecrets: `${base}.secrets.json` };
}

export interface VideoIntegration {
  service: VideoService;
  store: VideoStore;
  signaling: SignalingService;
  plugin: PvsKitPlugin;
  /** Key of the known-browser cookies (auth/known-browsers.ts), derived from the server's secrets. */
  knownBrowserKey: Buffer;
  /** The logged-in practice of the current request (AUTH outside one). */
  session(): PracticeSession;
  /** Logs a practice user in on this server's device; the one AUTH error for any wrong part. */
  login(credentials: { organisation: string; user: string; password: string }): Promise<PracticeSession>;
  logout(session: PracticeSession): void;
  /** Set on the start that registered the demo practice. */
  firstStart?: DemoCredentials;
  consentText(date: string): { version: string; text: string };
  close(): Promise<void>;
}

const b64url = (n: number): string => randomBytes(n).toString('base64url');

async function registerDemoPractice(service: VideoService, settings: HostSettings): Promise<{ credentials: DemoCredentials; device: HostSecrets['device'] }> {
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
    credentials: { organisation: result.orgShortName, user: result.userShortName, password, masterPassword },
    device: { id: result.deviceId, secretKey: device.secretKey },
  };
}

/** Opens the video store and service, registers the demo practice on first use, and builds the signaling service. */
export async function startVideo(options: {
  dataFile: string;
  secretsFile: string;
  reset: boolean;
  baseUrl: string;
  settings: HostSettings;
  logger: Logger;
  /** The client's address (behind a trusted proxy from X-Forwarded-For): code guesses are limited per address. */
  clientIp: (req: IncomingMessage) => string;
  /** PostgreSQL URL for the video store; without it, a SQLite file next to the data file. */
  postgresUrl?: string | undefined;
  /** Redis URL that joins the signaling to other instances; without it, signaling in this process only. */
  redisUrl?: string | undefined;
}): Promise<VideoIntegration> {
  const files = videoFiles(options.dataFile);
  if (existsSync(files.legacySecrets)) {
    // Older versions kept the password beside the data. It cannot be moved (nobody was ever shown it): start afresh.
    options.logger.warn('host-app: removing the old secrets file beside the data; the video practice is registered anew', { file: files.legacySecrets });
    for (const f of [files.legacySecrets, files.store]) rmSync(f, { force: true });
  }
  const postgresUrl = options.postgresUrl;
  // A provider's PostgreSQL database is never emptied here: reset only forgets the demo practice's secrets.
  const storeFiles = postgresUrl === undefined ? [files.store, `${files.store}-wal`, `${files.store}-shm`] : [];
  if (options.reset) for (const f of [...storeFiles, options.secretsFile]) rmSync(f, { force: true });
  // A SQLite store without its secrets (or the reverse) cannot be opened: start both afresh.
  if (postgresUrl === undefined && existsSync(files.store) !== existsSync(options.secretsFile)) for (const f of [files.store, options.secretsFile]) rmSync(f, { force: true });
  let secrets = readSecrets(options.secretsFile);
  const store = postgresUrl === undefined ? openSqliteStore({ path: files.store }) : openPostgresStore({ url: postgresUrl });
  if (postgresUrl === undefined) keepPrivate(files.store);
  const serverSecret = secrets?.serverSecret ?? b64url(32);
  // 'interactive' Argon2id: every login derives the key; a demo login must not take seconds and 256 MiB.
  const service = await createVideoService({ store, serverSecret, baseUrl: options.baseUrl, logger: options.logger, kdf: 'interactive' });
  let firstStart: DemoCredentials | undefined;
  if (secrets === undefined) {
    const registered = await registerDemoPractice(service, options.settings);
    secrets = { v: 2, serverSecret, signalingSecret: b64url(32), device: registered.device };
    writeSecrets(options.secretsFile, secrets);
    firstStart = registered.credentials;
  }
  const device = secrets.device;
  const signaling = createSignalingService({
    access: accessControlFromVideoService({ service, store }),
    secret: Buffer.from(secrets.signalingSecret, 'base64url'),
    logger: options.logger,
    path: '/signal',
    clientIp: options.clientIp,
    ...(options.redisUrl === undefined ? {} : { redis: options.redisUrl }),
  });
  return {
    service,
    store,
    signaling,
    plugin: videoPlugin(service, { session: currentPracticeSession }),
    knownBrowserKey: createHmac('sha256', Buffer.from(secrets.signalingSecret, 'base64url')).update('pvskit host-app known-browser cookie').digest(),
    session: currentPracticeSession,
    login: (c) => service.account.login({ ...c, device }),
    logout: (session) => service.account.logout(session),
    ...(firstStart === undefined ? {} : { firstStart }),
    consentText: (date) => currentConsentText(date),
    async close() {
      await signaling.close();
      service.close();
    },
  };
}
