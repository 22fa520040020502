import type { Core } from '../core';
import type { HandlersFor } from '../handler-kit';
import { RelaisError } from '../../base/errors';
import { readSetting, writeSetting } from '../../features/tickets/repos/settings';
import { z } from 'zod';
import { breachClock, isSecurityCategory } from '../../domain/incidents';
import { createIncidentService, type AuditPort, type FinishedToolRun } from '../../features/incidents/service';
import { chainEntries, exportPdf, newSigningKey, signExport, verifyIncidentExport, type ExportBody, type IncidentExport } from '../../features/incidents/export';
import type { TicketFeature } from './tickets';
import type { ReferentialsPort } from '../../features/tickets/referentials-port';
import type { Vault } from '../../features/security/vault';

export interface IncidentFeatureDeps {
  tickets: TicketFeature;
  referentials: ReferentialsPort;
  security: { audit: AuditPort & { list(o: { ticketId?: string; limit?: number }): { seq: number; at: string; actor: string; action: string; details: unknown; hash: string }[] }; vault: Vault };
  /** The tools feature: evidence and containment come from its finished runs. */
  tools?: { runs: { onFinished(fn: (run: FinishedToolRun) => void): unknown; get(id: string): { output: string; truncated: boolean } } };
}

const SIGNING_KEY = 'incidents.signingKey';
const signingKeySchema = z.object({ vaultId: z.string(), publicKey: z.string() });

/**
 * Security incidents: builds the service over the tickets workflow, the audit log and the
 * tool runs, audits every timeline entry of an incident ticket whoever writes it, and serves
 * the `incidents.*` calls.
 */
