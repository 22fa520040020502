import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { computePriority, DEFAULT_PRIORITY_MATRIX, type Team } from '../../../src/domain/tickets';
import { ChannelField, LevelField, TypeField } from '../ticket/TicketFields';
import { draftElapsedSec, type CallDraftForm } from '../../../src/domain/call-drafts';
import { api } from '../../api/client';
import { navigate, routeHref } from '../../app/router';
import { useShortcut } from '../../app/shortcuts';
import { errorText, formatDuration, invalidFields, useTicketMeta } from '../ticket/ticket-meta';
import { RequesterPicker, type Requester } from './RequesterPicker';
import { TeamChooser } from './TeamChooser';
import { SecurityReportButton, securityCall } from '../incidents/SecurityReportButton';
import { useCallRules } from '../organisation/useCallRules';
import { RuleExplanation } from '../organisation/RuleExplanation';
import { DraftChooser, newDraftId } from './DraftChooser';
import { SolutionPrompt } from './SolutionPrompt';
import { useCallDraft } from './useCallDraft';
import { useTemplates } from './templates';
import { CallerPanel } from './CallerPanel';
import type { CallerTicket } from '../../../src/domain/caller';
import './call-log.css';
import { Notice } from '../../components/Notice';

type Outcome = 'keep' | 'solved_on_phone' | 'route';


/** Seconds since pick-up, ticking each second; 0 before. */
function useElapsed(startedAt: string | null): number {
  const [, tick] = useState(0);
  useEffect(() => {
    if (!startedAt) return;
    const id = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(id);
  }, [startedAt]);
  return draftElapsedSec(startedAt, Date.now());
}

/** Keys that do not start a call: moving around the form is not talking to a caller. */
const NOT_A_KEYSTROKE = new Set(['Tab', 'Shift', 'Control', 'Alt', 'Meta', 'Escape', 'CapsLock']);

/**
 * #/call: a call in progress (its draft id in the route) or, without one, the choice
 * between the calls in progress and a new one.
 */
export function CallLogPage({ draftId }: { draftId: string | null }) {
  if (!draftId) return <DraftChooser />;
  return <CallForm draftId={draftId} />;
}

/**
 * The hotline's main screen: log the call while on the phone, keyboard only. What is typed
 * is kept as a durable draft; the acknowledgement appears only once the core has committed
 * the ticket to disk; on any failure the input stays in the form with the reason.
 */
