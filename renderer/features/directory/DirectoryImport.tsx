import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportKind, ImportPreview } from '../../../src/domain/directory';
import { api } from '../../api/client';
import { errorText } from '../ticket/ticket-meta';
import '../call-log/call-log.css';
import { Notice } from '../../components/Notice';

const MAX_BYTES = 5_000_000;
const COLUMNS: Record<ImportKind, string[]> = {
  people: ['lastName', 'firstName', 'department', 'phone', 'email', 'site', 'organisation', 'service'],
  assets: ['name', 'serial', 'user', 'ip', 'os'],
  services: ['organisation', 'direction', 'service', 'tier', 'archived'],
};

/**
 * Directory import (Settings): pick a CSV of people or PCs, see a preview with every
 * wrong line and why, then import all lines at once. The core refuses a file with any
 * wrong line, so the directory is never half-imported.
 */
export function DirectoryImport() {
  const { t, i18n } = useTranslation('directory');
  const [kind, setKind] = useState<ImportKind>('people');
  const [csv, setCsv] = useState<string | null>(null);
  const [fileName, setFileName] = useState('');
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [progress, setProgress] = useState<{ phase: string; done: number; total: number } | null>(null);
  // Long imports report progress (checking, then writing) and can be cancelled.
  useEffect(() => api.on('directory.importProgress', (p) => setProgress(p.phase === 'done' ? null : p)), []);

  const load = async (file: File | undefined) => {
    setPreview(null);
    setMessage(null);
    if (!file) return;
    if (file.size > MAX_BYTES) {
      setMessage({ ok: false, text: t('tooBig') });
      return;
    }
    setFileName(file.name);
    setCsv(await file.text());
  };

  const run = async (step: 'preview' | 'commit') => {
    if (!csv || busy) return;
    setBusy(true);
    setMessage(null);
    try {
      if (step === 'preview') setPreview(await api.call('directory.importPreview', { kind, csv }));
      else {
        const r = await api.call('directory.importCommit', { kind, csv });
        setMessage({ ok: true, text: t('done', { count: r.imported }) });
        setPreview(null);
      }
    } catch (err) {
      setMessage({ ok: false, text: errorText(err, i18n.language) });
    } finally {
      setBusy(false);
      setProgress(null);
    }
  };

  const columns = COLUMNS[kind];
  return (
    <fieldset className="card directory-import" data-testid="directory-import">
      <legend>{t('title')}</legend>
      <p className="muted">{t(`${kind}Columns`)}</p>
      <label className="field">
        <span>{t('kind')}</span>
        <select data-testid="import-kind" value={kind} onChange={(e) => { setKind(e.target.value as ImportKind); setPreview(null); }}>
          <option value="people">{t('people')}</option>
          <option value="assets">{t('assets')}</option>
          <option value="services">{t('services')}</option>
        </select>
      </label>
      <label className="field">
        <span>{t('file')}</span>
        <input type="file" accept=".csv,text/csv" data-testid="import-file" onChange={(e) => void load(e.target.files?.[0])} />
      </label>
      <div className="call-actions">
        <button type="button" disabled={!csv || busy} onClick={() => void run('preview')} data-testid="import-preview">{t('preview')}</button>
        <button type="button" className="primary" disabled={!preview || preview.errors.length > 0 || preview.valid === 0 || busy} onClick={() => void run('commit')} data-testid="import-commit">
          {t('commit', { count: preview?.valid ?? 0 })}
        </button>
      </div>
      {progress && (
        <div className="import-progress" data-testid="import-progress">
          <progress max={progress.total} value={progress.done} aria-label={t(`phase.${progress.phase}`)} />{' '}
          <span>{t(`phase.${progress.phase}`)} {progress.done} / {progress.total}</span>{' '}
          <button type="button" onClick={() => void api.call('directory.importCancel', {})} data-testid="import-cancel">{t('cancel')}</button>
        </div>
      )}
      {preview && (
        <div data-testid="import-result">
          <p>{t('summary', { file: fileName, valid: preview.valid, errors: preview.errors.length })}</p>
          {preview.errors.length > 0 && (
            <>
              <p className="error">{t('fixFirst')}</p>
              <ul className="import-errors" data-testid="import-errors">
                {preview.errors.map((e, i) => (
                  <li key={i}>{t('line', { line: e.line })}{t('common:colon')}{i18n.language.startsWith('en') ? e.reason.en : e.reason.fr}</li>
                ))}
              </ul>
            </>
          )}
          {preview.sample.length > 0 && (
            <div className="import-sample">
              <table>
                <caption className="muted">{t('sample')}</caption>
                <thead><tr>{columns.map((c) => <th key={c} scope="col">{t(`col.${c}`)}</th>)}</tr></thead>
                <tbody>{preview.sample.map((row, i) => <tr key={i}>{row.map((v, j) => <td key={j}>{v}</td>)}</tr>)}</tbody>
              </table>
            </div>
          )}
        </div>
      )}
      <Notice tone={message?.ok ? 'success' : 'error'} testId="import-message">{message?.text}</Notice>
    </fieldset>
  );
}
