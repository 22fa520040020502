/**
 * Security incidents against a real SQLite store: the signalement fast path, what cannot be
 * deleted, the audit trail, evidence from a real tool run, the 72-hour clock, verifiable
 * exports and phishing campaigns.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOutbox } from '../../../src/features/tickets/outbox';
import { makeTempDir } from '../../support/temp-dir';
import { startIncidentHarness, type IncidentHarness } from './harness';

let temp: { dir: string; cleanup(): void };
let h: IncidentHarness;
let clock = new Date('2026-03-10T09:12:00Z');

beforeAll(() => {
  temp = makeTempDir('relais-incidents-');
  h = startIncidentHarness(path.join(temp.dir, 'data'), { clock: () => clock });
});
afterAll(async () => {
  await h?.close();
  temp?.cleanup();
});

const call = (description: string, requesterName = 'Hélène Dupré') => ({ requesterName, description, requesterPhone: '04 73 00 00 00' });
const audit = (ticketId: string) => h.security.audit.list({ ticketId, limit: 1000 });

describe('signalement sécurité', () => {
  it('logs the call at maximum priority, in the security category, routed to the security team, with outbox rows that carry it', async () => {
    const { ticket, incident } = await h.call('incidents.report', { categoryKey: 'ransomware', call: call('Message de rançon à l’écran, fichiers en .locked') });
    expect(ticket.priority).toBe(6);
    expect(ticket.categoryName).toBe('Sécurité > Rançongiciel suspecté');
    expect(ticket.teamName).toBe('Infrastructure technique');
    expect(incident).toMatchObject({ state: 'open', categoryKey: 'ransomware', containedAt: null });
    // What another console receives once synced: the category (and priority, team) in the outbox.
    const ops = readOutbox(h.core.db, { ticketId: ticket.id });
    const update = ops.find((o) => o.kind === 'ticket.update');
    expect(update?.payload.changes).toMatchObject({ priority: 6 });
    expect(ops.find((o) => o.kind === 'ticket.create')?.payload).toMatchObject({ teamName: 'Infrastructure technique' });
    expect(update?.payload.changes.categoryId).toBe(ticket.categoryId);
    const detail = await h.call('incidents.get', { ticketId: ticket.id });
    expect(detail.isSecurity).toBe(true);
  });

  it('a ticket that arrives with a security category (another console) is shown as one', async () => {
    const meta = await h.call('tickets.meta');
    const cat = meta.categories.find((c) => c.fullName === 'Sécurité > Hameçonnage')!;
    const t = await h.call('tickets.logCall', { ...call('Lien cliqué'), categoryId: cat.id });
    expect((await h.call('incidents.get', { ticketId: t.id })).isSecurity).toBe(true);
    // ... and is in the register, as reported elsewhere.
    expect((await h.call('incidents.list')).incidents.find((i) => i.ticketId === t.id)).toMatchObject({ categoryKey: 'phishing', state: 'open', containedAt: null });
    const other = await h.call('tickets.logCall', call('Imprimante bloquée'));
    expect((await h.call('incidents.get', { ticketId: other.id })).isSecurity).toBe(false);
  });

  it('cannot be deleted, nor can its timeline, the incident or its evidence be changed', async () => {
    const { ticket } = await h.call('incidents.report', { categoryKey: 'data_leak', call: call('Fichier RH envoyé à l’extérieur') });
    const db = h.core.db;
    db.prepare('DELETE FROM followups WHERE ticket_id = ?').run(ticket.id);
    db.prepare('DELETE FROM tickets WHERE id = ?').run(ticket.id);
    expect(db.prepare('SELECT COUNT(*) FROM tickets WHERE id = ?').pluck().get(ticket.id)).toBe(1);
    expect((await h.call('tickets.get', { id: ticket.id })).timeline.length).toBeGreaterThan(1);
    expect(() => db.prepare('DELETE FROM security_incidents WHERE ticket_id = ?').run(ticket.id)).toThrow(/cannot be deleted/);
    const ev = h.incidents.service.addEvidence(ticket.id, { label: 'capture', content: Buffer.from('note de rançon') });
    expect(() => db.prepare('UPDATE incident_evidence SET sha256 = ? WHERE id = ?').run('0'.repeat(64), ev.id)).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM incident_evidence WHERE id = ?').run(ev.id)).toThrow(/append-only/);
    // An ordinary ticket is deleted as usual (e.g. deleted on the server and pulled).
    const plain = await h.call('tickets.logCall', call('Souris cassée'));
    db.prepare('DELETE FROM tickets WHERE id = ?').run(plain.id);
    expect(db.prepare('SELECT COUNT(*) FROM tickets WHERE id = ?').pluck().get(plain.id)).toBe(0);
  });

  it('writes every action on the incident to the audit log, whoever makes it, and the chain verifies', async () => {
    const { ticket } = await h.call('incidents.report', { categoryKey: 'compromised_account', call: call('Mot de passe saisi sur un faux site') });
    const before = audit(ticket.id).map((r) => r.action);
    expect(before).toEqual(expect.arrayContaining(['incident.reported', 'incident.timeline.call', 'incident.timeline.security_report', 'incident.timeline.assign']));
    await h.call('tickets.addFollowup', { id: ticket.id, body: 'Agent rappelé, mot de passe changé' });
    await h.call('tickets.takeCharge', { id: ticket.id });
    const actions = audit(ticket.id).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['incident.timeline.note']));
    expect(actions.filter((a) => a === 'incident.timeline.assign').length).toBe(2);
    expect(h.security.audit.verify().ok).toBe(true);
  });

  it('marks an ordinary ticket as a security incident afterwards, and a resolved incident is closed in the register', async () => {
    const plain = await h.call('tickets.logCall', call('Le poste affiche des publicités partout'));
    const inc = await h.call('incidents.mark', { ticketId: plain.id, categoryKey: 'abnormal_behaviour' });
    expect(inc).toMatchObject({ state: 'open', categoryName: 'Sécurité > Comportement anormal' });
    const t = (await h.call('tickets.get', { id: plain.id })).ticket;
    expect(t).toMatchObject({ priority: 6, teamName: 'Infrastructure technique' });
    expect(audit(plain.id).map((r) => r.action)).toContain('incident.marked');
    await h.call('tickets.resolve', { id: plain.id, solution: 'Extension de navigateur malveillante retirée' });
    expect((await h.call('incidents.list')).incidents.find((i) => i.ticketId === plain.id)?.state).toBe('closed');
  });

  it('refuses an unknown security category with a message that says what to do', async () => {
    await expect(h.call('incidents.report', { categoryKey: 'alien_attack', call: call('?') })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('breach clock, evidence and export', () => {
  it('starts the 72-hour clock when a breach is suspected', async () => {
    const { ticket } = await h.call('incidents.report', { categoryKey: 'data_leak', call: call('Clé USB perdue avec des dossiers usagers') });
    clock = new Date('2026-03-10T10:00:00Z');
    const inc = await h.call('incidents.setBreach', { ticketId: ticket.id, suspected: true });
    expect(inc.breachDeadline).toBe('2026-03-13T10:00:00.000Z');
    clock = new Date('2026-03-12T09:30:00Z');
    const d = await h.call('incidents.get', { ticketId: ticket.id });
    expect(d.breach).toMatchObject({ overdue: false, remainingMs: (24 * 60 + 30) * 60_000 });
    clock = new Date('2026-03-13T10:00:01Z');
    expect((await h.call('incidents.get', { ticketId: ticket.id })).breach?.overdue).toBe(true);
    expect(audit(ticket.id).map((r) => r.action)).toContain('incident.breach.suspected');
  });

  it('attaches a real tool run as evidence (SHA-256 of the exact output), exports it, and one changed byte fails verification', async () => {
    clock = new Date('2026-03-10T11:00:00Z');
    const { ticket } = await h.call('incidents.report', { categoryKey: 'abnormal_behaviour', call: call('Le ventilateur tourne à fond, fichiers renommés') });
    const { run } = await h.call('tools.run', { toolId: 'linux-system-info', target: { kind: 'local' }, ticketId: ticket.id });
    const done = await h.tools.runs.wait(run.id);
    expect(done.status).toBe('succeeded');
    const detail = await h.call('incidents.get', { ticketId: ticket.id });
    expect(detail.evidence).toHaveLength(1);
    expect(detail.evidence[0]!.sha256).toBe(done.outputDigest);
    const content = await h.call('incidents.evidenceContent', { id: detail.evidence[0]!.id });
    expect(audit(ticket.id).map((r) => r.action)).toContain('incident.evidence.read');
    expect(Buffer.from(content.base64, 'base64').toString('utf8')).toBe(h.tools.runs.get(run.id).output);
    const timeline = (await h.call('tickets.get', { id: ticket.id })).timeline;
    expect(timeline.some((f) => f.kind === 'evidence' && f.body.includes(done.outputDigest!))).toBe(true);

    const json = await h.call('incidents.export', { ticketId: ticket.id, format: 'json' });
    const text = Buffer.from(json.base64, 'base64').toString('utf8');
    const doc = JSON.parse(text);
    expect(doc.body.entries.map((e: { kind: string }) => e.kind)).toEqual(expect.arrayContaining(['call', 'security_report', 'evidence']));
    expect(doc.body.entries.every((e: { actor: string; at: string }) => e.actor && e.at)).toBe(true);
    expect(doc.body.evidence[0].sha256).toBe(done.outputDigest);
    expect(await h.call('incidents.verifyExport', { text })).toMatchObject({ ok: true, problems: [] });

    // Verified elsewhere: a separate process with only the file and the verifier.
    const file = path.join(temp.dir, 'incident.json');
    fs.writeFileSync(file, text);
    expect(execFileSync('npx', ['tsx', 'scripts/incident-verify.ts', file], { encoding: 'utf8' })).toMatch(/OK/);

    // One byte changed in an evidence's content, in an action's text, in the digest: each fails.
    const evidenceB64 = doc.body.evidence[0].contentBase64 as string;
    const flipped = Buffer.from(evidenceB64, 'base64');
    flipped[0] = flipped[0]! ^ 1;
    const tampered = [
      text.replace(evidenceB64, flipped.toString('base64')),
      text.replace('Le ventilateur tourne', 'Le ventilateur tourns'),
      text.replace(doc.bodySha256, (doc.bodySha256[0] === 'a' ? 'b' : 'a') + doc.bodySha256.slice(1)),
    ];
    for (const bad of tampered) {
      expect(bad).not.toBe(text);
      const r = await h.call('incidents.verifyExport', { text: bad });
      expect(r.ok).toBe(false);
      expect(r.problems.length).toBeGreaterThan(0);
    }
    fs.writeFileSync(file, tampered[1]!);
    expect(() => execFileSync('npx', ['tsx', 'scripts/incident-verify.ts', file], { encoding: 'utf8', stdio: 'pipe' })).toThrow();

    const pdf = await h.call('incidents.export', { ticketId: ticket.id, format: 'pdf' });
    const pdfFile = path.join(temp.dir, 'incident.pdf');
    fs.writeFileSync(pdfFile, Buffer.from(pdf.base64, 'base64'));
    const pdfText = execFileSync('pdftotext', ['-layout', pdfFile, '-'], { encoding: 'utf8' });
    expect(pdfText).toContain(done.outputDigest!);
    expect(pdfText).toMatch(/corps canonique\) :\s+[0-9a-f]{64}/);
    expect(pdfText).toMatch(/security_report/);
  }, 60_000);
});

describe('phishing campaigns', () => {
  const variants = [
    { sender: 'Service Colis <noreply@colis-express.fr>', subject: 'Votre colis n°48213 est en attente', text: 'Bonjour,\nPayez 1,99 € ici : https://suivi.colis-express.fr/p?id=48213\nMerci' },
    { sender: 'support@colis-express.fr', subject: 'RE: Votre colis n° 99102 est en attente', text: 'Cliquez : http://colis-express.fr/x' },
    {
      sender: '',
      subject: '',
      text: 'From: "La Poste" <info@l4poste-suivi.com>\nSubject: =?UTF-8?B?Vm90cmUgY29saXMgbsKwNzcxMiBlc3QgZW4gYXR0ZW50ZQ==?=\nContent-Type: text/html; charset=utf-8\n\n<p>Votre colis : <a href="https://suivi.colis-express.fr/track">suivre</a><script>alert(1)</script></p>',
    },
    { sender: 'Livraison <livraison@l4poste-suivi.com>', subject: 'Dernier avis : livraison suspendue', text: 'https://l4poste-suivi.com/avis' },
    { sender: 'x@gmail.com', subject: 'TR: votre COLIS n°5 est en ATTENTE !', text: 'pas de lien' },
  ];

  it('groups five reported variants into one campaign under a parent incident, and matches a sixth caller', async () => {
    const start = new Date('2026-03-11T09:12:00Z');
    const results = [];
    for (const [i, v] of variants.entries()) {
      clock = new Date(start.getTime() + i * 7 * 60_000);
      results.push(await h.call('incidents.reportPhishing', { paste: v, call: call('Mail suspect reçu', `Agent ${i + 1}`) }));
    }
    // Links are defanged, never live.
    expect(results[0]!.details.links).toEqual(['hxxps://suivi[.]colis-express[.]fr/p?id=48213']);
    expect(results[2]!.details).toMatchObject({ sender: 'info[@]l4poste-suivi[.]com', subject: 'Votre colis n°7712 est en attente' });
    expect(results[2]!.details.excerpt).not.toMatch(/<script|https?:\/\//);
    const ids = new Set(results.map((r) => r.campaign?.id));
    expect(results[0]!.campaign).toBeNull(); // alone, the first report is no campaign yet
    expect(new Set(results.slice(1).map((r) => r.campaign?.id)).size).toBe(1);
    expect(ids.size).toBe(2); // null, then the one campaign
    const campaign = results[4]!.campaign!;
    expect(campaign.count).toBe(5);
    expect(campaign.firstAt).toBe('2026-03-11T09:12:00.000Z');

    // The five reports are children of one parent incident ticket.
    const parent = await h.call('tickets.get', { id: campaign.parentTicketId });
    expect(parent.ticket.categoryName).toBe('Sécurité > Hameçonnage');
    expect(parent.timeline.filter((f) => f.kind === 'incident_campaign')).toHaveLength(5);
    for (const r of results) expect((await h.call('incidents.get', { ticketId: r.ticket.id })).incident?.campaignId).toBe(campaign.id);

    // The sixth caller: the ongoing campaign is offered, with the prepared answer.
    clock = new Date('2026-03-11T10:05:00Z');
    const { campaigns, answer } = await h.call('incidents.campaigns', { ongoingOnly: true });
    expect(campaigns.map((c) => c.id)).toEqual([campaign.id]);
    expect(answer.fr).toMatch(/Ne cliquez/);
    const sixth = await h.call('incidents.joinCampaign', { campaignId: campaign.id, call: call('Même mail que les collègues', 'Agent 6') });
    expect(sixth.campaign.count).toBe(6);
    expect(sixth.ticket.priority).toBe(6);
    expect((await h.call('tickets.get', { id: sixth.ticket.id })).timeline.some((f) => f.body.includes(answer.fr))).toBe(true);

    // A sixth report pasted as a variant joins the same campaign by itself.
    const pasted = await h.call('incidents.reportPhishing', { paste: { sender: 'noreply@colis-express.fr', subject: 'Colis en attente', text: '' }, call: call('Encore un', 'Agent 7') });
    expect(pasted.campaign?.id).toBe(campaign.id);
    expect(pasted.campaign?.count).toBe(7);

    // Outside the window, an unrelated report starts nothing.
    clock = new Date('2026-03-20T10:00:00Z');
    const late = await h.call('incidents.reportPhishing', { paste: { sender: 'a@autre-site.org', subject: 'Facture impayée', text: 'https://factures.example/x' }, call: call('Autre', 'Agent 8') });
    expect(late.campaign).toBeNull();
    expect((await h.call('incidents.campaigns', { ongoingOnly: true })).campaigns).toEqual([]);
  });

  it('refuses an empty or oversized paste with a clear message', async () => {
    await expect(h.call('incidents.reportPhishing', { paste: { sender: '', subject: '', text: '   ' }, call: call('rien') })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(h.call('incidents.reportPhishing', { paste: { text: 'x'.repeat(600 * 1024) }, call: call('énorme') })).rejects.toThrow(/524288/);
  });
});

describe('configuration and restart', () => {
  it('routes to the configured team and category list', async () => {
    const cfg = await h.call('incidents.config');
    await h.call('incidents.setConfig', { ...cfg, team: 'Hotline', categories: [...cfg.categories, { key: 'fake_support', name: 'Faux support technique', label: { fr: 'Faux support technique', en: 'Tech-support scam' } }] });
    // A category not yet in the tree is refused with what to do.
    await expect(h.call('incidents.report', { categoryKey: 'fake_support', call: call('Un « technicien Microsoft » a appelé') })).rejects.toMatchObject({ code: 'INCIDENT_CATEGORY_MISSING' });
    const { ticket } = await h.call('incidents.report', { categoryKey: 'unknown_media', call: call('Clé USB trouvée au parking') });
    expect(ticket.teamName).toBe('Hotline');
    await h.call('incidents.setConfig', cfg);
    expect(h.security.audit.list({ action: 'incident.config.changed', limit: 10 }).length).toBe(2);
  });

  it('after a crash the first-response checklist resumes where it stopped, the incident and its audit chain intact', async () => {
    const dir = path.join(temp.dir, 'restart');
    let h2 = startIncidentHarness(dir);
    const { ticket } = await h2.call('incidents.report', { categoryKey: 'ransomware', call: call('Écran de rançon') });
    const { run } = await h2.call('tools.checklistStart', { checklistId: 'rancongiciel-premiers-gestes', target: { kind: 'ssh', profileId: 'pc-absent' }, ticketId: ticket.id });
    for (let i = 0; i < 3; i++) await h2.call('tools.checklistTick', { runId: run.id, stepIndex: i, note: `réponse ${i + 1}` });
    // No orderly close: the database file is simply opened again by a new console.
    const crashed = h2;
    crashed.core.db.close();
    h2 = startIncidentHarness(dir);
    try {
      const resumed = (await h2.call('tools.checklistGet', { runId: run.id })).run;
      expect(resumed.currentStep).toBe(3);
      expect(resumed.steps.slice(0, 3).map((s) => s.note)).toEqual(['réponse 1', 'réponse 2', 'réponse 3']);
      expect((await h2.call('incidents.get', { ticketId: ticket.id })).incident?.state).toBe('open');
      await h2.call('tools.checklistTick', { runId: run.id, stepIndex: 3, note: 'S:\\Eau' });
      expect(h2.security.audit.verify().ok).toBe(true);
    } finally {
      await h2.close();
      await crashed.close().catch(() => {}); // its timers and listeners
    }
  });
});

describe('incident register', () => {
  it('lists incidents with their state and time to containment', async () => {
    const { incidents } = await h.call('incidents.list');
    expect(incidents.length).toBeGreaterThanOrEqual(5);
    expect(incidents.every((i) => ['open', 'contained', 'closed'].includes(i.state))).toBe(true);
  });
});
