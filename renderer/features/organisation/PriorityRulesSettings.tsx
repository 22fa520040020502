import { useMemo, useState } from 'react';
import { keepPreviousData } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { CallOutput } from '../../../src/api/contract';
import { priorityRulesSchema, type PriorityRule } from '../../../src/domain/priority-rules';
import { api } from '../../api/client';
import { callQuery, queryClient, useCall, useSettled } from '../../api/queries';
import { errorText } from '../ticket/ticket-meta';
import './organisation.css';

type Issue = CallOutput<'organisation.previewRules'>['issues'][number] & Record<string, unknown>;

/**
 * Settings › Priority rules: the ordered list (enable, stop, reorder) and its JSON, checked
 * against the same schema as the core while typing; every valid draft is replayed on the
 * last 500 tickets ("cette règle aurait modifié 37 tickets") and rules that can never
 * match, or that an earlier "stop" rule hides, are flagged. Read-only under a locking policy.
 */
export function PriorityRulesSettings() {
  const { t, i18n } = useTranslation('organisation');
  // The stored rules come from the query (fetched again on `organisation.changed`); the
  // JSON being edited is a local draft (null: not edited, the stored rules are shown).
  const stored = useCall('organisation.rules', undefined, { showsError: true });
  const locked = stored.data?.locked ?? false;
  const [draft, setText] = useState<string | null>(null);
  const text = draft ?? (stored.data ? JSON.stringify(stored.data.rules, null, 2) : '');
  const [saveMessage, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const message = saveMessage ?? (stored.error ? { ok: false, text: errorText(stored.error, i18n.language) } : null);

  const parsed = useMemo((): { rules: PriorityRule[] } | { error: string } => {
    if (!text) return { error: '' };
    try {
      const r = priorityRulesSchema.safeParse(JSON.parse(text));
      return r.success ? { rules: r.data } : { error: r.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`).join(' · ') };
    } catch (e) {
      return { error: (e as Error).message };
    }
  }, [text]);
  const rules = 'rules' in parsed ? parsed.rules : null;

  // Every valid draft, once typing pauses, is replayed on the last tickets; the previous
  // replay stays shown while the next one is computed.
  const settled = useSettled(rules, 300);
  const preview = useCall('organisation.previewRules', { rules: settled ?? [] }, { enabled: !!settled, placeholderData: keepPreviousData }).data ?? null;

  const edit = (fn: (rules: PriorityRule[]) => PriorityRule[]) => rules && setText(JSON.stringify(fn([...rules]), null, 2));
  const move = (i: number, by: number) => edit((r) => {
    const [x] = r.splice(i, 1);
    r.splice(i + by, 0, x!);
    return r;
  });
  const save = async () => {
    if (!rules) return;
    try {
      const s = await api.call('organisation.saveRules', { rules });
      queryClient.setQueryData(callQuery('organisation.rules', undefined).queryKey, s);
      setText(null);
      setMessage({ ok: true, text: t('rules.saved') });
    } catch (err) {
      setMessage({ ok: false, text: errorText(err, i18n.language) });
    }
  };
  const issueText = (i: Issue) => {
    const name = rules?.find((r) => r.id === i.ruleId)?.name ?? i.ruleId;
    return t(`rules.issue.${i.code}`, { ...i, name });
  };

  return (
    <fieldset className="card rules-editor" data-testid="rules-editor">
      <legend>{t('rules.title')}</legend>
      <p className="muted">{t('rules.intro')}</p>
      {locked && <p className="muted" data-testid="rules-locked">{t('rules.locked')}</p>}
      {rules && (
        <ol>
          {rules.map((r, i) => {
            const p = preview?.perRule.find((x) => x.ruleId === r.id);
            return (
              <li key={r.id} data-testid="rule-item">
                <strong>{r.name}</strong>{' '}
                <label className="check"><input type="checkbox" checked={r.enabled} disabled={locked} onChange={(e) => edit((all) => all.map((x) => (x.id === r.id ? { ...x, enabled: e.target.checked } : x)))} /> {t('rules.enabled')}</label>{' '}
                <label className="check"><input type="checkbox" checked={r.stop} disabled={locked} onChange={(e) => edit((all) => all.map((x) => (x.id === r.id ? { ...x, stop: e.target.checked } : x)))} /> {t('rules.stop')}</label>{' '}
                <button type="button" disabled={locked || i === 0} onClick={() => move(i, -1)} aria-label={`${t('rules.up')}${t('common:colon')}${r.name}`}>↑</button>
                <button type="button" disabled={locked || i === rules.length - 1} onClick={() => move(i, 1)} aria-label={`${t('rules.down')}${t('common:colon')}${r.name}`}>↓</button>
                {p && <div className="muted" data-testid="rule-preview">{t('rules.perRule', { name: r.name, count: p.modified, matched: p.matched })}</div>}
                {preview?.issues.filter((x) => x.ruleId === r.id).map((x, j) => <div key={j} className="issue" role="alert" data-testid="rule-issue">{issueText(x as Issue)}</div>)}
              </li>
            );
          })}
        </ol>
      )}
      {rules && preview && <p data-testid="rules-changed">{t('rules.changed', { sample: preview.sample, count: preview.changed })}</p>}
      <label className="field">
        <span>{t('rules.json')}</span>
        <textarea data-testid="rules-json" rows={12} spellCheck={false} readOnly={locked} value={text} onChange={(e) => setText(e.target.value)} aria-invalid={'error' in parsed && !!parsed.error} />
      </label>
      {'error' in parsed && parsed.error && <p role="alert" className="error" data-testid="rules-invalid">{t('rules.invalidJson', { message: parsed.error })}</p>}
      <div className="call-actions">
        <button type="button" className="primary" disabled={locked || !rules} onClick={() => void save()} data-testid="rules-save">{t('rules.save')}</button>
      </div>
      {message && <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok' : 'error'}>{message.text}</p>}
    </fieldset>
  );
}
