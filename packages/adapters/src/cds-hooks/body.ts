import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { CdsHttpError } from './errors.js';

/** Limits for one request body. */
export interface BodyLimits {
  /** Largest accepted body in bytes. */
  maxBytes: number;
  /** Deepest accepted nesting of arrays/objects. */
  maxDepth: number;
  /** Time allowed to receive the whole body, in ms. */
  timeoutMs: number;
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** Refuses anything that is not JSON (CDS Hooks bodies are `application/json`). */
export function requireJsonContentType(req: IncomingMessage): void {
  const type = req.headers['content-type'];
  if (type === undefined || !JSON_TYPE.test(type)) {
    throw new CdsHttpError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `expected Content-Type application/json, got ${type === undefined ? 'none' : JSON.stringify(type)}`,
      'Die Anfrage muss JSON sein (Content-Type application/json).',
    );
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(type)?.[1];
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
    throw new CdsHttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `expected charset utf-8, got ${charset}`, 'Die Anfrage muss UTF-8-kodiert sein.');
  }
}

function tooLarge(maxBytes: number): CdsHttpError {
  return new CdsHttpError(
    413,
    'PAYLOAD_TOO_LARGE',
    `request body larger than ${maxBytes} bytes`,
    `Die Anfrage ist zu groß (höchstens ${maxBytes} Bytes).`,
    { closeConnection: true },
  );
}

/**
 * Receives the body into memory, never more than `maxBytes`: a declared Content-Length above the limit is
 * refused before a byte is read, a longer stream as soon as it crosses the limit. Either way the caller
 * closes the connection after answering, so the rest is never read.
 */
export function readBody(req: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limits.maxBytes) return Promise.reject(tooLarge(limits.maxBytes));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (error: CdsHttpError | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
      if (error === undefined) {
        // A body of one chunk (the usual case-edit call) is that chunk, uncopied: Node gives each its own memory.
        resolve(chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks, size));
      } else {
        // Stop the flow: nothing more is read into memory; the connection is closed after the answer.
        req.pause();
        chunks.length = 0;
        reject(error);
      }
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limits.maxBytes) finish(tooLarge(limits.maxBytes));
      else chunks.push(chunk);
    };
    const onEnd = (): void => finish(undefined);
    const onError = (): void =>
      finish(new CdsHttpError(400, 'INVALID_JSON', 'request body could not be read', 'Die Anfrage war unvollständig.', { closeConnection: true }));
    const onAborted = onError;
    const timer = setTimeout(
      () =>
        finish(
          new CdsHttpError(408, 'TIMEOUT', `request body not received within ${limits.timeoutMs} ms`, 'Die Anfrage kam zu langsam an.', {
            closeConnection: true,
          }),
        ),
      limits.timeoutMs,
    );
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

/**
 * Depth of the deepest array/object nesting in JSON (strings skipped), stopping as soon as `limit` is
 * crossed. Checked before `JSON.parse` so a 100,000-level array never reaches the parser or the validators.
 * Reads the UTF-8 bytes, not the decoded text (several times faster): the bytes of multi-byte characters are
 * all ≥ 0x80, so a bracket, quote or backslash byte is always that character.
 */
export function jsonDepthExceeds(json: Uint8Array, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

const hasUtf8Bom = (bytes: Buffer): boolean => bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;

/** Decodes and parses a JSON body; syntax errors → 400 `INVALID_JSON`, too deep → 400 `TOO_DEEP`. */
export function parseJsonBody(bytes: Buffer, maxDepth: number): unknown {
  // isUtf8 refuses what a fatal TextDecoder refuses (overlong forms, surrogates, truncated sequences).
  if (!isUtf8(bytes)) {
    throw new CdsHttpError(400, 'INVALID_JSON', 'request body is not valid UTF-8', 'Die Anfrage ist nicht UTF-8-kodiert.', { path: '$' });
  }
  const json = hasUtf8Bom(bytes) ? bytes.subarray(3) : bytes;
  if (jsonDepthExceeds(json, maxDepth)) {
    throw new CdsHttpError(
      400,
      'TOO_DEEP',
      `request body nested deeper than ${maxDepth} levels`,
      `Die Anfrage ist zu tief verschachtelt (höchstens ${maxDepth} Ebenen).`,
      { path: '$' },
    );
  }
  let text = json.toString('utf8');
  // Like before with TextDecoder (which drops one BOM itself): a second one is dropped too.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CdsHttpError(400, 'INVALID_JSON', `request body is not valid JSON (${(error as Error).message})`, 'Die Anfrage ist kein gültiges JSON.', {
      path: '$',
    });
  }
}
