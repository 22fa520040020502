import { useTranslation } from 'react-i18next';
import type { Followup } from '../../../src/domain/tickets';
import type { EditChange } from '../../../src/domain/ticket-edit';
import { formatDateTime, formatDuration, useTicketMeta } from './ticket-meta';
import { describeOutcome, type Lang, type RuleOutcome } from '../../../src/domain/priority-rules';
import { loanEntryText } from '../../../src/domain/loan-entries';
import { generatedEntryText } from './generated-entry';
import { Revealed } from '../../components/Revealed';

const KNOWN_KINDS = new Set(['call', 'note', 'status', 'assign', 'solution', 'ssh_session', 'rdp_session', 'tool_run', 'checklist_step', 'transcript', 'sync_discarded', 'edit', 'rules', 'link']);

/** The ticket's history, oldest first. Kinds added by other features show their label and body. */
export function Timeline({ entries }: { entries: Followup[] }) {
  const { t, i18n } = useTranslation('hotline');
  return (
    <section aria-labelledby="timeline-title" className="timeline">
      <h2 id="timeline-title">{t('ticket.timeline')}</h2>
      <ol data-testid="timeline">
        {entries.map((f) => (
          <li key={f.id} className={`tl-entry tl-${f.kind}`} data-kind={f.kind}>
            <div className="tl-meta">
              <strong>{KNOWN_KINDS.has(f.kind) ? t(`ticket.kind.${f.kind}`) : i18n.exists(`incidents:kind.${f.kind}`) ? t(`incidents:kind.${f.kind}`) : i18n.exists(`loans:kind.${f.kind}`) ? t(`loans:kind.${f.kind}`) : f.kind.replace(/_/g, ' ')}</strong>
              <span className="muted">
                {f.author} · <time dateTime={f.createdAt}>{formatDateTime(f.createdAt, i18n.language)}</time>
              </span>
              {f.private && <span className="badge">{t('ticket.privateBadge')}</span>}
            </div>
            <EntryDetails f={f} />
            <EntryBody f={f} />
          </li>
        ))}
      </ol>
    </section>
  );
}

function EntryDetails({ f }: { f: Followup }) {
  const { t, i18n } = useTranslation('hotline');
  const data = (f.data ?? {}) as Record<string, unknown>;
  if ((f.kind === 'call' || (f.kind === 'note' && data.fromCall === true)) && typeof data.durationSec === 'number') return <p className="muted">{t('ticket.callDuration', { duration: formatDuration(data.durationSec) })}</p>;
  if (f.kind === 'edit' && Array.isArray(data.changes)) return <EditDetails changes={data.changes as EditChange[]} />;
  if (f.kind === 'status' && typeof data.from === 'number' && typeof data.to === 'number')
    return (
      <p>
        {t('ticket.statusChange', { from: t(`status.${data.from}`), to: t(`status.${data.to}`) })}
        {typeof data.reason === 'string' && typeof data.remindAt === 'string' && (
          <> — {t('wait.current', { reason: data.reason, date: formatDateTime(data.remindAt, i18n.language) })}</>
        )}
      </p>
    );
  if (f.kind === 'assign')
    return <p>{t('ticket.assignTo', { team: typeof data.team === 'string' ? data.team : '—', technician: typeof data.technician === 'string' ? data.technician : t('field.nobody') })}</p>;
  return null;
}

/** Which priority rules applied (at the call, or when a correction re-ran them), in the reader's language. */
function rulesText(f: Followup, lang: Lang, teamName: (id: string) => string): string | null {
  const data = (f.data ?? {}) as { applied?: RuleOutcome['applied']; override?: RuleOutcome['override'] };
  if (f.kind !== 'rules' || !Array.isArray(data.applied)) return null;
  return describeOutcome({ applied: data.applied, override: data.override ?? null }, lang, teamName).join('\n');
}

/** A parent/child link ("incident majeur"), worded from its facts. */
function linkText(f: Followup, t: (key: string, o?: Record<string, unknown>) => string): string | null {
  const d = (f.data ?? {}) as { role?: string; parentNumber?: number; parentSubject?: string; childNumber?: number; childRequester?: string };
  if (f.kind !== 'link') return null;
  if (d.role === 'child' && typeof d.parentNumber === 'number') return t('link.childEntry', { number: d.parentNumber, subject: d.parentSubject ?? '' });
  if (d.role === 'parent' && typeof d.childNumber === 'number') return t('link.parentEntry', { number: d.childNumber, requester: d.childRequester ?? '' });
  return null;
}

/** What the entry says: worded from its facts in the reader's language when it can be, else as stored. */
function EntryBody({ f }: { f: Followup }) {
  const { t, i18n } = useTranslation('hotline');
  const meta = useTicketMeta();
  const lang = i18n.language.startsWith('en') ? 'en' : 'fr';
  const text =
    rulesText(f, lang, (id) => meta?.teams.find((x) => x.id === id)?.name ?? id) ?? linkText(f, t) ?? generatedEntryText(f, t, i18n.language) ?? loanEntryText(f.kind, f.data, lang) ?? f.body;
  return text ? (
    <p className="tl-body">
      <Revealed text={text} />
    </p>
  ) : null;
}

/** An 'edit' entry: each corrected field, from → to, in the reader's language. */
function EditDetails({ changes }: { changes: EditChange[] }) {
  const { t } = useTranslation('hotline');
  const word = (field: EditChange['field'], v: EditChange['from']) => {
    if (v === null || v === '') return '—';
    if (field === 'urgency' || field === 'impact' || field === 'priority') return t(`level.${v}`);
    if (field === 'type') return t(`type.${v}`);
    if (field === 'channel') return t(`channel.${v}`);
    return String(v);
  };
  return (
    <ul data-testid="edit-changes">
      {changes.map((c) => (
        <li key={c.field}>
          {t('edit.change', { field: t(`edit.field.${c.field}`), from: word(c.field, c.from), to: word(c.field, c.to) })}
        </li>
      ))}
    </ul>
  );
}
