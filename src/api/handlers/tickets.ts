import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import type { Core } from '../core';
import type { Handler } from '../handler-kit';
import { RelaisError, commonErrors } from '../../base/errors';
import { createTicketWorkflow } from '../../features/tickets/ticket-workflow';
import type { TimelineEntry } from '../../features/tickets/repos/followups';
import type { TicketPort, TicketReplicaPort } from '../../features/tickets/port';
import { createTicketReplica } from '../../features/tickets/replica';
import { getAsset, getPerson, searchDirectory } from '../../features/tickets/repos/directory';
import { listCategories, listTeams } from '../../features/tickets/repos/teams';
import { readSetting, writeSetting } from '../../features/tickets/repos/settings';
import { countQueue, queryQueue } from '../../features/tickets/queue-query';
import { importDirectory, previewImport } from '../../features/tickets/directory-import';
import { loadDemoIfEmpty } from '../../features/tickets/demo';
import { stmt } from '../../platform/statements';
import { startIdleCheckpoints } from '../../platform/checkpoint';
import type { OrganisationPort } from './organisation';
import { BUILT_IN_VIEWS, savedViewSchema, type SavedView } from '../../domain/queue';
import { DEFAULT_PRIORITY_MATRIX, DEFAULT_SLA, priorityMatrixSchema, slaTargetsSchema, type Ticket } from '../../domain/tickets';

const VIEWS_KEY = 'queue.views';
const customViewsSchema = z.array(savedViewSchema);

/**
 * The hotline feature: call logging, the queue, the ticket view and the directory.
 * Returns, beside its handlers, the services other features build on:
 * - `timeline.append(ticketId, entry)`: records an entry (SSH/RDP session, tool run, …) on
 *   a ticket's timeline with its outbox row, in one transaction, and emits `tickets.changed`;
 * - `tickets.get(id)`: the ticket with its requester and linked PC ids (throws NOT_FOUND).
 */
