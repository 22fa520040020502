/**
 * Request Tracker 5 assets over REST2, shared by the features that keep things in RT catalogs
 * (seats: "Accès distants", loans: "Permanence"): read an asset with its ETag, wait out RT's
 * write window before trusting a read-back, search a catalog, create and update with
 * If-Match, look users and catalogs up. Each feature maps these raw assets to its own shape
 * and words its own errors; failures are SyncErrors (transient, auth, conflict, rejected...).
 */
import { z } from 'zod';
import { createHttp, errorForStatus, type JsonResponse } from '../http';

export interface RtAssetClientOptions {
  url: string;
  token: () => Promise<string> | string;
  timeoutMs?: number;
}

export interface RtAsset {
  id: string;
  name: string;
  description: string;
  /** RT user names of the HeldBy role, in RT's order. */
  heldBy: string[];
  /** Custom field name → first value ('' when empty). */
  customFields: Map<string, string>;
  /** Ids of the tickets that refer to this asset (`RefersTo asset:ID` on the ticket). */
  referredToByTickets: string[];
  /** REST2's ETag header as sent (the id of the asset's last transaction, quoted). */
  etag: string | null;
  /** RT's LastUpdated (second resolution) and the server's clock when read, in ms. */
  lastUpdatedMs: number | null;
  serverNowMs: number | null;
}

const idSchema = z.union([z.string(), z.number()]).transform(String);
const cfValue = z.union([z.string(), z.number(), z.null()]).transform((v) => (v === null ? '' : String(v)));
const assetSchema = z
  .object({
    id: idSchema,
    Name: z.string(),
    Description: z.string().nullable().optional(),
    LastUpdated: z.string().optional(),
    HeldBy: z.array(z.object({ id: idSchema }).loose()).optional(),
    CustomFields: z.array(z.object({ name: z.string(), values: z.array(cfValue).default([]) }).loose()).optional(),
    _hyperlinks: z.array(z.object({ ref: z.string(), type: z.string().optional(), id: idSchema.optional() }).loose()).optional(),
  })
  .loose();
const pageSchema = z.object({ items: z.array(z.object({ id: idSchema }).loose()), total: z.number().nullable().optional() }).loose();
const userSchema = z.object({ Name: z.string(), RealName: z.string().nullable().optional(), EmailAddress: z.string().nullable().optional() }).loose();
const createdSchema = z.object({ id: idSchema }).loose();

const ms = (v: string | undefined) => {
  const n = v ? Date.parse(v) : NaN;
  return Number.isNaN(n) ? null : n;
};

