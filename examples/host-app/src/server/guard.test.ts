import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { checkHost, checkStateChange, clientAddress, requestGuard } from './guard.js';

const req = (headers: Record<string, string>, method = 'GET', peer = '127.0.0.1') =>
  ({ headers, method, socket: { remoteAddress: peer } }) as unknown as IncomingMessage;

describe('request guard', () => {
  it('accepts loopback names with the port and the public name, nothing else', () => {
    const g = requestGuard({ port: 8443, listenHost: '127.0.0.1', tls: false, behindProxy: true, publicHost: 'praxis.example.de' });
    for (const host of ['127.0.0.1:8443', 'localhost:8443', '[::1]:8443', 'praxis.example.de', 'PRAXIS.example.de']) expect(() => checkHost(req({ host }), g), host).not.toThrow();
    for (const host of ['evil.example', '127.0.0.1', 'localhost:80', 'praxis.example.de:8443', '', '127.0.0.1.:8443', 'localhost.:8443', 'praxis.example.de.', '::1:8443', '127.1:8443', 'user@localhost:8443']) {
      expect(() => checkHost(req({ host }), g), host).toThrow(/not served/);
    }
    expect(g.origins.has('https://praxis.example.de')).toBe(true);
    expect(g.origins.has('http://praxis.example.de')).toBe(false);
  });

  it('lets same-origin JSON writes through and refuses the rest', () => {
    const g = requestGuard({ port: 8080, listenHost: '127.0.0.1', tls: false, behindProxy: false });
    const json = { 'content-type': 'application/json; charset=utf-8' };
    expect(() => checkStateChange(req({ ...json, origin: 'http://127.0.0.1:8080', 'sec-fetch-site': 'same-origin' }, 'POST'), g)).not.toThrow();
    // A non-browser client (curl, a PVS over CDS Hooks) sends neither header.
    expect(() => checkStateChange(req(json, 'POST'), g)).not.toThrow();
    expect(() => checkStateChange(req({ ...json, origin: 'http://localhost:8081' }, 'POST'), g)).toThrow(/origin/);
    expect(() => checkStateChange(req({ ...json, 'sec-fetch-site': 'same-site' }, 'DELETE'), g)).toThrow(/cross-site/);
    expect(() => checkStateChange(req({ 'content-type': 'text/plain' }, 'PUT'), g)).toThrow(/application\/json/);
    expect(() => checkStateChange(req({}, 'POST'), g)).toThrow(/application\/json/);
    expect(() => checkStateChange(req({ origin: 'http://evil.example' }, 'GET'), g)).not.toThrow();
  });

  it('takes the client address from X-Forwarded-For only from a trusted proxy', () => {
    const proxies = new Set(['127.0.0.1']);
    expect(clientAddress(req({ 'x-forwarded-for': '203.0.113.7' }, 'GET', '::ffff:127.0.0.1'), proxies)).toBe('203.0.113.7');
    // The client's own (forged) entry comes first; the proxy appends the real one last.
    expect(clientAddress(req({ 'x-forwarded-for': '1.2.3.4, 203.0.113.7' }, 'GET', '127.0.0.1'), proxies)).toBe('203.0.113.7');
    expect(clientAddress(req({ 'x-forwarded-for': '1.2.3.4' }, 'GET', '198.51.100.2'), proxies)).toBe('198.51.100.2');
    // Some proxies append the client's port.
    expect(clientAddress(req({ 'x-forwarded-for': '203.0.113.7:51234' }, 'GET', '127.0.0.1'), proxies)).toBe('203.0.113.7');
    expect(clientAddress(req({ 'x-forwarded-for': '[2001:DB8::7]:51234' }, 'GET', '127.0.0.1'), proxies)).toBe('2001:db8::7');
    expect(clientAddress(req({ 'x-forwarded-for': '1.2.3.4' }, 'GET', '127.0.0.1'), new Set())).toBe('127.0.0.1');
  });
});
