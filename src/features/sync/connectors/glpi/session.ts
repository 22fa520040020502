/**
 * GLPI's session (legacy REST API, `apirest.php`) and how its answers are classified.
 *
 * `GET /initSession` with `Authorization: user_token …` and `App-Token`; later calls send
 * `Session-Token` + `App-Token`; `GET /killSession` on close. An expired session (401
 * `ERROR_SESSION_TOKEN_INVALID`) opens a new one once, transparently. After each new session
 * the server's version (`getGlpiConfig`) and time zone are read once.
 *
 * Set-up mistakes get their own error with a message code the UI words, instead of the
 * generic "credentials refused" / "server unreachable": a missing or wrong App-Token
 * (GLPI answers 400), a URL that is GLPI's web interface rather than `apirest.php`.
 */
import { z } from 'zod';
import { localize } from '../../../../base/messages';
import { createHttp, errorForStatus, type JsonResponse } from '../../http';
import { SyncError, type SyncErrorKind } from '../../types';
import { detectZone, type ServerZone } from './time';

/** A SyncError the settings screen can explain precisely: a message code, its params, and fr/en text. */
export class GlpiSetupError extends SyncError {
  constructor(
    kind: SyncErrorKind,
    readonly code: string,
    readonly params: Record<string, string | number>,
    readonly hint: { fr: string; en: string },
    status: number | null = null,
  ) {
    super(kind, hint.en, status);
    this.name = 'GlpiSetupError';
  }
}

export const glpiSetupErrors = {
  appToken: (status: number, code: string) =>
    new GlpiSetupError('auth', 'glpi.error.appTokenRefused', { serverCode: code }, localize('GLPI_APP_TOKEN_REFUSED', { code }), status),
  userToken: (status: number, code: string) =>
    new GlpiSetupError('auth', 'glpi.error.userTokenRefused', { serverCode: code }, localize('GLPI_USER_TOKEN_REFUSED', { code }), status),
  notApi: (url: string, status: number) => {
    const suggestion = `${url.replace(/\/+$/, '').replace(/\/(index\.php|front\/.*)$/i, '')}/apirest.php`;
    return new GlpiSetupError('rejected', 'glpi.error.urlNotApi', { url, suggestion }, localize('GLPI_URL_NOT_API', { suggestion }), status);
  },
};

const errorBodySchema = z.tuple([z.string(), z.string()]).rest(z.unknown());
const sessionSchema = z.object({ session_token: z.string().min(1) }).loose();
const fullSessionSchema = z.object({ session: z.object({ glpiname: z.string().optional(), glpiID: z.union([z.number(), z.string()]).optional(), glpi_currenttime: z.string().optional() }).loose() }).loose();
const configSchema = z.object({ cfg_glpi: z.object({ version: z.string().optional(), timezone: z.string().nullable().optional() }).loose() }).loose();

export interface GlpiSessionOptions {
  url: string;
  userToken: () => Promise<string> | string;
  appToken: () => Promise<string> | string;
  timeoutMs?: number;
}

export interface ServerInfo {
  account: string;
  accountId: string | null;
  version: string | null;
  zone: ServerZone;
}

