/**
 * Security incidents: the "signalement sécurité" fast path, evidence with SHA-256 digests,
 * containment, the 72-hour breach clock and phishing campaigns.
 *
 * Tickets are created and changed only through the tickets workflow (so every change has
 * its outbox row and syncs); this feature keeps its own tables beside them (migration 0080)
 * and writes every action on an incident to the audit log through its public `append`.
 */
import crypto from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../platform/db';
import { RelaisError, commonErrors } from '../../base/errors';
import type { TicketWorkflow } from '../tickets/ticket-workflow';
import { readSetting, writeSetting } from '../tickets/repos/settings';
import { findTeamByName } from '../tickets/repos/teams';
import type { ReferentialsPort } from '../tickets/referentials-port';
import type { LogCallInput, Ticket } from '../../domain/tickets';
import {
  DEFAULT_INCIDENT_CONFIG,
  ISOLATION_TOOLS,
  MAX_PRIORITY,
  breachClock,
  incidentConfigSchema,
  isSecurityCategory,
  securityCategoryFullName,
  timeToContainment,
  type Evidence,
  type Incident,
  type IncidentConfig,
} from '../../domain/incidents';
import { matchingReports, type Campaign, type PhishingDetails, type PhishingPaste } from '../../domain/phishing';
import { parsePhishing } from './phishing-parse';
import { statusText } from '../tools/runs';

const CONFIG_KEY = 'incidents.config';

export interface AuditPort {
  append(entry: { action: string; target?: string; ticketId?: string; details?: Record<string, unknown> }): unknown;
}

/** What the incidents feature needs from the tool runs (tools feature's port). */
export interface FinishedToolRun {
  id: string;
  toolId: string;
  toolLabel: { fr: string; en: string };
  ticketId: string | null;
  status: string;
  finishedAt: string | null;
  outputDigest: string | null;
  error: { fr: string; en: string } | null;
}

export interface IncidentServiceDeps {
  db: Db;
  now(): Date;
  currentUser(): string;
  workflow: TicketWorkflow;
  /** Categories and SLA due dates (on the business-hours calendar), from the tickets feature. */
  referentials: ReferentialsPort;
  audit: AuditPort;
  /** Tells the UIs these tickets changed (the tickets feature's event). */
  changed(ids: string[]): void;
}

type Row = Record<string, any>;


export const incidentErrors = {
  unknownCategory: (key: string) =>
    RelaisError.of('INVALID_INPUT_securityCategory', { key: key.slice(0, 40) }),
  categoryMissing: (name: string) =>
    RelaisError.of('INCIDENT_CATEGORY_MISSING', { name }),
  teamMissing: (name: string) =>
    RelaisError.of('INCIDENT_TEAM_MISSING', { name }),
  notIncident: (id: string) => commonErrors.notFound('NOUN_INCIDENT', id),
  emptyReport: () =>
    RelaisError.of('INVALID_INPUT_emptyPaste'),
  unknownCampaign: (id: string) => commonErrors.notFound('NOUN_CAMPAIGN', id),
};

export function sha256(data: Buffer | string): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

