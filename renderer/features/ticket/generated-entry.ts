import type { TFunction } from 'i18next';
import type { Followup } from '../../../src/domain/tickets';

/**
 * Entries other features write on a ticket (tool runs, checklists, SSH and RDP sessions)
 * keep a French sentence as their body for the ITSM server, and their facts in `data`;
 * sync notices that never go to the server (a discarded change) keep only their facts.
 * The console words them from the facts, in the reader's language; the stored sentence
 * is shown only when the facts are missing.
 */
type Data = Record<string, unknown>;
type Localized = { fr?: unknown; en?: unknown };

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
function localized(v: unknown, lang: string): string | null {
  if (!v || typeof v !== 'object') return null;
  const l = v as Localized;
  return str(lang.startsWith('en') ? l.en : l.fr) ?? str(l.fr) ?? str(l.en);
}
const seconds = (ms: number | null, lang: string) =>
  ms === null ? null : new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(ms / 1000);

function toolRun(d: Data, t: TFunction, lang: string): string | null {
  const tool = localized(d.toolLabel, lang) ?? str(d.toolId);
  const status = str(d.status);
  if (!tool || !status) return null;
  const code = num(d.exitCode);
  const secs = seconds(num(d.durationMs), lang);
  const target = str(d.targetLabel) ?? (d.target && typeof d.target === 'object' && (d.target as Data).kind === 'local' ? t('ticket.entry.thisPc') : null);
  return [
    t('ticket.entry.toolRun', { tool, status: t(`ticket.entry.runStatus.${status}`, { defaultValue: status }) }),
    code !== null ? t('ticket.entry.exitCode', { code }) : '',
    secs !== null ? t('ticket.entry.inSeconds', { secs }) : '',
    target ? ` — ${target}` : '',
  ].join('');
}

function checklist(d: Data, t: TFunction, lang: string): string | null {
  const name = localized(d.checklistLabel, lang) ?? str(d.checklistId);
  if (!name) return null;
  const event = str(d.event);
  if (event === 'started') return t('ticket.entry.checklistStarted', { name, count: num(d.steps) ?? 0 });
  if (event === 'completed') return t('ticket.entry.checklistCompleted', { name });
  if (event === 'abandoned') return t('ticket.entry.checklistAbandoned', { name, done: num(d.stepIndex) ?? 0, count: num(d.stepCount) ?? 0 });
  // A step checked or skipped by hand, worded with its label; tool steps keep their stored text.
  const index = num(d.stepIndex);
  const status = str(d.status);
  const label = localized(d.stepLabel, lang);
  if (index === null || !label || (status !== 'done' && status !== 'skipped')) return null;
  const note = str(d.note);
  return t(`ticket.entry.checklistStep.${status}`, { step: index + 1, count: num(d.stepCount) ?? 0, label, note: note ? ` — ${note}` : '' });
}

function sshSession(d: Data, t: TFunction, lang: string): string | null {
  const target = str(d.target);
  const ms = num(d.durationMs);
  if (!target || ms === null) return null;
  return t('ticket.entry.sshSession', { target, minutes: Math.floor(ms / 60000), seconds: Math.round((ms % 60000) / 1000), lng: lang });
}

function rdpSession(d: Data, t: TFunction): string | null {
  const method = str(d.method);
  const pc = str(d.pc);
  const state = str(d.state);
  if (!method || !pc || !state) return null;
  const how = t(`ticket.entry.rdpMethod.${method}`, { defaultValue: method });
  if (state === 'started') return t('ticket.entry.rdpStarted', { how, pc, technician: str(d.technician) ?? '—', client: str(d.client) ?? '' });
  const secs = num(d.durationS) ?? 0;
  return t('ticket.entry.rdpEnded', { how, pc, outcome: t(`ticket.entry.rdpOutcome.${state}`, { defaultValue: state }), minutes: Math.floor(secs / 60), seconds: secs % 60 });
}

/** A change the technician discarded (kept on this console only): what it was and why the server refused it. */
function syncDiscarded(d: Data, t: TFunction): string | null {
  const kind = str(d.kind);
  const p = d.payload && typeof d.payload === 'object' ? (d.payload as Data) : null;
  if (!kind || !p) return null;
  const clip = (v: unknown, n: number) => String(v ?? '').slice(0, n);
  const changes = p.changes && typeof p.changes === 'object' ? (p.changes as Data) : {};
  const what =
    kind === 'ticket.create'
      ? t('ticket.entry.syncWhat.create', { subject: clip(p.subject, 120) })
      : kind === 'followup.create'
        ? t('ticket.entry.syncWhat.followup', { body: clip(p.body, 120) })
        : t('ticket.entry.syncWhat.update', {
            changes: Object.entries(changes)
              .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
              .join(', ')
              .slice(0, 200),
          });
  const message = str(d.serverMessage);
  return t('ticket.entry.syncDiscarded', { what, refusal: message ? t('ticket.entry.syncRefusal', { message }) : '' });
}

/** The entry's text in the reader's language, or null to show its stored body. */
export function generatedEntryText(f: Followup, t: TFunction, lang: string): string | null {
  const d = (f.data ?? {}) as Data;
  switch (f.kind) {
    case 'tool_run':
      return toolRun(d, t, lang);
    case 'checklist_step':
      return checklist(d, t, lang);
    case 'ssh_session':
      return sshSession(d, t, lang);
    case 'rdp_session':
      return rdpSession(d, t);
    case 'sync_discarded':
      return syncDiscarded(d, t);
    default:
      return null;
  }
}
