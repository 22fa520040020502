import axios, { type AxiosInstance, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import http from 'node:http';
import https from 'node:https';
import { SyncError } from './types';

export interface HttpOptions {
  baseURL: string;
  /** Per-request timeout; past it the request counts as a transient failure. */
  timeoutMs?: number;
  headers?: Record<string, string>;
  /** Most servers keep connections alive; a small pool matches the engine's parallelism. */
  maxSockets?: number;
}

export interface JsonResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON body (undefined when empty). */
  data: unknown;
  /** The body was not valid UTF-8: it was decoded with replacement characters. */
  invalidUtf8: boolean;
}

const decoderStrict = new TextDecoder('utf-8', { fatal: true });
const decoderLoose = new TextDecoder('utf-8');

/**
 * A thin axios wrapper: JSON in and out, the body decoded strictly as UTF-8 (an invalid
 * byte sequence is flagged, not silently replaced), and every failure classified as a
 * SyncError the engine knows how to handle. Never logs headers (they carry the token).
 */
export function createHttp(options: HttpOptions) {
  const agentOpts = { keepAlive: true, maxSockets: options.maxSockets ?? 8 };
  const client: AxiosInstance = axios.create({
    baseURL: options.baseURL,
    timeout: options.timeoutMs ?? 15_000,
    headers: { Accept: 'application/json', ...options.headers },
    responseType: 'arraybuffer',
    validateStatus: () => true,
    maxRedirects: 0,
    maxContentLength: 64 * 1024 * 1024,
    httpAgent: new http.Agent(agentOpts),
    httpsAgent: new https.Agent(agentOpts),
    transitional: { clarifyTimeoutError: true },
    proxy: false,
  });

  async function request(config: AxiosRequestConfig): Promise<JsonResponse> {
    let res: AxiosResponse<ArrayBuffer>;
    try {
      res = await client.request<ArrayBuffer>({
        ...config,
        data: config.data === undefined ? undefined : JSON.stringify(config.data),
        headers: { ...(config.data === undefined ? {} : { 'Content-Type': 'application/json' }), ...(config.headers as Record<string, string>) },
      });
    } catch (err) {
      const e = err as { code?: string; message?: string };
      const what = e.code === 'ETIMEDOUT' || e.code === 'ECONNABORTED' ? 'timeout' : (e.code ?? 'network error');
      throw new SyncError('transient', `${what}: ${String(e.message ?? '').slice(0, 200)}`);
    }
    const buf = Buffer.from(res.data ?? new ArrayBuffer(0));
    let text: string;
    let invalidUtf8 = false;
    try {
      text = decoderStrict.decode(buf);
    } catch {
      text = decoderLoose.decode(buf);
      invalidUtf8 = true;
    }
    let data: unknown = undefined;
    if (text.trim()) {
      try {
        data = JSON.parse(text);
      } catch {
        data = text;
        if (res.status >= 200 && res.status < 300)
          throw new SyncError('transient', `the server answered ${res.status} with a body that is not JSON (${text.slice(0, 120)})`, res.status);
      }
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers ?? {})) if (v !== undefined && v !== null) headers[k.toLowerCase()] = String(v);
    return { status: res.status, headers, data, invalidUtf8 };
  }

  return { request, axios: client };
}
export type Http = ReturnType<typeof createHttp>;

/** Classifies a non-2xx answer. `message` is the server's own text when it gave one. */
export function errorForStatus(status: number, message: string, headers: Record<string, string> = {}): SyncError {
  const retryAfter = parseRetryAfter(headers['retry-after']);
  if (status === 429 || status >= 500) return new SyncError('transient', message, status, retryAfter);
  if (status === 401) return new SyncError('auth', message, status);
  if (status === 412) return new SyncError('conflict', message, status);
  if (status === 404) return new SyncError('notFound', message, status);
  if (status === 408) return new SyncError('transient', message, status);
  return new SyncError('rejected', message, status);
}

function parseRetryAfter(v: string | undefined): number | null {
  if (!v) return null;
  const s = Number(v);
  if (Number.isFinite(s)) return Math.min(s * 1000, 300_000);
  const d = Date.parse(v);
  return Number.isFinite(d) ? Math.max(0, Math.min(d - Date.now(), 300_000)) : null;
}
