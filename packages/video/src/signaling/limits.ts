import { z } from 'zod';
import { MAX_METADATA_TTL_DAYS } from './metadata.js';

/** Tunables of the signaling server. Every limit is bounded so one client cannot exhaust the server. */
export interface SignalingLimits {
  /** Largest accepted WebSocket message in bytes (larger closes the socket). Default 64 KiB. */
  maxMessageBytes: number;
  /** Messages per second one connection may send. Default 100. */
  messagesPerSecond: number;
  /** Hello attempts per IP and minute. Default 60. */
  helloPerIpPerMinute: number;
  /** Waiting-room messages (knocks: PAKE/link handshakes) per IP and minute. Default 30. */
  knocksPerIpPerMinute: number;
  /** Waiting-room messages per appointment and minute. Default 60. */
  knocksPerAppointmentPerMinute: number;
  /** Code redemptions per IP and minute. Default 10. */
  redeemPerIpPerMinute: number;
  /** Patients waiting at the same time per appointment. Default 4. */
  maxWaitingPerRoom: number;
  /** Rooms held at once. Default 100,000. */
  maxRooms: number;
  /** Ping interval; a socket that misses one pong is dropped. Default 15 s. */
  heartbeatMs: number;
  /** How long a dropped participant's slot (and queued messages) is kept for resume. Default 60 s. */
  resumeGraceMs: number;
  /** Messages queued for one absent participant. Default 256. */
  maxQueuedPerPeer: number;
  /** An empty room is forgotten after this. Default 1 h. */
  roomIdleTtlMs: number;
  /** Any room is closed after this. Default 12 h. */
  roomMaxAgeMs: number;
  /** Doctor ticket lifetime. Default 12 h. (Resume tokens live for the grace period plus one heartbeat.) */
  tokenTtlMs: number;
  /** Retention of metadata records in days, at most 90 (R10). Default 90. */
  metadataTtlDays: number;
  /** Interval of the sweep (room expiry, metadata purge). Default 60 s. */
  sweepIntervalMs: number;
  /** Metadata records one room may write (beyond it nothing more is stored for the room). Default 200. */
  maxRecordsPerRoom: number;
}

/** Validates host-supplied limits. */
export const limitsSchema = z.strictObject({
  maxMessageBytes: z.number().int().min(1024).max(1 << 24),
  messagesPerSecond: z.number().int().min(1),
  helloPerIpPerMinute: z.number().int().min(1),
  knocksPerIpPerMinute: z.number().int().min(1),
  knocksPerAppointmentPerMinute: z.number().int().min(1),
  redeemPerIpPerMinute: z.number().int().min(1),
  maxWaitingPerRoom: z.number().int().min(1).max(100),
  maxRooms: z.number().int().min(1),
  heartbeatMs: z.number().int().min(50),
  resumeGraceMs: z.number().int().min(0),
  maxQueuedPerPeer: z.number().int().min(0).max(10_000),
  roomIdleTtlMs: z.number().int().min(1000),
  roomMaxAgeMs: z.number().int().min(1000),
  tokenTtlMs: z.number().int().min(1000),
  metadataTtlDays: z.number().min(0).max(MAX_METADATA_TTL_DAYS),
  sweepIntervalMs: z.number().int().min(10),
  maxRecordsPerRoom: z.number().int().min(10).max(100_000),
});

/** The defaults of {@link SignalingLimits}. */
export const DEFAULT_SIGNALING_LIMITS: Readonly<SignalingLimits> = Object.freeze({
  maxMessageBytes: 64 * 1024,
  messagesPerSecond: 100,
  helloPerIpPerMinute: 60,
  knocksPerIpPerMinute: 30,
  knocksPerAppointmentPerMinute: 60,
  redeemPerIpPerMinute: 10,
  maxWaitingPerRoom: 4,
  maxRooms: 100_000,
  heartbeatMs: 15_000,
  resumeGraceMs: 60_000,
  maxQueuedPerPeer: 256,
  roomIdleTtlMs: 3_600_000,
  roomMaxAgeMs: 12 * 3_600_000,
  tokenTtlMs: 12 * 3_600_000,
  metadataTtlDays: MAX_METADATA_TTL_DAYS,
  sweepIntervalMs: 60_000,
  maxRecordsPerRoom: 200,
});
