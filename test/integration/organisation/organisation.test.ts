import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeCore } from '../../support/core';

const app = makeCore({}, { lazy: true });
const open = (options: { demo?: boolean; policy?: unknown; clock?: () => Date } = {}) => {
  let policyFile: string | null = null;
  if (options.policy) {
    policyFile = path.join(app.dir, 'policy.json');
    fs.writeFileSync(policyFile, JSON.stringify(options.policy));
  }
  app.open({ demo: options.demo, policyFile, clock: options.clock });
};

const { call } = app;
const callError = app.refused;
const person = async (q: string) => (await call('directory.search', { q })).hits.find((h) => h.person)!.person!;

const TREE = `organisation;direction;service;criticité
Ville;Population;État civil;1 - vital
Ville;Population;Élections;2
Métropole;Cycle de l'Eau;Eau potable;1
Métropole;Lecture publique;Médiathèques;3
`;
const PEOPLE = `nom;prénom;organisation;direction;service;téléphone;e-mail;site
Lefèvre;François;Ville;Population;État civil;03 88 23 96 79;francois.lefevre@ville.test;Hôtel de Ville
Zola;Émile;METROPOLE;Lecture publique;Mediatheques;;emile.zola@metropole.test;Médiathèque
`;

describe('organisations: model, import, snapshot', () => {
  it('ships the two organisations with the fixed schema', async () => {
    open();
    const tree = await call('organisation.tree', {});
    expect(tree.organisations.map((o) => [o.id, o.code, o.name])).toEqual([
      ['metropole', 'Métropole', 'Clermont Auvergne Métropole'],
      ['ville', 'Ville', 'Ville de Clermont-Ferrand'],
    ]);
    const cols = (t: string) => (app.service.core.db.prepare(`PRAGMA table_info(${t})`).all() as { name: string }[]).map((c) => c.name);
    expect(cols('org_units')).toEqual(['id', 'organisation_id', 'parent_id', 'kind', 'name', 'tier', 'archived']);
    expect(cols('sites')).toEqual(['id', 'name', 'organisation_id']);
    expect(cols('people')).toContain('service_id');
    expect(cols('tickets')).toEqual(expect.arrayContaining(['organisation_id', 'service_id']));
  });

  it('imports the tree then people by organisation and service; a ticket keeps the snapshot of call time', async () => {
    open();
    expect((await call('directory.importCommit', { kind: 'services', csv: TREE })).imported).toBe(4);
    expect((await call('directory.importCommit', { kind: 'people', csv: PEOPLE })).imported).toBe(2);
    const tree = await call('organisation.tree', {});
    const etatCivil = tree.units.find((u) => u.name === 'État civil')!;
    expect(etatCivil).toMatchObject({ kind: 'service', tier: 1, organisationId: 'ville', archived: false });
    expect(tree.units.find((u) => u.id === etatCivil.parentId)?.name).toBe('Population');

    const agent = await person('lefevre');
    expect(agent.serviceId).toBe(etatCivil.id);
    const ticket = await call('tickets.logCall', { requesterId: agent.id, subject: 'Logiciel état civil bloqué' });
    expect(ticket.org).toMatchObject({ organisationId: 'ville', organisationCode: 'Ville', serviceName: 'État civil', directionName: 'Population', tier: 1, serviceArchived: false });
    expect(ticket.urgency).toBe(4); // the crisis default: tier 1 raises urgency by one
    expect(ticket.tags).toEqual(['service-vital']);
    const detail = await call('tickets.get', { id: ticket.id });
    expect(detail.timeline.find((f) => f.kind === 'rules')?.body).toBe('Service vital : urgence relevée à Haute, étiquette « service-vital »');

    // The agent moves to Élections; the old ticket still says État civil.
    const moved = `nom;prénom;organisation;direction;service;e-mail\nLefèvre;François;Ville;Population;Élections;francois.lefevre@ville.test\n`;
    await call('directory.importCommit', { kind: 'people', csv: moved });
    expect((await call('tickets.get', { id: ticket.id })).ticket.org.serviceName).toBe('État civil');

    // A service deleted later stays on old tickets, marked archived.
    await call('directory.importCommit', { kind: 'services', csv: 'organisation;direction;service;criticité;archivé\nVille;Population;État civil;1;oui\n' });
    expect((await call('tickets.get', { id: ticket.id })).ticket.org).toMatchObject({ serviceName: 'État civil', serviceArchived: true });
  });

  it('refuses unknown organisations and services line by line, and imports nothing', async () => {
    open();
    await call('directory.importCommit', { kind: 'services', csv: TREE });
    const badTree = `organisation;direction;service;criticité\nVille;Population;Funéraire;2\nDépartement;Routes;Viabilité hivernale;1\nVille;Population;Cimetières;7\n`;
    const preview = await call('directory.importPreview', { kind: 'services', csv: badTree });
    expect(preview.valid).toBe(1);
    expect(preview.errors.map((e) => e.line)).toEqual([3, 4]);
    expect(preview.errors[0]!.reason.fr).toContain('Organisation inconnue : « Département »');
    expect(preview.errors[1]!.reason.en).toContain('Invalid tier');
    const err = await callError('directory.importCommit', { kind: 'services', csv: badTree });
    expect(err.code).toBe('IMPORT_HAS_ERRORS');
    expect((await call('organisation.tree', {})).units.some((u) => u.name === 'Funéraire')).toBe(false);

    const badPeople = `nom;prénom;organisation;service;e-mail\nMartin;Joël;Ville;État civil;joel@ville.test\nDurand;Léa;Ville;Piscines;lea@ville.test\nPetit;Max;Agglo;Eau potable;max@x.test\n`;
    const p = await call('directory.importPreview', { kind: 'people', csv: badPeople });
    expect(p.errors.map((e) => [e.line, e.reason.fr.split(' :')[0]])).toEqual([
      [3, 'Service inconnu dans Ville'],
      [4, 'Organisation inconnue'],
    ]);
    await callError('directory.importCommit', { kind: 'people', csv: badPeople });
    expect((await call('directory.search', { q: 'martin' })).hits).toEqual([]);
  });

  it('holds both organisations in the demo, with tier 1 tickets and archived services on old tickets', async () => {
    open({ demo: true });
    const db = app.service.core.db;
    const perOrg = db.prepare('SELECT organisation_id AS org, COUNT(*) AS n FROM tickets GROUP BY organisation_id ORDER BY org').all() as { org: string; n: number }[];
    expect(perOrg.map((r) => r.org)).toEqual(['metropole', 'ville']);
    expect(perOrg.every((r) => r.n >= 10)).toBe(true);
    expect((db.prepare('SELECT COUNT(*) AS n FROM people WHERE service_id IS NULL').get() as { n: number }).n).toBe(0);
    const archived = db.prepare('SELECT t.id FROM tickets t JOIN org_units u ON u.id = t.service_id WHERE u.archived = 1 LIMIT 1').get() as { id: string };
    expect((await call('tickets.get', { id: archived.id })).ticket.org).toMatchObject({ serviceName: 'Recensement', serviceArchived: true });
  });
});

