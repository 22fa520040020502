/**
 * Seats as Request Tracker 5 assets (REST2): a catalog "Accès distants", one asset per seat of
 * a pool (named "<pool> #NN"), `HeldBy` the agent holding it, and a custom field
 * "Organisation". A free seat is an asset nobody holds. Taking one reads the asset with its
 * ETag and writes `HeldBy` with `If-Match`: when another console took it in between, RT
 * answers 412 and Relais tries the next free asset, or reports that none is left — so two
 * consoles can never both hold the last seat.
 */
import { z } from 'zod';
import { RelaisError } from '../../base/errors';
import { createHttp, errorForStatus, type JsonResponse } from '../sync/http';
import { SyncError } from '../sync/types';

export const RT_SEAT_CATALOG = 'Accès distants';
export const RT_ORG_FIELD = 'Organisation';

export interface RtSeatOptions {
  url: string;
  token: () => Promise<string> | string;
  catalog?: string;
  timeoutMs?: number;
}

export interface RtSeatAsset {
  id: string;
  name: string;
  heldBy: string | null;
  organisation: string | null;
  etag: string | null;
  /** RT's LastUpdated (second resolution) and the server's clock when read, in ms. */
  lastUpdatedMs: number | null;
  serverNowMs: number | null;
}

const idSchema = z.union([z.string(), z.number()]).transform(String);
const assetSchema = z
  .object({
    id: idSchema,
    Name: z.string(),
    LastUpdated: z.string().optional(),
    HeldBy: z.array(z.object({ id: idSchema }).loose()).optional(),
    CustomFields: z.array(z.object({ name: z.string(), values: z.array(z.union([z.string(), z.number(), z.null()]).transform((v) => (v === null ? '' : String(v)))).default([]) }).loose()).optional(),
  })
  .loose();
const pageSchema = z.object({ items: z.array(z.object({ id: idSchema }).loose()), total: z.number().nullable().optional() }).loose();

export const rtSeatErrors = {
  noneFree: (pool: string) =>
    RelaisError.of('SEAT_RT_NONE_FREE', { pool }, { pool }),
  offline: (e: SyncError) =>
    RelaisError.of('SEAT_RT_OFFLINE', { message: e.message.slice(0, 120) }, { kind: e.kind }),
  server: (e: SyncError) =>
    RelaisError.of('SEAT_RT_ERROR', { e: e.status ?? e.kind, message: e.message.slice(0, 200), RT_SEAT_CATALOG }, { kind: e.kind, status: e.status }),
};

