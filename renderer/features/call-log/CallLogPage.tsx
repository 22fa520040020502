import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { computePriority, DEFAULT_PRIORITY_MATRIX, type Channel, type Team, type TicketType } from '../../../src/domain/tickets';
import { api } from '../../api/client';
import { routeHref } from '../../app/router';
import { useShortcut } from '../../app/shortcuts';
import { errorText, formatDuration, invalidFields, useTicketMeta } from '../ticket/ticket-meta';
import { RequesterPicker, type Requester } from './RequesterPicker';
import { TeamChooser } from './TeamChooser';
import { SecurityReportButton, securityCall } from '../incidents/SecurityReportButton';
import { useCallRules } from '../organisation/useCallRules';
import { RuleExplanation } from '../organisation/RuleExplanation';
import './call-log.css';

type Outcome = 'keep' | 'solved_on_phone' | 'route';
interface Form {
  subject: string;
  description: string;
  type: TicketType;
  channel: Channel;
  categoryId: string;
  urgency: number;
  impact: number;
}
const EMPTY: Form = { subject: '', description: '', type: 'incident', channel: 'phone', categoryId: '', urgency: 3, impact: 3 };
const LEVELS = [1, 2, 3, 4, 5];

/** Counts the call from the moment the form opens (or the previous call was saved). */
/** Urgency or impact, 1 (très basse) to 5 (très haute). */
function LevelField({ field, value, onChange }: { field: 'urgency' | 'impact'; value: number; onChange(v: number): void }) {
  const { t } = useTranslation('hotline');
  return (
    <label className="field">
      <span>{t(`field.${field}`)}</span>
      <select data-testid={`call-${field}`} value={value} onChange={(e) => onChange(Number(e.target.value))}>
        {LEVELS.map((l) => (
          <option key={l} value={l}>
            {l} — {t(`level.${l}`)}
          </option>
        ))}
      </select>
    </label>
  );
}

function useCallTimer() {
  const [startedAt, setStartedAt] = useState(() => Date.now());
  const [, tick] = useState(0);
  useEffect(() => {
    const id = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(id);
  }, []);
  return { seconds: Math.floor((Date.now() - startedAt) / 1000), restart: () => setStartedAt(Date.now()) };
}

/**
 * The hotline's main screen: log the call while on the phone, keyboard only. The
 * acknowledgement appears only once the core has committed the ticket to disk; on any
 * failure the input stays in the form with the reason in the user's language.
 */
