/**
 * What the equipment desk writes on a ticket's timeline (a request, a loan, a return…) is
 * stored as facts in the entry's `data`; this words those facts from the message catalogue
 * (src/base/messages), in French for the follow-up the ITSM server receives and in the
 * reader's language in the console. An entry written before its facts were complete
 * (older versions stored only a French sentence) is not worded: the console shows its body.
 */
import { z } from 'zod';
import { formatMessage, type Lang, type MessageKey, type Param } from '../base/messages';
import { CONDITION_LABELS, TYPE_LABELS, loanConditionSchema, loanItemTypeSchema } from './loans';

const text = z.string();
const localized = z.object({ fr: z.string(), en: z.string() });

/** The facts of each kind of loan entry (ids such as `requestId` travel beside them). */
export const loanEntrySchemas = {
  loan_request: z.object({ lines: z.array(z.object({ type: loanItemTypeSchema, quantity: z.number().int() })).min(1) }),
  loan_override: z.object({ reason: text }),
  loan_request_cancelled: z.object({ reason: text }),
  loan_checkout: z.object({
    agentName: text,
    items: z.array(z.object({ type: loanItemTypeSchema, tag: text, serial: z.string().nullable() })).min(1),
    dueAt: text,
    overrideReason: text.optional(),
  }),
  loan_checkin: z.object({ tag: text, agentName: text, condition: loanConditionSchema, missingKit: z.array(text), note: text.optional() }),
  loan_reminder: z.object({ tag: text, agentName: text, note: text }),
  loan_conflict_resolved: z.object({ tag: text, reason: text }),
  loan_receipt: z.object({ fileName: text, sha256: text }),
  loan_conflict: z.object({ tag: text, message: localized }),
};
export type LoanEntryKind = keyof typeof loanEntrySchemas;
export type LoanEntryFacts<K extends LoanEntryKind> = z.infer<(typeof loanEntrySchemas)[K]>;

const isLoanKind = (kind: string): kind is LoanEntryKind => Object.hasOwn(loanEntrySchemas, kind);

/** The due date as a calendar day in the service's time zone (the desk is in Paris). */
const dueDay = (iso: string, lang: Lang) => new Date(iso).toLocaleDateString(lang === 'fr' ? 'fr-FR' : 'en-GB', { timeZone: 'Europe/Paris' });

/** A return's condition, missing parts and note: "À contrôler ; manque : chargeur ; écran rayé". */
export function returnDetails(f: Pick<LoanEntryFacts<'loan_checkin'>, 'condition' | 'missingKit' | 'note'>, lang: Lang): string {
  const parts = [
    CONDITION_LABELS[lang][f.condition],
    ...(f.missingKit.length ? [formatMessage(lang, 'LOAN_ENTRY_MISSING', { parts: f.missingKit.join(formatMessage(lang, 'LIST_SEPARATOR')) })] : []),
    ...(f.note ? [f.note] : []),
  ];
  return parts.join(formatMessage(lang, 'LIST_SEPARATOR_STRONG'));
}

function word(kind: LoanEntryKind, d: Record<string, unknown>, lang: Lang): string {
  const m = (key: MessageKey, params: Record<string, Param> = {}) => formatMessage(lang, key, params);
  const list = (parts: string[]) => parts.join(m('LIST_SEPARATOR'));
  switch (kind) {
    case 'loan_request': {
      const f = d as LoanEntryFacts<'loan_request'>;
      return m('LOAN_ENTRY_REQUEST', { lines: list(f.lines.map((l) => m('LOAN_ENTRY_REQUEST_LINE', { quantity: l.quantity, type: TYPE_LABELS[lang][l.type] }))) });
    }
    case 'loan_override':
      return m('LOAN_ENTRY_OVERRIDE', { reason: (d as LoanEntryFacts<'loan_override'>).reason });
    case 'loan_request_cancelled':
      return m('LOAN_ENTRY_CANCELLED', { reason: (d as LoanEntryFacts<'loan_request_cancelled'>).reason });
    case 'loan_checkout': {
      const f = d as LoanEntryFacts<'loan_checkout'>;
      const items = list(f.items.map((i) => (i.serial ? m('LOAN_ENTRY_ITEM_SERIAL', { type: TYPE_LABELS[lang][i.type], tag: i.tag, serial: i.serial }) : m('LOAN_ENTRY_ITEM', { type: TYPE_LABELS[lang][i.type], tag: i.tag }))));
      const p = { agent: f.agentName, items, due: dueDay(f.dueAt, lang) };
      return f.overrideReason ? m('LOAN_ENTRY_CHECKOUT_OUT_OF_TURN', { ...p, reason: f.overrideReason }) : m('LOAN_ENTRY_CHECKOUT', p);
    }
    case 'loan_checkin': {
      const f = d as LoanEntryFacts<'loan_checkin'>;
      return m('LOAN_ENTRY_CHECKIN', { tag: f.tag, agent: f.agentName, details: returnDetails(f, lang) });
    }
    case 'loan_reminder': {
      const f = d as LoanEntryFacts<'loan_reminder'>;
      return m('LOAN_ENTRY_REMINDER', { tag: f.tag, agent: f.agentName, note: f.note });
    }
    case 'loan_conflict_resolved': {
      const f = d as LoanEntryFacts<'loan_conflict_resolved'>;
      return m('LOAN_ENTRY_CONFLICT_RESOLVED', { tag: f.tag, reason: f.reason });
    }
    case 'loan_receipt': {
      const f = d as LoanEntryFacts<'loan_receipt'>;
      return m('LOAN_ENTRY_RECEIPT', { fileName: f.fileName, digest: f.sha256.slice(0, 12) });
    }
    case 'loan_conflict': {
      const f = d as LoanEntryFacts<'loan_conflict'>;
      return m('LOAN_ENTRY_CONFLICT', { tag: f.tag, message: f.message });
    }
  }
}

/** A loan entry worded in `lang` from its stored facts; null for other kinds and for entries without complete facts. */
export function loanEntryText(kind: string, data: unknown, lang: Lang): string | null {
  if (!isLoanKind(kind)) return null;
  const parsed = loanEntrySchemas[kind].safeParse(data);
  return parsed.success ? word(kind, parsed.data as Record<string, unknown>, lang) : null;
}

/** The facts and their French sentence, as the loans service appends them (the body is what the ITSM server receives). */
export function loanEntry<K extends LoanEntryKind>(kind: K, facts: LoanEntryFacts<K> & Record<string, unknown>): { kind: K; body: string; data: LoanEntryFacts<K> } {
  return { kind, body: word(kind, facts, 'fr'), data: facts };
}
