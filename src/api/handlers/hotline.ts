import type { Core } from '../core';
import type { HandlersFor } from '../handler-kit';
import type { TicketFeature } from './tickets';
import { deleteDraft, listDrafts, saveDraft } from '../../features/call-drafts/store';
import { callerContext, findDuplicates } from '../../features/caller/context';
import { readSetting, writeSetting } from '../../features/tickets/repos/settings';
import { listCategories } from '../../features/tickets/repos/teams';
import { DEFAULT_TEMPLATES, templateListSchema, type Template } from '../../domain/templates';

const TEMPLATES_KEY = 'hotline.templates';

/**
 * Call drafts. Every keystroke of the call form lands here (debounced by the form) and is
 * committed with synchronous=FULL, so a reload or a crash loses nothing of a call in progress.
 */
export function createHotlineFeature(core: Core, deps: { tickets: TicketFeature }) {
  const changed = (...ids: string[]) => core.events.emit('drafts.changed', { ids });
  /** Stored templates, or the seed ones matched to this database's categories by name. */
  const templates = (): Template[] => {
    const stored = readSetting(core.db, TEMPLATES_KEY, templateListSchema, null as unknown as Template[]);
    if (stored) return stored;
    const byName = new Map(listCategories(core.db).map((c) => [c.fullName, c.id]));
    return DEFAULT_TEMPLATES.flatMap((d, i) => {
      const categoryId = d.category ? byName.get(d.category) : null;
      return categoryId === undefined ? [] : [{ id: `seed-${i}`, kind: d.kind, categoryId, title: d.title, body: d.body }];
    });
  };
  const handlers: HandlersFor<'drafts'> & HandlersFor<'templates'> & HandlersFor<'caller'> & Pick<HandlersFor<'tickets'>, 'tickets.edit' | 'tickets.wait'> = {
    'tickets.wait': ({ id, reason, remindAt }) => {
      const ticket = deps.tickets.workflow.wait(id, reason, remindAt);
      core.events.emit('tickets.changed', { ids: [id] });
      return ticket;
    },
    'tickets.edit': ({ id, changes }) => {
      const ticket = deps.tickets.workflow.edit(id, changes);
      core.events.emit('tickets.changed', { ids: [id] });
      return ticket;
    },
    'caller.context': (q) => callerContext(core.db, q, core.now()),
    'caller.duplicates': (q) => findDuplicates(core.db, q, core.now()),
    'templates.list': () => ({ templates: templates() }),
    'templates.save': ({ templates: list }) => {
      core.db.transaction(() => writeSetting(core.db, TEMPLATES_KEY, list)).immediate();
      return { templates: templates() };
    },
    'drafts.list': () => ({ drafts: listDrafts(core.db) }),
    'drafts.save': ({ id, startedAt, form }) => {
      const draft = core.db.transaction(() => saveDraft(core.db, { id, startedAt, form }, { at: core.now().toISOString(), author: core.currentUser() })).immediate();
      changed(id);
      return draft;
    },
    'drafts.discard': ({ id }) => {
      const discarded = core.db.transaction(() => deleteDraft(core.db, id)).immediate();
      changed(id);
      return { discarded };
    },
    'drafts.addToTicket': ({ draftId, ticketId, body, durationSec }) => {
      const f = core.db.transaction(() => {
        const entry = deps.tickets.workflow.append(ticketId, { kind: 'note', body, data: { fromCall: true, durationSec } });
        deleteDraft(core.db, draftId);
        return entry;
      }).immediate();
      core.events.emit('tickets.changed', { ids: [ticketId] });
      changed(draftId);
      return { ticketId, followupId: f.id };
    },
    'drafts.logCall': ({ draftId, call }) => {
      // The workflow's own transaction nests as a savepoint: ticket, outbox row and the
      // draft's removal commit together or not at all.
      const ticket = core.db.transaction(() => {
        const t = deps.tickets.workflow.logCall(call);
        deleteDraft(core.db, draftId);
        return t;
      }).immediate();
      core.events.emit('tickets.changed', { ids: call.parentTicketId ? [ticket.id, call.parentTicketId] : [ticket.id] });
      changed(draftId);
      return ticket;
    },
  };
  return { handlers };
}
