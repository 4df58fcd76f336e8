import { describe, expect } from 'vitest';
import { fc, it } from '@fast-check/vitest';
import { cryptoReady } from '../base/crypto.js';
import { normaliseLocator, splitAccessCode } from '../access-code/access-code.js';
import { doctorCodeMac, generateAccessCode, generateCodePair, locatorMac, normaliseAccessCode } from './codes.js';

await cryptoReady();

describe('access code format', () => {
  it('generated codes have the seed format and use every hex digit', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const c = generateAccessCode();
      expect(c).toMatch(/^[0-9a-f]{3}-[0-9a-f]{3}-[0-9a-f]{3}$/);
      for (const ch of c.replace(/-/g, '')) seen.add(ch);
    }
    expect(seen.size).toBe(16);
    const pair = generateCodePair();
    expect(pair.doctor).not.toBe(pair.patient);
  });

  it.prop([fc.stringMatching(/^[0-9a-fA-F]{9}$/)])('any 9 hex digits normalise to xxx-xxx-xxx, idempotently', (digits) => {
    const n = normaliseAccessCode(digits);
    expect(n).toMatch(/^[0-9a-f]{3}-[0-9a-f]{3}-[0-9a-f]{3}$/);
    expect(normaliseAccessCode(n as string)).toBe(n);
    expect(normaliseAccessCode(` ${(n as string).toUpperCase().replace(/-/g, ' ')} `)).toBe(n);
  });

  it.prop([fc.string({ maxLength: 20 })])('anything that is not 9 hex digits is no code', (s) => {
    const digits = s.toLowerCase().replace(/[\s-]/g, '');
    fc.pre(!/^[0-9a-f]{9}$/.test(digits));
    expect(normaliseAccessCode(s)).toBeNull();
  });

  it('the MACs depend on the server key, not only on the code, and locator and doctor code never collide', () => {
    const k1 = new Uint8Array(32).fill(1);
    const k2 = new Uint8Array(32).fill(2);
    expect(locatorMac(k1, 'c3fe')).not.toBe(locatorMac(k2, 'c3fe'));
    expect(doctorCodeMac(k1, 'c3f-e04-d96')).not.toBe(doctorCodeMac(k2, 'c3f-e04-d96'));
    expect(doctorCodeMac(k1, 'c3f-e04-d96')).toMatch(/^[0-9a-f]{64}$/);
    expect(locatorMac(k1, 'c3fe')).not.toBe(doctorCodeMac(k1, 'c3fe'));
  });

  it.prop([fc.stringMatching(/^[0-9a-f]{9}$/)])('a code splits into a 4-digit locator and a 5-digit PAKE part, nothing shared', (digits) => {
    const code = normaliseAccessCode(digits) as string;
    const { locator, secret } = splitAccessCode(code);
    expect(locator + secret).toBe(digits);
    expect(locator).toHaveLength(4);
    expect(secret).toHaveLength(5);
    expect(normaliseLocator(code)).toBe(locator);
    expect(normaliseLocator(locator.toUpperCase())).toBe(locator);
  });

  it('the two codes of a pair never share a locator', () => {
    for (let i = 0; i < 200; i++) {
      const pair = generateCodePair();
      expect(splitAccessCode(pair.doctor).locator).not.toBe(splitAccessCode(pair.patient).locator);
    }
    expect(normaliseLocator('c3f')).toBeNull();
    expect(normaliseLocator('c3fe0')).toBeNull();
  });
});