export function createGlpiSession(options: GlpiSessionOptions) {
  const baseURL = options.url.replace(/\/+$/, '');
  const http = createHttp({ baseURL, timeoutMs: options.timeoutMs });
  let token: string | null = null;
  let opening: Promise<string> | null = null;
  let info: Promise<ServerInfo> | null = null;

  async function open(): Promise<string> {
    if (opening) return opening;
    opening = (async () => {
      const [userToken, appToken] = await Promise.all([options.userToken(), options.appToken()]);
      if (!appToken) throw glpiSetupErrors.appToken(400, 'App-Token not configured');
      if (!userToken) throw glpiSetupErrors.userToken(401, 'user token not configured');
      let res: JsonResponse;
      try {
        res = await http.request({ method: 'GET', url: '/initSession', headers: { Authorization: `user_token ${userToken}`, 'App-Token': appToken } });
      } catch (err) {
        // A 2xx that is not JSON: the login page of GLPI's web interface.
        if (err instanceof SyncError && err.status && /not JSON/.test(err.serverMessage)) throw glpiSetupErrors.notApi(baseURL, err.status);
        throw err;
      }
      if (res.status !== 200) throw classify(res, baseURL);
      const s = sessionSchema.safeParse(res.data);
      if (!s.success) throw typeof res.data === 'string' ? glpiSetupErrors.notApi(baseURL, res.status) : new SyncError('transient', 'GLPI initSession answered without a session_token');
      token = s.data.session_token;
      info = null;
      return token;
    })();
    try {
      return await opening;
    } finally {
      opening = null;
    }
  }

  async function call(method: string, url: string, body?: unknown, params?: Record<string, unknown>, retried = false): Promise<JsonResponse> {
    const t = token ?? (await open());
    const res = await http.request({ method, url, data: body, params, headers: { 'Session-Token': t, 'App-Token': await options.appToken() } });
    if (res.status >= 200 && res.status < 300) return res;
    const err = classify(res, baseURL);
    if (err.kind === 'auth' && isSessionError(res) && !retried) {
      // Expired session: open a new one once, then the same call again.
      if (token === t) token = null;
      return call(method, url, body, params, true);
    }
    throw err;
  }

  /** Who we are, which GLPI, which time zone: read once per session. */
  function serverInfo(): Promise<ServerInfo> {
    if (!info) {
      const p = (async (): Promise<ServerInfo> => {
        const s = await call('GET', '/getFullSession');
        const fs = fullSessionSchema.safeParse(s.data);
        let version: string | null = null;
        let setting: string | null = null;
        try {
          const c = configSchema.safeParse((await call('GET', '/getGlpiConfig')).data);
          if (c.success) {
            version = c.data.cfg_glpi.version ?? null;
            setting = c.data.cfg_glpi.timezone ?? null;
          }
        } catch (err) {
          // Some profiles may not read the configuration: the version stays unknown, the zone comes from the clock.
          if (!(err instanceof SyncError) || err.kind === 'transient') throw err;
        }
        return {
          account: fs.success ? (fs.data.session.glpiname ?? 'GLPI') : 'GLPI',
          accountId: fs.success && fs.data.session.glpiID !== undefined ? String(fs.data.session.glpiID) : null,
          version,
          zone: detectZone(setting, fs.success ? fs.data.session.glpi_currenttime : null, s.headers.date),
        };
      })();
      info = p;
      p.catch(() => {
        if (info === p) info = null;
      });
    }
    return info;
  }

  return {
    call,
    serverInfo,
    token: () => token,
    async reopen() {
      token = null;
      await open();
    },
    async close() {
      if (!token) return;
      const t = token;
      token = null;
      try {
        await http.request({ method: 'GET', url: '/killSession', headers: { 'Session-Token': t, 'App-Token': await options.appToken() } });
      } catch {}
    },
  };
}
export type GlpiSession = ReturnType<typeof createGlpiSession>;

function isSessionError(res: JsonResponse): boolean {
  const b = errorBodySchema.safeParse(res.data);
  return b.success && /ERROR_SESSION_TOKEN/.test(b.data[0]);
}

/** GLPI errors are `["ERROR_CODE", "message"]`; the code decides the class. */
export function classify(res: JsonResponse, baseURL: string): SyncError {
  const b = errorBodySchema.safeParse(res.data);
  const code = b.success ? b.data[0] : '';
  const message = b.success ? `${b.data[0]}: ${b.data[1]}`.slice(0, 500) : `HTTP ${res.status}`;
  if (/^ERROR_(WRONG_APP_TOKEN|APP_TOKEN_PARAMETERS_MISSING)/.test(code)) return glpiSetupErrors.appToken(res.status, code);
  if (/^ERROR_GLPI_LOGIN/.test(code)) return glpiSetupErrors.userToken(res.status, code);
  if (/^ERROR_(SESSION_TOKEN|LOGIN_PARAMETERS_MISSING)/.test(code)) return new SyncError('auth', message, res.status);
  if (code === 'ERROR_ITEM_NOT_FOUND') return new SyncError('notFound', message, res.status);
  if (code === 'ERROR_RIGHT_MISSING' || code === 'ERROR_NOT_ALLOWED') return new SyncError('rejected', message, res.status);
  // GLPI's web interface answers HTML, or redirects to its login page.
  if (!b.success && ((typeof res.data === 'string' && /<html|<!doctype/i.test(res.data)) || (res.status >= 300 && res.status < 400))) return glpiSetupErrors.notApi(baseURL, res.status);
  return errorForStatus(res.status, message, res.headers);
}

/** `Content-Range: start-end/total` → total (GLPI answers 206 when a list is partial). */
export function contentRangeTotal(v: string | undefined): number | null {
  const m = /\/(\d+)\s*$/.exec(v ?? '');
  return m ? Number(m[1]) : null;
}
