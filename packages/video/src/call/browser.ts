/**
 * Browser-safe subset of `@pvskit/video` for join/call pages: the call client, sealed signaling and CPace.
 * Nothing here imports Node built-ins, `ws`, SQLite or the signaling server; bundle this file for the page
 * (the package entry point also carries server code).
 *
 * @packageDocumentation
 */
export {
  CallClient,
  createCallClient,
  parseInvitationLink,
  redeemAccessCode,
  type CallAuditEvent,
  type CallClientEvents,
  type CallClientOptions,
  type CallState,
  type Knock,
  type PakeTryLedger,
  type WebSocketConstructorLike,
  type WebSocketLike,
  type WrtcLike,
} from './client.js';
export { normaliseAccessCode, normaliseLocator, splitAccessCode } from '../access-code/access-code.js';
export type { CallRole, SealedEnvelope } from './e2e.js';
export type { QualityStats } from './stats.js';
export { CLOSE_CODES } from '../signaling/protocol.js';
