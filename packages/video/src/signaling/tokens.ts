import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * Compact signed tokens (HMAC-SHA256 under the server secret): doctor tickets and resume tokens.
 * Self-contained on purpose: a restarted server with the same secret accepts the tokens of its predecessor,
 * which is what lets calls resume after a restart without any server-side session store.
 */

const ticketSchema = z.strictObject({
  k: z.literal('ticket'),
  a: z.string(),
  r: z.literal('doctor'),
  exp: z.number(),
  n: z.string(),
});
const resumeSchema = z.strictObject({
  k: z.literal('resume'),
  a: z.string(),
  r: z.enum(['doctor', 'patient']),
  p: z.string(),
  adm: z.boolean(),
  exp: z.number(),
});

/** Payload of a resume token. */
export type ResumeClaims = z.infer<typeof resumeSchema>;
/** Payload of a doctor ticket. */
export type TicketClaims = z.infer<typeof ticketSchema>;

/** Signs and verifies tokens under one secret (≥ 32 bytes). */
export class TokenSigner {
  constructor(private readonly secret: Uint8Array) {
    if (secret.length < 32) throw new Error('token secret must be at least 32 bytes');
  }

  private mac(body: string): Buffer {
    return createHmac('sha256', this.secret).update(`pvskit/signal/v1|${body}`).digest();
  }

  private sign(payload: object): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  private verify(token: string): unknown {
    const [body, mac, extra] = token.split('.');
    if (body === undefined || mac === undefined || extra !== undefined) return undefined;
    const given = Buffer.from(mac, 'base64url');
    const expected = this.mac(body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
    } catch {
      return undefined;
    }
  }

  /** A doctor ticket for one appointment. */
  issueTicket(appointmentId: string, now: number, ttlMs: number): string {
    return this.sign({ k: 'ticket', a: appointmentId, r: 'doctor', exp: now + ttlMs, n: randomBytes(9).toString('base64url') });
  }

  /** The claims of a valid, unexpired doctor ticket for `appointmentId`, else undefined. */
  checkTicket(token: string, appointmentId: string, now: number): TicketClaims | undefined {
    const parsed = ticketSchema.safeParse(this.verify(token));
    if (!parsed.success || parsed.data.a !== appointmentId || parsed.data.exp < now) return undefined;
    return parsed.data;
  }

  /** A resume token for one participant slot. */
  issueResume(claims: Omit<ResumeClaims, 'k'>): string {
    return this.sign({ k: 'resume', ...claims });
  }

  /** The claims of a valid, unexpired resume token for `appointmentId`, else undefined. */
  checkResume(token: string, appointmentId: string, now: number): ResumeClaims | undefined {
    const parsed = resumeSchema.safeParse(this.verify(token));
    if (!parsed.success || parsed.data.a !== appointmentId || parsed.data.exp < now) return undefined;
    return parsed.data;
  }
}
