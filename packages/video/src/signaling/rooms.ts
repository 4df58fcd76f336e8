import type { WebSocket } from 'ws';
import type { PeerInfo } from './protocol.js';

/*
 * The relay's room and admission state. Rooms live behind {@link RoomStore} so a deployment with several relay
 * processes can keep them elsewhere (e.g. Redis); the rules that read and change them live in admission.ts.
 */

/** One participant slot of a room. */
export interface Participant {
  peerId: string;
  appointmentId: string;
  role: 'doctor' | 'patient';
  admitted: boolean;
  ip: string;
  conn: Connection | undefined;
  queue: string[];
  graceTimer: ReturnType<typeof setTimeout> | undefined;
  /** The one candidate-type report an admitted participant may file has been stored. */
  reported: boolean;
}

/** One appointment's room. */
export interface Room {
  id: string;
  maxParticipants: number;
  locked: boolean;
  createdAt: number;
  lastActivity: number;
  participants: Map<string, Participant>;
  /** Messages for participants not (yet) known to this server instance, e.g. right after a restart. */
  orphans: Map<string, string[]>;
  recentPakeFailures: Map<string, number>;
  /** Participants who left or timed out; their resume tokens no longer restore a slot. */
  departed: Set<string>;
  /** Metadata records written for this room (bounded by `maxRecordsPerRoom`). */
  records: number;
}

/** One WebSocket connection (transport.ts); a participant is attached after `hello`. */
export interface Connection {
  ws: WebSocket;
  ip: string;
  /** The key of `ip` for rate limits (IPv6 per /64). */
  ipKey: string;
  alive: boolean;
  room: Room | undefined;
  participant: Participant | undefined;
  helloPending: boolean;
  windowStart: number;
  windowCount: number;
}

/** Where rooms are kept. */
export interface RoomStore {
  get(appointmentId: string): Room | undefined;
  set(room: Room): void;
  delete(appointmentId: string): void;
  readonly size: number;
  values(): IterableIterator<Room>;
  /** The room's state changed (a store that keeps it elsewhere writes it out). */
  touch(appointmentId: string): void;
}

/** Rooms in this process's memory. */
export function createMemoryRoomStore(): RoomStore {
  const rooms = new Map<string, Room>();
  return {
    get: (id) => rooms.get(id),
    set: (room) => {
      rooms.set(room.id, room);
    },
    delete: (id) => {
      rooms.delete(id);
    },
    get size() {
      return rooms.size;
    },
    values: () => rooms.values(),
    touch: () => undefined,
  };
}

/** Waiting patients see only the doctor; admitted participants see each other. */
export const canSee = (a: Participant, b: Participant): boolean => a.role === 'doctor' || b.role === 'doctor' || (a.admitted && b.admitted);

/** A participant as other participants learn about it. */
export const peerInfo = (p: Participant): PeerInfo => ({ peerId: p.peerId, role: p.role, admitted: p.admitted });

/** A room as JSON for audits (no timers, no sockets). */
export function roomSnapshot(room: Room): unknown {
  return {
    ...room,
    participants: [...room.participants.values()].map((p) => ({ ...p, conn: p.conn !== undefined, graceTimer: undefined })),
    orphans: [...room.orphans],
    recentPakeFailures: [...room.recentPakeFailures],
    departed: [...room.departed],
  };
}
