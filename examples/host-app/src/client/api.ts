import type { ApiError } from '../shared/api.js';

/** An API call that failed; `message` is German for the user. */
export class ApiFailure extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
  }
}

async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const init: RequestInit = { method, headers: { accept: 'application/json' } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { ...init.headers, 'content-type': 'application/json' };
  }
  if (signal !== undefined) init.signal = signal;
  const res = await fetch(path, init);
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    throw new ApiFailure('Der Server hat unerwartet geantwortet.', res.status, 'BAD_RESPONSE');
  }
  if (!res.ok) {
    const e = (json as ApiError | undefined)?.error;
    throw new ApiFailure(e?.userMessage ?? `Fehler ${res.status}`, res.status, e?.code ?? 'HTTP');
  }
  return json as T;
}

export const api = {
  get: <T>(path: string, signal?: AbortSignal) => request<T>('GET', path, undefined, signal),
  post: <T>(path: string, body: unknown = {}, signal?: AbortSignal) => request<T>('POST', path, body, signal),
};
