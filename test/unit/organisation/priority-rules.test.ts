import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PRIORITY_RULES,
  describeAppliedRule,
  describeOutcome,
  evaluateRules,
  lintRules,
  priorityRulesSchema,
  type CallFacts,
  type PriorityRule,
  type PriorityRuleInput,
} from '../../../src/domain/priority-rules';
import type { OrgUnit } from '../../../src/domain/organisation';

// An état civil agent of the Ville (tier 1), calling by phone at 10:30 about a PC.
const etatCivil: CallFacts = {
  organisationId: 'ville',
  unitIds: ['svc-etat-civil', 'dir-population'],
  tier: 1,
  categoryIds: ['cat-poste', 'cat-materiel'],
  type: 'incident',
  channel: 'phone',
  siteId: 'site-hdv',
  minuteOfDay: 10 * 60 + 30,
};
// A Métropole médiathèque agent (tier 3), e-mail request at 19:00.
const mediatheque: CallFacts = {
  organisationId: 'metropole',
  unitIds: ['svc-mediatheques', 'dir-lecture'],
  tier: 3,
  categoryIds: ['cat-messagerie', 'cat-logiciel'],
  type: 'request',
  channel: 'email',
  siteId: 'site-zola',
  minuteOfDay: 19 * 60,
};
const medium = { urgency: 3, impact: 3 };
const rule = (r: Partial<PriorityRuleInput> & Pick<PriorityRuleInput, 'actions'>): PriorityRule =>
  priorityRulesSchema.parse([{ id: r.id ?? 'r', name: r.name ?? 'Règle', ...r }])[0]!;

describe('priority rules: each criterion', () => {
  const raise = [{ kind: 'raiseUrgency' as const, by: 1 }];
  const cases: [string, PriorityRuleInput['criteria']][] = [
    ['organisation', { organisationIds: ['ville'] }],
    ['service', { serviceIds: ['svc-etat-civil'] }],
    ['direction (covers its services)', { serviceIds: ['dir-population'] }],
    ['tier', { tiers: [1] }],
    ['category (covers sub-categories)', { categoryIds: ['cat-materiel'] }],
    ['type', { types: ['incident'] }],
    ['channel', { channels: ['phone'] }],
    ['site', { siteIds: ['site-hdv'] }],
    ['time of day', { timeOfDay: { from: '08:00', to: '18:00' } }],
  ];
  for (const [name, criteria] of cases) {
    it(`matches on ${name}, and only there`, () => {
      const r = [rule({ criteria, actions: raise })];
      expect(evaluateRules(r, etatCivil, medium).urgency).toBe(4);
      expect(evaluateRules(r, mediatheque, medium).urgency).toBe(3);
    });
  }

  it('wraps a night window past midnight and excludes its end', () => {
    const r = [rule({ criteria: { timeOfDay: { from: '18:00', to: '08:00' } }, actions: raise })];
    expect(evaluateRules(r, { ...etatCivil, minuteOfDay: 23 * 60 }, medium).urgency).toBe(4);
    expect(evaluateRules(r, { ...etatCivil, minuteOfDay: 7 * 60 + 59 }, medium).urgency).toBe(4);
    expect(evaluateRules(r, { ...etatCivil, minuteOfDay: 8 * 60 }, medium).urgency).toBe(3);
  });

  it('needs every criterion of a rule to hold', () => {
    const r = [rule({ criteria: { tiers: [1], channels: ['email'] }, actions: raise })];
    expect(evaluateRules(r, etatCivil, medium).applied).toEqual([]);
  });

  it('does not match a requester with no service on a service or tier criterion', () => {
    const none: CallFacts = { ...etatCivil, organisationId: null, unitIds: [], tier: null };
    expect(evaluateRules([rule({ criteria: { tiers: [1] }, actions: raise })], none, medium).urgency).toBe(3);
    expect(evaluateRules([rule({ criteria: { serviceIds: ['dir-population'] }, actions: raise })], none, medium).urgency).toBe(3);
  });
});

