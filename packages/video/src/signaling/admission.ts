import { randomBytes } from 'node:crypto';
import type { PvsKitError } from '@pvskit/core';
import { refusal, type SignalingContext } from './context.js';
import { CLOSE_CODES, type ClientMessage, type ServerMessage } from './protocol.js';
import { canSee, peerInfo, type Connection, type Participant, type Room } from './rooms.js';

/*
 * Rooms and admission: who gets a slot (doctor ticket; lock, capacity and waiting room for patients), who may
 * message whom, admitting, denying, and the lockout. The relay is not trusted for any of the end-to-end
 * guarantees; these rules keep honest relays from being abused by outsiders.
 */

type Hello = Extract<ClientMessage, { t: 'hello' }>;

const UNKNOWN_APPOINTMENT = (): PvsKitError =>
  refusal('NOT_FOUND', 'Unknown or expired appointment', 'Dieser Termin ist nicht (mehr) gültig.');

/** The room protocol as the transport calls it. */
export interface Admission {
  hello(conn: Connection, msg: Hello): Promise<void>;
  relay(conn: Connection, room: Room, self: Participant, msg: Extract<ClientMessage, { t: 'relay' }>): Promise<void>;
  admit(conn: Connection, room: Room, self: Participant, peer: string): Promise<void>;
  deny(room: Room, self: Participant, peer: string): void;
  pakeFailed(room: Room, self: Participant, peer: string): Promise<void>;
  report(room: Room, self: Participant, msg: Extract<ClientMessage, { t: 'report' }>): void;
  leave(conn: Connection, room: Room, self: Participant): void;
  /** The socket closed: waiting patients go, admitted participants keep their slot for the grace period. */
  disconnected(conn: Connection): void;
  removeParticipant(room: Room, p: Participant, reason: string): void;
  /**
   * Takes over a room whose instance died (state read back from the shared store): every participant is away;
   * admitted ones keep their slot for the grace period, waiting ones knock again.
   */
  adopt(room: Room): void;
  /** Lets go of a room another instance took over: its sockets here close as at a shutdown, so clients resume there. */
  release(room: Room): void;
}