function CallForm({ draftId }: { draftId: string }) {
  const { t, i18n } = useTranslation('hotline');
  const meta = useTicketMeta();
  const draft = useCallDraft(draftId);
  const { form } = draft;
  const elapsed = useElapsed(draft.startedAt);
  const templates = useTemplates();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<{ text: string; fields: Set<string> } | null>(null);
  const [choosingTeam, setChoosingTeam] = useState(false);
  const [askingSolution, setAskingSolution] = useState(false);
  const requesterRef = useRef<HTMLInputElement>(null);
  const subjectRef = useRef<HTMLInputElement>(null);
  const returnFocus = useRef<HTMLElement | null>(null);
  const requester = form.requester as Requester;

  // Once the draft is there, and each time a requester is picked, carry on with the next field.
  useEffect(() => {
    if (!draft.loaded) return;
    if (requester?.kind === 'directory') subjectRef.current?.focus();
    if (requester === null) requesterRef.current?.focus();
  }, [requester, draft.loaded]);

  const set = <K extends keyof CallDraftForm>(k: K, v: CallDraftForm[K]) => draft.setForm((f) => ({ ...f, [k]: v }));
  const hitPerson = requester?.kind === 'directory' ? (requester.hit.person?.id ?? null) : null;
  const rules = useCallRules({ ...form, requesterId: hitPerson, categoryId: form.categoryId || null }, set);
  const priority = computePriority(rules.urgency, rules.impact, meta?.priorityMatrix ?? DEFAULT_PRIORITY_MATRIX);

  const save = async (outcome: Outcome, extra: { team?: Team; solution?: string; parent?: CallerTicket } = {}) => {
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
      const durationSec = draftElapsedSec(draft.startedAt, Date.now());
      draft.forget();
      const ticket = await api.call('drafts.logCall', {
        draftId,
        call: {
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
          teamId: extra.team?.id ?? null,
          solution: extra.solution ?? '',
          durationSec,
          priorityOverride: rules.priorityOverride,
          parentTicketId: extra.parent?.id ?? null,
        },
      });
      const key = outcome === 'solved_on_phone' ? 'call.savedSolved' : outcome === 'route' ? 'call.savedRouted' : 'call.saved';
      // The next call starts on a fresh draft; the acknowledgement, with the call's recorded
      // duration, travels with it.
      const text = extra.parent ? t('caller.linked', { number: ticket.number, parent: extra.parent.number }) : t(key, { number: ticket.number, team: extra.team?.name ?? '' });
      lastAck = { id: ticket.id, number: ticket.number, durationSec, text };
      rules.clearOverride();
      navigate({ page: 'call', id: newDraftId() });
    } catch (err) {
      // The input stays exactly as typed (and in the draft): the agent fixes the cause and saves again.
      draft.keep();
      setError({ text: errorText(err, i18n.language), fields: invalidFields(err) });
    } finally {
      setSaving(false);
    }
  };
  /** The call is about an open ticket: it becomes a follow-up there, no new ticket. */
  const addTo = async (target: CallerTicket) => {
    if (saving) return;
    const body = [form.subject.trim(), form.description.trim()].filter(Boolean).join('\n');
    if (!body) {
      setError({ text: t('caller.needText'), fields: new Set(['description']) });
      return;
    }
    setSaving(true);
    setError(null);
    const durationSec = draftElapsedSec(draft.startedAt, Date.now());
    draft.forget();
    try {
      await api.call('drafts.addToTicket', { draftId, ticketId: target.id, body, durationSec });
      lastAck = { id: target.id, number: target.number, durationSec, text: t('caller.added', { number: target.number }) };
      navigate({ page: 'call', id: newDraftId() });
    } catch (err) {
      draft.keep();
      setError({ text: errorText(err, i18n.language), fields: new Set() });
    } finally {
      setSaving(false);
    }
  };
  const [ack] = useState(() => {
    const a = lastAck;
    lastAck = null;
    return a;
  });

  const openDialog = (open: (v: boolean) => void) => {
    returnFocus.current = document.activeElement as HTMLElement | null;
    open(true);
  };
  const closeDialog = (open: (v: boolean) => void) => {
    open(false);
    (returnFocus.current ?? requesterRef.current)?.focus();
  };

  const enabled = !choosingTeam && !askingSolution && draft.loaded;
  useShortcut({ key: 'F8' }, () => openDialog(setAskingSolution), enabled);
  useShortcut({ key: 'F9' }, () => openDialog(setChoosingTeam), enabled);
  useShortcut({ key: 'Enter', ctrl: true }, () => void save('keep'), enabled);

  const onFormKey = (e: KeyboardEvent) => {
    if (!draft.startedAt && !NOT_A_KEYSTROKE.has(e.key) && !/^F\d+$/.test(e.key) && !e.ctrlKey) draft.pickUp();
  };

  const bad = (f: string) => error?.fields.has(f) || undefined;
  const defaultTeam = meta?.teams.find((x) => x.name === 'Interventions')?.id ?? null;
  const solutionTemplates = templates.filter((x) => x.kind === 'solution' && (x.categoryId === null || x.categoryId === form.categoryId));
  solutionTemplates.sort((a, b) => Number(b.categoryId !== null) - Number(a.categoryId !== null));

  return (
    <section className="page call-log" aria-labelledby="page-title">
      <header className="call-header">
        <h1 id="page-title">{t('call.title')}</h1>
        {draft.startedAt ? (
          <span role="timer" className="call-timer" data-testid="call-timer" aria-live="off">
            {t('call.timer', { duration: formatDuration(elapsed) })}
          </span>
        ) : (
          <span className="call-timer idle">
            <span data-testid="call-timer" className="muted">{t('call.timerIdle')}</span>{' '}
            <button type="button" onClick={draft.pickUp} data-testid="call-pickup">
              {t('call.pickUp')}
            </button>
          </span>
        )}
      </header>
      <div role="status" aria-live="polite" className="call-ack">
        {ack && (
          <p className="ok" data-testid="call-saved">
            {ack.text} <span data-testid="call-recorded-duration">{t('call.recordedDuration', { duration: formatDuration(ack.durationSec) })}</span>{' '}
            <a href={routeHref({ page: 'ticket', id: ack.id })}>{t('call.open', { number: ack.number })}</a>
          </p>
        )}
      </div>
      <div className="call-layout">
      <form
        className="card call-form"
        data-testid="call-form"
        // No implicit submission: Enter in a field must never save a half-typed call.
        onSubmit={(e) => e.preventDefault()}
        onKeyDown={onFormKey}
      >
        <RequesterPicker value={requester} onChange={(r) => set('requester', r)} inputRef={requesterRef} invalid={!!bad('requesterName')} />
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
              {meta?.categories.filter((c) => c.active || c.id === form.categoryId).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.fullName}
                </option>
              ))}
            </select>
          </label>
          <LevelField field="urgency" testId="call-urgency" value={rules.urgency} onChange={(v) => rules.change('urgency', v)} />
          <LevelField field="impact" testId="call-impact" value={rules.impact} onChange={(v) => rules.change('impact', v)} />
          <div className="field">
            <span>{t('field.priority')}</span>
            <output data-testid="call-priority" className={`priority p${priority}`}>
              {t(`level.${priority}`)}
            </output>
          </div>
          <RuleExplanation rules={rules} teams={meta?.teams ?? []} />
          <TypeField value={form.type} onChange={(v) => set('type', v)} />
          <ChannelField value={form.channel} onChange={(v) => set('channel', v)} />
        </div>
        <Notice tone="error" testId="call-error">
          {error?.text}
        </Notice>
        <div className="call-actions">
          <button type="button" className="primary" disabled={saving} onClick={() => void save('keep')} data-testid="call-save">
            {saving ? t('call.saving') : t('call.save')} <kbd aria-hidden="true">{t('call.keySave')}</kbd>
          </button>
          <button type="button" disabled={saving} onClick={() => openDialog(setAskingSolution)} data-testid="call-solved">
            {t('call.solvedOnPhone')} <kbd aria-hidden="true">F8</kbd>
          </button>
          <button type="button" disabled={saving} onClick={() => openDialog(setChoosingTeam)} data-testid="call-route">
            {t('call.route')} <kbd aria-hidden="true">F9</kbd>
          </button>
          <button
            type="button"
            className="danger"
            disabled={saving}
            data-testid="call-discard"
            onClick={() => {
              if (!window.confirm(t('drafts.discardConfirm'))) return;
              draft.forget();
              void api.call('drafts.discard', { id: draftId }).finally(() => navigate({ page: 'call', id: newDraftId() }));
            }}
          >
            {t('drafts.discard')}
          </button>
        </div>
        <SecurityReportButton
          disabled={saving || choosingTeam}
          call={() => securityCall(form, requester, draftElapsedSec(draft.startedAt, Date.now()))}
          onDone={(d) => {
            // Logged as an incident: this call's draft is done, the next call starts fresh.
            lastAck = { id: d.ticketId, number: d.number, durationSec: draftElapsedSec(draft.startedAt, Date.now()), text: t('call.saved', { number: d.number }) };
            draft.forget();
            void api.call('drafts.discard', { id: draftId }).finally(() => navigate({ page: 'call', id: newDraftId() }));
          }}
          onCancel={() => requesterRef.current?.focus()}
        />
        <p className="muted">{t('call.keys')}</p>
      </form>
      <CallerPanel requester={requester} text={`${form.subject}\n${form.description}`} onAddTo={(x) => void addTo(x)} onLinkTo={(x) => void save('keep', { parent: x })} />
      </div>
      {choosingTeam && meta && (
        <TeamChooser
          teams={meta.teams.filter((x) => x.active)}
          initial={defaultTeam}
          onCancel={() => closeDialog(setChoosingTeam)}
          onChoose={(team) => {
            setChoosingTeam(false);
            void save('route', { team });
          }}
        />
      )}
      {askingSolution && (
        <SolutionPrompt
          templates={solutionTemplates}
          onCancel={() => closeDialog(setAskingSolution)}
          onConfirm={(solution) => {
            setAskingSolution(false);
            void save('solved_on_phone', { solution });
          }}
        />
      )}
    </section>
  );
}

/** The last saved call's acknowledgement, shown by the next (fresh) form. */
let lastAck: { id: string; number: number; durationSec: number; text: string } | null = null;