describe('priority rules: each action', () => {
  it('raises urgency and impact without passing Très haute, and sets them (even lower)', () => {
    const o = evaluateRules([rule({ actions: [{ kind: 'raiseUrgency', by: 4 }, { kind: 'raiseImpact', by: 1 }] })], etatCivil, medium);
    expect([o.urgency, o.impact]).toEqual([5, 4]);
    const s = evaluateRules([rule({ actions: [{ kind: 'setUrgency', level: 2 }, { kind: 'setImpact', level: 5 }] })], etatCivil, medium);
    expect([s.urgency, s.impact]).toEqual([2, 5]);
    expect(s.applied[0]!.effects).toEqual([
      { kind: 'urgency', how: 'set', from: 3, to: 2 },
      { kind: 'impact', how: 'set', from: 3, to: 5 },
    ]);
  });

  it('sets a team, an SLA and tags (each tag once)', () => {
    const o = evaluateRules(
      [rule({ actions: [{ kind: 'setTeam', teamId: 'team-infra' }, { kind: 'setSla', ttoMinutes: 15, ttrMinutes: 240 }, { kind: 'addTag', tag: 'crise' }, { kind: 'addTag', tag: 'crise' }] })],
      etatCivil,
      medium,
    );
    expect(o.teamId).toBe('team-infra');
    expect(o.sla).toEqual({ ttoMinutes: 15, ttrMinutes: 240 });
    expect(o.tags).toEqual(['crise']);
  });

  it('reports no effect when an action changes nothing (already Très haute)', () => {
    const o = evaluateRules([rule({ actions: [{ kind: 'raiseUrgency', by: 1 }] })], etatCivil, { urgency: 5, impact: 3 });
    expect(o.applied[0]!.effects).toEqual([]);
    expect(describeAppliedRule(o.applied[0]!, 'fr')).toBe('Règle : aucune modification');
  });
});

describe('priority rules: order, stop, override', () => {
  const a = rule({ id: 'a', name: 'A', criteria: { tiers: [1] }, actions: [{ kind: 'setUrgency', level: 4 }], stop: false });
  const b = rule({ id: 'b', name: 'B', actions: [{ kind: 'raiseUrgency', by: 1 }] });

  it('applies rules in their order: the later one sees the earlier one’s result', () => {
    expect(evaluateRules([a, b], etatCivil, medium).urgency).toBe(5); // set 4, then +1
    expect(evaluateRules([b, a], etatCivil, medium).urgency).toBe(4); // +1 → 4, then set 4
    expect(evaluateRules([a, b], etatCivil, medium).applied.map((x) => x.ruleId)).toEqual(['a', 'b']);
  });

  it('stops at the first matching "stop" rule, but a non-matching stop rule does not stop', () => {
    const stopA = { ...a, stop: true };
    expect(evaluateRules([stopA, b], etatCivil, medium).applied.map((x) => x.ruleId)).toEqual(['a']);
    expect(evaluateRules([stopA, b], mediatheque, medium).applied.map((x) => x.ruleId)).toEqual(['b']);
  });

  it('skips disabled rules', () => {
    expect(evaluateRules([{ ...a, enabled: false }], etatCivil, medium).applied).toEqual([]);
  });

  it('lets the operator override the rules’ urgency and records both values', () => {
    const o = evaluateRules(DEFAULT_PRIORITY_RULES, etatCivil, medium, { urgency: 3 });
    expect(o.urgency).toBe(3);
    expect(o.override).toEqual({ ruleUrgency: 4, ruleImpact: 3, urgency: 3, impact: 3 });
    expect(o.tags).toEqual(['service-vital']); // the other actions still apply
    expect(describeOutcome(o, 'fr')).toEqual(['Service vital : urgence relevée à Haute, étiquette « service-vital »', "Choix de l'opérateur : urgence Moyenne au lieu de Haute"]);
    expect(evaluateRules(DEFAULT_PRIORITY_RULES, etatCivil, medium, { urgency: 4 }).override).toBeNull(); // same as the rules: no override
  });

  it('ships the crisis default: a tier 1 call gets one more level of urgency, explained in both languages', () => {
    const o = evaluateRules(DEFAULT_PRIORITY_RULES, etatCivil, medium);
    expect(o.urgency).toBe(4);
    expect(describeAppliedRule(o.applied[0]!, 'fr')).toBe('Service vital : urgence relevée à Haute, étiquette « service-vital »');
    expect(describeAppliedRule(o.applied[0]!, 'en')).toBe('Service vital: urgency raised to High, tag "service-vital"');
    expect(evaluateRules(DEFAULT_PRIORITY_RULES, mediatheque, medium).applied).toEqual([]);
  });
});