export function createRtSeatAssets(options: RtSeatOptions) {
  const catalog = options.catalog ?? RT_SEAT_CATALOG;
  const http = createHttp({ baseURL: options.url.replace(/\/+$/, '') + '/REST/2.0', timeoutMs: options.timeoutMs, maxSockets: 4 });

  async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}, params?: Record<string, unknown>): Promise<JsonResponse> {
    const token = await options.token();
    const res = await http.request({ method, url, data: body, params, headers: { Authorization: `token ${token}`, ...headers } });
    if (res.status >= 200 && res.status < 300) return res;
    const msg = (res.data as { message?: string } | undefined)?.message ?? `HTTP ${res.status}`;
    throw errorForStatus(res.status, msg, res.headers);
  }

  function toAsset(data: unknown, headers: Record<string, string>): RtSeatAsset {
    const a = assetSchema.parse(data);
    const org = a.CustomFields?.find((c) => c.name === RT_ORG_FIELD)?.values[0] || null;
    const ms = (v: string | undefined) => {
      const n = v ? Date.parse(v) : NaN;
      return Number.isNaN(n) ? null : n;
    };
    return { id: a.id, name: a.Name, heldBy: a.HeldBy?.[0]?.id ?? null, organisation: org, etag: headers.etag ?? null, lastUpdatedMs: ms(a.LastUpdated), serverNowMs: ms(headers.date) };
  }

  async function get(id: string): Promise<RtSeatAsset> {
    const res = await call('GET', `/asset/${encodeURIComponent(id)}`);
    return toAsset(res.data, res.headers);
  }

  /**
   * RT's ETag is derived from LastUpdated, which has a one-second resolution: a write in the
   * same second as the previous one would leave the ETag unchanged and let a concurrent
   * If-Match through. So a seat is taken only once its last change is a full second old.
   */
  async function settled(a: RtSeatAsset): Promise<RtSeatAsset> {
    if (a.lastUpdatedMs === null || a.serverNowMs === null) return a;
    const wait = a.lastUpdatedMs + 1100 - a.serverNowMs;
    if (wait <= 0) return a;
    await new Promise((r) => setTimeout(r, Math.min(wait, 2100)));
    return get(a.id);
  }

  /** The pool's seat assets, in name order (names are "<pool> #NN"). */
  async function list(pool: string): Promise<RtSeatAsset[]> {
    const ids: string[] = [];
    for (let page = 1; page < 100; page++) {
      const res = await call('GET', '/assets', undefined, {}, { query: `Catalog = '${catalog.replace(/'/g, "\\'")}'`, per_page: 100, page });
      const p = pageSchema.parse(res.data);
      ids.push(...p.items.map((i) => i.id));
      if (p.items.length < 100) break;
    }
    const all = await Promise.all(ids.map(get));
    return all.filter((a) => a.name.startsWith(`${pool} #`)).sort((a, b) => a.name.localeCompare(b.name, 'fr', { numeric: true }));
  }

  const wrap = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof SyncError) throw e.kind === 'transient' ? rtSeatErrors.offline(e) : rtSeatErrors.server(e);
      throw e;
    }
  };

  return {
    list: (pool: string) => wrap(() => list(pool)),

    /** Creates the assets missing up to `capacity` (idempotent: existing names are kept). */
    ensure: (pool: string, capacity: number) =>
      wrap(async () => {
        const have = new Set((await list(pool)).map((a) => a.name));
        for (let i = 1; i <= capacity; i++) {
          const name = `${pool} #${String(i).padStart(2, '0')}`;
          if (!have.has(name)) await call('POST', '/asset', { Name: name, Catalog: catalog });
        }
        return list(pool);
      }),

    /**
     * Gives a free seat asset to `login`: read with its ETag, write with If-Match; on 412 (or
     * a seat taken meanwhile) try the next free one. Throws SEAT_RT_NONE_FREE when none is left.
     */
    assign: (pool: string, login: string, organisation: string | null) =>
      wrap(async () => {
        for (const candidate of await list(pool)) {
          if (candidate.heldBy) continue;
          const fresh = await settled(await get(candidate.id));
          if (fresh.heldBy || !fresh.etag) continue;
          try {
            await call('PUT', `/asset/${encodeURIComponent(fresh.id)}`, { HeldBy: login, CustomFields: { [RT_ORG_FIELD]: organisation ?? '' } }, { 'If-Match': fresh.etag });
            // Read back once the write has settled: RT checks If-Match and writes in two steps,
            // so a write racing ours in the same instant can still land on top of it. Reading
            // after the one-second window sees that write too; whoever is HeldBy then holds it.
            const after = await settled(await get(fresh.id));
            if (after.heldBy === login) return after;
          } catch (e) {
            if (e instanceof SyncError && e.kind === 'conflict') continue; // another console won this one
            throw e;
          }
        }
        throw rtSeatErrors.noneFree(pool);
      }),

    /** Frees the asset `login` holds in this pool (no-op when none). */
    release: (pool: string, login: string) =>
      wrap(async () => {
        const held = (await list(pool)).find((a) => a.heldBy === login);
        if (!held) return false;
        const fresh = await get(held.id);
        await call('PUT', `/asset/${encodeURIComponent(held.id)}`, { HeldBy: [], CustomFields: { [RT_ORG_FIELD]: '' } }, fresh.etag ? { 'If-Match': fresh.etag } : {});
        return true;
      }),
  };
}
