import { parseWith, PvsKitError } from '@pvskit/core';
import {
  cryptoReady,
  equalBytes,
  fromB64,
  generateBoxKeyPair,
  hmacSha256,
  KEY_BYTES,
  newId,
  openSealed,
  randomBytes,
  sealTo,
  toHex,
  wipe,
  type DeviceKeyPair,
} from '../base/crypto.js';
import { burnDerivation, unwrapKey, wrapContext, wrapKey } from './keyring.js';
import {
  credentialsSchema,
  deviceRequestSchema,
  loginSchema,
  newUserSchema,
  passwordChangeSchema,
  recoverySchema,
  registrationSchema,
  type DeviceRequestInput,
  type LoginInput,
  type NewUserInput,
  type PasswordChangeInput,
  type RecoveryInput,
  type Registration,
  type RegistrationInput,
} from './schemas.js';
import { closeSession, dataKeyOf, openSession, practiceOf, type PracticeSession } from '../base/session.js';
import { writeAudit } from '../base/audit.js';
import { assertPlanIncludes } from '../plans/entitlements.js';
import { sealMandate } from '../plans/sepa.js';
import type { VideoContext } from '../base/context.js';
import type { DeviceRow, DeviceStatus, PracticeRow, UserRow } from '../storage/port.js';

/** The one login error: the same code and text whichever part was wrong (seed: "Fehler beim Login"). */
export function loginFailed(): PvsKitError {
  return new PvsKitError('AUTH', 'login failed', {
    userMessage:
      'Fehler beim Login. Sie haben leider einen falschen Benutzernamen oder Ihr Passwort falsch eingegeben. ' +
      'Bitte prüfen Sie Ihre Eingaben und versuchen es erneut.',
  });
}

function deviceNotApproved(status: DeviceStatus | 'unknown'): PvsKitError {
  return new PvsKitError('FORBIDDEN', `device is not approved (${status})`, {
    userMessage:
      status === 'revoked'
        ? 'Dieses Endgerät wurde gesperrt.'
        : 'Dieses Endgerät ist noch nicht freigeschaltet. Bitte lassen Sie es vom Hauptnutzer freischalten.',
    details: { deviceStatus: status },
  });
}

/** Result of a registration. */
export interface RegistrationResult {
  practiceId: string;
  userId: string;
  /** The registering device, approved at once. */
  deviceId: string;
  orgShortName: string;
  userShortName: string;
}

/** A device as the practice sees it. */
export interface DeviceInfo {
  id: string;
  name: string;
  status: DeviceStatus;
  requestedAt: number;
  approvedAt: number | null;
  revokedAt: number | null;
}

/** A user as the practice sees it. */
export interface UserInfo {
  id: string;
  shortName: string;
  role: UserRow['role'];
  isMain: boolean;
}

/** Practice accounts, keyring, devices and users. */
export interface AccountApi {
  /** Registers a practice (seed steps 1–4). The data key is created here and never leaves wraps and sessions. */
  register(input: RegistrationInput): Promise<RegistrationResult>;
  /** Logs in on an approved device. Any wrong short name or password: one `AUTH` error, same text. */
  login(input: LoginInput): Promise<PracticeSession>;
  /** Ends a session and wipes its copy of the data key. */
  logout(session: PracticeSession): void;
  /** A new device asks for approval (needs valid credentials); returns its id, status `pending`. */
  requestDevice(input: DeviceRequestInput): Promise<{ deviceId: string }>;
  /** The main user approves a device: the data key is sealed to the device's public key. */
  approveDevice(session: PracticeSession, deviceId: string): void;
  /** The main user revokes a device: its sealed key is deleted, it can no longer log in. */
  revokeDevice(session: PracticeSession, deviceId: string): void;
  listDevices(session: PracticeSession): DeviceInfo[];
  /** Re-wraps the data key under a new password; data is not re-encrypted. */
  changePassword(session: PracticeSession, input: PasswordChangeInput): Promise<void>;
  /** The only way back in without the password: the master password. Lose both and the data is gone. */
  recoverWithMasterPassword(input: RecoveryInput): Promise<{ deviceId?: string }>;
  /** Adds a further user (plan plus, main user only). */
  addUser(session: PracticeSession, input: NewUserInput): Promise<UserInfo>;
  listUsers(session: PracticeSession): UserInfo[];
  /** FORBIDDEN unless the session's user is a doctor (spec R2: staff organise, only doctors hold consultations). */
  assertMayHoldConsultation(session: PracticeSession): void;
}