export function createAdmission(ctx: SignalingContext): Admission {
  const { limits, now, access, signer } = ctx;

  const removeParticipant = (room: Room, p: Participant, reason: string): void => {
    if (p.graceTimer !== undefined) clearTimeout(p.graceTimer);
    if (!room.participants.delete(p.peerId)) return;
    room.departed.add(p.peerId);
    room.lastActivity = now();
    ctx.record(room, 'left', { role: p.role, detail: { reason } });
    for (const other of room.participants.values()) {
      if (canSee(other, p)) ctx.deliver(other, { t: 'peer-left', peerId: p.peerId, reason });
    }
  };

  const startGrace = (room: Room, p: Participant): void => {
    p.graceTimer = setTimeout(() => removeParticipant(room, p, 'timeout'), limits.resumeGraceMs);
    p.graceTimer.unref?.();
  };

  const openRoom = async (appointmentId: string): Promise<Room> => {
    const existing = ctx.rooms.get(appointmentId);
    if (existing !== undefined) return existing;
    const described = await access.describeAppointment(appointmentId);
    if (described === undefined) throw UNKNOWN_APPOINTMENT();
    const raced = ctx.rooms.get(appointmentId);
    if (raced !== undefined) return raced;
    if (ctx.rooms.size >= limits.maxRooms) {
      throw refusal('RATE_LIMITED', 'Server room capacity reached', 'Der Dienst ist ausgelastet. Bitte später erneut versuchen.');
    }
    const room: Room = {
      id: appointmentId,
      maxParticipants: described.maxParticipants,
      locked: described.locked,
      createdAt: now(),
      lastActivity: now(),
      participants: new Map(),
      orphans: new Map(),
      recentPakeFailures: new Map(),
      departed: new Set(),
      records: 0,
    };
    ctx.rooms.set(room);
    ctx.record(room, 'room-opened');
    return room;
  };

  /** Room facts change underneath (new codes lift a lock, the window ends): asked again at every hello. */
  const refreshRoom = async (room: Room): Promise<void> => {
    const described = await access.describeAppointment(room.id);
    if (described === undefined) throw UNKNOWN_APPOINTMENT();
    room.locked = described.locked;
    room.maxParticipants = described.maxParticipants;
  };

  /** The checks of every new slot: a valid ticket for the doctor; lock, capacity and waiting room for patients. */
  const admissionCheck = (room: Room, msg: Hello): void => {
    if (msg.role === 'doctor') {
      if (msg.ticket === undefined || signer.checkTicket(msg.ticket, room.id, now()) === undefined) {
        throw refusal('AUTH', 'Doctor ticket missing or invalid', 'Anmeldung als Arzt/Ärztin fehlgeschlagen.');
      }
      return;
    }
    if (room.locked) {
      throw refusal('LOCKED', 'Appointment locked after too many wrong tries', 'Zu viele Fehlversuche. Bitte fordern Sie neue Zugangscodes an.');
    }
    // Slots of admitted participants who dropped (e.g. reloaded the page) do not block the waiting room;
    // the doctor decides on admission whether the new knock takes such a slot.
    const present = [...room.participants.values()].filter((p) => p.admitted && p.conn !== undefined).length;
    if (present >= room.maxParticipants) {
      throw refusal('FORBIDDEN', 'Appointment is full', 'Diese Sprechstunde ist bereits vollständig besetzt.');
    }
    const waiting = [...room.participants.values()].filter((p) => !p.admitted).length;
    if (waiting >= limits.maxWaitingPerRoom) {
      throw refusal('RATE_LIMITED', 'Waiting room is full', 'Das Wartezimmer ist voll. Bitte später erneut versuchen.');
    }
  };

  const newParticipant = (room: Room, conn: Connection, peerId: string, role: 'doctor' | 'patient'): Participant => {
    if (role === 'doctor') {
      for (const other of [...room.participants.values()]) {
        if (other.role === 'doctor') {
          other.conn?.ws.close(CLOSE_CODES.left, 'replaced');
          removeParticipant(room, other, 'replaced');
        }
      }
    }
    const p: Participant = { peerId, appointmentId: room.id, role, admitted: role === 'doctor', ip: conn.ip, conn: undefined, queue: [], graceTimer: undefined, reported: false };
    room.participants.set(p.peerId, p);
    return p;
  };

  const attach = (conn: Connection, room: Room, p: Participant, resumed: boolean, isNew: boolean): void => {
    if (p.graceTimer !== undefined) {
      clearTimeout(p.graceTimer);
      p.graceTimer = undefined;
    }
    const previous = p.conn;
    if (previous !== undefined && previous !== conn) {
      previous.participant = undefined;
      previous.ws.close(CLOSE_CODES.left, 'replaced');
    }
    p.conn = conn;
    p.ip = conn.ip;
    conn.room = room;
    conn.participant = p;
    room.lastActivity = now();
    const peers = [...room.participants.values()].filter((o) => o !== p && canSee(p, o)).map(peerInfo);
    ctx.send(conn, { t: 'welcome', peerId: p.peerId, role: p.role, admitted: p.admitted, resumed, resumeToken: ctx.resumeToken(room, p), peers });
    if (isNew) {
      for (const other of room.participants.values()) {
        if (other !== p && canSee(other, p)) ctx.deliver(other, { t: 'peer-joined', peer: peerInfo(p) });
      }
    }
    const orphaned = room.orphans.get(p.peerId);
    if (orphaned !== undefined) {
      room.orphans.delete(p.peerId);
      p.queue.push(...orphaned);
    }
    const queued = p.queue.splice(0);
    for (const text of queued) ctx.sendRaw(conn, text);
    ctx.record(room, resumed ? 'resumed' : 'joined', { role: p.role });
  };

  const dropWaiting = (room: Room, target: Participant, reason: string): void => {
    ctx.deliver(target, { t: 'denied' });
    target.conn?.ws.close(CLOSE_CODES.left, reason);
    removeParticipant(room, target, reason);
  };

  return {
    removeParticipant,

    async hello(conn, msg) {
      if (!(await ctx.limiters.hello.take(conn.ipKey, now()))) {
        throw refusal('RATE_LIMITED', 'Too many join attempts from this address', 'Zu viele Versuche. Bitte warten Sie einen Moment.');
      }
      const room = await openRoom(msg.appointmentId);
      await refreshRoom(room);
      const claims = msg.resume === undefined ? undefined : signer.checkResume(msg.resume, msg.appointmentId, now());
      // Only admitted participants resume; a waiting patient simply knocks again (a new handshake).
      if (claims !== undefined && claims.r === msg.role && claims.adm) {
        if (room.departed.has(claims.p)) {
          throw refusal('CONFLICT', 'This participant has left; join again', 'Sie haben die Sprechstunde verlassen. Bitte erneut beitreten.');
        }
        const held = room.participants.get(claims.p);
        if (held !== undefined) {
          attach(conn, room, held, true, false);
          return;
        }
        // The slot is gone (server restart): a token proves nothing about admission then. The participant keeps
        // its id, so the doctor's client can recognise the sealed session and admit again, but passes the
        // ticket, lock and capacity checks like any newcomer.
        admissionCheck(room, msg);
        attach(conn, room, newParticipant(room, conn, claims.p, msg.role), true, true);
        return;
      }
      admissionCheck(room, msg);
      attach(conn, room, newParticipant(room, conn, randomBytes(12).toString('base64url'), msg.role), false, true);
    },

    async relay(conn, room, self, msg) {
      const target = room.participants.get(msg.to);
      if (!self.admitted) {
        const t = now();
        if (!(await ctx.limiters.knockIp.take(conn.ipKey, t)) || !(await ctx.limiters.knockRoom.take(room.id, t))) {
          throw refusal('RATE_LIMITED', 'Too many waiting-room messages', 'Zu viele Versuche. Bitte warten Sie einen Moment.');
        }
      }
      const out: ServerMessage = { t: 'relay', from: self.peerId, body: msg.body };
      if (target === undefined) {
        // After a restart the peer may not have resumed yet; keep a bounded queue for admitted senders only.
        if (!self.admitted) return;
        const q = room.orphans.get(msg.to) ?? [];
        if (q.length < limits.maxQueuedPerPeer && room.orphans.size < room.maxParticipants * 2) {
          q.push(JSON.stringify(out));
          room.orphans.set(msg.to, q);
        }
        return;
      }
      if (!canSee(self, target)) {
        throw refusal('FORBIDDEN', 'Not allowed to message this participant', 'Nachricht nicht zulässig.');
      }
      ctx.deliver(target, out);
    },

    async admit(conn, room, self, peer) {
      if (self.role !== 'doctor') throw refusal('FORBIDDEN', 'Only the doctor admits', 'Nur der Arzt/die Ärztin kann Teilnehmende einlassen.');
      const target = room.participants.get(peer);
      if (target === undefined || target.admitted) throw refusal('NOT_FOUND', 'No such waiting participant', 'Diese Person wartet nicht mehr.');
      await access.assertCallMayStart(room.id);
      const admitted = [...room.participants.values()].filter((p) => p.admitted).length;
      if (admitted >= room.maxParticipants) {
        const stale = [...room.participants.values()].find((p) => p.admitted && p.role === 'patient' && p.conn === undefined);
        if (stale === undefined) {
          throw refusal('FORBIDDEN', 'Appointment is full', 'Diese Sprechstunde ist bereits vollständig besetzt.');
        }
        removeParticipant(room, stale, 'replaced');
      }
      if (target.admitted || room.participants.get(peer) !== target) return;
      target.admitted = true;
      ctx.record(room, 'admitted', { role: target.role });
      ctx.deliver(target, { t: 'admitted', resumeToken: ctx.resumeToken(room, target) });
      ctx.send(conn, { t: 'peer-admitted', peerId: target.peerId });
      for (const other of room.participants.values()) {
        if (other === target || other === self || !other.admitted) continue;
        ctx.deliver(other, { t: 'peer-joined', peer: peerInfo(target) });
        ctx.deliver(target, { t: 'peer-joined', peer: peerInfo(other) });
      }
    },

    deny(room, self, peer) {
      if (self.role !== 'doctor') throw refusal('FORBIDDEN', 'Only the doctor denies', 'Nicht zulässig.');
      const target = room.participants.get(peer);
      if (target !== undefined && !target.admitted) {
        ctx.record(room, 'denied');
        dropWaiting(room, target, 'denied');
      }
    },

    /**
     * Only the doctor's client moves the lockout: it alone knows that it sent its PAKE confirmation (the value
     * a guesser can test one guess against) and that the handshake did not end in success. A waiting patient's
     * report about itself would let anyone lock an appointment without a code, so it is not accepted.
     */
    async pakeFailed(room, self, peer) {
      if (self.role !== 'doctor') return;
      const patient = room.participants.get(peer);
      // The doctor is trusted to report a guesser that already left (it never reports itself).
      if (patient !== undefined && (patient.role !== 'patient' || patient.admitted)) return;
      // Count a try once per patient connection, however often it is reported.
      if (room.recentPakeFailures.has(peer)) return;
      room.recentPakeFailures.set(peer, now());
      ctx.record(room, 'pake-failed');
      const outcome = await access.registerFailure({ appointmentId: room.id, ip: patient?.ip ?? 'unknown', reason: 'pake' });
      if (outcome.locked && !room.locked) {
        room.locked = true;
        ctx.record(room, 'locked');
        for (const p of [...room.participants.values()]) {
          if (p.role === 'doctor') ctx.deliver(p, { t: 'locked' });
          else if (!p.admitted) dropWaiting(room, p, 'locked');
        }
      }
      if (patient !== undefined && room.participants.get(patient.peerId) === patient) dropWaiting(room, patient, 'pake-failed');
    },

    report(room, self, msg) {
      // One report per admitted participant: nobody in the waiting room can fill the metadata store.
      if (!self.admitted || self.reported) return;
      self.reported = true;
      ctx.record(room, 'candidate-type', { role: self.role, detail: { local: msg.local, remote: msg.remote } });
    },

    leave(conn, room, self) {
      conn.participant = undefined;
      removeParticipant(room, self, 'left');
      conn.ws.close(CLOSE_CODES.left, 'left');
    },

    disconnected(conn) {
      const room = conn.room;
      const p = conn.participant;
      conn.participant = undefined;
      if (room === undefined || p === undefined || p.conn !== conn) return;
      p.conn = undefined;
      room.lastActivity = now();
      if (ctx.closed) return;
      ctx.rooms.touch(room.id);
      if (!p.admitted) {
        removeParticipant(room, p, 'left');
        return;
      }
      startGrace(room, p);
    },

    release(room) {
      for (const p of room.participants.values()) {
        if (p.graceTimer !== undefined) clearTimeout(p.graceTimer);
        const conn = p.conn;
        if (conn === undefined) continue;
        conn.participant = undefined;
        conn.ws.close(CLOSE_CODES.shutdown, 'moved');
      }
    },

    adopt(room) {
      ctx.rooms.set(room);
      for (const p of [...room.participants.values()]) {
        if (p.admitted) startGrace(room, p);
        else room.participants.delete(p.peerId);
      }
    },
  };
}