/** AssetSQL string literal. */
export const rtQuote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export function createRtAssetClient(options: RtAssetClientOptions) {
  const http = createHttp({ baseURL: options.url.replace(/\/+$/, '') + '/REST/2.0', timeoutMs: options.timeoutMs, maxSockets: 4 });

  async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}, params?: Record<string, unknown>, signal?: AbortSignal): Promise<JsonResponse> {
    const token = await options.token();
    const res = await http.request({ method, url, data: body, params, signal, headers: { Authorization: `token ${token}`, ...headers } });
    if (res.status >= 200 && res.status < 300) return res;
    const msg = (res.data as { message?: string } | undefined)?.message ?? `HTTP ${res.status}`;
    throw errorForStatus(res.status, msg, res.headers);
  }

  function toAsset(data: unknown, headers: Record<string, string>): RtAsset {
    const a = assetSchema.parse(data);
    const links = a._hyperlinks ?? [];
    return {
      id: a.id,
      name: a.Name,
      description: a.Description ?? '',
      heldBy: (a.HeldBy ?? []).map((h) => h.id),
      customFields: new Map((a.CustomFields ?? []).map((c) => [c.name, c.values[0] ?? ''])),
      referredToByTickets: links.filter((l) => l.ref === 'referred-to-by' && l.type === 'ticket' && l.id !== undefined).map((l) => l.id!),
      etag: headers.etag ?? null,
      lastUpdatedMs: ms(a.LastUpdated),
      serverNowMs: ms(headers.date),
    };
  }

  async function get(id: string, signal?: AbortSignal): Promise<RtAsset> {
    const res = await call('GET', `/asset/${encodeURIComponent(id)}`, undefined, {}, undefined, signal);
    return toAsset(res.data, res.headers);
  }

  /**
   * RT checks If-Match and then writes in separate steps, and LastUpdated has a one-second
   * resolution: a write racing ours can still land just after it. Reading once the asset's
   * last change is a full second old sees such a write too, so both consoles agree on the
   * outcome.
   */
  async function settled<T extends Pick<RtAsset, 'id' | 'lastUpdatedMs' | 'serverNowMs'>>(a: T, signal?: AbortSignal): Promise<T | RtAsset> {
    if (a.lastUpdatedMs === null || a.serverNowMs === null) return a;
    const wait = a.lastUpdatedMs + 1100 - a.serverNowMs;
    if (wait <= 0) return a;
    await new Promise((r) => setTimeout(r, Math.min(wait, 2100)));
    return get(a.id, signal);
  }

  /** Ids of the assets an AssetSQL query finds (every page). */
  async function search(query: string, signal?: AbortSignal): Promise<string[]> {
    const ids: string[] = [];
    for (let page = 1; page < 100; page++) {
      const res = await call('GET', '/assets', undefined, {}, { query, per_page: 100, page }, signal);
      const p = pageSchema.parse(res.data);
      ids.push(...p.items.map((i) => i.id));
      if (p.items.length < 100) break;
    }
    return ids;
  }

  return {
    call,
    get,
    settled,
    search,
    /** Creates an asset; returns its id. */
    async create(fields: Record<string, unknown>, signal?: AbortSignal): Promise<string> {
      const res = await call('POST', '/asset', fields, {}, undefined, signal);
      return createdSchema.parse(res.data).id;
    },
    /** Updates an asset; with an ETag, RT refuses (412, SyncError 'conflict') when it changed since. */
    async update(id: string, fields: Record<string, unknown>, etag: string | null, signal?: AbortSignal): Promise<unknown> {
      const res = await call('PUT', `/asset/${encodeURIComponent(id)}`, fields, etag ? { 'If-Match': etag } : {}, undefined, signal);
      return res.data;
    },
    /** The catalog's id, or null when RT has none by that name (or it is hidden from the token). */
    async catalogId(name: string, signal?: AbortSignal): Promise<string | null> {
      try {
        const res = await call('GET', `/catalog/${encodeURIComponent(name)}`, undefined, {}, undefined, signal);
        return createdSchema.parse(res.data).id;
      } catch (e) {
        if (e instanceof Error && 'kind' in e && (e as { kind: string }).kind === 'notFound') return null;
        throw e;
      }
    },
    async createCatalog(name: string, description: string, signal?: AbortSignal): Promise<string> {
      const res = await call('POST', '/catalog', { Name: name, Description: description, Lifecycle: 'assets' }, {}, undefined, signal);
      return createdSchema.parse(res.data).id;
    },
    /** An RT user by name (or id), null when RT has none. */
    async user(name: string, signal?: AbortSignal): Promise<{ name: string; realName: string | null; email: string | null } | null> {
      try {
        const res = await call('GET', `/user/${encodeURIComponent(name)}`, undefined, {}, undefined, signal);
        const u = userSchema.parse(res.data);
        return { name: u.Name, realName: u.RealName || null, email: u.EmailAddress || null };
      } catch (e) {
        if (e instanceof Error && 'kind' in e && (e as { kind: string }).kind === 'notFound') return null;
        throw e;
      }
    },
    /** The RT user name whose e-mail address is `email`, null when none. */
    async userByEmail(email: string, signal?: AbortSignal): Promise<string | null> {
      const res = await call('POST', '/users', [{ field: 'EmailAddress', value: email }], {}, { fields: 'Name', per_page: 2 }, signal);
      const p = z.object({ items: z.array(z.object({ Name: z.string().optional(), id: idSchema }).loose()) }).loose().parse(res.data);
      return p.items[0]?.Name ?? p.items[0]?.id ?? null;
    },
  };
}
export type RtAssetClient = ReturnType<typeof createRtAssetClient>;