/** Keyed hash of a short name, remembered forever so a short name is handed out once only (seed). */
function orgNameMac(ctx: VideoContext, orgKey: string): string {
  return toHex(hmacSha256(ctx.nameKey, `org-short-name|${orgKey}`));
}

const orgKeyOf = (orgShortName: string): string => orgShortName.toLowerCase();


function requireMain(session: PracticeSession): void {
  if (!session.isMain) {
    throw new PvsKitError('FORBIDDEN', 'only the main user may do this', {
      userMessage: 'Nur der Hauptnutzer darf diese Aktion ausführen.',
    });
  }
}

function toDeviceInfo(d: DeviceRow): DeviceInfo {
  return {
    id: d.id,
    name: d.name,
    status: d.status,
    requestedAt: d.requestedAt,
    approvedAt: d.approvedAt,
    revokedAt: d.revokedAt,
  };
}

const toUserInfo = (u: UserRow): UserInfo => ({ id: u.id, shortName: u.shortName, role: u.role, isMain: u.isMain });

export function createAccountApi(ctx: VideoContext): AccountApi {
  const { store } = ctx;

  /** Finds practice and user and opens the user's wrap; every failure becomes the one login error. */
  function verifyCredentials(input: unknown): { practice: PracticeRow; user: UserRow; dataKey: Uint8Array } {
    const parsed = credentialsSchema.safeParse(input);
    if (!parsed.success) throw loginFailed();
    const { organisation, user: userName, password } = parsed.data;
    const practice = store.findPracticeByOrgKey(orgKeyOf(organisation));
    // Exact comparison after trimming: case mix-ups are a wrong short name, as in the seed.
    const user =
      practice !== undefined && practice.orgShortName === organisation && practice.keysDestroyedAt === null
        ? store.findUser(practice.id, userName)
        : undefined;
    if (practice === undefined || user === undefined || user.passwordWrap === null) {
      burnDerivation(password, ctx.kdf);
      throw loginFailed();
    }
    try {
      return { practice, user, dataKey: unwrapKey(user.passwordWrap, password, wrapContext.user(practice.id, user.id)) };
    } catch {
      throw loginFailed();
    }
  }

  function approve(practiceId: string, device: DeviceRow, dataKey: Uint8Array): DeviceRow {
    const approved: DeviceRow = {
      ...device,
      status: 'approved',
      sealedKey: sealTo(fromB64(device.publicKey), dataKey),
      approvedAt: ctx.now(),
      revokedAt: null,
    };
    store.updateDevice(approved);
    writeAudit(ctx, practiceId, 'device.approved', { deviceId: device.id });
    return approved;
  }

  function insertPendingDevice(practiceId: string, name: string, publicKey: string): DeviceRow {
    const row: DeviceRow = {
      id: newId(),
      practiceId,
      name,
      publicKey,
      status: 'pending',
      sealedKey: null,
      requestedAt: ctx.now(),
      approvedAt: null,
      revokedAt: null,
    };
    store.insertDevice(row);
    writeAudit(ctx, practiceId, 'device.requested', { deviceId: row.id });
    return row;
  }

  function deviceOfPractice(practiceId: string, deviceId: string): DeviceRow {
    const device = store.getDevice(deviceId);
    if (device === undefined || device.practiceId !== practiceId) {
      throw new PvsKitError('NOT_FOUND', 'device not found', { userMessage: 'Endgerät nicht gefunden.' });
    }
    return device;
  }

  return {
    async register(input) {
      const r: Registration = parseWith(registrationSchema, input, 'registration');
      const orgKey = orgKeyOf(r.login.orgShortName);
      const dataKey = randomBytes(KEY_BYTES);
      const practiceId = newId();
      const userId = newId();
      const now = ctx.now();
      // The two Argon2id derivations run before the transaction: they are slow and need no lock.
      const passwordWrap = wrapKey(dataKey, r.login.password, ctx.kdf, wrapContext.user(practiceId, userId));
      const masterWrap = wrapKey(dataKey, r.login.masterPassword, ctx.kdf, wrapContext.master(practiceId));
      const profile = { organisation: r.organisation, address: r.address, mainUser: r.mainUser };
      try {
        return store.transaction((): RegistrationResult => {
          if (store.findPracticeByOrgKey(orgKey) !== undefined || !store.reserveOrgName(orgNameMac(ctx, orgKey))) {
            throw new PvsKitError('CONFLICT', 'organisation short name is taken', {
              userMessage:
                'Dieser Kurzname der Organisation ist bereits vergeben. Bitte wählen Sie einen anderen Kurznamen.',
              details: { field: '$.login.orgShortName' },
            });
          }
          store.insertPractice({
            id: practiceId,
            orgShortName: r.login.orgShortName,
            orgKey,
            plan: r.plan,
            profileJson: JSON.stringify(profile),
            masterWrap,
            sepaSealed:
              r.sepaMandate === undefined
                ? null
                : sealMandate(ctx.billingKey, practiceId, { ...r.sepaMandate, grantedAt: now }),
            cancelledOn: null,
            endsOn: null,
            keysDestroyedAt: null,
            createdAt: now,
          });
          store.insertUser({
            id: userId,
            practiceId,
            shortName: r.login.userShortName,
            role: r.mainUser.role,
            isMain: true,
            passwordWrap,
            createdAt: now,
          });
          const device = insertPendingDevice(practiceId, r.login.deviceName, r.login.devicePublicKey);
          approve(practiceId, device, dataKey);
          writeAudit(ctx, practiceId, 'practice.registered', { plan: r.plan });
          return {
            practiceId,
            userId,
            deviceId: device.id,
            orgShortName: r.login.orgShortName,
            userShortName: r.login.userShortName,
          };
        });
      } finally {
        wipe(dataKey);
      }
    },

    async login(input) {
      const parsed = loginSchema.safeParse(input);
      if (!parsed.success) throw loginFailed();
      const { practice, user, dataKey } = verifyCredentials({
        organisation: parsed.data.organisation,
        user: parsed.data.user,
        password: parsed.data.password,
      });
      const device = store.getDevice(parsed.data.device.id);
      if (device === undefined || device.practiceId !== practice.id) {
        wipe(dataKey);
        throw deviceNotApproved('unknown');
      }
      if (device.status !== 'approved' || device.sealedKey === null) {
        wipe(dataKey);
        writeAudit(ctx, practice.id, 'login.device-refused', { deviceId: device.id, status: device.status });
        throw deviceNotApproved(device.status);
      }
      // The device must prove it holds its secret key by opening its own sealed copy of the data key.
      let deviceKey: Uint8Array;
      try {
        deviceKey = openSealed(device.sealedKey, fromB64(device.publicKey), fromB64(parsed.data.device.secretKey));
      } catch {
        wipe(dataKey);
        throw deviceNotApproved('unknown');
      }
      const same = equalBytes(deviceKey, dataKey);
      wipe(deviceKey);
      if (!same) {
        wipe(dataKey);
        throw new PvsKitError('CRYPTO', 'device key and password key differ', {
          userMessage: 'Die Schlüssel dieses Endgeräts passen nicht zur Praxis. Bitte neu freischalten lassen.',
        });
      }
      writeAudit(ctx, practice.id, 'login', { deviceId: device.id, userId: user.id });
      return openSession(
        {
          practiceId: practice.id,
          userId: user.id,
          userShortName: user.shortName,
          role: user.role,
          isMain: user.isMain,
          deviceId: device.id,
        },
        dataKey,
      );
    },

    logout(session) {
      closeSession(session);
    },

    async requestDevice(input) {
      const parsed = deviceRequestSchema.safeParse(input);
      if (!parsed.success) {
        const onlyDeviceFields = parsed.error.issues.every((i) => i.path[0] === 'deviceName' || i.path[0] === 'devicePublicKey');
        if (onlyDeviceFields) parseWith(deviceRequestSchema, input, 'device request');
        throw loginFailed();
      }
      const { practice, dataKey } = verifyCredentials({
        organisation: parsed.data.organisation,
        user: parsed.data.user,
        password: parsed.data.password,
      });
      wipe(dataKey);
      const device = insertPendingDevice(practice.id, parsed.data.deviceName, parsed.data.devicePublicKey);
      return { deviceId: device.id };
    },

    approveDevice(session, deviceId) {
      const practice = practiceOf(ctx, session);
      requireMain(session);
      const device = deviceOfPractice(practice.id, deviceId);
      approve(practice.id, device, dataKeyOf(session));
    },

    revokeDevice(session, deviceId) {
      const practice = practiceOf(ctx, session);
      requireMain(session);
      const device = deviceOfPractice(practice.id, deviceId);
      store.updateDevice({ ...device, status: 'revoked', sealedKey: null, revokedAt: ctx.now() });
      writeAudit(ctx, practice.id, 'device.revoked', { deviceId });
    },

    listDevices(session) {
      const practice = practiceOf(ctx, session);
      return store.listDevices(practice.id).map(toDeviceInfo);
    },

    async changePassword(session, input) {
      const practice = practiceOf(ctx, session);
      const parsed = parseWith(passwordChangeSchema, input, 'password change');
      const user = store.getUser(session.userId);
      if (user === undefined || user.passwordWrap === null) throw loginFailed();
      const context = wrapContext.user(practice.id, user.id);
      let current: Uint8Array;
      try {
        current = unwrapKey(user.passwordWrap, parsed.currentPassword, context);
      } catch {
        throw loginFailed();
      }
      wipe(current);
      store.updateUser({ ...user, passwordWrap: wrapKey(dataKeyOf(session), parsed.newPassword, ctx.kdf, context) });
      writeAudit(ctx, practice.id, 'password.changed', { userId: user.id });
    },

    async recoverWithMasterPassword(input) {
      const parsed = recoverySchema.safeParse(input);
      if (!parsed.success) {
        // New-password rules are the user's to fix and reveal nothing about the account.
        const aboutNewPassword = parsed.error.issues.every((i) => String(i.path[0]).startsWith('newPassword') || i.path[0] === 'device');
        if (aboutNewPassword) parseWith(recoverySchema, input, 'recovery');
        throw loginFailed();
      }
      const r = parsed.data;
      const practice = store.findPracticeByOrgKey(orgKeyOf(r.organisation));
      const user =
        practice !== undefined && practice.orgShortName === r.organisation && practice.keysDestroyedAt === null
          ? store.findUser(practice.id, r.user)
          : undefined;
      if (practice === undefined || user === undefined || practice.masterWrap === null) {
        burnDerivation(r.masterPassword, ctx.kdf);
        throw loginFailed();
      }
      let dataKey: Uint8Array;
      try {
        dataKey = unwrapKey(practice.masterWrap, r.masterPassword, wrapContext.master(practice.id));
      } catch {
        throw loginFailed();
      }
      try {
        const passwordWrap = wrapKey(dataKey, r.newPassword, ctx.kdf, wrapContext.user(practice.id, user.id));
        return store.transaction(() => {
          store.updateUser({ ...user, passwordWrap });
          writeAudit(ctx, practice.id, 'password.recovered', { userId: user.id });
          if (r.device === undefined) return {};
          const device = insertPendingDevice(practice.id, r.device.name, r.device.publicKey);
          approve(practice.id, device, dataKey);
          return { deviceId: device.id };
        });
      } finally {
        wipe(dataKey);
      }
    },

    async addUser(session, input) {
      const practice = practiceOf(ctx, session);
      requireMain(session);
      assertPlanIncludes(practice.plan, 'furtherUsers');
      const parsed = parseWith(newUserSchema, input, 'user');
      if (store.findUser(practice.id, parsed.shortName) !== undefined) {
        throw new PvsKitError('CONFLICT', 'user short name is taken in this practice', {
          userMessage: 'Dieser Kurzname des Benutzers ist bereits vergeben.',
        });
      }
      const id = newId();
      const row: UserRow = {
        id,
        practiceId: practice.id,
        shortName: parsed.shortName,
        role: parsed.role,
        isMain: false,
        passwordWrap: wrapKey(dataKeyOf(session), parsed.password, ctx.kdf, wrapContext.user(practice.id, id)),
        createdAt: ctx.now(),
      };
      store.insertUser(row);
      writeAudit(ctx, practice.id, 'user.added', { userId: id, role: parsed.role });
      return toUserInfo(row);
    },

    listUsers(session) {
      const practice = practiceOf(ctx, session);
      return store.listUsers(practice.id).map(toUserInfo);
    },

    assertMayHoldConsultation(session) {
      practiceOf(ctx, session);
      if (session.role !== 'doctor') {
        throw new PvsKitError('FORBIDDEN', 'only a doctor may hold the consultation', {
          userMessage: 'Nur Ärztinnen und Ärzte dürfen die Videosprechstunde durchführen.',
        });
      }
    },
  };
}

/** Creates a device key pair locally. Keep `secretKey` on the device (e.g. the OS key store). */
export async function generateDeviceKeyPair(): Promise<DeviceKeyPair> {
  await cryptoReady();
  return generateBoxKeyPair();
}
