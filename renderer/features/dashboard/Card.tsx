import { useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export interface DataTable {
  head: string[];
  rows: (string | number)[][];
}

/**
 * A dashboard card: a title, the summary sentence that says what the chart shows, the chart,
 * and its data table one key away (T inside the card, or the "Données" button).
 */
export function Card(props: {
  id: string;
  title: string;
  summary: string;
  chart?: ReactNode;
  table?: DataTable;
  onCsv?: () => void;
  wide?: boolean;
  children?: ReactNode;
}) {
  const { t } = useTranslation('dashboard');
  const [showTable, setShowTable] = useState(false);
  const headingId = useId();
  const tableRef = useRef<HTMLTableElement>(null);

  const toggle = () => {
    setShowTable((v) => {
      // Focus follows the table so a screen reader reads it at once.
      if (!v) requestAnimationFrame(() => tableRef.current?.focus());
      return !v;
    });
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const target = e.target as HTMLElement;
    if (e.key.toLowerCase() !== 't' || e.ctrlKey || e.altKey || e.metaKey || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) return;
    if (!props.table) return;
    e.preventDefault();
    toggle();
  };

  return (
    <section className={`dash-card card${props.wide ? ' wide' : ''}`} aria-labelledby={headingId} data-testid={`card-${props.id}`} onKeyDown={onKeyDown}>
      <header>
        <h2 id={headingId}>{props.title}</h2>
        <div className="dash-card-actions">
          {props.table && (
            <button type="button" aria-pressed={showTable} onClick={toggle} title={t('table.hint')} data-testid={`table-toggle-${props.id}`}>
              {t('table.show')} <kbd aria-hidden="true">T</kbd>
            </button>
          )}
          {props.onCsv && (
            <button type="button" onClick={props.onCsv} aria-label={t('csvLabel', { title: props.title })} data-testid={`csv-${props.id}`}>
              {t('csv')}
            </button>
          )}
        </div>
      </header>
      <p className="dash-summary" data-testid={`summary-${props.id}`}>
        {props.summary}
      </p>
      {props.children}
      {props.table && showTable ? (
        <div className="dash-table-wrap">
          <table ref={tableRef} tabIndex={-1} data-testid={`table-${props.id}`}>
            <caption>{t('table.caption', { title: props.title })}</caption>
            <thead>
              <tr>
                {props.table.head.map((h, i) => (
                  <th key={i} scope="col">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {props.table.rows.map((r, i) => (
                <tr key={i}>
                  {r.map((c, j) =>
                    j === 0 ? (
                      <th key={j} scope="row">
                        {c}
                      </th>
                    ) : (
                      <td key={j}>{c}</td>
                    ),
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        props.chart
      )}
    </section>
  );
}
