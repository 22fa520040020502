import { parse } from 'csv-parse/sync';
import type { Core } from '../core';
import type { HandlersFor } from '../handler-kit';
import { RelaisError } from '../../base/errors';
import { computePriority, DEFAULT_PRIORITY_MATRIX, priorityMatrixSchema } from '../../domain/tickets';
import { LOAN_CATEGORY_NAME } from '../../domain/loans';
import type { TicketPort } from '../../features/tickets/port';
import { getPerson } from '../../features/tickets/repos/directory';
import { readSetting } from '../../features/tickets/repos/settings';
import { findCategoryByFullName } from '../../features/tickets/repos/teams';
import { getUnit } from '../../features/organisation/store';
import { createLoansService, type LoanRankingPort, type LoansService } from '../../features/loans/service';
import type { LoanRemote } from '../../features/loans/remote-types';
import { seedLoansDemo } from '../../features/loans/demo';
import type { OrganisationPort } from './organisation';

export interface LoansFeature {
  handlers: HandlersFor<'loans'>;
  loans: LoansService;
}

/**
 * Tier and priority of a direct request, from the organisation rules: the agent is classified
 * as a call of the "Prêt de matériel" category would be (the same classifier every logged call
 * goes through), and the priority matrix turns the outcome into a priority.
 */
function rankingPort(core: Core, organisation: OrganisationPort): LoanRankingPort {
  const categoryId = () => findCategoryByFullName(core.db, LOAN_CATEGORY_NAME)?.id ?? null;
  return {
    forPerson(personId, at) {
      const c = organisation.classify({ requesterId: personId, categoryId: categoryId(), type: 'request', channel: 'phone', urgency: 3, impact: 3, at, override: null });
      const matrix = readSetting(core.db, 'tickets.priorityMatrix', priorityMatrixSchema, DEFAULT_PRIORITY_MATRIX);
      const unit = c.serviceId ? getUnit(core.db, c.serviceId) : undefined;
      return { organisationId: c.organisationId, serviceId: c.serviceId, serviceName: unit?.name ?? null, tier: c.serviceTier, priority: computePriority(c.outcome.urgency, c.outcome.impact, matrix) };
    },
    person(personId) {
      const p = getPerson(core.db, personId);
      if (!p) return null;
      return { name: `${p.firstName} ${p.lastName}`.trim(), login: p.email ? p.email.split('@')[0]! : null, email: p.email || null };
    },
  };
}

const badCsv = (why: string) =>
  RelaisError.of('LOAN_IMPORT_INVALID_unreadable', { why });

/** La permanence: thin handlers over the loans service (src/features/loans). */
export function createLoansFeature(core: Core, deps: { tickets: TicketPort; organisation: OrganisationPort; remote?: () => LoanRemote | null; autoSync?: boolean }): LoansFeature {
  let timer: NodeJS.Timeout | null = null;
  const remote = deps.remote ?? (() => null);
  const ranking = rankingPort(core, deps.organisation);
  if (core.demo) seedLoansDemo({ db: core.db, actor: () => core.currentUser(), tickets: deps.tickets, ranking }, core.now());
  const loans = createLoansService({
    db: core.db,
    now: () => core.now(),
    actor: () => core.currentUser(),
    tickets: deps.tickets,
    ranking,
    remote,
    onChange: (ticketIds) => {
      core.events.emit('loans.changed', { ticketIds });
      if (ticketIds.length) core.events.emit('tickets.changed', { ids: ticketIds });
      schedule(300);
    },
  });
  /** Pushes soon after a change, and every minute while ops wait (a failed push retries with backoff). */
  function schedule(ms: number) {
    if (deps.autoSync === false || !remote() || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void loans.drain().then(
        (r) => r.waiting + loans.outbox().pending > 0 && schedule(60_000),
        () => schedule(60_000),
      );
    }, ms);
    timer.unref?.();
  }
  core.onClose(() => {
    if (timer) clearTimeout(timer);
    timer = null;
  });
  schedule(1_000);

  const receiptOut = (r: { receiptId: string; fileName: string; pdf: Buffer; ticketNumber: number | null }) => ({ receiptId: r.receiptId, fileName: r.fileName, base64: r.pdf.toString('base64'), attachedTo: r.ticketNumber });

  const handlers: HandlersFor<'loans'> = {
    'loans.overview': () => loans.overview(),
    'loans.waitlist': (input) => loans.waitlist(input?.limit),
    'loans.items': (input) => ({ items: loans.items(input ?? {}) }),
    'loans.item': ({ tag }) => loans.item(tag),
    'loans.addItem': (input) => loans.addItem(input),
    'loans.importItems': ({ csv }) => {
      let records: string[][];
      try {
        const firstLine = csv.slice(0, csv.indexOf('\n') >>> 0);
        const delimiter = (firstLine.match(/;/g)?.length ?? 0) >= (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
        records = parse(csv.replace(/^\uFEFF/, ''), { delimiter, relax_column_count: true, skip_empty_lines: true }) as string[][];
      } catch (e) {
        throw badCsv(String((e as Error).message).slice(0, 120));
      }
      return loans.importItems(records);
    },
    'loans.changeState': ({ tag, to, reason }) => loans.changeState(tag, to, reason),
    'loans.history': (who) => ({ events: loans.history(who) }),
    'loans.createRequest': (input) => loans.createRequest(input),
    'loans.overrideRequest': ({ requestId, reason }) => loans.overrideRequest(requestId, reason),
    'loans.cancelRequest': ({ requestId, reason }) => loans.cancelRequest(requestId, reason),
    'loans.propose': ({ requestId }) => loans.proposeFor(requestId),
    'loans.reserve': (input) => loans.reserve(input),
    'loans.cancelReservation': ({ reservationId, reason }) => {
      loans.cancelReservation(reservationId, reason);
      return { cancelled: true as const };
    },
    'loans.checkout': async ({ locale, ...input }) => {
      const made = loans.checkout(input);
      const receipt = await loans.issueReceipt(
        made.map((l) => l.id),
        locale,
      );
      return { loans: made.map((l) => loans.loan(l.id)), receipt: receiptOut(receipt) };
    },
    'loans.checkin': (input) => loans.checkin(input),
    'loans.remind': ({ loanId, note }) => loans.remind(loanId, note),
    'loans.resolveConflict': ({ loanId, reason }) => loans.resolveConflict(loanId, reason),
    'loans.receipt': ({ receiptId }) => receiptOut(loans.receipt(receiptId)),
    'loans.ofTicket': ({ ticketId }) => ({ requests: loans.requestsOfTicket(ticketId), loans: loans.loansOfTicket(ticketId) }),
    'loans.sync': async () => {
      const r = await loans.drain();
      return { done: r.done, conflicts: r.conflicts, waiting: r.waiting, parked: r.parked, stoppedBy: r.stoppedBy ? r.stoppedBy.toJSON() : null, outbox: loans.outbox() };
    },
    'loans.retryParked': () => ({ requeued: loans.retryParked() }),
  };
  return { handlers, loans };
}
