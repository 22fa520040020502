import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Template } from '../../../src/domain/templates';
import { api } from '../../api/client';
import { callQuery, queryClient, useCall } from '../../api/queries';
import { useTicketMeta } from '../ticket/ticket-meta';
import { Notice } from '../../components/Notice';
import { SaveBar, useChange } from '../../components/SaveBar';

/**
 * Settings › Modèles: the solution and answer templates the call form offers (F8), per
 * category or for all. Saved as a whole; each problem is said next to its field.
 */
export function TemplateSettings() {
  const { t, i18n } = useTranslation('hotline');
  const meta = useTicketMeta();
  // The stored templates come from the query; the editor's draft is local (null: not edited).
  const stored = useCall('templates.list', undefined, { showsError: true });
  const saved = stored.data?.templates;
  const [draft, setDraft] = useState<Template[] | null>(null);
  const [problems, setProblems] = useState<Map<string, string>>(new Map());
  const [local, setLocal] = useState<string | null>(null);
  const { state, run } = useChange(i18n.language);
  // Not an empty editor when the list cannot be read: saving it would delete every template.
  if (!saved) return <Notice error={stored.error} testId="template-status" />;
  const list = draft ?? saved;
  const change = (i: number, patch: Partial<Template>) => setDraft(list.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  const save = async () => {
    const found = new Map<string, string>();
    list.forEach((x) => {
      if (!x.title.trim()) found.set(`${x.id}.title`, t('templates.titleRequired'));
      if (!x.body.trim()) found.set(`${x.id}.body`, t('templates.bodyRequired'));
    });
    setProblems(found);
    setLocal(found.size > 0 ? t('templates.fix', { count: found.size }) : null);
    if (found.size > 0) return;
    const r = await run(() => api.call('templates.save', { templates: list.map((x) => ({ ...x, title: x.title.trim(), body: x.body.trim() })) }), () => t('templates.saved'));
    if (r) {
      // No event announces templates: the answer is the new stored list (the call form's too).
      queryClient.setQueryData(callQuery('templates.list', undefined).queryKey, r);
      setDraft(null);
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
            <input data-testid="template-title" maxLength={80} value={x.title} aria-invalid={problems.has(`${x.id}.title`) || undefined} aria-describedby={problems.has(`${x.id}.title`) ? `${x.id}-title-problem` : undefined} onChange={(e) => change(i, { title: e.target.value })} />
            {problems.get(`${x.id}.title`) && <small className="error" id={`${x.id}-title-problem`}>{problems.get(`${x.id}.title`)}</small>}
          </label>
          <label className="field template-body">
            <span>{t('templates.body')}</span>
            <textarea data-testid="template-body" rows={2} maxLength={2000} value={x.body} aria-invalid={problems.has(`${x.id}.body`) || undefined} aria-describedby={problems.has(`${x.id}.body`) ? `${x.id}-body-problem` : undefined} onChange={(e) => change(i, { body: e.target.value })} />
            {problems.get(`${x.id}.body`) && <small className="error" id={`${x.id}-body-problem`}>{problems.get(`${x.id}.body`)}</small>}
          </label>
          <button type="button" className="danger" onClick={() => setDraft(list.filter((_, j) => j !== i))}>{t('templates.remove')}</button>
        </div>
      ))}
      <SaveBar
        label={t('templates.save')}
        testId="template-save"
        onSave={() => void save()}
        state={local ? { kind: 'error', text: local } : state}
        noticeTestId="template-status"
        dirty={JSON.stringify(list) !== JSON.stringify(saved)}
        onDiscard={() => {
          setProblems(new Map());
          setLocal(null);
          setDraft(null);
        }}
      >
        <button type="button" data-testid="template-add" onClick={() => setDraft([...list, { id: crypto.randomUUID(), kind: 'solution', categoryId: null, title: '', body: '' }])}>
          {t('templates.add')}
        </button>
      </SaveBar>
    </fieldset>
  );
}