describe('priority rules: schema and checks', () => {
  const act = [{ kind: 'addTag' as const, tag: 't' }];
  it('refuses invalid rules with the path of the problem', () => {
    const bad = priorityRulesSchema.safeParse([
      { id: 'x', name: 'X', actions: [] },
      { id: 'x', name: 'Y', criteria: { timeOfDay: { from: '25:00', to: '08:00' } }, actions: [{ kind: 'raiseUrgency', by: 9 }] },
      { id: 'z', name: 'Z', criteria: { tiers: [4] }, actions: [{ kind: 'explode' }] },
    ]);
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['0.actions', '1.criteria.timeOfDay.from', '1.actions.0.by', '2.criteria.tiers.0', '2.actions.0.kind']));
    const twice = priorityRulesSchema.safeParse([{ id: 'x', name: 'X', actions: act }, { id: 'x', name: 'Y', actions: act }]);
    expect(twice.error?.issues.map((i) => i.path.join('.'))).toEqual(['1.id']);
  });

  const units: OrgUnit[] = [
    { id: 'dir-population', organisationId: 'ville', parentId: null, kind: 'direction', name: 'Population', tier: null, archived: false },
    { id: 'svc-etat-civil', organisationId: 'ville', parentId: 'dir-population', kind: 'service', name: 'État civil', tier: 1, archived: false },
    { id: 'svc-recensement', organisationId: 'ville', parentId: 'dir-population', kind: 'service', name: 'Recensement', tier: 3, archived: true },
    { id: 'svc-mediatheques', organisationId: 'metropole', parentId: null, kind: 'service', name: 'Médiathèques', tier: 3, archived: false },
  ];
  const ctx = { organisationIds: ['ville', 'metropole'], units, categoryIds: ['cat-poste'], siteIds: ['site-hdv'], teamIds: ['team-infra'] };

  it('flags rules that can never match', () => {
    const rules = [
      rule({ id: 'tier', criteria: { serviceIds: ['svc-mediatheques'], tiers: [1] }, actions: act }),
      rule({ id: 'org', criteria: { serviceIds: ['svc-etat-civil'], organisationIds: ['metropole'] }, actions: act }),
      rule({ id: 'window', criteria: { timeOfDay: { from: '08:00', to: '08:00' } }, actions: act }),
      rule({ id: 'archived', criteria: { serviceIds: ['svc-recensement'] }, actions: act }),
      rule({ id: 'unknown', criteria: { categoryIds: ['cat-gone'] }, actions: [{ kind: 'setTeam', teamId: 'team-gone' }] }),
      rule({ id: 'fine', criteria: { serviceIds: ['dir-population'], tiers: [1] }, actions: act }),
    ];
    const issues = lintRules(rules, ctx);
    expect(issues.map((i) => `${i.ruleId}:${i.code}`).sort()).toEqual(
      ['archived:archivedServices', 'org:organisationConflict', 'tier:tierConflict', 'unknown:unknownReference', 'unknown:unknownReference', 'window:emptyTimeWindow'].sort(),
    );
  });

  it('flags a rule hidden by an earlier "stop" rule that covers it, not one it does not cover', () => {
    const rules = [
      rule({ id: 'vital', name: 'Service vital', criteria: { tiers: [1] }, actions: act, stop: true }),
      rule({ id: 'etat-civil-phone', criteria: { tiers: [1], channels: ['phone'] }, actions: act }),
      rule({ id: 'any-tier', criteria: { tiers: [1, 2] }, actions: act }),
      rule({ id: 'after-continue', criteria: { serviceIds: ['svc-etat-civil'], tiers: [1] }, actions: act }),
    ];
    const issues = lintRules(rules, ctx).filter((i) => i.code === 'shadowed');
    expect(issues.map((i) => i.ruleId)).toEqual(['etat-civil-phone', 'after-continue']);
    expect(issues[0]).toMatchObject({ byRuleId: 'vital', byName: 'Service vital' });
    expect(lintRules([{ ...rules[0]!, stop: false }, rules[1]!], ctx)).toEqual([]);
  });
});
