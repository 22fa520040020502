/**
 * Seats as Request Tracker 5 assets (REST2): a catalog "Accès distants", one asset per seat of
 * a pool (named "<pool> #NN"), `HeldBy` the agent holding it, and a custom field
 * "Organisation". A free seat is an asset nobody holds. Taking one reads the asset with its
 * ETag and writes `HeldBy` with `If-Match`: when another console took it in between, RT
 * answers 412 and Relais tries the next free asset, or reports that none is left — so two
 * consoles can never both hold the last seat.
 */
import { RelaisError } from '../../base/errors';
import { createRtAssetClient, rtQuote, type RtAsset } from '../sync/connectors/rt-assets';
import { SyncError } from '../sync/types';
import { seatErrorWrapper, seatServerErrors } from './seat-server';

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

export const rtSeatErrors = {
  noneFree: (pool: string) => RelaisError.of('SEAT_RT_NONE_FREE', { pool }, { pool }),
  // Offline / refused: worded like every seat server (seat-server.ts).
  ...seatServerErrors({ code: 'RT', catalog: RT_SEAT_CATALOG }),
};

export function createRtSeatAssets(options: RtSeatOptions) {
  const catalog = options.catalog ?? RT_SEAT_CATALOG;
  const rt = createRtAssetClient({ url: options.url, token: options.token, timeoutMs: options.timeoutMs });
  const toSeat = (a: RtAsset): RtSeatAsset => ({
    id: a.id,
    name: a.name,
    heldBy: a.heldBy[0] ?? null,
    organisation: a.customFields.get(RT_ORG_FIELD) || null,
    etag: a.etag,
    lastUpdatedMs: a.lastUpdatedMs,
    serverNowMs: a.serverNowMs,
  });
  const get = async (id: string) => toSeat(await rt.get(id));
  /** A seat is taken only once its last change is a full second old (see the shared client's `settled`). */
  const settled = async (a: RtSeatAsset) => {
    const s = await rt.settled(a);
    return s === a ? a : toSeat(s as RtAsset);
  };

  /** The pool's seat assets, in name order (names are "<pool> #NN"). */
  async function list(pool: string): Promise<RtSeatAsset[]> {
    const ids = await rt.search(`Catalog = ${rtQuote(catalog)}`);
    const all = await Promise.all(ids.map(get));
    return all.filter((a) => a.name.startsWith(`${pool} #`)).sort((a, b) => a.name.localeCompare(b.name, 'fr', { numeric: true }));
  }

  const wrap = seatErrorWrapper(rtSeatErrors);

  return {
    list: (pool: string) => wrap(() => list(pool)),

    /** Creates the assets missing up to `capacity` (idempotent: existing names are kept). */
    ensure: (pool: string, capacity: number) =>
      wrap(async () => {
        const have = new Set((await list(pool)).map((a) => a.name));
        for (let i = 1; i <= capacity; i++) {
          const name = `${pool} #${String(i).padStart(2, '0')}`;
          if (!have.has(name)) await rt.create({ Name: name, Catalog: catalog });
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
            await rt.update(fresh.id, { HeldBy: login, CustomFields: { [RT_ORG_FIELD]: organisation ?? '' } }, fresh.etag);
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
        await rt.update(held.id, { HeldBy: [], CustomFields: { [RT_ORG_FIELD]: '' } }, fresh.etag);
        return true;
      }),
  };
}