export function createTicketFeature(core: Core, deps: { organisation?: OrganisationPort } = {}) {
  const org = deps.organisation;
  if (core.demo) loadDemoIfEmpty(core.db, { now: core.now(), user: core.currentUser(), organisation: org?.demo });
  core.onClose(startIdleCheckpoints(core.db));
  const workflow = createTicketWorkflow(core.db, { now: () => core.now(), currentUser: () => core.currentUser(), classify: org?.classify });
  const changed = (...ids: string[]) => core.events.emit('tickets.changed', { ids });
  const after = (t: Ticket) => (changed(t.id), t);
  const ctx = () => ({ now: core.now(), user: core.currentUser() });

  const timeline = {
    append(ticketId: string, entry: TimelineEntry): { id: string } {
      const f = workflow.append(ticketId, entry);
      changed(ticketId);
      return { id: f.id };
    },
  };
  const tickets = {
    get: (id: string): Ticket => workflow.get(id),
  };
  const port: TicketPort = {
    get: (id) => workflow.get(id),
    appendTimeline: (ticketId, entry) => timeline.append(ticketId, entry),
  };

  const customViews = () => readSetting(core.db, VIEWS_KEY, customViewsSchema, []);

  // One directory import at a time: it yields to other calls while it checks lines.
  let importing: AbortController | null = null;
  const importBusy = () =>
    RelaisError.of('IMPORT_BUSY');
  const handlers: {
    'tickets.logCall': Handler<'tickets.logCall'>;
    'tickets.get': Handler<'tickets.get'>;
    'tickets.list': Handler<'tickets.list'>;
    'tickets.addFollowup': Handler<'tickets.addFollowup'>;
    'tickets.takeCharge': Handler<'tickets.takeCharge'>;
    'tickets.setStatus': Handler<'tickets.setStatus'>;
    'tickets.route': Handler<'tickets.route'>;
    'tickets.resolve': Handler<'tickets.resolve'>;
    'tickets.linkParent': Handler<'tickets.linkParent'>;
    'tickets.meta': Handler<'tickets.meta'>;
    'tickets.views': Handler<'tickets.views'>;
    'tickets.saveView': Handler<'tickets.saveView'>;
    'tickets.deleteView': Handler<'tickets.deleteView'>;
    'directory.search': Handler<'directory.search'>;
    'directory.importPreview': Handler<'directory.importPreview'>;
    'directory.importCommit': Handler<'directory.importCommit'>;
    'directory.importCancel': Handler<'directory.importCancel'>;
  } = {
    // Returns only after the IMMEDIATE transaction committed with synchronous=FULL: the
    // acknowledgement the form shows means the call is on disk.
    'tickets.logCall': (input) => {
      const t = workflow.logCall(input);
      if (input.parentTicketId) changed(input.parentTicketId);
      return after(t);
    },
    'tickets.get': ({ id }) => {
      const ticket = workflow.get(id);
      return {
        ticket,
        timeline: workflow.timeline(id),
        requester: ticket.requesterId ? (getPerson(core.db, ticket.requesterId) ?? null) : null,
        assets: ticket.assetIds.map((a) => getAsset(core.db, a)).filter((a) => a !== undefined),
        parent: workflow.parentOf(id),
        children: workflow.childrenOf(id),
      };
    },
    'tickets.list': ({ withTotal, ...query }) => queryQueue(core.db, query, { ...ctx(), withTotal }),
    'tickets.addFollowup': ({ id, body, private: isPrivate }) => {
      const f = workflow.addFollowup(id, body, isPrivate);
      changed(id);
      return f;
    },
    'tickets.takeCharge': ({ id }) => after(workflow.takeCharge(id)),
    'tickets.setStatus': ({ id, status }) => after(workflow.setStatus(id, status)),
    'tickets.route': ({ id, teamId, technician }) => after(workflow.route(id, teamId, technician)),
    'tickets.resolve': ({ id, solution }) => after(workflow.resolve(id, solution)),
    'tickets.linkParent': ({ id, parentId, parentNumber }) => {
      const t = workflow.linkParent(id, parentId ?? { number: parentNumber! });
      const parent = workflow.parentOf(id);
      if (parent) changed(parent.id);
      return after(t);
    },
    'tickets.meta': () => {
      const techs = (stmt(core.db, 'SELECT DISTINCT technician FROM tickets WHERE technician IS NOT NULL ORDER BY technician').all() as { technician: string }[]).map((r) => r.technician);
      const me = core.currentUser();
      return {
        teams: listTeams(core.db),
        categories: listCategories(core.db),
        technicians: techs.includes(me) ? techs : [me, ...techs],
        priorityMatrix: readSetting(core.db, 'tickets.priorityMatrix', priorityMatrixSchema, DEFAULT_PRIORITY_MATRIX),
        sla: readSetting(core.db, 'tickets.sla', slaTargetsSchema, DEFAULT_SLA),
        currentUser: me,
      };
    },
    'tickets.views': () => ({
      views: [...BUILT_IN_VIEWS, ...customViews()].map((v) => ({ ...v, count: countQueue(core.db, v.filter, ctx()) })),
    }),
    'tickets.saveView': ({ name, filter, sort, dir }) => {
      const view: SavedView = { id: uuidv7(), name, builtIn: false, filter, sort, dir };
      core.db.transaction(() => writeSetting(core.db, VIEWS_KEY, [...customViews(), view])).immediate();
      return view;
    },
    'tickets.deleteView': ({ id }) => {
      const views = customViews();
      if (!views.some((v) => v.id === id)) throw commonErrors.notFound('NOUN_SAVED_VIEW', id);
      core.db.transaction(() => writeSetting(core.db, VIEWS_KEY, views.filter((v) => v.id !== id))).immediate();
      return { deleted: true };
    },
    'directory.search': ({ q, limit }) => ({ hits: searchDirectory(core.db, q, limit) }),
    'directory.importPreview': ({ kind, csv }) => previewImport(core.db, kind, csv, org?.importPort),
    'directory.importCommit': async ({ kind, csv }) => {
      if (importing) throw importBusy();
      importing = new AbortController();
      try {
        const imported = await importDirectory(core.db, kind, csv, { signal: importing.signal, onProgress: (p) => core.events.emit('directory.importProgress', { kind, ...p }) }, org?.importPort);
        core.events.emit('directory.changed', { kind });
        return { imported };
      } finally {
        importing = null;
      }
    },
    'directory.importCancel': () => {
      if (!importing) return { cancelled: false };
      importing.abort();
      return { cancelled: true };
    },
  };

  return { handlers, timeline, tickets, workflow, port, replica: ticketReplicaPort(core) };
}

/** The tickets feature's replica port (sync keeps local tickets a copy of the server's through it). */
export function ticketReplicaPort(core: Core): TicketReplicaPort {
  return createTicketReplica(core.db, { now: () => core.now(), currentUser: () => core.currentUser(), changed: (ids) => core.events.emit('tickets.changed', { ids }) });
}
export type TicketFeature = ReturnType<typeof createTicketFeature>;
