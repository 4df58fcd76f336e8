import type { IncomingMessage, ServerResponse } from 'node:http';
import { PvsKitError } from '@pvskit/core';
import { z } from 'zod';
import { clientAddressKey } from '../base/client-address.js';
import { refusal, type SignalingContext } from './context.js';

/*
 * `POST {path}/redeem`: a patient's page sends only its code's locator and learns the appointment id; the
 * doctor sends the whole doctor code (no end-to-end key) and gets a ticket. The relay never sees a patient
 * code's PAKE part.
 */

/** Result of redeeming a typed code. */
export interface RedeemResult {
  appointmentId: string;
  role: 'doctor' | 'patient';
  /** A doctor ticket for `hello` (whole doctor codes only). */
  ticket?: string;
}

const redeemBodySchema = z.union([z.strictObject({ locator: z.string().max(16) }), z.strictObject({ code: z.string().max(32) })]);

const MAX_BODY_CHARS = 1024;

const statusOf = (error: PvsKitError): number =>
  ({ AUTH: 401, EXPIRED: 404, LOCKED: 423, RATE_LIMITED: 429, VALIDATION: 400, NOT_FOUND: 404, FORBIDDEN: 403 })[error.code as string] ?? 500;

export function createRedeem(ctx: SignalingContext): {
  redeemCode(input: { code: string; ip: string }): Promise<RedeemResult>;
  handle(req: IncomingMessage, res: ServerResponse, ip: string): void;
} {
  const redeemCode = async ({ code, ip }: { code: string; ip: string }): Promise<RedeemResult> => {
    if (!(await ctx.limiters.redeem.take(clientAddressKey(ip), ctx.now()))) {
      throw refusal('RATE_LIMITED', 'Too many code attempts from this address', 'Zu viele Versuche. Bitte warten Sie einen Moment.');
    }
    const verified = await ctx.access.verifyAccessCode({ code, ip });
    // A ticket only for the whole doctor code; a doctor locator alone opens nothing.
    if (verified.role === 'doctor' && verified.proof === 'code') {
      return { appointmentId: verified.appointmentId, role: 'doctor', ticket: ctx.signer.issueTicket(verified.appointmentId, ctx.now(), ctx.limits.tokenTtlMs) };
    }
    return { appointmentId: verified.appointmentId, role: verified.role };
  };

  return {
    redeemCode,
    handle(req, res, ip) {
      if (req.method !== 'POST') {
        res.writeHead(405, { allow: 'POST' }).end();
        return;
      }
      let body = '';
      let tooLarge = false;
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => {
        body += chunk;
        if (body.length > MAX_BODY_CHARS) {
          tooLarge = true;
          req.destroy();
        }
      });
      req.on('end', () => {
        if (tooLarge) return;
        const reply = (status: number, payload: unknown): void => {
          res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
          res.end(JSON.stringify(payload));
        };
        let code: string;
        try {
          const input = redeemBodySchema.parse(JSON.parse(body));
          code = 'locator' in input ? input.locator : input.code;
        } catch {
          reply(400, { code: 'VALIDATION', message: 'Expected {"locator": "xxxx"} or, for the doctor code, {"code": "xxx-xxx-xxx"}', userMessage: 'Ungültige Eingabe.' });
          return;
        }
        redeemCode({ code, ip }).then(
          (result) => reply(200, result),
          (cause: unknown) => {
            const error = cause instanceof PvsKitError ? cause : new PvsKitError('INTERNAL', 'Redeem failed');
            reply(statusOf(error), { code: error.code, message: error.message, userMessage: error.userMessage });
          },
        );
      });
    },
  };
}