export function createIncidentFeature(core: Core, deps: IncidentFeatureDeps) {
  const service = createIncidentService({
    db: core.db,
    now: () => core.now(),
    currentUser: () => core.currentUser(),
    workflow: deps.tickets.workflow,
    referentials: deps.referentials,
    audit: deps.security.audit,
    changed: (ids) => core.events.emit('tickets.changed', { ids }),
  });

  // Every action on an incident ticket goes to the audit log, whichever feature made it.
  const unsubscribe = core.events.subscribe((name, payload) => {
    if (name !== 'tickets.changed') return;
    try {
      service.auditTimeline((payload as { ids: string[] }).ids);
    } catch (err) {
      console.error('[relais] incident audit failed:', (err as Error).message);
    }
  });
  core.onClose(unsubscribe);
  deps.tools?.runs.onFinished((run) => {
    try {
      const { output, truncated } = deps.tools!.runs.get(run.id);
      service.onToolRun(run, output, truncated);
    } catch (err) {
      console.error('[relais] incident evidence not recorded:', (err as Error).message);
    }
  });

  const signingKey = async (): Promise<string> => {
    const known = readSetting(core.db, SIGNING_KEY, signingKeySchema.nullable(), null);
    if (known) {
      try {
        return await deps.security.vault.get(known.vaultId);
      } catch {
        // The vault lost it (reset): make a new key below; older exports keep their own public key.
      }
    }
    const key = newSigningKey();
    let vaultId: string;
    try {
      vaultId = await deps.security.vault.put("Clé de signature des exports d'incident", key.privateKeyPem, 'private-key');
    } catch (err) {
      throw RelaisError.of('INCIDENT_SIGNING_KEY', { err: (err as Error).message });
    }
    core.db.transaction(() => writeSetting(core.db, SIGNING_KEY, { vaultId, publicKey: key.publicKey })).immediate();
    deps.security.audit.append({ action: 'incident.signingKey.created', details: { publicKey: key.publicKey } });
    return key.privateKeyPem;
  };

  const buildExport = async (ticketId: string): Promise<IncidentExport> => {
    const incident = service.get(ticketId);
    const t = deps.tickets.workflow.get(ticketId);
    const body: ExportBody = {
      generatedAt: core.now().toISOString(),
      generatedBy: core.currentUser(),
      ticket: { id: t.id, number: t.number, subject: t.subject, category: t.categoryName, requester: t.requesterName, status: t.status, team: t.teamName, createdAt: t.createdAt },
      incident: { ...incident },
      entries: chainEntries(deps.tickets.workflow.timeline(ticketId).map((f) => ({ at: f.createdAt, actor: f.author, kind: f.kind, text: f.body, data: f.data ?? null }))),
      evidence: service.evidence(ticketId).map((e) => ({
        id: e.id,
        label: e.label,
        sha256: e.sha256,
        bytes: e.bytes,
        collectedAt: e.collectedAt,
        collectedBy: e.collectedBy,
        runId: e.runId,
        toolId: e.toolId,
        contentBase64: service.evidenceContent(e.id).toString('base64'),
      })),
      audit: deps.security.audit
        .list({ ticketId, limit: 1000 })
        .reverse()
        .map((r) => ({ seq: r.seq, at: r.at, actor: r.actor, action: r.action, details: r.details ?? null, hash: r.hash })),
    };
    return signExport(body, await signingKey());
  };

  const handlers: HandlersFor<'incidents'> = {
    'incidents.config': () => service.config(),
    'incidents.setConfig': (c) => service.setConfig(c),
    'incidents.report': ({ categoryKey, call }) => service.report({ categoryKey, call }),
    'incidents.mark': ({ ticketId, categoryKey }) => service.mark(ticketId, categoryKey),
    'incidents.get': ({ ticketId }) => {
      const t = deps.tickets.workflow.get(ticketId);
      const incident = service.find(t.id);
      return {
        isSecurity: incident !== null || isSecurityCategory(t.categoryName, service.config().rootCategory),
        incident,
        evidence: incident ? service.evidence(t.id) : [],
        breach: incident?.breachSuspectedAt ? breachClock(incident.breachSuspectedAt, core.now()) : null,
        campaign: incident?.campaignId ? service.campaign(incident.campaignId) : null,
      };
    },
    'incidents.list': () => ({ incidents: service.list() }),
    'incidents.setBreach': ({ ticketId, suspected }) => service.setBreach(ticketId, suspected),
    'incidents.evidenceContent': ({ id }) => {
      const content = service.evidenceContent(id);
      const ticketId = service.evidenceTicket(id);
      deps.security.audit.append({ action: 'incident.evidence.read', target: id, ticketId, details: { evidenceId: id } });
      return { name: `preuve-${id}.txt`, mime: 'text/plain', base64: content.toString('base64') };
    },
    'incidents.export': async ({ ticketId, format }) => {
      const doc = await buildExport(ticketId);
      deps.security.audit.append({ action: 'incident.exported', target: ticketId, ticketId, details: { format, bodySha256: doc.bodySha256 } });
      const base = `incident-${doc.body.ticket.number}`;
      if (format === 'pdf') return { name: `${base}.pdf`, mime: 'application/pdf', base64: (await exportPdf(doc)).toString('base64') };
      return { name: `${base}.json`, mime: 'application/json', base64: Buffer.from(JSON.stringify(doc, null, 2), 'utf8').toString('base64') };
    },
    'incidents.verifyExport': ({ text }) => {
      const known = readSetting(core.db, SIGNING_KEY, signingKeySchema.nullable(), null);
      return verifyIncidentExport(text, known?.publicKey);
    },
    'incidents.reportPhishing': ({ paste, call }) => service.reportPhishing({ paste, call }),
    'incidents.campaigns': (input) => ({ campaigns: service.campaigns(input?.ongoingOnly ?? true), answer: service.config().campaignAnswer }),
    'incidents.joinCampaign': ({ campaignId, call }) => service.joinCampaign({ campaignId, call }),
  };
  return { handlers, service };
}
export type IncidentFeature = ReturnType<typeof createIncidentFeature>;