export function CallLogPage() {
  const { t, i18n } = useTranslation('hotline');
  const meta = useTicketMeta();
  const timer = useCallTimer();
  const [requester, setRequester] = useState<Requester>(null);
  const [form, setForm] = useState<Form>(EMPTY);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<{ text: string; fields: Set<string> } | null>(null);
  const [ack, setAck] = useState<{ id: string; text: string; number: number } | null>(null);
  const [choosingTeam, setChoosingTeam] = useState(false);
  const requesterRef = useRef<HTMLInputElement>(null);
  const subjectRef = useRef<HTMLInputElement>(null);

  useEffect(() => requesterRef.current?.focus(), []);
  // Once a requester is picked, carry on with the next field.
  useEffect(() => {
    if (requester?.kind === 'directory') subjectRef.current?.focus();
    if (requester === null) requesterRef.current?.focus();
  }, [requester]);

  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm((f) => ({ ...f, [k]: v }));
  const hitPerson = requester?.kind === 'directory' ? (requester.hit.person?.id ?? null) : null;
  const rules = useCallRules({ ...form, requesterId: hitPerson, categoryId: form.categoryId || null }, set);
  const priority = computePriority(rules.urgency, rules.impact, meta?.priorityMatrix ?? DEFAULT_PRIORITY_MATRIX);

  const save = async (outcome: Outcome, team: Team | null = null) => {
    if (saving) return;
    const hasRequester = requester?.kind === 'directory' || (requester?.kind === 'free' && (requester.name.trim() || requester.phone.trim()));
    if (!hasRequester || (!form.subject.trim() && !form.description.trim())) {
      setError({ text: t('call.required'), fields: new Set(hasRequester ? ['description'] : ['requesterName']) });
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const free = requester?.kind === 'free' ? requester : null;
      const hit = requester?.kind === 'directory' ? requester.hit : null;
      const ticket = await api.call('tickets.logCall', {
        type: form.type,
        channel: form.channel,
        subject: form.subject,
        description: form.description,
        urgency: form.urgency,
        impact: form.impact,
        categoryId: form.categoryId || null,
        requesterId: hit?.person?.id ?? null,
        requesterName: free ? free.name.trim() || free.phone.trim() : hit && !hit.person ? (hit.asset?.name ?? '') : '',
        requesterPhone: free?.phone.trim() ?? '',
        assetIds: hit?.asset ? [hit.asset.id] : [],
        outcome,
        teamId: team?.id ?? null,
        durationSec: timer.seconds,
        priorityOverride: rules.priorityOverride,
      });
      const key = outcome === 'solved_on_phone' ? 'call.savedSolved' : outcome === 'route' ? 'call.savedRouted' : 'call.saved';
      setAck({ id: ticket.id, number: ticket.number, text: t(key, { number: ticket.number, team: team?.name ?? '' }) });
      setForm(EMPTY);
      setRequester(null);
      rules.clearOverride();
      timer.restart();
      requesterRef.current?.focus();
    } catch (err) {
      // The input stays exactly as typed: the agent fixes the cause and saves again.
      setError({ text: errorText(err, i18n.language), fields: invalidFields(err) });
    } finally {
      setSaving(false);
    }
  };

  const enabled = !choosingTeam;
  useShortcut({ key: 'F8' }, () => void save('solved_on_phone'), enabled);
  useShortcut({ key: 'F9' }, () => setChoosingTeam(true), enabled);
  useShortcut({ key: 'Enter', ctrl: true }, () => void save('keep'), enabled);

  const bad = (f: string) => error?.fields.has(f) || undefined;
  const defaultTeam = meta?.teams.find((x) => x.name === 'Interventions')?.id ?? null;

  return (
    <section className="page call-log" aria-labelledby="page-title">
      <header className="call-header">
        <h1 id="page-title">{t('call.title')}</h1>
        <span role="timer" className="call-timer" data-testid="call-timer" aria-live="off">
          {t('call.timer', { duration: formatDuration(timer.seconds) })}
        </span>
      </header>
      <div role="status" aria-live="polite" className="call-ack">
        {ack && (
          <p className="ok" data-testid="call-saved">
            {ack.text} <a href={routeHref({ page: 'ticket', id: ack.id })}>{t('call.open', { number: ack.number })}</a>
          </p>
        )}
      </div>
      <form
        className="card call-form"
        data-testid="call-form"
        // No implicit submission: Enter in a field must never save a half-typed call.
        onSubmit={(e) => e.preventDefault()}
      >
        <RequesterPicker value={requester} onChange={setRequester} inputRef={requesterRef} invalid={!!bad('requesterName')} />
        <label className="field">
          <span>{t('field.subject')}</span>
          <input ref={subjectRef} data-testid="call-subject" maxLength={200} value={form.subject} placeholder={t('field.subjectHint')} aria-invalid={bad('subject')} onChange={(e) => set('subject', e.target.value)} />
        </label>
        <label className="field">
          <span>{t('field.description')}</span>
          <textarea data-testid="call-description" rows={5} maxLength={20000} value={form.description} aria-invalid={bad('description')} onChange={(e) => set('description', e.target.value)} />
        </label>
        <div className="call-grid">
          <label className="field">
            <span>{t('field.category')}</span>
            <select data-testid="call-category" value={form.categoryId} onChange={(e) => set('categoryId', e.target.value)} aria-invalid={bad('categoryId')}>
              <option value="">{t('field.noCategory')}</option>
              {meta?.categories.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.fullName}
                </option>
              ))}
            </select>
          </label>
          <LevelField field="urgency" value={rules.urgency} onChange={(v) => rules.change('urgency', v)} />
          <LevelField field="impact" value={rules.impact} onChange={(v) => rules.change('impact', v)} />
          <div className="field">
            <span>{t('field.priority')}</span>
            <output data-testid="call-priority" className={`priority p${priority}`}>
              {t(`level.${priority}`)}
            </output>
          </div>
          <RuleExplanation rules={rules} teams={meta?.teams ?? []} />
          <label className="field">
            <span>{t('field.type')}</span>
            <select value={form.type} onChange={(e) => set('type', e.target.value as TicketType)}>
              <option value="incident">{t('type.incident')}</option>
              <option value="request">{t('type.request')}</option>
            </select>
          </label>
          <label className="field">
            <span>{t('field.channel')}</span>
            <select value={form.channel} onChange={(e) => set('channel', e.target.value as Channel)}>
              {(['phone', 'email', 'walk_in', 'self_service'] as const).map((c) => (
                <option key={c} value={c}>
                  {t(`channel.${c}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
        {error && (
          <p role="alert" className="error" data-testid="call-error">
            {error.text}
          </p>
        )}
        <div className="call-actions">
          <button type="button" className="primary" disabled={saving} onClick={() => void save('keep')} data-testid="call-save">
            {saving ? t('call.saving') : t('call.save')} <kbd aria-hidden="true">{t('call.keySave')}</kbd>
          </button>
          <button type="button" disabled={saving} onClick={() => void save('solved_on_phone')} data-testid="call-solved">
            {t('call.solvedOnPhone')} <kbd aria-hidden="true">F8</kbd>
          </button>
          <button type="button" disabled={saving} onClick={() => setChoosingTeam(true)} data-testid="call-route">
            {t('call.route')} <kbd aria-hidden="true">F9</kbd>
          </button>
        </div>
        <SecurityReportButton
          disabled={saving || choosingTeam}
          call={() => securityCall(form, requester, timer.seconds)}
          onDone={(d) => {
            setAck({ id: d.ticketId, number: d.number, text: t('call.saved', { number: d.number }) });
            setForm(EMPTY);
            setRequester(null);
            timer.restart();
            requesterRef.current?.focus();
          }}
          onCancel={() => requesterRef.current?.focus()}
        />
        <p className="muted">{t('call.keys')}</p>
      </form>
      {choosingTeam && meta && (
        <TeamChooser
          teams={meta.teams.filter((x) => x.active)}
          initial={defaultTeam}
          onCancel={() => {
            setChoosingTeam(false);
            requesterRef.current?.focus();
          }}
          onChoose={(team) => {
            setChoosingTeam(false);
            void save('route', team);
          }}
        />
      )}
    </section>
  );
}
