/** Tiny HTTP client for the simulator tests (global fetch, always reads the body). */
import type { FocusSimulator } from '../../src/sandbox/index.js';

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: test convenience for wire JSON
  json: any;
}

export async function call(
  sim: FocusSimulator,
  method: string,
  path: string,
  opts: { body?: unknown; raw?: string; token?: string; signal?: AbortSignal } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const body = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export async function login(sim: FocusSimulator, path = '/authWithApiKey'): Promise<string> {
  const res = await call(sim, 'POST', path, { body: sim.credentials });
  if (res.status !== 200) throw new Error(`auth failed: ${res.status} ${res.text}`);
  return res.json.token as string;
}

export const post = (sim: FocusSimulator, path: string, token: string, body?: unknown) =>
  call(sim, 'POST', path, { token, body });

export const get = (sim: FocusSimulator, path: string, token: string) => call(sim, 'GET', path, { token });
