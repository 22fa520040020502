import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Template } from '../../../src/domain/templates';
import { api } from '../../api/client';
import { errorText, useTicketMeta } from '../ticket/ticket-meta';

/**
 * Settings › Modèles: the solution and answer templates the call form offers (F8), per
 * category or for all. Saved as a whole; each problem is said next to its field.
 */
export function TemplateSettings() {
  const { t, i18n } = useTranslation('hotline');
  const meta = useTicketMeta();
  const [list, setList] = useState<Template[] | null>(null);
  const [problems, setProblems] = useState<Map<string, string>>(new Map());
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    api.call('templates.list').then((r) => setList(r.templates), () => setList([]));
  }, []);
  if (!list) return null;
  const change = (i: number, patch: Partial<Template>) => setList(list.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  const save = async () => {
    const found = new Map<string, string>();
    list.forEach((x) => {
      if (!x.title.trim()) found.set(`${x.id}.title`, t('templates.titleRequired'));
      if (!x.body.trim()) found.set(`${x.id}.body`, t('templates.bodyRequired'));
    });
    setProblems(found);
    if (found.size > 0) return setStatus({ ok: false, text: t('templates.fix', { count: found.size }) });
    try {
      const r = await api.call('templates.save', { templates: list.map((x) => ({ ...x, title: x.title.trim(), body: x.body.trim() })) });
      setList(r.templates);
      setStatus({ ok: true, text: t('templates.saved') });
    } catch (err) {
      setStatus({ ok: false, text: errorText(err, i18n.language) });
    }
  };
  return (
    <fieldset className="card template-settings" id="templates" data-testid="template-settings">
      <legend>{t('templates.title')}</legend>
      <p className="muted">{t('templates.hint')}</p>
      {list.map((x, i) => (
        <div key={x.id} className="template-row" data-testid="template-row">
          <select aria-label={t('templates.kind')} value={x.kind} onChange={(e) => change(i, { kind: e.target.value as Template['kind'] })}>
            <option value="solution">{t('templates.solution')}</option>
            <option value="answer">{t('templates.answer')}</option>
          </select>
          <select aria-label={t('field.category')} value={x.categoryId ?? ''} onChange={(e) => change(i, { categoryId: e.target.value || null })}>
            <option value="">{t('templates.anyCategory')}</option>
            {meta?.categories.filter((c) => c.active || c.id === x.categoryId).map((c) => <option key={c.id} value={c.id}>{c.fullName}</option>)}
          </select>
          <label className="field">
            <span>{t('templates.name')}</span>
            <input data-testid="template-title" maxLength={80} value={x.title} aria-invalid={problems.has(`${x.id}.title`) || undefined} onChange={(e) => change(i, { title: e.target.value })} />
            {problems.get(`${x.id}.title`) && <small className="error">{problems.get(`${x.id}.title`)}</small>}
          </label>
          <label className="field template-body">
            <span>{t('templates.body')}</span>
            <textarea data-testid="template-body" rows={2} maxLength={2000} value={x.body} aria-invalid={problems.has(`${x.id}.body`) || undefined} onChange={(e) => change(i, { body: e.target.value })} />
            {problems.get(`${x.id}.body`) && <small className="error">{problems.get(`${x.id}.body`)}</small>}
          </label>
          <button type="button" className="danger" onClick={() => setList(list.filter((_, j) => j !== i))}>{t('templates.remove')}</button>
        </div>
      ))}
      <div className="toolbar">
        <button type="button" data-testid="template-add" onClick={() => setList([...list, { id: crypto.randomUUID(), kind: 'solution', categoryId: null, title: '', body: '' }])}>
          {t('templates.add')}
        </button>
        <button type="button" className="primary" data-testid="template-save" onClick={() => void save()}>{t('templates.save')}</button>
        {status && <span role="status" className={status.ok ? 'ok' : 'error'} data-testid="template-status">{status.text}</span>}
      </div>
    </fieldset>
  );
}
