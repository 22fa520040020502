import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallInput, CallOutput } from '../../../src/api/contract';
import { api } from '../../api/client';
import { useCall } from '../../api/queries';
import { downloadBase64 } from './download';
import { useRunState } from './run-store';
import { navigate } from '../../app/router';
import { sshStore } from '../remote/ssh-store';
import { Notice, useErrorText } from '../../components/Notice';

export type Catalog = CallOutput<'tools.catalog'>;
export type ToolSummary = Catalog['tools'][number];
export type ToolParam = ToolSummary['params'][number];
export type ToolTarget = CallInput<'tools.run'>['target'];
export type ChecklistRun = CallOutput<'tools.checklistGet'>['run'];
export type ParamValues = Record<string, string | number | boolean>;
type Lang = 'fr' | 'en';
/** A PC linked to the ticket the tool is run for. */
export type TicketPc = CallOutput<'tickets.get'>['assets'][number];

/** The tool OS a PC's system string says (unknown: null, then any tool may target it). */
export function pcOs(os: string): ToolSummary['os'] | null {
  const o = os.toLowerCase();
  if (o.includes('windows')) return 'windows';
  if (/linux|debian|ubuntu|unix/.test(o)) return 'linux';
  return null;
}

export function useLang(): Lang {
  const { i18n } = useTranslation();
  return i18n.language.startsWith('en') ? 'en' : 'fr';
}

export { useErrorText };

/** The tool catalog (one cached answer per tab), with the reason it could not be read. */
export function useCatalog(): { catalog: Catalog | null; error: string | null } {
  const errText = useErrorText();
  const query = useCall('tools.catalog', {}, { showsError: true });
  return { catalog: query.data ?? null, error: query.error ? errText(query.error) : null };
}

/**
 * Active checklists (of a ticket, or all), kept current by `tools.checklistChanged`. A run
 * shown since the screen opened stays in place once it ends, with its result, rather than
 * vanishing from under the operator; runs started elsewhere join at the top.
 */
export function useActiveChecklists(ticketId?: string): { runs: ChecklistRun[]; started(run: ChecklistRun): void; error: unknown } {
  const query = useCall('tools.checklistList', ticketId ? { ticketId, activeOnly: true } : { activeOnly: true }, { showsError: true });
  const [shown, setShown] = useState<ChecklistRun[]>([]);
  const fetched = query.data?.runs;
  useEffect(() => {
    if (fetched) setShown((prev) => [...fetched.filter((r) => !prev.some((p) => p.id === r.id)), ...prev]);
  }, [fetched]);
  return { runs: shown, started: (run) => setShown((prev) => [run, ...prev.filter((x) => x.id !== run.id)]), error: query.error };
}

export interface SshProfileLite {
  id: string;
  name: string;
  host: string;
  assetId: string | null;
}

const noProfiles: SshProfileLite[] = [];
const liteProfiles = (r: CallOutput<'ssh.profiles'>): SshProfileLite[] => r.profiles.map((p) => ({ id: p.id, name: p.name, host: p.host, assetId: p.assetId }));

/** SSH profiles to run tools on, kept current by `ssh.profilesChanged`. */
export function useSshProfiles(): SshProfileLite[] {
  return useCall('ssh.profiles', {}, { select: liteProfiles }).data ?? noProfiles;
}

/** Default values of a parameter list (what the form starts with). */
export function defaults(params: ToolParam[]): ParamValues {
  const out: ParamValues = {};
  for (const p of params) {
    if (p.default !== undefined) out[p.name] = p.default;
    else if (p.type === 'boolean') out[p.name] = false;
  }
  return out;
}

