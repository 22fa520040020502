import { ServiceLabel } from '../organisation/TierBadge';
import { useTranslation } from 'react-i18next';
import { MARK_END, MARK_START, type QueueRow } from '../../../src/domain/queue';
import { Highlighted } from '../ticket/Highlighted';
import { formatDateTime } from '../ticket/ticket-meta';
import { formatCompactDate, slaLeft } from './compact-time';

const plain = (s: string) => s.replaceAll(MARK_START, '').replaceAll(MARK_END, '');
/** Icons that tell "En cours (attribué)" from "(planifié)" in the short status label. */
const STATUS_ICON: Record<number, string> = { 2: '●', 3: '◷' };

/**
 * One queue row's cells. Every cell keeps to one line of the row's fixed height and ends
 * with "…"; its full text is its title (hover) and the row's accessible text (focus).
 */
export function QueueCells({ row }: { row: QueueRow }) {
  const { t, i18n } = useTranslation('hotline');
  const subject = plain(row.subject);
  const snippet = row.snippet ? plain(row.snippet) : '';
  const sla = slaLeft(row, t);
  const due = [sla.ttoLate ? t('sla.ttoLate') : '', row.ttrDue ? t('sla.due', { date: formatDateTime(row.ttrDue, i18n.language) }) : ''].filter(Boolean).join(' · ');
  return (
    <>
      <span className="cell c-number">{row.number}</span>
      <span className="cell c-subject" title={snippet ? `${subject}\n${snippet}` : subject} data-testid="queue-subject">
        <span className="line">
          <Highlighted text={row.subject} />
        </span>
        {row.snippet && (
          <small className="line snippet muted">
            <Highlighted text={row.snippet} />
          </small>
        )}
      </span>
      <span className={`cell c-status s${row.status}`} title={t(`status.${row.status}`)} aria-label={t(`status.${row.status}`)}>
        {STATUS_ICON[row.status] && <span aria-hidden="true" className="status-icon">{STATUS_ICON[row.status]} </span>}
        {t(`statusShort.${row.status}`)}
      </span>
      <span className={`cell c-priority priority p${row.priority}`}>{t(`level.${row.priority}`)}</span>
      <span className="cell c-requester" title={plain(row.requester)}>
        <Highlighted text={row.requester} />
      </span>
      <span className="cell c-organisation">{row.organisationCode ?? ''}</span>
      <span className="cell c-service" data-tier={row.tier ?? undefined} title={row.serviceName ?? ''}>
        <ServiceLabel name={row.serviceName} tier={row.tier} archived={row.serviceArchived} />
      </span>
      <span className="cell c-team" title={row.teamName ?? ''}>{row.teamName ?? ''}</span>
      <span className="cell c-technician" title={row.technician ?? ''}>{row.technician ?? ''}</span>
      <span className="cell c-date" title={formatDateTime(row.updatedAt, i18n.language)}>{formatCompactDate(row.updatedAt, i18n.language)}</span>
      <span className={`cell c-sla${sla.late ? ' late' : ''}`} title={due} data-testid="queue-sla">
        {sla.text}
      </span>
    </>
  );
}
