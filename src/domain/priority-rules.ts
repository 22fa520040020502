import { z } from 'zod';
import { formatMessage } from '../base/messages';
import { channelSchema, levelSchema, ticketTypeSchema, type Channel, type PriorityOverride, type TicketType } from './tickets';
import { tierSchema, type OrgUnit, type Tier } from './organisation';

/**
 * Priority rules, in the spirit of GLPI's "règles métier pour les tickets": an ordered list,
 * each rule with criteria (all must hold) and actions, applied when a call is logged and
 * when a ticket's requester or category changes. A rule either stops the list when it
 * matches or lets the next rules run. Pure: the store feeds the facts, the UI words the
 * effects (codes with parameters, never sentences).
 */
const ref = z.string().trim().min(1).max(64);
const refs = z.array(ref).min(1).max(200);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');

export const ruleCriteriaSchema = z.strictObject({
  organisationIds: refs.optional(),
  /** Services, or directions (covering every service under them). */
  serviceIds: refs.optional(),
  tiers: z.array(tierSchema).min(1).max(3).optional(),
  /** Categories, covering their sub-categories. */
  categoryIds: refs.optional(),
  types: z.array(ticketTypeSchema).min(1).max(2).optional(),
  channels: z.array(channelSchema).min(1).max(4).optional(),
  siteIds: refs.optional(),
  /** Local time window [from, to); from > to wraps past midnight (18:00 → 08:00). */
  timeOfDay: z.strictObject({ from: hhmm, to: hhmm }).optional(),
});
export type RuleCriteria = z.infer<typeof ruleCriteriaSchema>;

const by = z.number().int().min(1).max(4);
export const ruleActionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('setUrgency'), level: levelSchema }),
  z.strictObject({ kind: z.literal('raiseUrgency'), by }),
  z.strictObject({ kind: z.literal('setImpact'), level: levelSchema }),
  z.strictObject({ kind: z.literal('raiseImpact'), by }),
  z.strictObject({ kind: z.literal('setTeam'), teamId: ref }),
  z.strictObject({ kind: z.literal('setSla'), ttoMinutes: z.number().int().min(1).max(525_600), ttrMinutes: z.number().int().min(1).max(525_600) }),
  z.strictObject({ kind: z.literal('addTag'), tag: z.string().trim().min(1).max(40).regex(/^[\p{L}\p{N}_-]+$/u, 'letters, digits, - and _') }),
]);
export type RuleAction = z.infer<typeof ruleActionSchema>;

export const priorityRuleSchema = z.strictObject({
  id: ref,
  name: z.string().trim().min(1).max(120),
  enabled: z.boolean().default(true),
  criteria: ruleCriteriaSchema.default({}),
  actions: z.array(ruleActionSchema).min(1).max(10),
  /** Stop at this rule when it matches ("stop"), or let the following rules run ("continue"). */
  stop: z.boolean().default(false),
});
export type PriorityRule = z.infer<typeof priorityRuleSchema>;
export type PriorityRuleInput = z.input<typeof priorityRuleSchema>;