/** A form generated from the tool's parameter schema. */
export function ParamForm({ params, values, onChange, idPrefix }: { params: ToolParam[]; values: ParamValues; onChange: (v: ParamValues) => void; idPrefix: string }) {
  const { t } = useTranslation('tools');
  const lang = useLang();
  const set = (name: string, v: string | number | boolean) => onChange({ ...values, [name]: v });
  return (
    <div className="tool-params">
      {params.map((p) => {
        const id = `${idPrefix}-${p.name}`;
        const hint = p.help?.[lang];
        const label = (
          <span>
            {p.label[lang]}
            {!p.required && p.type !== 'boolean' && <span className="muted"> ({t('optional')})</span>}
          </span>
        );
        if (p.type === 'boolean')
          return (
            <label key={p.name} className="field checkbox" htmlFor={id}>
              <input id={id} type="checkbox" data-testid={`param-${p.name}`} checked={values[p.name] === true} onChange={(e) => set(p.name, e.target.checked)} />
              {label}
            </label>
          );
        return (
          <label key={p.name} className="field" htmlFor={id}>
            {label}
            {p.type === 'enum' ? (
              <select id={id} data-testid={`param-${p.name}`} value={String(values[p.name] ?? '')} onChange={(e) => set(p.name, e.target.value)}>
                {values[p.name] === undefined && <option value="">—</option>}
                {p.options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label[lang]}
                  </option>
                ))}
              </select>
            ) : p.type === 'integer' ? (
              <input id={id} data-testid={`param-${p.name}`} type="number" min={p.min} max={p.max} step={1} required={p.required} value={String(values[p.name] ?? '')} onChange={(e) => set(p.name, e.target.value === '' ? '' : Number(e.target.value))} />
            ) : p.type === 'string' && p.maxLength > 200 ? (
              <textarea id={id} data-testid={`param-${p.name}`} maxLength={p.maxLength} rows={3} required={p.required} value={String(values[p.name] ?? '')} onChange={(e) => set(p.name, e.target.value)} />
            ) : (
              <input
                id={id}
                data-testid={`param-${p.name}`}
                type="text"
                spellCheck={false}
                autoComplete="off"
                maxLength={p.type === 'string' ? p.maxLength : p.type === 'hostname' ? 253 : p.type === 'uncPath' ? 260 : 200}
                required={p.required}
                placeholder={p.type === 'uncPath' ? '\\\\serveur\\partage' : p.type === 'printerName' ? '\\\\serveur\\imprimante' : undefined}
                value={String(values[p.name] ?? '')}
                onChange={(e) => set(p.name, e.target.value)}
              />
            )}
            {hint && <span className="hint">{hint}</span>}
          </label>
        );
      })}
    </div>
  );
}

export const targetKey = (t: ToolTarget) => (t.kind === 'local' ? 'local' : `ssh:${t.profileId}`);

/**
 * Where to run: this PC (when it has the tool's OS) or a saved SSH profile. From a ticket,
 * the profiles of the ticket's linked PCs come first (and are chosen by default); a linked PC
 * of the tool's system that has no SSH profile yet is still offered, with the way to create
 * its profile (the remote-sessions page, prefilled), rather than "no compatible PC".
 */
export function TargetPicker({ os, localOs, value, onChange, id, preferAssets = [], ticketPcs = [], ticketId }: { os: ToolSummary['os']; localOs: Catalog['localOs']; value: ToolTarget | null; onChange: (t: ToolTarget | null) => void; id: string; preferAssets?: string[]; ticketPcs?: TicketPc[]; ticketId?: string }) {
  const { t } = useTranslation('tools');
  const profiles = useSshProfiles();
  const options: { key: string; target: ToolTarget | null; label: string; pc?: TicketPc }[] = [];
  const preferred = new Set([...preferAssets, ...ticketPcs.map((a) => a.id)]);
  const linked = profiles.filter((p) => p.assetId && preferred.has(p.assetId));
  const sshOption = (p: SshProfileLite) => ({ key: `ssh:${p.id}`, target: { kind: 'ssh', profileId: p.id } as ToolTarget, label: t('targetSsh', { name: p.name, host: p.host }) });
  options.push(...linked.map(sshOption));
  const pcsWithoutProfile = ticketPcs.filter((a) => !profiles.some((p) => p.assetId === a.id) && (pcOs(a.os) ?? os) === os);
  options.push(...pcsWithoutProfile.map((pc) => ({ key: `pc:${pc.id}`, target: null, label: t('targetTicketPc', { name: pc.name, host: pc.ip || pc.name }), pc })));
  if (localOs === os) options.push({ key: 'local', target: { kind: 'local' }, label: t('targetLocal') });
  options.push(...profiles.filter((p) => !linked.includes(p)).map(sshOption));
  // Until the technician picks one, follow the preferred (first) option as profiles load.
  const [touched, setTouched] = useState(false);
  const [picked, setPicked] = useState<string | null>(null);
  const first = options[0];
  const current = value ? targetKey(value) : (picked ?? '');
  const chosen = options.find((o) => o.key === current) ?? null;
  const follow = (o: (typeof options)[number] | undefined) => {
    setPicked(o?.key ?? null);
    onChange(o?.target ?? null);
  };
  useEffect(() => {
    if (!touched && first && first.key !== current) follow(first);
    else if (current && !chosen) follow(first);
  });
  return (
    <div className="field target-picker">
      <label className="field" htmlFor={id}>
        <span>{t('target')}</span>
        {options.length === 0 ? (
          <span className="warn">{t('noTarget')}</span>
        ) : (
          <select
            id={id}
            data-testid="tool-target"
            value={current}
            onChange={(e) => {
              setTouched(true);
              setPicked(e.target.value);
              onChange(options.find((o) => o.key === e.target.value)?.target ?? null);
            }}
          >
            {options.map((o) => (
              <option key={o.key} value={o.key}>
                {o.label}
              </option>
            ))}
          </select>
        )}
      </label>
      {chosen?.pc && (
        <p className="warn" data-testid="tool-target-needs-profile">
          {t('ticketPcNeedsProfile', { name: chosen.pc.name })}{' '}
          <button
            type="button"
            data-testid="tool-target-create-profile"
            onClick={() => {
              sshStore.request({ assetId: chosen.pc!.id, host: chosen.pc!.ip || chosen.pc!.name, ticketId: ticketId ?? null });
              navigate({ page: 'remote' });
            }}
          >
            {t('ticketPcCreateProfile', { name: chosen.pc.name })}
          </button>
        </p>
      )}
    </div>
  );
}