export function createIncidentService(deps: IncidentServiceDeps) {
  const { db, workflow } = deps;
  const at = () => deps.now().toISOString();
  const tx = <T>(fn: () => T): T => db.transaction(fn).immediate();

  const config = (): IncidentConfig => readSetting(db, CONFIG_KEY, incidentConfigSchema, DEFAULT_INCIDENT_CONFIG);

  const audit = (action: string, ticketId: string | undefined, details: Record<string, unknown> = {}) => {
    deps.audit.append({ action, target: ticketId, ticketId, details });
  };

  const categoryId = (key: string): { id: string; name: string } => {
    const cfg = config();
    const c = cfg.categories.find((x) => x.key === key);
    if (!c) throw incidentErrors.unknownCategory(key);
    const full = securityCategoryFullName(cfg.rootCategory, c.name);
    const found = deps.referentials.categories().find((x) => x.fullName.toLocaleLowerCase('fr') === full.toLocaleLowerCase('fr'));
    if (!found) throw incidentErrors.categoryMissing(full);
    return { id: found.id, name: full };
  };
  const securityTeam = () => {
    const name = config().team;
    const team = findTeamByName(db, name);
    if (!team) throw incidentErrors.teamMissing(name);
    return team;
  };

  const row = (ticketId: string) => db.prepare('SELECT * FROM security_incidents WHERE ticket_id = ?').get(ticketId) as Row | undefined;

  const toIncident = (r: Row): Incident => {
    const t = workflow.get(r.ticket_id);
    const clock = r.breach_suspected_at ? breachClock(r.breach_suspected_at, deps.now()) : null;
    const closed = t.status >= 5;
    return {
      ticketId: t.id,
      number: t.number,
      subject: t.subject,
      categoryKey: r.category_key,
      categoryName: t.categoryName,
      state: closed ? 'closed' : r.contained_at ? 'contained' : 'open',
      ticketStatus: t.status,
      requesterName: t.requesterName,
      reportedAt: r.reported_at,
      reportedBy: r.reported_by,
      containedAt: r.contained_at ?? null,
      timeToContainmentMs: timeToContainment(r.reported_at, r.contained_at ?? null),
      breachSuspectedAt: r.breach_suspected_at ?? null,
      breachDeadline: clock?.deadline ?? null,
      campaignId: r.campaign_id ?? null,
      evidenceCount: (db.prepare('SELECT COUNT(*) FROM incident_evidence WHERE ticket_id = ?').pluck().get(t.id) as number) ?? 0,
    };
  };

  const get = (ticketId: string): Incident => {
    const r = row(ticketId);
    if (!r) throw incidentErrors.notIncident(ticketId);
    return toIncident(r);
  };

  /** Raises the ticket to maximum priority, security category and team; records the incident. Inside a transaction. */
  const escalate = (ticket: Ticket, key: string, reportedAt: string, campaignId: string | null = null): Ticket => {
    const cat = categoryId(key);
    const team = securityTeam();
    const due = deps.referentials.slaDueDates(new Date(ticket.createdAt), MAX_PRIORITY);
    const updated = workflow.update(
      ticket.id,
      { categoryId: cat.id, priority: MAX_PRIORITY, urgency: 5, impact: 5, teamId: team.id, type: 'incident', ttoDue: due.ttoDue, ttrDue: due.ttrDue },
      { kind: 'security_report', body: `Signalement sécurité : ${cat.name} — priorité majeure, équipe ${team.name}`, data: { categoryKey: key, category: cat.name, team: team.name } },
    );
    db.prepare('INSERT OR IGNORE INTO security_incidents (ticket_id, category_key, reported_at, reported_by, campaign_id) VALUES (?, ?, ?, ?, ?)').run(ticket.id, key, reportedAt, deps.currentUser(), campaignId);
    return updated;
  };

  /** Audits timeline entries of incident tickets not audited yet (every action, whoever made it). */
  const auditTimeline = (ticketIds: string[]) => {
    for (const id of new Set(ticketIds)) {
      if (!row(id)) continue;
      const fresh = db
        .prepare('SELECT f.id, f.kind, f.author, f.created_at, f.body, f.data FROM followups f WHERE f.ticket_id = ? AND NOT EXISTS (SELECT 1 FROM incident_audited a WHERE a.followup_id = f.id) ORDER BY f.created_at, f.rowid')
        .all(id) as Row[];
      for (const f of fresh) {
        // Claimed first (one writer audits each entry), then appended outside any transaction:
        // the audit log anchors its head on disk, which a rollback could not undo.
        if (db.prepare('INSERT OR IGNORE INTO incident_audited (followup_id, ticket_id) VALUES (?, ?)').run(f.id, id).changes === 0) continue;
        audit(`incident.timeline.${String(f.kind).slice(0, 40)}`, id, { followupId: f.id, author: f.author, at: f.created_at, bodySha256: sha256(String(f.body)) });
      }
    }
  };

  const report = (input: { categoryKey: string; call: LogCallInput }): { ticket: Ticket; incident: Incident } => {
    const ticket = tx(() => reportInTx(input.categoryKey, input.call).ticket);
    audit('incident.reported', ticket.id, { categoryKey: input.categoryKey, number: ticket.number, priority: ticket.priority, team: ticket.teamName });
    auditTimeline([ticket.id]);
    deps.changed([ticket.id]);
    return { ticket, incident: get(ticket.id) };
  };

  const mark = (ticketId: string, categoryKey: string): Incident => {
    const existing = row(ticketId);
    if (existing) return toIncident(existing);
    tx(() => escalate(workflow.get(ticketId), categoryKey, at()));
    audit('incident.marked', ticketId, { categoryKey });
    auditTimeline([ticketId]);
    deps.changed([ticketId]);
    return get(ticketId);
  };

  const setBreach = (ticketId: string, suspected: boolean): Incident => {
    const r = row(ticketId);
    if (!r) throw incidentErrors.notIncident(ticketId);
    if (!!r.breach_suspected_at === suspected) return toIncident(r);
    const when = at();
    tx(() => {
      db.prepare('UPDATE security_incidents SET breach_suspected_at = ? WHERE ticket_id = ?').run(suspected ? when : null, ticketId);
      const deadline = suspected ? breachClock(when, deps.now()).deadline : null;
      workflow.append(ticketId, {
        kind: 'breach_clock',
        body: suspected ? `Violation de données possible : notification à la CNIL avant le ${deadline} (72 h, RGPD art. 33)` : 'Violation de données écartée : délai de 72 h levé',
        data: { suspected, deadline },
      });
    });
    audit(suspected ? 'incident.breach.suspected' : 'incident.breach.cleared', ticketId, { at: when });
    auditTimeline([ticketId]);
    deps.changed([ticketId]);
    return get(ticketId);
  };

  /** Stores output as evidence (exact bytes and their SHA-256) and notes it on the ticket. */
  const addEvidence = (ticketId: string, e: { runId?: string | null; toolId?: string | null; label: string; content: Buffer }): Evidence => {
    if (!row(ticketId)) throw incidentErrors.notIncident(ticketId);
    const ev: Evidence = {
      id: uuidv7(),
      ticketId,
      runId: e.runId ?? null,
      toolId: e.toolId ?? null,
      label: e.label.slice(0, 200),
      sha256: sha256(e.content),
      bytes: e.content.length,
      collectedAt: at(),
      collectedBy: deps.currentUser(),
    };
    tx(() => {
      db.prepare('INSERT INTO incident_evidence (id, ticket_id, run_id, tool_id, label, sha256, bytes, content, collected_at, collected_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
        ev.id, ev.ticketId, ev.runId, ev.toolId, ev.label, ev.sha256, ev.bytes, e.content, ev.collectedAt, ev.collectedBy,
      );
      workflow.append(ticketId, { kind: 'evidence', body: `Preuve jointe : ${ev.label} — SHA-256 ${ev.sha256} (${ev.bytes} octets)`, data: { evidenceId: ev.id, sha256: ev.sha256, bytes: ev.bytes, runId: ev.runId, toolId: ev.toolId } });
    });
    audit('incident.evidence', ticketId, { evidenceId: ev.id, sha256: ev.sha256, bytes: ev.bytes, runId: ev.runId, toolId: ev.toolId });
    auditTimeline([ticketId]);
    return ev;
  };

  /**
   * A tool run finished on an incident ticket: its output becomes evidence; a successful
   * isolation contains the incident, a failed one says so clearly and leaves the step open.
   */
  const onToolRun = (run: FinishedToolRun, output: string, truncated: boolean) => {
    if (!run.ticketId || !row(run.ticketId)) return;
    const ticketId = run.ticketId;
    if (run.status !== 'running' && !db.prepare('SELECT 1 FROM incident_evidence WHERE run_id = ?').get(run.id)) {
      const ev = addEvidence(ticketId, { runId: run.id, toolId: run.toolId, label: `${run.toolLabel.fr} (${statusText(run.status as Parameters<typeof statusText>[0]).fr})`, content: Buffer.from(output, 'utf8') });
      // The run's own digest covers every byte produced; past 1 MB only the kept part is evidence.
      if (!truncated && run.outputDigest && run.outputDigest !== ev.sha256) audit('incident.evidence.mismatch', ticketId, { runId: run.id, runDigest: run.outputDigest, evidence: ev.sha256 });
    }
    if (ISOLATION_TOOLS.includes(run.toolId)) {
      if (run.status === 'succeeded') {
        const r = row(ticketId)!;
        if (!r.contained_at) {
          const when = run.finishedAt ?? at();
          tx(() => {
            db.prepare('UPDATE security_incidents SET contained_at = ? WHERE ticket_id = ?').run(when, ticketId);
            workflow.append(ticketId, { kind: 'incident_contained', body: `Poste isolé : seule l'adresse de gestion le joint encore (${run.toolLabel.fr})`, data: { runId: run.id, containedAt: when } });
          });
          audit('incident.contained', ticketId, { runId: run.id, at: when });
        }
      } else {
        const reason = run.error?.fr ?? `l'outil s'est terminé avec le statut « ${run.status} »`;
        workflow.append(ticketId, {
          kind: 'incident_isolation_failed',
          body: `Isolement NON réalisé : ${reason} Le poste n'est pas isolé : faites débrancher le câble réseau et couper le Wi-Fi par l'agent, puis relancez l'étape.`,
          data: { runId: run.id, status: run.status },
        });
        audit('incident.isolation.failed', ticketId, { runId: run.id, status: run.status });
      }
    }
    auditTimeline([ticketId]);
    deps.changed([ticketId]);
  };

  /**
   * The register: incidents recorded here, plus tickets that carry a security category but
   * were reported on another console (they arrive by sync with their category only).
   */
  const list = (): Incident[] => {
    const cfg = config();
    const own = (db.prepare('SELECT * FROM security_incidents ORDER BY reported_at DESC LIMIT 1000').all() as Row[]).flatMap((r) => {
      try {
        return [toIncident(r)];
      } catch {
        return [];
      }
    });
    const synced = db
      .prepare(
        `SELECT t.id, c.full_name FROM tickets t JOIN categories c ON c.id = t.category_id
         WHERE (c.full_name = ? OR c.full_name LIKE ? ESCAPE '\\') AND t.id NOT IN (SELECT ticket_id FROM security_incidents)
         ORDER BY t.created_at DESC LIMIT 1000`,
      )
      .all(cfg.rootCategory, `${cfg.rootCategory.replace(/[\\%_]/g, (c) => `\\${c}`)} > %`) as Row[];
    const others = synced.map((r): Incident => {
      const t = workflow.get(r.id);
      const name = String(r.full_name).split('>').pop()!.trim();
      return {
        ticketId: t.id,
        number: t.number,
        subject: t.subject,
        categoryKey: cfg.categories.find((c) => c.name === name)?.key ?? 'other',
        categoryName: t.categoryName,
        state: t.status >= 5 ? 'closed' : 'open',
        ticketStatus: t.status,
        requesterName: t.requesterName,
        reportedAt: t.createdAt,
        reportedBy: t.createdBy,
        containedAt: null,
        timeToContainmentMs: null,
        breachSuspectedAt: null,
        breachDeadline: null,
        campaignId: null,
        evidenceCount: 0,
      };
    });
    return [...own, ...others].sort((a, b) => b.reportedAt.localeCompare(a.reportedAt));
  };

  const evidence = (ticketId: string): Evidence[] =>
    (db.prepare('SELECT id, ticket_id, run_id, tool_id, label, sha256, bytes, collected_at, collected_by FROM incident_evidence WHERE ticket_id = ? ORDER BY collected_at, rowid').all(ticketId) as Row[]).map((r) => ({
      id: r.id,
      ticketId: r.ticket_id,
      runId: r.run_id,
      toolId: r.tool_id,
      label: r.label,
      sha256: r.sha256,
      bytes: r.bytes,
      collectedAt: r.collected_at,
      collectedBy: r.collected_by,
    }));
  const evidenceContent = (id: string): Buffer => {
    const c = db.prepare('SELECT content FROM incident_evidence WHERE id = ?').pluck().get(id) as Buffer | undefined;
    if (!c) throw commonErrors.notFound('NOUN_EVIDENCE', id);
    return Buffer.from(c);
  };

  const evidenceTicket = (id: string): string => {
    const t = db.prepare('SELECT ticket_id FROM incident_evidence WHERE id = ?').pluck().get(id) as string | undefined;
    if (!t) throw commonErrors.notFound('NOUN_EVIDENCE', id);
    return t;
  };

  // ---------------------------------------------------------------- phishing campaigns

  const windowMs = () => config().campaignWindowHours * 3600_000;

  const campaign = (id: string): Campaign => {
    const c = db.prepare('SELECT * FROM phishing_campaigns WHERE id = ?').get(id) as Row | undefined;
    if (!c) throw incidentErrors.unknownCampaign(id);
    const reports = db.prepare('SELECT link_domains FROM phishing_reports WHERE campaign_id = ?').all(id) as Row[];
    const domains = [...new Set(reports.flatMap((r) => JSON.parse(r.link_domains) as string[]))];
    const parent = workflow.get(c.parent_ticket_id);
    return {
      id: c.id,
      parentTicketId: c.parent_ticket_id,
      parentNumber: parent.number,
      subject: c.subject,
      senderDomain: c.sender_domain,
      linkDomains: domains.slice(0, 20),
      count: reports.length,
      firstAt: c.first_at,
      lastAt: c.last_at,
      ongoing: deps.now().getTime() - Date.parse(c.last_at) <= windowMs() && parent.status < 5,
    };
  };

  const campaigns = (ongoingOnly: boolean): Campaign[] =>
    (db.prepare('SELECT id FROM phishing_campaigns ORDER BY last_at DESC LIMIT 100').pluck().all() as string[]).map(campaign).filter((c) => !ongoingOnly || c.ongoing);

  /** Links a report's ticket to a campaign, as a child of its parent incident ticket. Inside a transaction. */
  const attach = (reportId: string, ticketId: string, c: { id: string; parent: string }, reason: string | null, when: string) => {
    db.prepare('UPDATE phishing_reports SET campaign_id = ? WHERE id = ?').run(c.id, reportId);
    db.prepare('UPDATE security_incidents SET campaign_id = ? WHERE ticket_id = ?').run(c.id, ticketId);
    db.prepare('UPDATE phishing_campaigns SET last_at = max(last_at, ?) WHERE id = ?').run(when, c.id);
    const parent = workflow.get(c.parent);
    const child = workflow.get(ticketId);
    workflow.append(ticketId, { kind: 'incident_campaign', body: `Rattaché à la campagne d'hameçonnage, ticket parent n° ${parent.number}`, data: { campaignId: c.id, parentTicketId: parent.id, reason } });
    workflow.append(parent.id, { kind: 'incident_campaign', body: `Signalement rattaché : ticket n° ${child.number} (${child.requesterName})`, data: { campaignId: c.id, childTicketId: child.id, reason } });
  };

  const details = (r: Row): PhishingDetails & { reportedAt: string } => ({
    sender: r.sender,
    senderName: '',
    senderDomain: r.sender_domain,
    subject: r.subject,
    links: JSON.parse(r.links),
    linkDomains: JSON.parse(r.link_domains),
    excerpt: '',
    reportedAt: r.reported_at,
  });

  /**
   * A reported phishing e-mail: a security ticket (category hameçonnage) with the parsed,
   * defanged details; grouped with the reports it matches into a campaign.
   */
  const reportPhishing = async (input: { paste: PhishingPaste; call: LogCallInput }) => {
    const parsed = await parsePhishing(input.paste);
    if (!parsed.sender && !parsed.subject && parsed.links.length === 0 && !parsed.excerpt.trim()) throw incidentErrors.emptyReport();
    const lines = [
      `Expéditeur : ${parsed.senderName ? `${parsed.senderName} ` : ''}${parsed.sender || '—'}`,
      `Objet : ${parsed.subject || '—'}`,
      `Liens (désactivés) : ${parsed.links.join(' ') || '—'}`,
    ];
    const description = [input.call.description ?? '', lines.join('\n')].filter((s) => s.trim()).join('\n\n');
    const call = { ...input.call, subject: input.call.subject || `Hameçonnage : ${parsed.subject || parsed.sender || 'message suspect'}`.slice(0, 200), description: description.slice(0, 20_000) };
    const result = tx(() => {
      const { ticket } = reportInTx('phishing', call);
      const when = ticket.createdAt;
      const reportId = uuidv7();
      db.prepare('INSERT INTO phishing_reports (id, ticket_id, reported_at, sender, sender_domain, subject, link_domains, links) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
        reportId, ticket.id, when, parsed.sender, parsed.senderDomain, parsed.subject, JSON.stringify(parsed.linkDomains), JSON.stringify(parsed.links),
      );
      workflow.append(ticket.id, { kind: 'phishing_details', body: lines.join('\n'), data: { ...parsed } });
      const candidates = (db.prepare('SELECT * FROM phishing_reports WHERE id != ? AND reported_at >= ? ORDER BY reported_at DESC LIMIT 500').all(reportId, new Date(Date.parse(when) - windowMs()).toISOString()) as Row[]).map((r) => ({ ...details(r), row: r }));
      const matches = matchingReports({ ...parsed, reportedAt: when }, candidates, windowMs());
      let campaignId: string | null = null;
      const joined = matches.find((m) => m.report.row.campaign_id);
      if (joined) {
        const c = db.prepare('SELECT id, parent_ticket_id FROM phishing_campaigns WHERE id = ?').get(joined.report.row.campaign_id) as Row;
        attach(reportId, ticket.id, { id: c.id, parent: c.parent_ticket_id }, joined.reason, when);
        campaignId = c.id;
      } else if (matches.length > 0) {
        const lone = matches.map((m) => m.report.row);
        const first = lone.reduce((a, b) => (a.reported_at < b.reported_at ? a : b));
        const parent = reportInTx('phishing', {
          requesterName: 'Hotline — campagne',
          subject: `Campagne d'hameçonnage : ${parsed.subject || first.subject || parsed.senderDomain}`.slice(0, 200),
          description: `Campagne détectée par Relais : expéditeur ${parsed.sender || '—'}, domaines des liens ${parsed.linkDomains.map((d) => d.replace(/\./g, '[.]')).join(', ') || '—'}.`,
          channel: 'phone',
        }).ticket;
        campaignId = uuidv7();
        db.prepare('INSERT INTO phishing_campaigns (id, parent_ticket_id, first_at, last_at, subject, sender_domain) VALUES (?, ?, ?, ?, ?, ?)').run(
          campaignId, parent.id, first.reported_at, when, parsed.subject || first.subject, parsed.senderDomain || first.sender_domain,
        );
        db.prepare('UPDATE security_incidents SET campaign_id = ? WHERE ticket_id = ?').run(campaignId, parent.id);
        for (const m of matches) attach(m.report.row.id, m.report.row.ticket_id, { id: campaignId, parent: parent.id }, m.reason, m.report.row.reported_at);
        attach(reportId, ticket.id, { id: campaignId, parent: parent.id }, matches[0]!.reason, when);
      }
      return { ticket, campaignId };
    });
    audit('incident.phishing.reported', result.ticket.id, { sender: parsed.sender, senderDomain: parsed.senderDomain, linkDomains: parsed.linkDomains, campaignId: result.campaignId });
    const c = result.campaignId ? campaign(result.campaignId) : null;
    if (c) {
      audit('incident.campaign.grouped', c.parentTicketId, { campaignId: c.id, count: c.count, child: result.ticket.id });
      auditTimeline([c.parentTicketId]);
    }
    auditTimeline([result.ticket.id]);
    deps.changed(c ? [result.ticket.id, c.parentTicketId] : [result.ticket.id]);
    return { ticket: workflow.get(result.ticket.id), details: parsed, campaign: c };
  };

  /** The next caller about an ongoing campaign: one more child ticket, and the prepared answer. */
  const joinCampaign = (input: { campaignId: string; call: LogCallInput }) => {
    const c0 = campaign(input.campaignId);
    const cfg = config();
    const ticket = tx(() => {
      const { ticket } = reportInTx('phishing', { ...input.call, subject: input.call.subject || `Hameçonnage (campagne n° ${c0.parentNumber}) : ${c0.subject}`.slice(0, 200) });
      const when = ticket.createdAt;
      const reportId = uuidv7();
      db.prepare('INSERT INTO phishing_reports (id, ticket_id, reported_at, sender, sender_domain, subject, link_domains, links) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
        reportId, ticket.id, when, '', c0.senderDomain, c0.subject, JSON.stringify(c0.linkDomains), '[]',
      );
      attach(reportId, ticket.id, { id: c0.id, parent: c0.parentTicketId }, 'caller', when);
      workflow.append(ticket.id, { kind: 'note', body: `Réponse préparée lue à l'agent : ${cfg.campaignAnswer.fr}` });
      return ticket;
    });
    audit('incident.campaign.joined', ticket.id, { campaignId: c0.id });
    auditTimeline([ticket.id, c0.parentTicketId]);
    deps.changed([ticket.id, c0.parentTicketId]);
    return { ticket: workflow.get(ticket.id), campaign: campaign(c0.id), answer: cfg.campaignAnswer };
  };

  /** report() without its own audit/commit, for use inside a transaction. */
  const reportInTx = (key: string, call: LogCallInput) => {
    const team = securityTeam();
    // In a hurry the agent may give no subject: the category says what it is.
    if (!call.subject?.trim() && !call.description?.trim()) call = { ...call, subject: `Signalement sécurité : ${config().categories.find((c) => c.key === key)?.label.fr ?? key}` };
    const created = workflow.logCall({ ...call, outcome: 'route', teamId: team.id, urgency: 5, impact: 5, type: 'incident' });
    return { ticket: escalate(created, key, created.createdAt) };
  };

  return {
    config,
    setConfig(c: IncidentConfig): IncidentConfig {
      const parsed = incidentConfigSchema.parse(c);
      tx(() => writeSetting(db, CONFIG_KEY, parsed));
      audit('incident.config.changed', undefined, { team: parsed.team, root: parsed.rootCategory, categories: parsed.categories.map((x) => x.key) });
      return parsed;
    },
    isSecurityTicket: (t: { categoryName: string | null }) => isSecurityCategory(t.categoryName, config().rootCategory),
    report,
    mark,
    get,
    find: (ticketId: string): Incident | null => {
      const r = row(ticketId);
      return r ? toIncident(r) : null;
    },
    list,
    setBreach,
    addEvidence,
    evidence,
    evidenceContent,
    evidenceTicket,
    onToolRun,
    auditTimeline,
    reportPhishing,
    joinCampaign,
    campaign,
    campaigns,
  };
}
export type IncidentService = ReturnType<typeof createIncidentService>;
