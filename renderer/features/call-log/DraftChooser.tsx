import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { draftCallerName, draftElapsedSec, type CallDraft } from '../../../src/domain/call-drafts';
import { useCall } from '../../api/queries';
import { replaceRoute, navigate } from '../../app/router';
import { formatDuration } from '../ticket/ticket-meta';

export const newDraftId = () => crypto.randomUUID();

/**
 * "Nouvel appel" while calls are in progress: resume one of them (arrows + Enter, or its
 * number) or start another (N). With no call in progress, goes straight to a new form.
 */
export function DraftChooser() {
  const { t } = useTranslation('hotline');
  // Never an answer cached from an earlier visit (a call may have been saved since): asked
  // on arrival, kept live by `drafts.changed` while shown. A failure is reported and the
  // operator gets a new form rather than nothing.
  const query = useCall('drafts.list', undefined, { gcTime: 0 });
  const drafts = query.data && query.data.drafts.length > 0 ? query.data.drafts : null;
  const [active, setActive] = useState(0);
  const listRef = useRef<HTMLUListElement>(null);

  // An effect: once the operator has left (F3), an answer arriving late cannot pull them back.
  const nothingToResume = query.isError || query.data?.drafts.length === 0;
  useEffect(() => {
    if (nothingToResume) replaceRoute({ page: 'call', id: newDraftId() });
  }, [nothingToResume]);
  useEffect(() => listRef.current?.focus(), [drafts]);

  if (!drafts) return <section className="page" aria-busy="true" />;
  const resume = (d: CallDraft) => navigate({ page: 'call', id: d.id });
  const startNew = () => navigate({ page: 'call', id: newDraftId() });
  const onKeyDown = (e: KeyboardEvent) => {
    const n = drafts.length;
    if (e.key === 'ArrowDown') setActive((a) => (a + 1) % n);
    else if (e.key === 'ArrowUp') setActive((a) => (a - 1 + n) % n);
    else if (e.key === 'Enter') resume(drafts[active]!);
    else if (e.key.toLowerCase() === 'n') startNew();
    else if (/^[1-9]$/.test(e.key) && drafts[Number(e.key) - 1]) resume(drafts[Number(e.key) - 1]!);
    else return;
    e.preventDefault();
  };
  const now = Date.now();
  return (
    <section className="page draft-chooser" aria-labelledby="page-title" data-testid="draft-chooser">
      <h1 id="page-title">{t('drafts.title', { count: drafts.length })}</h1>
      <p className="muted">{t('drafts.hint')}</p>
      <ul ref={listRef} role="listbox" tabIndex={0} className="team-list card" aria-labelledby="page-title" aria-activedescendant={`draft-${active}`} onKeyDown={onKeyDown}>
        {drafts.map((d, i) => (
          <li key={d.id} id={`draft-${i}`} role="option" aria-selected={i === active} data-testid="draft-option" onClick={() => resume(d)}>
            <kbd aria-hidden="true">{i + 1}</kbd> {draftCallerName(d.form) || t('drafts.noCaller')}
            {' — '}
            {d.form.subject || d.form.description.split('\n')[0] || t('drafts.empty')}
            {' · '}
            <span className="muted">{d.startedAt ? formatDuration(draftElapsedSec(d.startedAt, now)) : t('drafts.notStarted')}</span>
          </li>
        ))}
      </ul>
      <div className="toolbar">
        <button type="button" className="primary" onClick={startNew} data-testid="draft-new">
          {t('drafts.new')} <kbd aria-hidden="true">N</kbd>
        </button>
      </div>
    </section>
  );
}
