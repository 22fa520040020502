import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SavedView } from '../../../src/domain/queue';
import { api } from '../../api/client';
import { errorText } from '../ticket/ticket-meta';
import type { QueueParams } from './queue-data';
import { Notice } from '../../components/Notice';

export type ViewWithCount = SavedView & { count: number };

/** Saved views with their counts; built-in ones are named by the UI, custom ones by the user. */
export function SavedViews({ views, activeId, current, onApply, onChanged }: {
  views: ViewWithCount[];
  activeId: string | null;
  current: QueueParams;
  onApply(v: SavedView): void;
  onChanged(): void;
}) {
  const { t, i18n } = useTranslation('hotline');
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const label = (v: SavedView) => (v.builtIn ? t(`queue.view.${v.id}`) : v.name);

  const save = async () => {
    try {
      const v = await api.call('tickets.saveView', { name: name.trim(), filter: current.filter, sort: current.sort, dir: current.dir });
      setNaming(false);
      setName('');
      setError(null);
      onChanged();
      onApply(v);
    } catch (err) {
      setError(errorText(err, i18n.language));
    }
  };
  const remove = async (v: SavedView) => {
    try {
      await api.call('tickets.deleteView', { id: v.id });
      onChanged();
    } catch (err) {
      setError(errorText(err, i18n.language));
    }
  };

  return (
    <nav className="saved-views" aria-label={t('queue.views')}>
      <ul>
        {views.map((v) => (
          <li key={v.id}>
            <button type="button" aria-pressed={v.id === activeId} onClick={() => onApply(v)} data-testid={`view-${v.builtIn ? v.id : 'custom'}`}>
              {label(v)} <span className="count">{v.count}</span>
            </button>
            {!v.builtIn && (
              <button type="button" className="icon" aria-label={t('queue.deleteView', { name: v.name })} onClick={() => void remove(v)}>
                ×
              </button>
            )}
          </li>
        ))}
        <li>
          {naming ? (
            <form onSubmit={(e) => { e.preventDefault(); if (name.trim()) void save(); }} className="view-name">
              <input autoFocus aria-label={t('queue.viewName')} placeholder={t('queue.viewName')} maxLength={80} value={name} onChange={(e) => setName(e.target.value)} onKeyDown={(e) => e.key === 'Escape' && setNaming(false)} />
              <button type="submit" className="primary">{t('queue.saveView')}</button>
            </form>
          ) : (
            <button type="button" onClick={() => setNaming(true)} data-testid="save-view">+ {t('queue.saveView')}</button>
          )}
        </li>
      </ul>
      <Notice error={error} />
    </nav>
  );
}
