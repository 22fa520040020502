import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ChecklistPanel, ChecklistStarter } from './ChecklistPanel';
import { ToolLauncher } from './ToolLauncher';
import { useActiveChecklists, useCatalog, useErrorText, useLang } from './shared';
import './tools.css';

/** The catalog: every tool with its help, the administrator folder's problems, checklists. */
export function ToolsPage() {
  const { t } = useTranslation('tools');
  const lang = useLang();
  const { catalog, error: catalogError } = useCatalog();
  const errText = useErrorText();
  const { runs: active, started, error: listError } = useActiveChecklists();
  const error = catalogError ?? (listError ? errText(listError) : null);
  const [q, setQ] = useState('');
  const [os, setOs] = useState<'all' | 'windows' | 'linux'>('all');
  const [selected, setSelected] = useState<string | null>(null);
  const launcherRef = useRef<HTMLDivElement>(null);
  // The launcher opens beside the list, in a column that stays in view (sticky): bring it to
  // the operator and move focus to its first field, whichever tool of the list was picked.
  useEffect(() => {
    const card = launcherRef.current;
    if (!selected || !card) return;
    card.scrollIntoView({ block: 'nearest' });
    card.querySelector<HTMLElement>('.tool-params input, .tool-params select, .tool-params textarea, [data-testid="tool-target"], [data-testid="tool-run"]')?.focus();
  }, [selected]);

  const tools = useMemo(() => {
    const needle = q.trim().toLocaleLowerCase(lang);
    return (catalog?.tools ?? []).filter(
      (x) => (os === 'all' || x.os === os) && (!needle || `${x.label[lang]} ${x.help[lang]} ${x.id}`.toLocaleLowerCase(lang).includes(needle)),
    );
  }, [catalog, q, os, lang]);

  return (
    <section className="page tools-page" aria-labelledby="page-title">
      <h1 id="page-title">{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      {error && <p className="error">{error}</p>}
      {catalog && catalog.errors.length > 0 && (
        <div className="card warn-card" role="alert" data-testid="catalog-errors">
          <strong>{t('catalogErrors', { count: catalog.errors.length })}</strong>
          <ul>
            {catalog.errors.map((e) => (
              <li key={e.path}>
                <code>{e.path}</code> — {e.reason[lang]}
              </li>
            ))}
          </ul>
        </div>
      )}
      {catalog?.adminDir && <p className="muted">{t('adminDir', { dir: catalog.adminDir })}</p>}
      {catalog && (
        <div className="tools-layout">
          <div className="tools-list">
            <div className="toolbar">
              <input type="search" aria-label={t('search')} placeholder={t('search')} value={q} onChange={(e) => setQ(e.target.value)} data-testid="tool-search" />
              <select aria-label={t('osFilter')} value={os} onChange={(e) => setOs(e.target.value as typeof os)}>
                {(['all', 'windows', 'linux'] as const).map((o) => (
                  <option key={o} value={o}>
                    {t(`os.${o}`)}
                  </option>
                ))}
              </select>
            </div>
            {tools.length === 0 && <p className="muted">{t('noTools')}</p>}
            <ul className="tool-cards" data-testid="tool-list">
              {tools.map((x) => (
                <li key={x.id}>
                  <button type="button" className={`tool-card${selected === x.id ? ' selected' : ''}`} aria-pressed={selected === x.id} onClick={() => setSelected(x.id)} data-testid={`tool-${x.id}`}>
                    <strong>{x.label[lang]}</strong>
                    <span className="muted">{x.help[lang]}</span>
                    <span className="toolbar">
                      <span className="badge">{t(`os.${x.os}`)}</span>
                      {x.elevation && <span className="badge danger">{t('needsElevation')}</span>}
                      {x.source === 'admin' && <span className="badge">{t('source.admin')}</span>}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </div>
          <div className="tools-side">
            {selected && (
              <div
                className="card"
                ref={launcherRef}
                data-testid="tools-page-launcher"
                onKeyDown={(e) => {
                  // Escape goes back to the tool in the list.
                  if (e.key === 'Escape' && !e.defaultPrevented) document.querySelector<HTMLElement>(`[data-testid="tool-${selected}"]`)?.focus();
                }}
              >
                <ToolLauncher key={selected} catalog={catalog} initialToolId={selected} />
              </div>
            )}
            <div className="card">
              <h2>{t('checklists')}</h2>
              <ChecklistStarter catalog={catalog} onStarted={started} />
            </div>
            <h2>{t('activeChecklists')}</h2>
            {active.length === 0 && <p className="muted">{t('noActive')}</p>}
            {active.map((r) => (
              <ChecklistPanel key={r.id} runId={r.id} catalog={catalog} />
            ))}
          </div>
        </div>
      )}
    </section>
  );
}