describe('priority rules in the workflow', () => {
  beforeEach(async () => {
    // Monday 15 June 2026, 10:00 in Paris: inside business hours, so SLA minutes are plain minutes.
    open({ clock: () => new Date('2026-06-15T08:00:00Z') });
    await call('directory.importCommit', { kind: 'services', csv: TREE });
    await call('directory.importCommit', { kind: 'people', csv: PEOPLE });
  });

  it('records the operator override on the timeline and keeps it on a later change', async () => {
    const agent = await person('lefevre');
    const explain = await call('organisation.explain', { requesterId: agent.id });
    expect(explain.outcome.urgency).toBe(4);
    const t = await call('tickets.logCall', { requesterId: agent.id, subject: 'Imprimante', urgency: 3, priorityOverride: { urgency: 3 } });
    expect(t.urgency).toBe(3);
    const rules = (await call('tickets.get', { id: t.id })).timeline.find((f) => f.kind === 'rules')!;
    expect(rules.body.split('\n')[1]).toBe("Choix de l'opérateur : urgence Moyenne au lieu de Haute");
    expect(rules.data).toMatchObject({ override: { ruleUrgency: 4, urgency: 3 } });
  });

  it('re-runs the rules when the requester changes, without compounding', async () => {
    const zola = await person('zola');
    const lefevre = await person('lefevre');
    const t = await call('tickets.logCall', { requesterId: zola.id, subject: 'Catalogue lent' });
    expect([t.urgency, t.org.tier, t.tags]).toEqual([3, 3, []]);
    const r = await call('tickets.reclassify', { id: t.id, requesterId: lefevre.id });
    expect([r.urgency, r.priority, r.org.serviceName, r.tags, r.requesterName]).toEqual([4, 4, 'État civil', ['service-vital'], 'François Lefèvre']);
    const again = await call('tickets.reclassify', { id: t.id, categoryId: (await call('tickets.meta', {})).categories[0]!.id });
    expect(again.urgency).toBe(4);
    const back = await call('tickets.reclassify', { id: t.id, requesterId: zola.id });
    expect([back.urgency, back.tags]).toEqual([3, []]);
  });

  it('a correction of the requester in the ticket editor re-runs the rules, says why, goes to the outbox, and keeps an operator override', async () => {
    const zola = await person('zola');
    const lefevre = await person('lefevre');
    const t = await call('tickets.logCall', { requesterId: zola.id, subject: 'Logiciel bloqué' });
    expect([t.urgency, t.priority, t.org.tier]).toEqual([3, 3, 3]);
    const outboxBefore = (app.service.core.db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE ticket_id = ? AND kind = 'ticket.update'").get(t.id) as { n: number }).n;

    // Wrong homonym fixed: the real caller works at État civil (tier 1), so the rules raise urgency.
    const fixed = await call('tickets.edit', { id: t.id, changes: { requester: { personId: lefevre.id } } });
    expect([fixed.requesterName, fixed.urgency, fixed.priority, fixed.org.serviceName, fixed.org.tier, fixed.tags]).toEqual(['François Lefèvre', 4, 4, 'État civil', 1, ['service-vital']]);
    const timeline = (await call('tickets.get', { id: t.id })).timeline;
    const rules = timeline.filter((f) => f.kind === 'rules').at(-1)!;
    expect(rules.body).toMatch(/urgence relevée/i);
    expect(rules.data).toMatchObject({ on: 'edit' });
    const outbox = app.service.core.db.prepare("SELECT payload FROM outbox WHERE ticket_id = ? AND kind = 'ticket.update' ORDER BY rowid").all(t.id) as { payload: string }[];
    expect(outbox.length).toBeGreaterThan(outboxBefore);
    expect(outbox.map((o) => JSON.parse(o.payload).changes).find((c) => c.urgency !== undefined)).toMatchObject({ urgency: 4, priority: 4, requesterName: 'François Lefèvre' });

    // The operator lowers the urgency by hand: an override. Correcting the category later keeps it.
    const lowered = await call('tickets.edit', { id: t.id, changes: { urgency: 2 } });
    expect(lowered.urgency).toBe(2);
    const category = (await call('tickets.meta', {})).categories[0]!;
    const recat = await call('tickets.edit', { id: t.id, changes: { categoryId: category.id } });
    expect([recat.categoryId, recat.urgency]).toEqual([category.id, 2]);
    const last = (await call('tickets.get', { id: t.id })).timeline.filter((f) => f.kind === 'rules').at(-1)!;
    expect(last.data).toMatchObject({ on: 'edit', override: { urgency: 2 } });
  });

  it('applies a rule’s team and SLA, previews a draft on recent tickets and saves it', async () => {
    const meta = await call('tickets.meta', {});
    const infra = meta.teams.find((x) => x.name === 'Infrastructure technique')!;
    const lefevre = await person('lefevre');
    const zola = await person('zola');
    for (let i = 0; i < 3; i++) await call('tickets.logCall', { requesterId: lefevre.id, subject: `Appel ${i}` });
    for (let i = 0; i < 2; i++) await call('tickets.logCall', { requesterId: zola.id, subject: `Appel ${i}` });
    const { rules } = await call('organisation.rules', {});
    const draft = [
      ...rules,
      { id: 'ville-infra', name: 'Ville vers Infra', criteria: { organisationIds: ['ville'] }, actions: [{ kind: 'setTeam' as const, teamId: infra.id }, { kind: 'setSla' as const, ttoMinutes: 15, ttrMinutes: 120 }] },
    ];
    const preview = await call('organisation.previewRules', { rules: draft });
    expect(preview.sample).toBe(5);
    expect(preview.changed).toBe(3);
    expect(preview.perRule.find((p) => p.ruleId === 'ville-infra')).toEqual({ ruleId: 'ville-infra', matched: 3, modified: 3 });
    await call('organisation.saveRules', { rules: draft });
    const t = await call('tickets.logCall', { requesterId: lefevre.id, subject: 'Serveur de fichiers' });
    expect(t.teamName).toBe('Infrastructure technique');
    expect(Date.parse(t.ttoDue!) - Date.parse(t.createdAt)).toBe(15 * 60_000);
  });

  it('flags a never-matching and a shadowed rule, and refuses an invalid one with the reason', async () => {
    const state = await call('organisation.rules', {});
    const draft = [
      { ...state.rules[0]!, stop: true },
      { id: 'hidden', name: 'Caché', criteria: { tiers: [1 as const], channels: ['phone' as const] }, actions: [{ kind: 'addTag' as const, tag: 'x' }] },
      { id: 'never', name: 'Jamais', criteria: { timeOfDay: { from: '09:00', to: '09:00' } }, actions: [{ kind: 'addTag' as const, tag: 'y' }] },
    ];
    const preview = await call('organisation.previewRules', { rules: draft });
    expect(preview.issues.map((i) => `${i.ruleId}:${i.code}`)).toEqual(['hidden:shadowed', 'never:emptyTimeWindow']);
    const err = await callError('organisation.saveRules', { rules: [{ id: 'r', name: 'R', actions: [{ kind: 'raiseUrgency', by: 0 }] }] });
    expect(err.code).toBe('INVALID_INPUT');
  });
});

describe('priority rules under the policy', () => {
  it('uses the administrator’s rules and refuses changes when locked', async () => {
    open({ policy: { priorityRules: { locked: true, rules: [{ id: 'p', name: 'Politique', criteria: { organisationIds: ['metropole'] }, actions: [{ kind: 'setImpact', level: 5 }] }] } } });
    const state = await call('organisation.rules', {});
    expect(state.locked).toBe(true);
    expect(state.rules.map((r) => r.id)).toEqual(['p']);
    const err = await callError('organisation.saveRules', { rules: [] });
    expect(err.code).toBe('POLICY_LOCKED');
    expect(err.message.fr).toContain("verrouillées par la politique de l'administrateur");
  });
});

describe('queue by organisation, service and tier', () => {
  it('filters and shows organisation, service and tier; tier 1 first within a priority; "Services vitaux" view', async () => {
    open();
    await call('directory.importCommit', { kind: 'services', csv: TREE });
    await call('directory.importCommit', { kind: 'people', csv: PEOPLE });
    const lefevre = await person('lefevre');
    const zola = await person('zola');
    // Same priority (Haute) for both: the médiathèque call is logged at 4 by the operator; the
    // état civil call gets there through the rule. The later one (Zola) would come first by number.
    const vital = await call('tickets.logCall', { requesterId: lefevre.id, subject: 'Actes bloqués', urgency: 3, impact: 5 });
    const standard = await call('tickets.logCall', { requesterId: zola.id, subject: 'Catalogue', urgency: 4, impact: 5 });
    expect(vital.priority).toBe(standard.priority);
    const page = await call('tickets.list', { sort: 'priority', dir: 'desc' });
    expect(page.rows.map((r) => r.subject)).toEqual(['Actes bloqués', 'Catalogue']);
    expect(page.rows[0]).toMatchObject({ organisationCode: 'Ville', serviceName: 'État civil', tier: 1, serviceArchived: false });
    expect(page.rows[1]).toMatchObject({ organisationCode: 'Métropole', serviceName: 'Médiathèques', tier: 3 });

    const byOrg = await call('tickets.list', { filter: { organisationIds: ['metropole'] } });
    expect(byOrg.rows.map((r) => r.subject)).toEqual(['Catalogue']);
    const byService = await call('tickets.list', { filter: { serviceIds: [vital.org.serviceId!] } });
    expect(byService.rows.map((r) => r.subject)).toEqual(['Actes bloqués']);
    const views = (await call('tickets.views', {})).views;
    const vitalView = views.find((v) => v.id === 'vital')!;
    expect(vitalView.count).toBe(1);
    const inView = await call('tickets.list', { filter: vitalView.filter, sort: vitalView.sort, dir: vitalView.dir });
    expect(inView.rows.map((r) => r.id)).toEqual([vital.id]);
  });
});
