import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';

export interface SolutionTemplate {
  id: string;
  title: string;
  body: string;
}

/**
 * "Résolu au téléphone" asks what solved it: a short field, filled from one of the
 * category's solution templates (Alt+1…9) or typed; never the problem's own text.
 * Enter (or Ctrl+Enter) resolves, Escape returns to the form untouched.
 */
export function SolutionPrompt({ templates, onConfirm, onCancel }: { templates: SolutionTemplate[]; onConfirm(solution: string): void; onCancel(): void }) {
  const { t } = useTranslation('hotline');
  const [text, setText] = useState(templates[0]?.body ?? '');
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    ref.current?.focus();
    ref.current?.select();
  }, []);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') onCancel();
    else if (e.key === 'Enter' && !e.shiftKey) {
      if (text.trim()) onConfirm(text.trim());
    } else if (e.altKey && /^[1-9]$/.test(e.key) && templates[Number(e.key) - 1]) setText(templates[Number(e.key) - 1]!.body);
    else return;
    e.preventDefault();
    e.stopPropagation();
  };
  return (
    <div className="team-chooser card solution-prompt" role="dialog" aria-modal="true" aria-labelledby="solution-title" data-testid="solution-prompt" onKeyDown={onKeyDown}>
      <h2 id="solution-title">{t('solution.title')}</h2>
      <label className="field">
        <span>{t('field.solution')}</span>
        <textarea ref={ref} rows={3} maxLength={2000} value={text} onChange={(e) => setText(e.target.value)} data-testid="solution-text" placeholder={t('solution.placeholder')} />
      </label>
      {templates.length > 0 && (
        <ul className="template-list" aria-label={t('solution.templates')} data-testid="solution-templates">
          {templates.slice(0, 9).map((tp, i) => (
            <li key={tp.id}>
              <button type="button" onClick={() => setText(tp.body)}>
                <kbd aria-hidden="true">Alt+{i + 1}</kbd> {tp.title}
              </button>
            </li>
          ))}
        </ul>
      )}
      <p className="muted">{t('solution.keys')}</p>
      <div className="toolbar">
        <button type="button" className="primary" disabled={!text.trim()} onClick={() => onConfirm(text.trim())} data-testid="solution-confirm">
          {t('solution.confirm')}
        </button>
        <button type="button" onClick={onCancel}>{t('solution.cancel')}</button>
      </div>
    </div>
  );
}
