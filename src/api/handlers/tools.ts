import fs from 'node:fs';
import path from 'node:path';
import type { Core } from '../core';
import type { HandlersFor } from '../handler-kit';
import { RelaisError, commonErrors } from '../../base/errors';
import { loadCatalog, type Catalog } from '../../features/tools/catalog';
import { localOs, ToolRunService } from '../../features/tools/runs';
import { ChecklistService } from '../../features/tools/checklists';
import { buildInterventionReport } from '../../features/tools/report';
import { createTicketBridge } from '../../features/tools/ticket-bridge';
import type { TicketPort } from '../../features/tickets/port';
import { callSeconds } from '../../features/tickets/repos/followups';
import type { AuditPort } from '../../features/security/port';
import type { AuditEntryInput } from '../../features/security/audit';
import type { Runner, SshExec } from '../../features/tools/runner';
import type { ToolTarget } from '../contracts/tools';

export interface ToolFeatureDeps {
  tickets: TicketPort;
  audit: AuditPort;
  /** The SSH feature's command runner and profile names (absent: local runs only). */
  ssh?: { exec: SshExec; profileName(id: string): string | null } | null;
  /** Where the built-in `tools/` and `checklists/` folders are (default: the app's assets). */
  assetsDir?: string;
  /** Test seams. */
  localRunner?: Runner;
  elevationCheck?: () => 'root' | 'sudo' | 'script' | 'unavailable';
}

const MIME: Record<string, string> = { '.zip': 'application/zip', '.gz': 'application/gzip', '.tgz': 'application/gzip', '.txt': 'text/plain' };

/**
 * Configuration tools and installer checklists: the catalog (built-in + the
 * administrator's folder from the policy file), runs on this PC or over SSH, checklists
 * that survive a restart, and the intervention report.
 */
export function createToolFeature(core: Core, deps: ToolFeatureDeps) {
  // A relative folder in the policy file is relative to the policy file itself.
  const rawDir = core.policy.policy.toolsDir ?? null;
  const adminDir = rawDir && core.policy.file ? path.resolve(path.dirname(core.policy.file), rawDir) : rawDir;
  let catalog: Catalog = loadCatalog({ assetsDir: deps.assetsDir, adminDir });
  const reload = () => (catalog = loadCatalog({ assetsDir: deps.assetsDir, adminDir }));
  const bridge = createTicketBridge(deps.tickets);
  const sshExec: SshExec | null = deps.ssh ? deps.ssh.exec : null;
  const describeTarget = (t: ToolTarget) => {
    if (t.kind === 'local') return 'ce poste';
    return deps.ssh?.profileName(t.profileId) ?? `SSH ${t.profileId}`;
  };
  const audit = (e: AuditEntryInput) => deps.audit.append(e);
  const runs = new ToolRunService({ core, bridge, sshExec, describeTarget, audit, localRunner: deps.localRunner, elevationCheck: deps.elevationCheck });
  const checklists = new ChecklistService(core, runs, bridge, () => catalog);

  const tool = (id: string) => {
    const t = catalog.tools.get(id) ?? reload().tools.get(id);
    if (!t) throw commonErrors.notFound('NOUN_TOOL', id);
    return t;
  };

  const handlers: HandlersFor<'tools'> = {
    'tools.catalog': () => {
      reload();
      return {
        tools: [...catalog.tools.values()]
          .map((t) => ({
            id: t.id,
            label: t.label,
            help: t.help,
            category: t.category,
            os: t.os,
            params: t.params,
            elevation: t.elevation,
            expectedSeconds: t.expectedSeconds,
            timeoutSeconds: t.timeoutSeconds ?? Math.max(30, t.expectedSeconds * 4),
            returnsArtifact: t.returnsArtifact,
            source: t.source,
          }))
          .sort((a, b) => a.label.fr.localeCompare(b.label.fr, 'fr')),
        checklists: [...catalog.checklists.values()].map(({ file: _file, ...c }) => c),
        errors: catalog.errors,
        localOs: localOs(),
        adminDir,
      };
    },
    'tools.run': async (input) => ({
      run: await runs.start({
        tool: tool(input.toolId),
        params: input.params,
        target: input.target,
        ticketId: input.ticketId ?? null,
        elevationConfirmed: input.elevationConfirmed,
        timeoutSeconds: input.timeoutSeconds,
      }),
    }),
    'tools.cancel': async ({ runId }) => ({ cancelled: await runs.cancel(runId) }),
    'tools.get': ({ runId }) => runs.get(runId),
    'tools.runs': ({ ticketId, limit }) => ({ runs: runs.list({ ticketId, limit }) }),
    'tools.artifact': ({ runId }) => {
      const a = runs.artifact(runId);
      const ext = a.name.slice(a.name.lastIndexOf('.')).toLowerCase();
      return { name: a.name, mime: MIME[ext] ?? 'application/octet-stream', base64: fs.readFileSync(a.file).toString('base64') };
    },
    'tools.report': async ({ ticketId, audience, locale }) => {
      const ticket = await bridge.header(ticketId);
      const toolRuns = runs.list({ ticketId: ticket.id, limit: 500 });
      const lists = checklists.list({ ticketId: ticket.id, activeOnly: false });
      const { pdf, pages } = await buildInterventionReport({
        ticket,
        runs: toolRuns,
        checklists: lists,
        technician: core.currentUser(),
        generatedAt: core.now(),
        audience,
        locale,
        describeTarget: runs.describeTarget,
        // The calls' real durations, as the call form's timer measured them.
        callSeconds: callSeconds(core.db, ticket.id),
      });
      if (pages !== 1) throw RelaisError.of('REPORT_LAYOUT');
      const name = `${locale === 'fr' ? 'fiche-intervention' : 'intervention-report'}-${ticket.number ?? ticket.id}.pdf`;
      return { name, mime: 'application/pdf' as const, base64: pdf.toString('base64'), pages };
    },
    'tools.checklistStart': async ({ checklistId, target, ticketId }) => ({ run: await checklists.start(checklistId, target, ticketId) }),
    'tools.checklistGet': ({ runId }) => ({ run: checklists.get(runId) }),
    'tools.checklistList': ({ ticketId, activeOnly }) => ({ runs: checklists.list({ ticketId, activeOnly }) }),
    'tools.checklistTick': async ({ runId, stepIndex, note }) => ({ run: await checklists.tick(runId, stepIndex, note) }),
    'tools.checklistRunStep': async ({ runId, stepIndex, params, elevationConfirmed }) => checklists.runStep(runId, stepIndex, params, elevationConfirmed),
    'tools.checklistSkip': async ({ runId, stepIndex, note }) => ({ run: await checklists.skip(runId, stepIndex, note) }),
    'tools.checklistAbandon': async ({ runId }) => ({ run: await checklists.abandon(runId) }),
  };
  return { handlers, runs, checklists, catalog: () => catalog };
}
