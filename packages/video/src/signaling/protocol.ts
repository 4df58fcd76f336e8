import { z } from 'zod';

/**
 * Wire protocol between call clients and the signaling server (JSON text frames). The server understands
 * only routing fields; `body` is opaque to it (public PAKE shares or sealed envelopes).
 * Browser-safe: depends on zod only.
 */

/** Appointment ids are random (≥ 128 bit), never derived from a code; 16–64 url-safe characters. */
export const appointmentIdSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);
/** Server-assigned participant id. */
export const peerIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,32}$/);
/** Participant role on the wire. */
export const roleSchema = z.enum(['doctor', 'patient']);
/** ICE candidate types as reported for the audit log (R5). */
export const candidateTypeSchema = z.enum(['host', 'srflx', 'prflx', 'relay', 'unknown']);

/** Messages a client sends. */
export const clientMessageSchema = z.discriminatedUnion('t', [
  z.strictObject({
    t: z.literal('hello'),
    appointmentId: appointmentIdSchema,
    role: roleSchema,
    /** Doctor ticket (signed by the server secret); required for the doctor role. */
    ticket: z.string().max(2048).optional(),
    /** Resume token from a previous `welcome`/`admitted`. */
    resume: z.string().max(2048).optional(),
  }),
  z.strictObject({ t: z.literal('relay'), to: peerIdSchema, body: z.string() }),
  z.strictObject({ t: z.literal('admit'), peer: peerIdSchema }),
  z.strictObject({ t: z.literal('deny'), peer: peerIdSchema }),
  z.strictObject({ t: z.literal('pake-failed'), peer: peerIdSchema }),
  z.strictObject({
    t: z.literal('report'),
    kind: z.literal('candidate-type'),
    local: candidateTypeSchema,
    remote: candidateTypeSchema,
  }),
  z.strictObject({ t: z.literal('leave') }),
]);
/** A parsed client message. */
export type ClientMessage = z.infer<typeof clientMessageSchema>;

export const peerInfoSchema = z.strictObject({ peerId: peerIdSchema, role: roleSchema, admitted: z.boolean() });
/** Another participant as the server describes it. */
export type PeerInfo = z.infer<typeof peerInfoSchema>;

/** Messages the server sends. */
export const serverMessageSchema = z.discriminatedUnion('t', [
  z.strictObject({
    t: z.literal('welcome'),
    peerId: peerIdSchema,
    role: roleSchema,
    admitted: z.boolean(),
    resumed: z.boolean(),
    resumeToken: z.string(),
    peers: z.array(peerInfoSchema),
  }),
  z.strictObject({ t: z.literal('peer-joined'), peer: peerInfoSchema }),
  z.strictObject({ t: z.literal('peer-left'), peerId: peerIdSchema, reason: z.string() }),
  z.strictObject({ t: z.literal('peer-admitted'), peerId: peerIdSchema }),
  z.strictObject({ t: z.literal('admitted'), resumeToken: z.string() }),
  /** A fresh resume token (every heartbeat): a token lives for the grace period only. */
  z.strictObject({ t: z.literal('token'), resumeToken: z.string() }),
  z.strictObject({ t: z.literal('denied') }),
  z.strictObject({ t: z.literal('relay'), from: peerIdSchema, body: z.string() }),
  z.strictObject({ t: z.literal('locked') }),
  z.strictObject({
    t: z.literal('error'),
    code: z.string(),
    message: z.string(),
    userMessage: z.string(),
    fatal: z.boolean(),
  }),
]);
/** A parsed server message. */
export type ServerMessage = z.infer<typeof serverMessageSchema>;

/** WebSocket close codes used by the server (4000–4999 is the application range). */
export const CLOSE_CODES = {
  /** Refused at hello (unknown appointment, bad ticket, room full, locked). */
  refused: 4001,
  /** Rate limit hit. */
  rateLimited: 4002,
  /** Protocol violation or message too large. */
  protocol: 4003,
  /** The participant left or was denied. */
  left: 4004,
  /** Heartbeat missed. */
  timeout: 4005,
  /** The server is shutting down; clients resume elsewhere/later. */
  shutdown: 4006,
} as const;
