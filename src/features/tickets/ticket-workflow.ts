import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../platform/db';
import type { MessageKey } from '../../base/messages';
import { RelaisError, commonErrors } from '../../base/errors';
import {
  DEFAULT_PRIORITY_MATRIX,
  computePriority,
  deriveSubject,
  logCallInputSchema,
  priorityMatrixSchema,
  type Followup,
  type LogCallInput,
  type Ticket,
  type TicketStatus,
} from '../../domain/tickets';
import { describeOutcome, type CallClassifier, type RuleOutcome } from '../../domain/priority-rules';
import { writeOutbox } from './outbox';
import { readSetting } from './repos/settings';
import { createReferentials } from './referentials';
import { findCategory, findTeam, findTeamByName } from './repos/teams';
import { assetsOfPerson, getAsset, getPerson } from './repos/directory';
import { findTicket, insertTicket, relinkAssets, ticketBase, markPriorityOverridden, touchTicket, updateTicketColumns, updateTicketOrg, type TicketChanges, type UpdatableField } from './repos/tickets';
import { ticketEditSchema, type EditChange, type TicketEdit } from '../../domain/ticket-edit';
import { insertFollowup, listFollowups, type TimelineEntry } from './repos/followups';
import { childrenOf, insertLink, parentOf, ticketIdByNumber } from './repos/links';

export interface WorkflowContext {
  now(): Date;
  currentUser(): string;
  /**
   * The organisation feature's port: the requester's organisation/service snapshot and the
   * priority rules' outcome for a call (absent: no rules, no snapshot).
   */
  classify?: CallClassifier;
}


export const ticketErrors = {
  unknownReference: (what: MessageKey, id: string) =>
    RelaisError.of('INVALID_INPUT_unknownReference', { what: { msg: what }, id: id.slice(0, 64) }, { id }),
  notOpen: () =>
    RelaisError.of('INVALID_INPUT_notOpen'),
  badParent: (why: 'self' | 'hasParent' | 'isParent' | 'parentIsChild') => RelaisError.of(`INVALID_INPUT_${why}`, {}, { why }),
  archived: (what: 'category' | 'team', name: string) => RelaisError.of(`ARCHIVED_${what}`, { name }),
  solutionRequired: () =>
    RelaisError.of('INVALID_INPUT_solutionRequired'),
};

/**
 * Every change to tickets goes through here: one IMMEDIATE transaction writes the change,
 * its timeline entries and their outbox rows, and commits with synchronous=FULL before
 * returning — so when a caller gets a result, the change is on disk and queued for sync.
 */
