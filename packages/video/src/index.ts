// Issue 5 (before the call): service, keyring, appointments, storage, invitations, consent, plans, contract.
export * from './service/create.js';
export type { VideoServiceOptions } from './service/options.js';
export type { AccountApi, DeviceInfo, RegistrationResult, UserInfo } from './account/account.js';
export { generateDeviceKeyPair, loginFailed } from './account/account.js';
export type { DeviceKeyPair, KdfParams, KdfPreset } from './base/crypto.js';
export type { PracticeSession } from './base/session.js';
export * from './account/schemas.js';
export type { AccessApi, AccessGrant, AppointmentAccessMetadata, AttemptState, VerifyAccessCodeInput } from './appointments/access.js';
export { verifyAccessCodeSchema } from './appointments/access.js';
export type { Appointment, AppointmentStatus, AppointmentsApi } from './appointments/appointments.js';
export { generateAccessCode } from './appointments/codes.js';
export { ACCESS_CODE_DIGITS, LOCATOR_DIGITS, normaliseAccessCode, normaliseLocator, splitAccessCode } from './access-code/access-code.js';
export * from './appointments/schemas.js';
export { videoPlugin, type AppointmentBookData, type VideoPluginOptions } from './service/plugin.js';
export { appointmentBookContextSchema, appointmentBookHook } from './service/hooks.js';
export type * from './storage/port.js';
export { openSqliteStore, type SqliteStoreOptions } from './storage/sqlite-store.js';
// pg itself loads only inside the store's worker thread when a PostgreSQL store is opened.
export { openPostgresStore, type PostgresStoreOptions } from './storage/postgres/postgres-store.js';
export type { InvitationsApi, OutboxEntry, RenderedInvitation } from './invitations/invitations.js';
export { escapeHtml, invitationEmail, invitationSms, printViewHtml, type InvitationFacts } from './invitations/texts.js';
export * from './invitations/transports.js';
export type { AuditEntry, AuditMeta } from './base/audit.js';
export {
  consentSchema,
  introductionSchema,
  unknownPatientAuthSchema,
  type AppointmentEvidence,
  type ConsentApi,
  type ConsentInput,
  type EvidenceRecord,
  type IntroductionInput,
  type UnknownPatientAuthInput,
} from './consent/consent.js';
export * from './consent/texts.js';
export * from './plans/entitlements.js';
export type { Entitlements, PlansApi } from './plans/plans.js';
export { sepaMandateSchema, type SepaMandate, type SepaMandateInput, type StoredSepaMandate } from './plans/sepa.js';
export type { ContractApi, ContractEndReport, ContractStatus } from './contract/contract.js';
export { addMonths, contractEndDate, NOTICE_MONTHS, quarterEnd } from './contract/notice.js';
// Issue 6 (the call): signaling server, end-to-end sealed signaling (link key / CPace), P2P call client.
export type { AccessControl, AppointmentAccessInfo, FailureOutcome, VerifiedAccessCode } from './signaling/access.js';
export { createMemoryAccessControl, type MemoryAccessControl, type MemoryAccessControlOptions, type MemoryAppointmentInput } from './signaling/memory-access.js';
export { createMemoryMetadataStore, MAX_METADATA_TTL_DAYS, type SignalingEventKind, type SignalingMetadataRecord, type SignalingMetadataStore } from './signaling/metadata.js';
export { CLOSE_CODES, clientMessageSchema, peerInfoSchema, serverMessageSchema, type ClientMessage, type PeerInfo, type ServerMessage } from './signaling/protocol.js';
export { createSignalingServer, createSignalingService, DEFAULT_SIGNALING_LIMITS, type RedeemResult, type SignalingClusterOptions, type SignalingInspectEvent, type SignalingLimits, type SignalingServer, type SignalingServerOptions, type SignalingService, type SignalingServiceOptions, type SignalingStats } from './signaling/server.js';
export { CallClient, createCallClient, parseInvitationLink, redeemAccessCode, type CallAuditEvent, type CallClientEvents, type CallClientOptions, type CallState, type Knock, type PakeTryLedger, type WebSocketConstructorLike, type WebSocketLike, type WrtcLike } from './call/client.js';
export { CPaceParty, cpaceGenerator, type CPaceResult, type CPaceRole } from './call/cpace.js';
export { deriveLinkKey, deriveSessionKey, nonceCommitment, SAS_DIGITS, shortAuthenticationString, SecureChannel, sealedEnvelopeSchema, type CallRole, type EnvelopeDirection, type EnvelopeRejection, type SealedEnvelope } from './call/e2e.js';
export { readQualityStats, type QualityStats } from './call/stats.js';
export { accessControlFromVideoService, type VideoServiceAccessInput } from './signaling/video-service-access.js';
export type { TypedEmitter } from './call/emitter.js';
export type { Sodium } from './call/sodium.js';
