/**
 * How Relais's names meet GLPI's ids: teams → groups, operators → GLPI users (technicians),
 * the caller → a GLPI user (requester), categories and PCs. The mappings are configuration
 * (`GlpiMappings`): a team or an operator not listed keeps its own name.
 *
 * Lookups are cached briefly (a found id for `foundTtlMs`, an absence for `missTtlMs` only),
 * so a group created in GLPI after a failure is used at the next attempt, never "remembered
 * as missing" for the connector's life.
 */
import { z } from 'zod';
import { glpiMappingsSchema } from '../../../../domain/glpi';
import { decodeEntities } from './richtext';
import type { GlpiSession } from './session';

export interface GlpiMappings {
  /** Local team name → GLPI group name. Unlisted teams use their own name. */
  teams: Record<string, string>;
  /** Local operator login → GLPI login. Unlisted operators use their own login. */
  technicians: Record<string, string>;
  /** Organisation code → GLPI entities_id. Unlisted organisations let GLPI choose. */
  entities?: Record<string, number>;
}

export const EMPTY_MAPPINGS: GlpiMappings = { teams: {}, technicians: {} };
/** The stored mappings (JSON); absent or damaged: none (every name maps to itself). */
export function readGlpiMappings(raw: string | null): GlpiMappings {
  if (!raw) return EMPTY_MAPPINGS;
  try {
    const p = glpiMappingsSchema.safeParse(JSON.parse(raw));
    return p.success ? p.data : EMPTY_MAPPINGS;
  } catch {
    return EMPTY_MAPPINGS;
  }
}

export const groupFor = (m: GlpiMappings, team: string) => m.teams[team] ?? team;
export const glpiLoginFor = (m: GlpiMappings, operator: string) => m.technicians[operator] ?? operator;
/** GLPI group name → local team (reverse of the mapping; an unmapped group keeps its name). */
export function teamForGroup(m: GlpiMappings, group: string): string {
  for (const [team, g] of Object.entries(m.teams)) if (g === group) return team;
  return group;
}
export function operatorForLogin(m: GlpiMappings, login: string): string {
  for (const [op, l] of Object.entries(m.technicians)) if (l === login) return op;
  return login;
}

const idSchema = z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String);
const listSchema = z.array(z.object({ id: idSchema }).loose());
const searchSchema = z.object({ totalcount: z.number().int(), data: z.array(z.record(z.string(), z.unknown())).optional().default([]) }).loose();
const userSchema = z.object({ id: idSchema, name: z.string() }).loose();

/** User search options (GLPI 10 `User::rawSearchOptions`): login, e-mail, phone, mobile. */
const USER_OPT = { login: 1, id: 2, email: 5, phone: 6, mobile: 11 } as const;

export interface LookupOptions {
  foundTtlMs?: number;
  missTtlMs?: number;
  now?: () => number;
}

export function createLookups(session: GlpiSession, o: LookupOptions = {}) {
  const foundTtl = o.foundTtlMs ?? 5 * 60_000;
  const missTtl = o.missTtlMs ?? 10_000;
  const now = o.now ?? Date.now;
  const cache = new Map<string, { value: string | null; until: number }>();

  async function cached(key: string, load: () => Promise<string | null>): Promise<string | null> {
    const hit = cache.get(key);
    if (hit && hit.until > now()) return hit.value;
    const value = await load();
    cache.set(key, { value, until: now() + (value === null ? missTtl : foundTtl) });
    return value;
  }

  /** `GET /<Itemtype>?searchText[field]=^value$`: exact, with an explicit range (GLPI pages at list_limit otherwise). */
  const byField = (itemtype: string, field: string, value: string) =>
    cached(`${itemtype}|${field}|${value}`, async () => {
      const res = await session.call('GET', `/${itemtype}`, undefined, { [`searchText[${field}]`]: `^${value}$`, range: '0-49', is_deleted: 0 });
      const arr = listSchema.safeParse(res.data);
      if (!arr.success) return null;
      // searchText is a LIKE: keep only the exact match (GLPI answers its text entity-encoded).
      const exact = arr.data.find((r) => decodeEntities(String((r as Record<string, unknown>)[field] ?? '')) === value);
      return (exact ?? (arr.data.length === 1 ? arr.data[0] : undefined))?.id ?? null;
    });

  /** One `search/User` criterion → the single user id it designates (none or several: null). */
  const userBy = (field: number, value: string) =>
    cached(`search/User|${field}|${value}`, async () => {
      const res = await session.call('GET', '/search/User', undefined, {
        'criteria[0][field]': field,
        'criteria[0][searchtype]': 'equals',
        'criteria[0][value]': value,
        'forcedisplay[0]': USER_OPT.id,
        range: '0-1',
      });
      const s = searchSchema.safeParse(res.data);
      if (!s.success || s.data.totalcount !== 1) return null;
      const id = s.data.data[0]?.[USER_OPT.id];
      return id === undefined || id === null ? null : String(id);
    });

  const loginOf = new Map<string, { login: string | null; until: number }>();

  return {
    group: (name: string) => byField('Group', 'name', name),
    user: (login: string) => byField('User', 'name', login),
    category: (completename: string) => byField('ITILCategory', 'completename', completename),
    computer: (name: string) => byField('Computer', 'name', name),
    /** The requester as a GLPI user: by e-mail, then phone, then login. */
    async requester(r: { name: string; phone: string; email: string }): Promise<string | null> {
      if (r.email) {
        const id = await userBy(USER_OPT.email, r.email);
        if (id) return id;
      }
      if (r.phone) {
        const id = (await userBy(USER_OPT.phone, r.phone)) ?? (await userBy(USER_OPT.mobile, r.phone));
        if (id) return id;
      }
      if (r.name && /^[\w.@-]+$/.test(r.name)) return userBy(USER_OPT.login, r.name);
      return null;
    },
    /** Search listings give users as ids ("7"): the login, read once and cached. */
    async login(userId: string): Promise<string | null> {
      const hit = loginOf.get(userId);
      if (hit && hit.until > now()) return hit.login;
      let login: string | null = null;
      try {
        const u = userSchema.safeParse((await session.call('GET', `/User/${encodeURIComponent(userId)}`)).data);
        login = u.success ? decodeEntities(u.data.name) : null;
      } catch (err) {
        if (!(err instanceof Error && 'kind' in err && (err as { kind: string }).kind === 'notFound')) throw err;
      }
      loginOf.set(userId, { login, until: now() + (login ? foundTtl : missTtl) });
      return login;
    },
    forget() {
      cache.clear();
      loginOf.clear();
    },
  };
}
export type GlpiLookups = ReturnType<typeof createLookups>;