export function createTicketWorkflow(db: Db, ctx: WorkflowContext) {
  const now = () => ctx.now().toISOString();
  const tx = <T>(fn: () => T): T => db.transaction(fn).immediate();
  // SLA due dates count open time on the business-hours calendar (Settings › Heures ouvrées).
  const referentials = createReferentials(db, () => ctx.now());

  const mustGet = (id: string): Ticket => {
    const t = findTicket(db, id, ctx.now());
    if (!t) throw commonErrors.notFound('NOUN_TICKET', id);
    return t;
  };

  /** Applies field changes with a `ticket.update` outbox row holding the before-values (merge base). */
  const applyChanges = (before: Ticket, requested: TicketChanges, at: string): boolean => {
    let changes = requested;
    // Leaving "En attente" drops its reason and reminder: they no longer apply.
    if (changes.status !== undefined && changes.status !== 4 && (before.waitingReason || before.remindAt)) changes = { ...changes, waitingReason: null, remindAt: null };
    const changed: TicketChanges = {};
    const base: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(changes) as [UpdatableField, unknown][]) {
      if (before[k] !== v) {
        (changed as Record<string, unknown>)[k] = v;
        base[k] = before[k];
      }
    }
    if (Object.keys(changed).length === 0) return false;
    updateTicketColumns(db, before.id, changed, at);
    const payload: Record<string, unknown> = { ...changed };
    // Sync maps teams by name on the server side: carry it beside the local id.
    if ('teamId' in changed) {
      payload.teamName = changed.teamId ? (findTeam(db, changed.teamId)?.name ?? null) : null;
      base.teamName = before.teamName;
    }
    writeOutbox(db, { kind: 'ticket.update', ticketId: before.id, payload: { changes: payload }, base }, at);
    return true;
  };

  const append = (ticketId: string, entry: TimelineEntry, at: string): Followup =>
    insertFollowup(db, ticketId, entry, { author: ctx.currentUser(), createdAt: at });

  /**
   * Which priority rules applied (at the call, or when a correction re-ran them): stored as
   * facts, which the console words in the reader's language; the body is the French sentence
   * the ITSM server's timeline shows. Nothing is written when no rule applied.
   */
  const appendRules = (ticketId: string, o: Pick<RuleOutcome, 'applied' | 'override'>, at: string, on?: 'reclassify' | 'edit') => {
    if (o.applied.length === 0 && !o.override) return;
    const body = describeOutcome(o, 'fr', (id) => findTeam(db, id)?.name ?? id).join('\n');
    append(ticketId, { kind: 'rules', body, data: { applied: o.applied, override: o.override, ...(on ? { on } : {}) } }, at);
  };

  /**
   * Links `childId` under `parentId` (one level: a parent is no child, a child has one parent),
   * with a timeline entry on each ticket (each with its outbox row: the ITSM server gets the
   * link, RT as MemberOf). Inside the caller's transaction.
   */
  const link = (child: Ticket, parentId: string, at: string) => {
    if (child.id === parentId) throw ticketErrors.badParent('self');
    const parent = mustGet(parentId);
    if (parentOf(db, child.id)) throw ticketErrors.badParent('hasParent');
    if (childrenOf(db, child.id).length > 0) throw ticketErrors.badParent('isParent');
    if (parentOf(db, parent.id)) throw ticketErrors.badParent('parentIsChild');
    insertLink(db, child.id, parent.id, at, ctx.currentUser());
    append(child.id, { kind: 'link', body: `Rattaché à l'incident majeur n° ${parent.number} — ${parent.subject}`, data: { role: 'child', parentTicketId: parent.id, parentNumber: parent.number, parentSubject: parent.subject }, private: true }, at);
    append(parent.id, { kind: 'link', body: `Appel rattaché : ticket n° ${child.number} (${child.requesterName})`, data: { role: 'parent', childTicketId: child.id, childNumber: child.number, childRequester: child.requesterName }, private: true }, at);
    touchTicket(db, child.id, at);
    touchTicket(db, parent.id, at);
  };

  return {
    get: mustGet,
    parentOf: (id: string) => parentOf(db, id),
    childrenOf: (id: string) => childrenOf(db, id),

    /** Links an existing ticket under a parent "incident majeur" ticket (by id, or by its number). */
    linkParent(childId: string, parent: string | { number: number }): Ticket {
      return tx(() => {
        const parentId = typeof parent === 'string' ? parent : ticketIdByNumber(db, parent.number);
        if (!parentId) throw commonErrors.notFound('NOUN_TICKET', `n° ${(parent as { number: number }).number}`);
        link(mustGet(childId), parentId, now());
        return mustGet(childId);
      });
    },
    timeline: (id: string): Followup[] => {
      mustGet(id);
      return listFollowups(db, id);
    },

    logCall(rawInput: LogCallInput): Ticket {
      const input = logCallInputSchema.parse(rawInput);
      return tx(() => {
        const at = now();
        const user = ctx.currentUser();
        let requesterName = input.requesterName;
        let requesterPhone = input.requesterPhone;
        let assetIds = [...new Set(input.assetIds)];
        if (input.requesterId) {
          const person = getPerson(db, input.requesterId);
          if (!person) throw ticketErrors.unknownReference('NOUN_REQUESTER', input.requesterId);
          requesterName = `${person.firstName} ${person.lastName}`.trim();
          requesterPhone = input.requesterPhone || person.phone;
          // The agent's PC is what a technician will connect to: link it unless the agent picked one.
          if (assetIds.length === 0) assetIds = assetsOfPerson(db, person.id).map((a) => a.id);
        }
        for (const a of assetIds) if (!getAsset(db, a)) throw ticketErrors.unknownReference('NOUN_PC', a);
        const category = input.categoryId ? findCategory(db, input.categoryId) : null;
        if (input.categoryId && !category) throw ticketErrors.unknownReference('NOUN_CATEGORY', input.categoryId);
        if (category && !category.active) throw ticketErrors.archived('category', category.fullName);

        const cls = ctx.classify?.({ ...input, requesterId: input.requesterId, categoryId: category?.id ?? null, at: new Date(at), override: input.priorityOverride });
        const rules = cls?.outcome;
        // A team the operator chose wins over a rule's; a rule's wins over the Hotline default.
        const ruleTeam = !input.teamId && rules?.teamId ? findTeam(db, rules.teamId) : undefined;
        const hotline = findTeamByName(db, 'Hotline') ?? null;
        const team = input.teamId ? findTeam(db, input.teamId) : ruleTeam ?? (input.outcome === 'route' ? undefined : hotline);
        if (input.teamId && !team) throw ticketErrors.unknownReference('NOUN_TEAM', input.teamId);
        if (input.teamId && team && !team.active) throw ticketErrors.archived('team', team.name);

        const urgency = rules?.urgency ?? input.urgency;
        const impact = rules?.impact ?? input.impact;
        const matrix = readSetting(db, 'tickets.priorityMatrix', priorityMatrixSchema, DEFAULT_PRIORITY_MATRIX);
        const priority = computePriority(urgency, impact, matrix);
        const due = referentials.port.slaDueDates(new Date(at), priority, rules?.sla);
        const routed = input.outcome === 'route';
        const solved = input.outcome === 'solved_on_phone';
        // The solution says what solved it, never the problem's own text (F8 asks for it).
        const solution = solved ? input.solution || 'Résolu au téléphone' : null;
        const status: TicketStatus = routed ? 1 : solved ? 5 : 2;

        const ticket = {
          id: uuidv7(),
          type: input.type,
          status,
          subject: deriveSubject(input.subject, input.description),
          description: input.description,
          urgency,
          impact,
          priority,
          categoryId: category?.id ?? null,
          channel: input.channel,
          requesterId: input.requesterId,
          requesterName,
          requesterPhone,
          teamId: team?.id ?? null,
          technician: routed ? null : user,
          createdBy: user,
          createdAt: at,
          takenAt: routed ? null : at,
          resolvedAt: solved ? at : null,
          solution,
          ttoDue: due.ttoDue,
          ttrDue: due.ttrDue,
          assetIds,
          organisationId: cls?.organisationId ?? null,
          serviceId: cls?.serviceId ?? null,
          serviceTier: cls?.serviceTier ?? null,
          tags: rules?.tags ?? [],
          baseUrgency: input.urgency,
          baseImpact: input.impact,
          priorityOverridden: rules?.override != null,
        };
        const number = insertTicket(db, ticket);
        writeOutbox(db, {
          kind: 'ticket.create',
          ticketId: ticket.id,
          payload: { ...ticket, number, categoryName: category?.fullName ?? null, teamName: team?.name ?? null },
        }, at);
        append(ticket.id, { kind: 'call', body: input.description, data: { durationSec: input.durationSec, channel: input.channel } }, at);
        if (rules) appendRules(ticket.id, rules, at);
        if (routed) append(ticket.id, { kind: 'assign', body: '', data: { team: team?.name ?? null, technician: null } }, at);
        if (solved) append(ticket.id, { kind: 'solution', body: solution ?? '', data: { onPhone: true } }, at);
        if (input.parentTicketId) link(mustGet(ticket.id), input.parentTicketId, at);
        return mustGet(ticket.id);
      });
    },

    /** The shared timeline service other features (SSH, RDP, tools, sync) record into. */
    append(ticketId: string, entry: TimelineEntry): Followup {
      return tx(() => {
        mustGet(ticketId);
        const at = now();
        const f = append(ticketId, entry, at);
        touchTicket(db, ticketId, at);
        return f;
      });
    },

    /**
     * Changes fields of a ticket with one timeline entry saying why (e.g. a security report
     * raising the priority), in one transaction with their outbox rows.
     */
    update(ticketId: string, changes: TicketChanges, entry: TimelineEntry): Ticket {
      return tx(() => {
        const t = mustGet(ticketId);
        const at = now();
        applyChanges(t, changes, at);
        append(t.id, entry, at);
        touchTicket(db, t.id, at);
        return mustGet(ticketId);
      });
    },

    addFollowup(ticketId: string, body: string, isPrivate: boolean): Followup {
      return tx(() => {
        mustGet(ticketId);
        const at = now();
        const f = append(ticketId, { kind: 'note', body, private: isPrivate }, at);
        touchTicket(db, ticketId, at);
        return f;
      });
    },

    takeCharge(ticketId: string): Ticket {
      return tx(() => {
        const t = mustGet(ticketId);
        const at = now();
        const user = ctx.currentUser();
        const changes: TicketChanges = { technician: user, takenAt: t.takenAt ?? at };
        if (t.status === 1 || t.status === 4) changes.status = 2;
        if (applyChanges(t, changes, at)) append(t.id, { kind: 'assign', body: '', data: { team: t.teamName, technician: user, from: t.technician, status: changes.status ?? t.status } }, at);
        return mustGet(ticketId);
      });
    },

    setStatus(ticketId: string, status: TicketStatus): Ticket {
      if (status === 5) throw ticketErrors.solutionRequired();
      return tx(() => {
        const t = mustGet(ticketId);
        const at = now();
        const changes: TicketChanges = { status };
        if (status === 6) changes.closedAt = at;
        // Reopening clears the resolution so SLA and the queue see it as open again.
        if (status < 5) Object.assign(changes, { resolvedAt: null, closedAt: null });
        if ((status === 2 || status === 3) && !t.takenAt) changes.takenAt = at;
        if (applyChanges(t, changes, at)) append(t.id, { kind: 'status', body: '', data: { from: t.status, to: status } }, at);
        return mustGet(ticketId);
      });
    },

    route(ticketId: string, teamId: string, technician: string | null): Ticket {
      return tx(() => {
        const t = mustGet(ticketId);
        const team = findTeam(db, teamId);
        if (!team) throw ticketErrors.unknownReference('NOUN_TEAM', teamId);
        const at = now();
        const changes: TicketChanges = { teamId, technician };
        if (t.status < 5) changes.status = technician ? 2 : 1;
        if (technician && !t.takenAt) changes.takenAt = at;
        if (applyChanges(t, changes, at)) append(t.id, { kind: 'assign', body: '', data: { team: team.name, technician, fromTeam: t.teamName, from: t.technician } }, at);
        return mustGet(ticketId);
      });
    },

    /**
     * A new requester or category: the organisation snapshot is taken again and the rules
     * re-run on the urgency/impact the operator entered (an operator override stays).
     */
    reclassify(ticketId: string, patch: { requesterId?: string | null; categoryId?: string | null }): Ticket {
      return tx(() => {
        const t = mustGet(ticketId);
        const at = now();
        const changes: TicketChanges = {};
        if (patch.requesterId !== undefined && patch.requesterId !== t.requesterId) {
          const person = patch.requesterId ? getPerson(db, patch.requesterId) : null;
          if (patch.requesterId && !person) throw ticketErrors.unknownReference('NOUN_REQUESTER', patch.requesterId);
          changes.requesterId = patch.requesterId;
          if (person) Object.assign(changes, { requesterName: `${person.firstName} ${person.lastName}`.trim(), requesterPhone: person.phone });
        }
        if (patch.categoryId !== undefined && patch.categoryId !== t.categoryId) {
          if (patch.categoryId && !findCategory(db, patch.categoryId)) throw ticketErrors.unknownReference('NOUN_CATEGORY', patch.categoryId);
          changes.categoryId = patch.categoryId;
        }
        if (Object.keys(changes).length === 0) return t;
        const base = ticketBase(db, t.id);
        const cls = ctx.classify?.({
          requesterId: changes.requesterId !== undefined ? changes.requesterId : t.requesterId,
          categoryId: changes.categoryId !== undefined ? changes.categoryId : t.categoryId,
          type: t.type,
          channel: t.channel,
          urgency: base.urgency ?? t.urgency,
          impact: base.impact ?? t.impact,
          at: new Date(at),
          override: base.overridden ? { urgency: t.urgency, impact: t.impact } : null,
        });
        if (cls) {
          const matrix = readSetting(db, 'tickets.priorityMatrix', priorityMatrixSchema, DEFAULT_PRIORITY_MATRIX);
          const priority = computePriority(cls.outcome.urgency, cls.outcome.impact, matrix);
          Object.assign(changes, { urgency: cls.outcome.urgency, impact: cls.outcome.impact, priority });
          // A reclassified ticket's due dates follow its new priority, on today's calendar.
          if (priority !== t.priority || cls.outcome.sla) Object.assign(changes, referentials.port.slaDueDates(new Date(t.createdAt), priority, cls.outcome.sla));
          if (cls.outcome.teamId && findTeam(db, cls.outcome.teamId)) changes.teamId = cls.outcome.teamId;
          updateTicketOrg(db, t.id, cls, cls.outcome.tags);
        }
        applyChanges(t, changes, at);
        if (cls) appendRules(t.id, cls.outcome, at, 'reclassify');
        return mustGet(ticketId);
      });
    },

    /**
     * Corrects a logged ticket. Priority and SLA due dates (from the creation time) follow
     * urgency and impact; a new directory requester brings their PCs unless PCs are given.
     * One 'edit' timeline entry lists what changed, from and to, as the operator saw it.
     */
    edit(ticketId: string, rawEdit: TicketEdit): Ticket {
      const input = ticketEditSchema.parse(rawEdit);
      return tx(() => {
        const t = mustGet(ticketId);
        const at = now();
        const changes: TicketChanges = {};
        const log: EditChange[] = [];
        const note = (field: EditChange['field'], from: EditChange['from'], to: EditChange['to']) => {
          if (from !== to) log.push({ field, from, to });
        };
        if (input.subject !== undefined) {
          changes.subject = input.subject;
          note('subject', t.subject, input.subject);
        }
        if (input.type) {
          changes.type = input.type;
          note('type', t.type, input.type);
        }
        if (input.channel) {
          changes.channel = input.channel;
          note('channel', t.channel, input.channel);
        }
        if (input.categoryId !== undefined) {
          const category = input.categoryId ? findCategory(db, input.categoryId) : null;
          if (input.categoryId && !category) throw ticketErrors.unknownReference('NOUN_CATEGORY', input.categoryId);
          changes.categoryId = category?.id ?? null;
          note('category', t.categoryName, category?.fullName ?? null);
        }
        let assetIds = input.assetIds;
        if (input.requester) {
          if ('personId' in input.requester) {
            const person = getPerson(db, input.requester.personId);
            if (!person) throw ticketErrors.unknownReference('NOUN_REQUESTER', input.requester.personId);
            Object.assign(changes, { requesterId: person.id, requesterName: `${person.firstName} ${person.lastName}`.trim(), requesterPhone: person.phone });
            if (assetIds === undefined && person.id !== t.requesterId) assetIds = assetsOfPerson(db, person.id).map((a) => a.id);
          } else Object.assign(changes, { requesterId: null, requesterName: input.requester.name, requesterPhone: input.requester.phone });
          const label = (name: string, phone: string) => [name, phone].filter(Boolean).join(' · ');
          if (changes.requesterId !== t.requesterId || changes.requesterName !== t.requesterName)
            note('requester', label(t.requesterName, t.requesterPhone), label(changes.requesterName!, changes.requesterPhone!));
        }
        // A new requester or category re-runs the priority rules (issue 12), as at call time,
        // on the urgency/impact the operator entered then; levels the operator sets here are
        // an override the rules respect (and later corrections keep).
        const explicitLevels = input.urgency !== undefined || input.impact !== undefined;
        const requesterChanged = changes.requesterId !== undefined && changes.requesterId !== t.requesterId;
        const categoryChanged = changes.categoryId !== undefined && changes.categoryId !== t.categoryId;
        const base = ticketBase(db, t.id);
        const cls =
          ctx.classify && (requesterChanged || categoryChanged)
            ? ctx.classify({
                requesterId: changes.requesterId !== undefined ? changes.requesterId : t.requesterId,
                categoryId: changes.categoryId !== undefined ? changes.categoryId : t.categoryId,
                type: changes.type ?? t.type,
                channel: changes.channel ?? t.channel,
                urgency: base.urgency ?? t.urgency,
                impact: base.impact ?? t.impact,
                at: new Date(at),
                override: explicitLevels || base.overridden ? { urgency: input.urgency ?? t.urgency, impact: input.impact ?? t.impact } : null,
              })
            : null;
        if (explicitLevels || cls) {
          const urgency = cls?.outcome.urgency ?? input.urgency ?? t.urgency;
          const impact = cls?.outcome.impact ?? input.impact ?? t.impact;
          const priority = computePriority(urgency, impact, readSetting(db, 'tickets.priorityMatrix', priorityMatrixSchema, DEFAULT_PRIORITY_MATRIX));
          Object.assign(changes, { urgency, impact, priority });
          note('urgency', t.urgency, urgency);
          note('impact', t.impact, impact);
          if (priority !== t.priority) {
            note('priority', t.priority, priority);
            Object.assign(changes, referentials.port.slaDueDates(new Date(t.createdAt), priority));
          }
        }
        const assetsChanged = assetIds !== undefined && [...new Set(assetIds)].join() !== t.assetIds.join();
        if (assetsChanged) {
          const names = (ids: string[]) => ids.map((a) => getAsset(db, a)?.name ?? a).join(', ');
          for (const a of assetIds!) if (!getAsset(db, a)) throw ticketErrors.unknownReference('NOUN_PC', a);
          relinkAssets(db, t.id, [...new Set(assetIds)]);
          note('assets', names(t.assetIds) || null, names([...new Set(assetIds)]) || null);
          writeOutbox(db, { kind: 'ticket.update', ticketId: t.id, payload: { changes: { assetIds: [...new Set(assetIds!)] } }, base: { assetIds: t.assetIds } }, at);
        }
        if (cls) {
          if (cls.outcome.teamId && findTeam(db, cls.outcome.teamId)) changes.teamId = cls.outcome.teamId;
          updateTicketOrg(db, t.id, cls, cls.outcome.tags);
        }
        if (explicitLevels && !base.overridden) markPriorityOverridden(db, t.id);
        const updated = applyChanges(t, changes, at);
        if (!updated && assetsChanged) touchTicket(db, t.id, at);
        if (log.length > 0) append(t.id, { kind: 'edit', body: '', data: { changes: log } }, at);
        if (cls) appendRules(t.id, cls.outcome, at, 'edit');
        return mustGet(ticketId);
      });
    },

    /** "En attente": on hold for a reason, with the date to call back (the reminders view lists those due). */
    wait(ticketId: string, reason: string, remindAt: string): Ticket {
      return tx(() => {
        const t = mustGet(ticketId);
        if (t.status >= 5) throw ticketErrors.notOpen();
        const at = now();
        const changes: TicketChanges = { status: 4, waitingReason: reason, remindAt };
        if (applyChanges(t, changes, at)) append(t.id, { kind: 'status', body: '', data: { from: t.status, to: 4, reason, remindAt } }, at);
        return mustGet(ticketId);
      });
    },

    resolve(ticketId: string, solution: string): Ticket {
      if (!solution.trim()) throw ticketErrors.solutionRequired();
      return tx(() => {
        const t = mustGet(ticketId);
        const at = now();
        const changes: TicketChanges = { status: 5, solution, resolvedAt: at, takenAt: t.takenAt ?? at, technician: t.technician ?? ctx.currentUser() };
        applyChanges(t, changes, at);
        append(t.id, { kind: 'solution', body: solution }, at);
        return mustGet(ticketId);
      });
    },
  };
}
export type TicketWorkflow = ReturnType<typeof createTicketWorkflow>;