export const priorityRulesSchema = z.array(priorityRuleSchema).max(200).superRefine((rules, ctx) => {
  const seen = new Set<string>();
  rules.forEach((r, i) => {
    if (seen.has(r.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate rule id ${r.id}` });
    seen.add(r.id);
  });
});

/** Shipped for the crisis: a call from a vital service gets one more level of urgency. */
export const DEFAULT_PRIORITY_RULES: PriorityRule[] = [
  {
    id: 'service-vital',
    name: 'Service vital',
    enabled: true,
    criteria: { tiers: [1] },
    actions: [{ kind: 'raiseUrgency', by: 1 }, { kind: 'addTag', tag: 'service-vital' }],
    stop: false,
  },
];

/** What the rules look at, gathered by the store for one call. */
export interface CallFacts {
  organisationId: string | null;
  /** The requester's service then its directions, nearest first. */
  unitIds: readonly string[];
  tier: Tier | null;
  /** The category then its parents. */
  categoryIds: readonly string[];
  type: TicketType;
  channel: Channel;
  siteId: string | null;
  /** Minutes since local midnight at call time. */
  minuteOfDay: number;
}

export type RuleEffect =
  | { kind: 'urgency' | 'impact'; how: 'set' | 'raise'; from: number; to: number }
  | { kind: 'team'; teamId: string }
  | { kind: 'sla'; ttoMinutes: number; ttrMinutes: number }
  | { kind: 'tag'; tag: string };
export const ruleEffectSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('urgency'), how: z.enum(['set', 'raise']), from: z.number().int(), to: z.number().int() }),
  z.object({ kind: z.literal('impact'), how: z.enum(['set', 'raise']), from: z.number().int(), to: z.number().int() }),
  z.object({ kind: z.literal('team'), teamId: z.string() }),
  z.object({ kind: z.literal('sla'), ttoMinutes: z.number().int(), ttrMinutes: z.number().int() }),
  z.object({ kind: z.literal('tag'), tag: z.string() }),
]);

export const appliedRuleSchema = z.object({ ruleId: z.string(), ruleName: z.string(), stop: z.boolean(), effects: z.array(ruleEffectSchema) });
export type AppliedRule = z.infer<typeof appliedRuleSchema>;

export { priorityOverrideSchema, type PriorityOverride } from './tickets';

export const ruleOutcomeSchema = z.object({
  urgency: z.number().int(),
  impact: z.number().int(),
  teamId: z.string().nullable(),
  sla: z.object({ ttoMinutes: z.number().int(), ttrMinutes: z.number().int() }).nullable(),
  tags: z.array(z.string()),
  applied: z.array(appliedRuleSchema),
  /** Set when the operator overrode the rules: what the rules gave and what was kept. */
  override: z
    .object({ ruleUrgency: z.number().int(), ruleImpact: z.number().int(), urgency: z.number().int(), impact: z.number().int() })
    .nullable(),
});
export type RuleOutcome = z.infer<typeof ruleOutcomeSchema>;

const minutes = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
const anyOf = (wanted: readonly string[] | undefined, have: readonly string[]) => !wanted || have.some((h) => wanted.includes(h));
const oneOf = <T>(wanted: readonly T[] | undefined, have: T | null) => !wanted || (have !== null && wanted.includes(have));

export function inTimeWindow(w: { from: string; to: string }, minuteOfDay: number): boolean {
  const from = minutes(w.from);
  const to = minutes(w.to);
  return from <= to ? minuteOfDay >= from && minuteOfDay < to : minuteOfDay >= from || minuteOfDay < to;
}

export function ruleMatches(c: RuleCriteria, f: CallFacts): boolean {
  return (
    oneOf(c.organisationIds, f.organisationId) &&
    anyOf(c.serviceIds, f.unitIds) &&
    oneOf(c.tiers, f.tier) &&
    anyOf(c.categoryIds, f.categoryIds) &&
    oneOf(c.types, f.type) &&
    oneOf(c.channels, f.channel) &&
    oneOf(c.siteIds, f.siteId) &&
    (!c.timeOfDay || inTimeWindow(c.timeOfDay, f.minuteOfDay))
  );
}

const clamp = (n: number) => Math.min(5, Math.max(1, n));

/**
 * Runs the rules in order on a call whose operator-chosen urgency and impact are `base`.
 * Raising never lowers; each applied rule lists the effects that changed something, so
 * the form can say why ("Service vital : urgence relevée à Haute"). An operator override
 * wins over the rules' urgency/impact and is reported beside them.
 */
export function evaluateRules(
  rules: readonly PriorityRule[],
  facts: CallFacts,
  base: { urgency: number; impact: number },
  override: PriorityOverride | null = null,
): RuleOutcome {
  let urgency = base.urgency;
  let impact = base.impact;
  let teamId: string | null = null;
  let sla: RuleOutcome['sla'] = null;
  const tags: string[] = [];
  const applied: AppliedRule[] = [];
  for (const rule of rules) {
    if (!rule.enabled || !ruleMatches(rule.criteria, facts)) continue;
    const effects: RuleEffect[] = [];
    for (const a of rule.actions) {
      switch (a.kind) {
        case 'setUrgency':
        case 'raiseUrgency': {
          const to = a.kind === 'setUrgency' ? a.level : clamp(urgency + a.by);
          if (to !== urgency) effects.push({ kind: 'urgency', how: a.kind === 'setUrgency' ? 'set' : 'raise', from: urgency, to });
          urgency = to;
          break;
        }
        case 'setImpact':
        case 'raiseImpact': {
          const to = a.kind === 'setImpact' ? a.level : clamp(impact + a.by);
          if (to !== impact) effects.push({ kind: 'impact', how: a.kind === 'setImpact' ? 'set' : 'raise', from: impact, to });
          impact = to;
          break;
        }
        case 'setTeam':
          if (teamId !== a.teamId) effects.push({ kind: 'team', teamId: a.teamId });
          teamId = a.teamId;
          break;
        case 'setSla':
          sla = { ttoMinutes: a.ttoMinutes, ttrMinutes: a.ttrMinutes };
          effects.push({ kind: 'sla', ...sla });
          break;
        case 'addTag':
          if (!tags.includes(a.tag)) {
            tags.push(a.tag);
            effects.push({ kind: 'tag', tag: a.tag });
          }
          break;
      }
    }
    applied.push({ ruleId: rule.id, ruleName: rule.name, stop: rule.stop, effects });
    if (rule.stop) break;
  }
  let overridden: RuleOutcome['override'] = null;
  if (override && (override.urgency !== undefined || override.impact !== undefined)) {
    const u = override.urgency ?? urgency;
    const i = override.impact ?? impact;
    if (u !== urgency || i !== impact) overridden = { ruleUrgency: urgency, ruleImpact: impact, urgency: u, impact: i };
    urgency = u;
    impact = i;
  }
  return { urgency, impact, teamId, sla, tags, applied, override: overridden };
}

/** True when the outcome differs from leaving the call as the operator entered it. */
export function outcomeChanges(o: RuleOutcome, base: { urgency: number; impact: number }): boolean {
  return o.urgency !== base.urgency || o.impact !== base.impact || o.teamId !== null || o.sla !== null || o.tags.length > 0;
}

// ---------------------------------------------------------------------------------------
// Checks shown in Settings: rules that can never match, or that an earlier "stop" rule hides.

export type RuleIssue =
  | { ruleId: string; code: 'emptyTimeWindow' }
  | { ruleId: string; code: 'unknownReference'; what: 'organisation' | 'service' | 'category' | 'site' | 'team'; ref: string }
  | { ruleId: string; code: 'archivedServices' }
  | { ruleId: string; code: 'tierConflict' }
  | { ruleId: string; code: 'organisationConflict' }
  | { ruleId: string; code: 'shadowed'; byRuleId: string; byName: string };
export const ruleIssueSchema = z.object({ ruleId: z.string(), code: z.string() }).passthrough();

export interface RuleLintContext {
  organisationIds: readonly string[];
  units: readonly OrgUnit[];
  categoryIds: readonly string[];
  siteIds: readonly string[];
  teamIds: readonly string[];
}

/** Services a service/direction list covers (a direction covers everything under it). */
function coveredServices(ids: readonly string[], units: readonly OrgUnit[]): OrgUnit[] {
  const byId = new Map(units.map((u) => [u.id, u]));
  const under = (u: OrgUnit): boolean => {
    for (let p: OrgUnit | undefined = u; p; p = p.parentId ? byId.get(p.parentId) : undefined) if (ids.includes(p.id)) return true;
    return false;
  };
  return units.filter((u) => u.kind === 'service' && under(u));
}

function neverMatches(rule: PriorityRule, ctx: RuleLintContext): RuleIssue[] {
  const c = rule.criteria;
  const issues: RuleIssue[] = [];
  const check = (what: 'organisation' | 'service' | 'category' | 'site', list: readonly string[] | undefined, known: readonly string[]) => {
    for (const id of list ?? []) if (!known.includes(id)) issues.push({ ruleId: rule.id, code: 'unknownReference', what, ref: id });
  };
  check('organisation', c.organisationIds, ctx.organisationIds);
  check('service', c.serviceIds, ctx.units.map((u) => u.id));
  check('category', c.categoryIds, ctx.categoryIds);
  check('site', c.siteIds, ctx.siteIds);
  for (const a of rule.actions) if (a.kind === 'setTeam' && !ctx.teamIds.includes(a.teamId)) issues.push({ ruleId: rule.id, code: 'unknownReference', what: 'team', ref: a.teamId });
  if (c.timeOfDay && c.timeOfDay.from === c.timeOfDay.to) issues.push({ ruleId: rule.id, code: 'emptyTimeWindow' });
  if (c.serviceIds) {
    const services = coveredServices(c.serviceIds, ctx.units);
    const live = services.filter((s) => !s.archived);
    if (services.length > 0 && live.length === 0) issues.push({ ruleId: rule.id, code: 'archivedServices' });
    if (c.tiers && services.length > 0 && !services.some((s) => s.tier !== null && c.tiers!.includes(s.tier))) issues.push({ ruleId: rule.id, code: 'tierConflict' });
    if (c.organisationIds && services.length > 0 && !services.some((s) => c.organisationIds!.includes(s.organisationId))) issues.push({ ruleId: rule.id, code: 'organisationConflict' });
  }
  return issues;
}

/** Does every call `later` matches also match `earlier`? (conservative: false when unsure) */
export function criteriaCover(earlier: RuleCriteria, later: RuleCriteria, units: readonly OrgUnit[] = []): boolean {
  const list = (a: readonly unknown[] | undefined, b: readonly unknown[] | undefined) => !a || (!!b && b.every((x) => a.includes(x)));
  const services = !earlier.serviceIds || (!!later.serviceIds && later.serviceIds.every((id) => earlier.serviceIds!.includes(id) || coveredServices(earlier.serviceIds!, units).some((s) => s.id === id)));
  const time = !earlier.timeOfDay || (!!later.timeOfDay && later.timeOfDay.from === earlier.timeOfDay.from && later.timeOfDay.to === earlier.timeOfDay.to);
  return (
    list(earlier.organisationIds, later.organisationIds) &&
    services &&
    list(earlier.tiers, later.tiers) &&
    list(earlier.categoryIds, later.categoryIds) &&
    list(earlier.types, later.types) &&
    list(earlier.channels, later.channels) &&
    list(earlier.siteIds, later.siteIds) &&
    time
  );
}

export function lintRules(rules: readonly PriorityRule[], ctx: RuleLintContext): RuleIssue[] {
  const issues: RuleIssue[] = [];
  rules.forEach((rule, i) => {
    if (!rule.enabled) return;
    issues.push(...neverMatches(rule, ctx));
    const hider = rules.slice(0, i).find((e) => e.enabled && e.stop && criteriaCover(e.criteria, rule.criteria, ctx.units));
    if (hider) issues.push({ ruleId: rule.id, code: 'shadowed', byRuleId: hider.id, byName: hider.name });
  });
  return issues;
}

/** What the ticket workflow asks when a call is logged or its requester/category changes. */
export interface ClassifyInput {
  requesterId: string | null;
  categoryId: string | null;
  type: TicketType;
  channel: Channel;
  urgency: number;
  impact: number;
  at: Date;
  override: PriorityOverride | null;
}
export interface CallClassification {
  organisationId: string | null;
  serviceId: string | null;
  serviceTier: Tier | null;
  outcome: RuleOutcome;
}
export type CallClassifier = (input: ClassifyInput) => CallClassification;

// ---------------------------------------------------------------------------------------
// Wording, shared by the call form, the timeline (in the reader's language) and the follow-up
// sent to the ITSM server (in French): the texts are the message catalogue's (src/base/messages).

export type Lang = 'fr' | 'en';
const LEVEL_KEYS = ['RULE_LEVEL_1', 'RULE_LEVEL_2', 'RULE_LEVEL_3', 'RULE_LEVEL_4', 'RULE_LEVEL_5', 'RULE_LEVEL_6'] as const;
export const levelName = (lang: Lang, n: number) => {
  const key = LEVEL_KEYS[n - 1];
  return key ? formatMessage(lang, key) : String(n);
};

const duration = (lang: Lang, m: number) =>
  m % 1440 === 0 ? formatMessage(lang, 'RULE_DURATION_DAYS', { n: m / 1440 }) : m % 60 === 0 ? formatMessage(lang, 'RULE_DURATION_HOURS', { n: m / 60 }) : formatMessage(lang, 'RULE_DURATION_MINUTES', { n: m });

export function describeEffect(e: RuleEffect, lang: Lang, teamName: (id: string) => string = (id) => id): string {
  switch (e.kind) {
    case 'urgency':
      return formatMessage(lang, e.how === 'raise' ? 'RULE_EFFECT_URGENCY_raise' : 'RULE_EFFECT_URGENCY_set', { level: levelName(lang, e.to) });
    case 'impact':
      return formatMessage(lang, e.how === 'raise' ? 'RULE_EFFECT_IMPACT_raise' : 'RULE_EFFECT_IMPACT_set', { level: levelName(lang, e.to) });
    case 'team':
      return formatMessage(lang, 'RULE_EFFECT_TEAM', { team: teamName(e.teamId) });
    case 'sla':
      return formatMessage(lang, 'RULE_EFFECT_SLA', { tto: duration(lang, e.ttoMinutes), ttr: duration(lang, e.ttrMinutes) });
    case 'tag':
      return formatMessage(lang, 'RULE_EFFECT_TAG', { tag: e.tag });
  }
}

/** "Service vital : urgence relevée à Haute" (fr) / "Service vital: urgency raised to High" (en). */
export function describeAppliedRule(r: AppliedRule, lang: Lang, teamName?: (id: string) => string): string {
  const effects = r.effects.length ? r.effects.map((e) => describeEffect(e, lang, teamName)).join(formatMessage(lang, 'LIST_SEPARATOR')) : formatMessage(lang, 'RULE_NO_CHANGE');
  return formatMessage(lang, 'RULE_APPLIED', { rule: r.ruleName, effects });
}

export function describeOverride(o: NonNullable<RuleOutcome['override']>, lang: Lang): string {
  const parts: string[] = [];
  if (o.urgency !== o.ruleUrgency) parts.push(formatMessage(lang, 'RULE_OVERRIDE_URGENCY', { level: levelName(lang, o.urgency), ruleLevel: levelName(lang, o.ruleUrgency) }));
  if (o.impact !== o.ruleImpact) parts.push(formatMessage(lang, 'RULE_OVERRIDE_IMPACT', { level: levelName(lang, o.impact), ruleLevel: levelName(lang, o.ruleImpact) }));
  return formatMessage(lang, 'RULE_OVERRIDE', { changes: parts.join(formatMessage(lang, 'LIST_SEPARATOR')) });
}

/** The whole outcome as lines of text (timeline entry, comment on the server). */
export function describeOutcome(o: Pick<RuleOutcome, 'applied' | 'override'>, lang: Lang, teamName?: (id: string) => string): string[] {
  const lines = o.applied.map((r) => describeAppliedRule(r, lang, teamName));
  if (o.override) lines.push(describeOverride(o.override, lang));
  return lines;
}
