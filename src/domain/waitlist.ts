/**
 * The generic waiting list, shared by remote-access seats and equipment loans: requests are
 * ranked by service tier (1 = vital first), then ticket priority (6 majeure … 1 très basse),
 * then age (oldest first). A recorded override puts a request at the head, with its reason.
 * Every position comes with the criterion that placed it there, so the hotline can say why.
 *
 * Pure and allocation-free beyond one sorted copy: ranking 10,000 requests takes a few ms.
 */
import { z } from 'zod';

export const serviceTierSchema = z.union([z.literal(1), z.literal(2), z.literal(3)]);
export type ServiceTier = z.infer<typeof serviceTierSchema>;

export const waitlistOverrideSchema = z.object({
  reason: z.string().trim().min(3).max(500),
  by: z.string().min(1).max(120),
  at: z.string(),
});
export type WaitlistOverride = z.infer<typeof waitlistOverrideSchema>;

export const waitlistEntrySchema = z.object({
  id: z.string().min(1),
  /** Service tier of the requester's service; null when unknown (ranked after tier 3). */
  tier: serviceTierSchema.nullable(),
  /** Ticket priority, GLPI scale: 6 majeure … 1 très basse. */
  priority: z.number().int().min(1).max(6),
  /** ISO date of the request (the call that asked). */
  requestedAt: z.string(),
  override: waitlistOverrideSchema.nullable().optional(),
});
export type WaitlistEntry = z.infer<typeof waitlistEntrySchema>;

/** What put a request where it stands, compared with the one just ahead of it. */
export type RankCriterion = 'head' | 'override' | 'tier' | 'priority' | 'age';

export interface RankedEntry<E extends WaitlistEntry = WaitlistEntry> {
  entry: E;
  /** 1-based position in the list. */
  position: number;
  /** Why it is behind the previous entry ('head' for the first one). */
  decidedBy: RankCriterion;
}

/** The priority a request gets unless its ticket says otherwise (not worth naming when explaining a rank). */
export const DEFAULT_PRIORITY = 3;
const tierKey = (t: ServiceTier | null) => t ?? 4;
const time = (iso: string) => {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? Number.MAX_SAFE_INTEGER : ms;
};

/** Negative when `a` goes first. Overrides first (oldest override first), then tier, priority, age, id. */
export function compareEntries(a: WaitlistEntry, b: WaitlistEntry): number {
  const ao = a.override ? 0 : 1;
  const bo = b.override ? 0 : 1;
  if (ao !== bo) return ao - bo;
  if (a.override && b.override) {
    const d = time(a.override.at) - time(b.override.at);
    if (d !== 0) return d;
  }
  return (
    tierKey(a.tier) - tierKey(b.tier) ||
    b.priority - a.priority ||
    time(a.requestedAt) - time(b.requestedAt) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

function criterionBetween(prev: WaitlistEntry, cur: WaitlistEntry): RankCriterion {
  if (prev.override || cur.override) return 'override';
  if (tierKey(prev.tier) !== tierKey(cur.tier)) return 'tier';
  if (prev.priority !== cur.priority) return 'priority';
  return 'age';
}

/**
 * Ranks the requests (input left untouched). Same order as `compareEntries`, with each
 * entry's dates parsed once (a comparator parsing them costs ~10x on 10,000 requests).
 */
export function rankWaitlist<E extends WaitlistEntry>(entries: readonly E[]): RankedEntry<E>[] {
  const keyed = entries.map((entry) => ({ entry, o: entry.override ? 0 : 1, ot: entry.override ? time(entry.override.at) : 0, tier: tierKey(entry.tier), at: time(entry.requestedAt) }));
  keyed.sort((a, b) => a.o - b.o || a.ot - b.ot || a.tier - b.tier || b.entry.priority - a.entry.priority || a.at - b.at || (a.entry.id < b.entry.id ? -1 : a.entry.id > b.entry.id ? 1 : 0));
  const sorted = keyed.map((k) => k.entry);
  return sorted.map((entry, i) => ({ entry, position: i + 1, decidedBy: i === 0 ? 'head' : criterionBetween(sorted[i - 1]!, entry) }));
}

/** Puts a request at the head of the list; the reason and who decided are mandatory. */
export function overrideEntry<E extends WaitlistEntry>(entry: E, override: WaitlistOverride): E {
  return { ...entry, override: waitlistOverrideSchema.parse(override) };
}

export type Refusal = { code: string; params?: Record<string, string | number> };
export type Eligibility = { ok: true } | ({ ok: false } & Refusal);

export interface AllocationProposal<E extends WaitlistEntry = WaitlistEntry> {
  /** The first request that can be served now, or null. */
  proposed: RankedEntry<E> | null;
  /** Requests ahead of it that cannot be served now, each with the reason. */
  passedOver: { ranked: RankedEntry<E>; refusal: Refusal }[];
}

/**
 * When a resource is freed: proposes the head of the list, or the first request after it
 * that the resource's own rules allow (e.g. the head's organisation has reached its quota).
 */
export function proposeAllocation<E extends WaitlistEntry>(ranked: readonly RankedEntry<E>[], canServe: (entry: E) => Eligibility): AllocationProposal<E> {
  const passedOver: AllocationProposal<E>['passedOver'] = [];
  for (const r of ranked) {
    const verdict = canServe(r.entry);
    if (verdict.ok) return { proposed: r, passedOver };
    passedOver.push({ ranked: r, refusal: { code: verdict.code, ...(verdict.params ? { params: verdict.params } : {}) } });
  }
  return { proposed: null, passedOver };
}

// --- Dates (the sentences are the renderer's: renderer/features/seats/wording.ts) ----------

export type Lang = 'fr' | 'en';

/** "12/03 09:14" (fr) or "12/03, 09:14" (en), in `timeZone` (default: the machine's). */
export function formatRequestDate(iso: string, lang: Lang = 'fr', timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return requestDateFormat(lang, timeZone).format(d);
}
/** Building an Intl.DateTimeFormat costs about a millisecond: one per language and zone. */
const formats = new Map<string, Intl.DateTimeFormat>();
function requestDateFormat(lang: Lang, timeZone: string | undefined): Intl.DateTimeFormat {
  const key = `${lang}|${timeZone ?? ''}`;
  let f = formats.get(key);
  if (!f) formats.set(key, (f = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false, timeZone })));
  return f;
}