/** Elevation is asked for: the technician confirms before a tool runs as administrator. */
export function ElevationConfirm({ tool, target, onConfirm, onCancel }: { tool: string; target: string; onConfirm: () => void; onCancel: () => void }) {
  const { t } = useTranslation('tools');
  return (
    <div role="alertdialog" aria-labelledby="elev-title" aria-describedby="elev-text" className="card elevation" data-testid="elevation-confirm">
      <strong id="elev-title">{t('elevation.title')}</strong>
      <p id="elev-text">{t('elevation.text', { tool, target })}</p>
      <div className="toolbar">
        <button type="button" className="primary" autoFocus onClick={onConfirm} data-testid="elevation-ok">
          {t('elevation.confirm')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('elevation.cancel')}
        </button>
      </div>
    </div>
  );
}

function fmtDuration(ms: number | null, lang: Lang): string {
  if (ms === null) return '—';
  const s = (ms / 1000).toFixed(1);
  return `${lang === 'fr' ? s.replace('.', ',') : s} s`;
}

/** Live output of a run, its status, cancel, and the result once finished. */
export function RunPanel({ runId }: { runId: string }) {
  const { t } = useTranslation('tools');
  const lang = useLang();
  const errText = useErrorText();
  const { run, output } = useRunState(runId);
  const [error, setError] = useState<string | null>(null);
  const running = !run || run.status === 'running';
  return (
    <section className="card run-panel" data-testid="run-panel" data-run-id={runId} data-status={run?.status ?? 'running'} aria-label={t('output')}>
      <div className="toolbar">
        <strong>{run?.toolLabel[lang] ?? '…'}</strong>
        <span className={`badge run-${run?.status ?? 'running'}`} data-testid="run-status">
          {t(`status.${run?.status ?? 'running'}`)}
        </span>
        {running && (
          <button type="button" className="danger" data-testid="run-cancel" onClick={() => api.call('tools.cancel', { runId }).catch((e) => setError(errText(e)))}>
            {t('cancel')}
          </button>
        )}
      </div>
      <pre className="tool-output" role="log" aria-live="polite" tabIndex={0} data-testid="tool-output">
        {output || (running ? t('waitingOutput') : '')}
      </pre>
      {run && !running && (
        <p className="muted" data-testid="run-result">
          {t('result', { code: run.exitCode ?? '—', duration: fmtDuration(run.durationMs, lang), digest: run.outputDigest?.slice(0, 12) ?? '—' })}
        </p>
      )}
      {run?.error && <p className="error">{run.error[lang]}</p>}
      {run?.artifact && (
        <button
          type="button"
          data-testid="run-artifact"
          onClick={() =>
            api.call('tools.artifact', { runId }).then(
              (a) => downloadBase64(a.name, a.mime, a.base64),
              (e) => setError(errText(e)),
            )
          }
        >
          {t('artifact', { name: run.artifact.name })}
        </button>
      )}
      <Notice error={error} />
    </section>
  );
}
