import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpError, malformedPath } from './http.js';

export interface StaticRoots {
  /** Hand-written files: index.html, styles.css. */
  publicDir: string;
  /** The client bundle written by scripts/build-client.mjs. */
  bundleDir: string;
  /** False when the bundle was never built: pages then say so instead of loading a missing script. */
  bundleBuilt: boolean;
}

/** The package's root, from src/server (vitest) and dist/server (built) alike: both sit two levels down. */
const packageRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Locates the static files. */
export function staticRoots(): StaticRoots {
  const bundleDir = join(packageRoot, 'dist', 'public');
  return { publicDir: join(packageRoot, 'public'), bundleDir, bundleBuilt: existsSync(join(bundleDir, 'app.js')) };
}

const notBuilt =
  '<!doctype html><html lang="de"><meta charset="utf-8"><title>pvskit Beispiel-PVS</title>' +
  '<p>Die Oberfläche ist nicht gebaut. Bitte im Projektverzeichnis <code>npm run build</code> ausführen und neu starten.</p></html>';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

/*
 * R12 (no third-party scripts): the CSP allows only this origin. 'wasm-unsafe-eval' lets libsodium instantiate
 * its WebAssembly; media may come from the camera (mediastream:) and blob URLs.
 */
const securityHeaders = {
  'content-security-policy':
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob: mediastream:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'permissions-policy': 'camera=(self), microphone=(self), display-capture=(self), fullscreen=(self)',
};

/** Paths answered with the single-page app (its router shows the page). */
function isAppPath(pathname: string): boolean {
  return pathname === '/' || pathname === '/video' || pathname === '/video/' || /^\/video\/j\/[A-Za-z0-9_-]+$/.test(pathname);
}

export async function serveStatic(req: IncomingMessage, res: ServerResponse, url: URL, roots: StaticRoots): Promise<void> {
  let file: string;
  if (isAppPath(url.pathname) && !roots.bundleBuilt) {
    res.writeHead(503, { 'content-type': 'text/html; charset=utf-8', ...securityHeaders });
    res.end(notBuilt);
    return;
  }
  if (isAppPath(url.pathname)) file = join(roots.publicDir, 'index.html');
  else if (url.pathname === '/app.js' || url.pathname === '/app.js.map') file = join(roots.bundleDir, url.pathname.slice(1));
  else {
    let decoded: string;
    try {
      decoded = decodeURIComponent(url.pathname);
    } catch {
      throw malformedPath();
    }
    const rel = normalize(decoded).replace(/^([/\\])+/, '');
    if (rel.startsWith('..') || rel.includes(`${sep}..`)) throw new HttpError(404, 'NOT_FOUND', 'not found', 'Nicht gefunden.');
    file = join(roots.publicDir, rel);
  }
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    throw new HttpError(404, 'NOT_FOUND', `no file ${url.pathname}`, 'Nicht gefunden.');
  }
  res.writeHead(200, {
    'content-type': types[extname(file)] ?? 'application/octet-stream',
    'content-length': body.length,
    'cache-control': 'no-cache',
    ...securityHeaders,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
