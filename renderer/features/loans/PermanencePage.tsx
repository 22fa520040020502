import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallOutput } from '../../../src/api/contract';
import { CONDITION_LABELS, LOAN_ITEM_STATES, STATE_LABELS, TYPE_LABELS, type LoanCondition, type LoanItemType } from '../../../src/domain/loans';
import { api } from '../../api/client';
import { callQuery, queryClient, useCall, useSettled } from '../../api/queries';
import { useShortcut } from '../../app/shortcuts';
import { routeHref } from '../../app/router';
import { errorText, fmt, LinesEditor, ReceiptActions, TagField, useLang, type Lang, type Line } from './parts';
import './loans.css';
import { Notice } from '../../components/Notice';
import { criterionText, rankText } from '../seats/wording';

type Overview = CallOutput<'loans.overview'>;
type Waitlist = CallOutput<'loans.waitlist'>;
type Entry = Waitlist['entries'][number];
type ItemInfo = CallOutput<'loans.item'>;
type Receipt = CallOutput<'loans.checkout'>['receipt'];

/** "Permanence": stock, the waiting list, check-out with receipt, returns, today's desk, overdue loans. */
export function PermanencePage() {
  const { t } = useTranslation('loans');
  const lang = useLang();
  // Kept fresh by `loans.changed` (api/stale-on-event.ts): a loan made at another console shows here.
  const overviewQuery = useCall('loans.overview', undefined, { showsError: true });
  const waitlistQuery = useCall('loans.waitlist', undefined, { showsError: true });
  const overview = overviewQuery.data ?? null;
  const waitlist = waitlistQuery.data ?? null;
  const readError = overviewQuery.error ?? waitlistQuery.error;
  const [actionError, setError] = useState<string | null>(null);
  const error = actionError ?? (readError ? errorText(readError, lang) : null);
  const [selected, setSelected] = useState<string | null>(null);
  const [lent, setLent] = useState<{ receipt: Receipt; tags: string[]; agent: string } | null>(null);
  const fail = useCallback((err: unknown) => setError(errorText(err, lang)), [lang]);

  const entry = useMemo(() => {
    const id = selected ?? waitlist?.proposal?.requestId ?? null;
    return waitlist?.entries.find((e) => e.request.id === id) ?? null;
  }, [selected, waitlist]);

  return (
    <section className="page loans-page" aria-labelledby="page-title" data-testid="loans-page">
      <h1 id="page-title">{t('title')}</h1>
      <p className="muted small" id="scan-hint">
        {t('keys')}
      </p>
      <Notice error={error} testId="loans-error" />
      <div className="loans-grid">
        <ScanCard lang={lang} onError={fail} onDone={() => setError(null)} />
        <div>
          {lent && <LentCard lent={lent} />}
          {entry && waitlist && (
            <CheckoutCard key={entry.request.id} entry={entry} head={waitlist.proposal?.requestId === entry.request.id} proposal={waitlist.proposal} lang={lang} onError={fail} onDone={() => setError(null)} onLent={setLent} />
          )}
        </div>
      </div>
      {waitlist && <WaitlistCard waitlist={waitlist} selectedId={entry?.request.id ?? null} onSelect={setSelected} lang={lang} onError={fail} />}
      {overview && (
        <>
          <div className="loans-grid">
            <TodayCard overview={overview} lang={lang} />
            <OverdueCard overview={overview} lang={lang} onError={fail} />
          </div>
          <StockCard overview={overview} lang={lang} />
          <SyncCard overview={overview} lang={lang} onError={fail} />
        </>
      )}
      <RequestCard lang={lang} onError={fail} onDone={() => setError(null)} />
      <ImportCard onError={fail} onDone={() => setError(null)} />
    </section>
  );
}

/** Scan any tag: the item, who holds it, its history; a lent item's return is recorded here. */
function ScanCard({ lang, onError, onDone }: { lang: Lang; onError(e: unknown): void; onDone(): void }) {
  const { t } = useTranslation('loans');
  const [tag, setTag] = useState<string | null>(null);
  // The scanned item, its holder and history, kept fresh by `loans.changed` (a return or a loan
  // made anywhere); a failed refresh goes to the status bar's notice.
  const info: ItemInfo | null = useCall('loans.item', { tag: tag ?? '' }, { enabled: tag !== null }).data ?? null;
  const [condition, setCondition] = useState<LoanCondition>('ok');
  const [missing, setMissing] = useState<string[]>([]);
  const [note, setNote] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  /** A scan reads the tag afresh (the same tag again too); an unknown tag is said on the page. */
  const look = async (scanned: string) => {
    try {
      await queryClient.fetchQuery({ ...callQuery('loans.item', { tag: scanned }), staleTime: 0, meta: { showsError: true } });
      setTag(scanned);
      setCondition('ok');
      setMissing([]);
      setNote('');
      setMessage(null);
      onDone();
    } catch (err) {
      setTag(null);
      onError(err);
    }
  };
  const checkin = async () => {
    if (!info) return;
    try {
      const l = await api.call('loans.checkin', { tag: info.item.tag, condition, missingKit: missing, ...(note.trim() ? { note } : {}) });
      setMessage(t('returned', { tag: l.tag, agent: l.agentName }));
      onDone();
    } catch (err) {
      onError(err);
    }
  };
  const it = info?.item;
  return (
    <div className="card" data-testid="scan-card">
      <h2>{t('scanTitle')}</h2>
      <TagField label={t('scanLabel')} onTag={(scanned) => void look(scanned)} testId="scan-tag" autoFocus />
      {message && (
        <p className="ok" role="status" data-testid="checkin-done">
          {message}
        </p>
      )}
      {it && (
        <div data-testid="scanned-item">
          <p>
            <strong>{it.tag}</strong> — {TYPE_LABELS[lang][it.type]} {it.model ?? ''} · {t('serial')} {it.serial ?? '—'} · <span data-testid="scanned-state">{STATE_LABELS[lang][it.state]}</span>
          </p>
          {it.kit.length > 0 && <p className="muted small">{t('kit', { kit: it.kit.join(', ') })}</p>}
          {info.loan && (
            <p>
              {t('heldBy', { agent: info.loan.agentName, due: fmt(info.loan.dueAt, lang, false) })}
              {info.loan.ticketId && (
                <>
                  {' '}
                  · <a href={routeHref({ page: 'ticket', id: info.loan.ticketId })}>{t('ticketLink')}</a>
                </>
              )}
            </p>
          )}
          {it.state === 'prete' && info.loan && (
            <form
              className="checkin"
              onSubmit={(e) => {
                e.preventDefault();
                void checkin();
              }}
              data-testid="checkin-form"
            >
              <fieldset className="row">
                <legend>{t('conditionIn')}</legend>
                {(['ok', 'a_controler', 'endommage'] as const).map((c) => (
                  <label key={c}>
                    <input type="radio" name="cond" checked={condition === c} onChange={() => setCondition(c)} data-testid={`cond-${c}`} /> {CONDITION_LABELS[lang][c]}
                  </label>
                ))}
              </fieldset>
              {it.kit.length > 0 && (
                <fieldset className="row">
                  <legend>{t('missingKit')}</legend>
                  {it.kit.map((k) => (
                    <label key={k}>
                      <input type="checkbox" checked={missing.includes(k)} onChange={(e) => setMissing(e.target.checked ? [...missing, k] : missing.filter((m) => m !== k))} data-testid={`missing-${k}`} /> {k}
                    </label>
                  ))}
                </fieldset>
              )}
              <label className="field">
                <span>{t('note')}</span>
                <input value={note} onChange={(e) => setNote(e.target.value)} />
              </label>
              <button type="submit" className="primary" data-testid="checkin-submit">
                {t('recordReturn')}
              </button>
            </form>
          )}
          <details>
            <summary>{t('history')}</summary>
            <ol className="small" data-testid="item-history">
              {info.history.map((h) => (
                <li key={h.seq}>
                  {fmt(h.at, lang)} — {h.actor} — {h.fromState ? `${STATE_LABELS[lang][h.fromState]} → ` : ''}
                  {STATE_LABELS[lang][h.toState]}
                  {h.agentName ? ` (${h.agentName})` : ''}
                  {h.reason ? ` : ${h.reason}` : ''}
                </li>
              ))}
            </ol>
          </details>
        </div>
      )}
    </div>
  );
}

const defaultDue = () => {
  const d = new Date(Date.now() + 14 * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

/** Check-out for one request: the proposed items, scanned tags, due date, condition, receipt. */
/** The last loan made here, with its receipt to print (it stays when the request leaves the list). */
function LentCard({ lent }: { lent: { receipt: Receipt; tags: string[]; agent: string } }) {
  const { t } = useTranslation('loans');
  return (
    <div className="card" role="status" data-testid="checkout-done">
      {t('lent', { tags: lent.tags.join(', '), agent: lent.agent })} {lent.receipt.attachedTo !== null ? t('attached', { number: lent.receipt.attachedTo }) : ''} <ReceiptActions receipt={lent.receipt} />
    </div>
  );
}

function CheckoutCard({
  entry,
  head,
  proposal,
  lang,
  onError,
  onDone,
  onLent,
}: {
  entry: Entry;
  head: boolean;
  proposal: Waitlist['proposal'];
  lang: Lang;
  onError(e: unknown): void;
  onDone(): void;
  onLent(l: { receipt: Receipt; tags: string[]; agent: string }): void;
}) {
  const { t } = useTranslation('loans');
  const r = entry.request;
  const [basket, setBasket] = useState<{ tag: string; type: LoanItemType }[]>([]);
  const [due, setDue] = useState(defaultDue);
  const [condition, setCondition] = useState(t('conditionDefault'));
  const [override, setOverride] = useState('');
  // The head's items come with the list; another request's are asked for (it is served out of turn).
  const proposed = useCall('loans.propose', { requestId: r.id }, { enabled: !head, showsError: true });
  useReadError(proposed.error, onError);
  const suggested = (head ? proposal?.items : proposed.data?.items) ?? [];

  const add = async (tag: string) => {
    try {
      const info = await api.call('loans.item', { tag });
      if (basket.some((b) => b.tag === info.item.tag)) return;
      setBasket((b) => [...b, { tag: info.item.tag, type: info.item.type }]);
      onDone();
    } catch (err) {
      onError(err);
    }
  };
  const submit = async () => {
    if (!basket.length) return;
    try {
      const out = await api.call('loans.checkout', {
        requestId: r.id,
        tags: basket.map((b) => b.tag),
        dueAt: new Date(`${due}T17:00:00`).toISOString(),
        condition,
        ...(!head && override.trim() ? { overrideReason: override.trim() } : {}),
        locale: lang,
      });
      onLent({ receipt: out.receipt, tags: out.loans.map((l) => l.tag), agent: r.agent.name });
      setBasket([]);
      onDone();
    } catch (err) {
      onError(err);
    }
  };
  useShortcut({ key: 'Enter', ctrl: true }, () => void submit(), basket.length > 0);
  const open = r.lines.filter((l) => l.served < l.quantity);
  return (
    <div className="card" data-testid="checkout-card">
      <h2>{t('checkoutTitle', { agent: r.agent.name })}</h2>
      <p className="small">
        {r.serviceName ?? '—'} · {open.map((l) => `${l.quantity - l.served} × ${TYPE_LABELS[lang][l.type]}`).join(', ') || t('allServed')}
        {!head && <strong className="warn"> · {t('outOfTurn')}</strong>}
      </p>
      {suggested.some((s) => s.tags.length) && (
        <p className="small" data-testid="proposal">
          {t('proposed')}{' '}
          {suggested.flatMap((s) =>
            s.tags.map((tag) => (
              <button key={tag} type="button" className="link" onClick={() => void add(tag)} data-testid={`propose-${tag}`}>
                {tag} ({TYPE_LABELS[lang][s.type]})
              </button>
            )),
          )}
        </p>
      )}
      <TagField label={t('checkoutTag')} onTag={(tag) => void add(tag)} testId="checkout-tag" />
      <ul data-testid="basket">
        {basket.map((b) => (
          <li key={b.tag}>
            {b.tag} — {TYPE_LABELS[lang][b.type]}{' '}
            <button type="button" onClick={() => setBasket(basket.filter((x) => x.tag !== b.tag))} aria-label={t('remove', { tag: b.tag })}>
              ×
            </button>
          </li>
        ))}
      </ul>
      <div className="row">
        <label className="field">
          <span>{t('due')}</span>
          <input type="date" value={due} onChange={(e) => setDue(e.target.value)} data-testid="checkout-due" />
        </label>
        <label className="field grow">
          <span>{t('conditionOut')}</span>
          <input value={condition} onChange={(e) => setCondition(e.target.value)} data-testid="checkout-condition" />
        </label>
      </div>
      {!head && (
        <label className="field">
          <span>{t('overrideReason')}</span>
          <input value={override} onChange={(e) => setOverride(e.target.value)} minLength={3} data-testid="checkout-override" />
        </label>
      )}
      <button type="button" className="primary" disabled={!basket.length} onClick={() => void submit()} aria-keyshortcuts="Control+Enter" data-testid="checkout-submit">
        {t('checkout')} <kbd aria-hidden="true">Ctrl+Entrée</kbd>
      </button>
      <ReserveForm requestId={r.id} tags={basket.map((b) => b.tag)} onError={onError} onDone={() => (setBasket([]), onDone())} />
    </div>
  );
}

/** Holds the scanned items for a pickup slot instead of lending them now (slots never overlap). */
function ReserveForm({ requestId, tags, onError, onDone }: { requestId: string; tags: string[]; onError(e: unknown): void; onDone(): void }) {
  const { t } = useTranslation('loans');
  const [begin, setBegin] = useState('');
  const [end, setEnd] = useState('');
  const reserve = async () => {
    try {
      for (const tag of tags) await api.call('loans.reserve', { tag, requestId, beginAt: new Date(begin).toISOString(), endAt: new Date(end).toISOString() });
      onDone();
    } catch (err) {
      onError(err);
    }
  };
  return (
    <details>
      <summary>{t('reserveTitle')}</summary>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void reserve();
        }}
      >
        <label className="field">
          <span>{t('slotBegin')}</span>
          <input type="datetime-local" value={begin} onChange={(e) => setBegin(e.target.value)} required data-testid="reserve-begin" />
        </label>
        <label className="field">
          <span>{t('slotEnd')}</span>
          <input type="datetime-local" value={end} onChange={(e) => setEnd(e.target.value)} required data-testid="reserve-end" />
        </label>
        <button type="submit" disabled={!tags.length} data-testid="reserve-submit">
          {t('reserve')}
        </button>
      </form>
    </details>
  );
}

function WaitlistCard({ waitlist, selectedId, onSelect, lang, onError }: { waitlist: Waitlist; selectedId: string | null; onSelect(id: string): void; lang: Lang; onError(e: unknown): void }) {
  const { t } = useTranslation('loans');
  const [overriding, setOverriding] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const override = async (requestId: string) => {
    try {
      await api.call('loans.overrideRequest', { requestId, reason });
      setOverriding(null);
      setReason('');
    } catch (err) {
      onError(err);
    }
  };
  const blockedText = (e: Entry) => (e.blocked ? t('noStock', { types: String(e.blocked.params?.types ?? '').split(',').filter(Boolean).map((ty) => TYPE_LABELS[lang][ty as LoanItemType] ?? ty).join(', ') }) : null);
  return (
    <div className="card" data-testid="loan-waitlist">
      <h2>{t('waitlist')}</h2>
      {waitlist.entries.length === 0 ? (
        <p className="muted">{t('waitlistEmpty')}</p>
      ) : (
        <table className="loans-table">
          <thead>
            <tr>
              <th scope="col">{t('position')}</th>
              <th scope="col">{t('agent')}</th>
              <th scope="col">{t('needs')}</th>
              <th scope="col">{t('why')}</th>
              <th scope="col">{t('actions')}</th>
            </tr>
          </thead>
          <tbody>
            {waitlist.entries.map((e) => {
              const r = e.request;
              const proposed = waitlist.proposal?.requestId === r.id;
              return (
                <tr key={r.id} className={`${proposed ? 'proposed' : ''} ${selectedId === r.id ? 'selected' : ''}`} data-testid="waitlist-row" data-position={e.position} data-agent={r.agent.name}>
                  <td>{e.position}</td>
                  <td>
                    {r.agent.name}
                    <div className="muted small">
                      {r.serviceName ?? '—'}
                      {r.ticketId && (
                        <>
                          {' · '}
                          <a href={routeHref({ page: 'ticket', id: r.ticketId })}>{t('ticketNo', { number: r.ticketNumber ?? '' })}</a>
                        </>
                      )}
                    </div>
                  </td>
                  <td>{r.lines.map((l) => `${l.served}/${l.quantity} ${TYPE_LABELS[lang][l.type]}`).join(', ')}</td>
                  <td>
                    <span data-testid="waitlist-why">{rankText(e.request, t, lang, 'Europe/Paris')}</span>
                    <div className="muted small">{criterionText(e.decidedBy, t)}</div>
                    {proposed && <strong className="ok">{t('headProposed')}</strong>}
                    {e.blocked && (
                      <div className="warn small" data-testid="waitlist-blocked">
                        {blockedText(e)}
                      </div>
                    )}
                  </td>
                  <td>
                    <div className="toolbar">
                      <button type="button" onClick={() => onSelect(r.id)} data-testid="waitlist-serve">
                        {t('serve')}
                      </button>
                      {!proposed && (
                        <button type="button" onClick={() => setOverriding(overriding === r.id ? null : r.id)} aria-expanded={overriding === r.id}>
                          {t('override')}
                        </button>
                      )}
                    </div>
                    {overriding === r.id && (
                      <form
                        className="toolbar"
                        onSubmit={(ev) => {
                          ev.preventDefault();
                          void override(r.id);
                        }}
                      >
                        <input aria-label={t('overrideReason')} placeholder={t('overrideReason')} value={reason} onChange={(ev) => setReason(ev.target.value)} minLength={3} required autoFocus />
                        <button type="submit">{t('overrideConfirm')}</button>
                      </form>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {waitlist.total > waitlist.entries.length && <p className="muted small">{t('more', { count: waitlist.total - waitlist.entries.length })}</p>}
    </div>
  );
}

function TodayCard({ overview, lang }: { overview: Overview; lang: Lang }) {
  const { t } = useTranslation('loans');
  return (
    <div className="card" data-testid="loans-today">
      <h2>{t('today')}</h2>
      <h3>{t('pickups')}</h3>
      {overview.pickups.length === 0 ? (
        <p className="muted small">{t('none')}</p>
      ) : (
        <ul>
          {overview.pickups.map((p) => (
            <li key={p.id}>
              {fmt(p.beginAt, lang)} – {p.tag} ({TYPE_LABELS[lang][p.type]}) · {p.agentName}
            </li>
          ))}
        </ul>
      )}
      <h3>{t('returnsToday')}</h3>
      {overview.returnsToday.length === 0 ? (
        <p className="muted small">{t('none')}</p>
      ) : (
        <ul>
          {overview.returnsToday.map((l) => (
            <li key={l.id}>
              {l.tag} · {l.agentName} · {fmt(l.dueAt, lang)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function OverdueCard({ overview, lang, onError }: { overview: Overview; lang: Lang; onError(e: unknown): void }) {
  const { t } = useTranslation('loans');
  const remind = async (loanId: string) => {
    const note = window.prompt(t('remindNote'), t('remindDefault'));
    if (!note) return;
    try {
      await api.call('loans.remind', { loanId, note });
    } catch (err) {
      onError(err);
    }
  };
  return (
    <div className="card" data-testid="loans-overdue">
      <h2>{t('overdue', { count: overview.overdue.length })}</h2>
      {overview.overdue.length === 0 ? (
        <p className="muted small">{t('none')}</p>
      ) : (
        <ul>
          {overview.overdue.map((l) => (
            <li key={l.id}>
              <strong>{l.tag}</strong> · {l.agentName} · {t('dueOn', { date: fmt(l.dueAt, lang, false) })}{' '}
              <button type="button" onClick={() => void remind(l.id)}>
                {t('remind')}
              </button>
              {l.reminders.length > 0 && (
                <ul className="small muted">
                  {l.reminders.map((r, i) => (
                    <li key={i}>
                      {fmt(r.at, lang)} — {r.actor} : {r.note}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function StockCard({ overview, lang }: { overview: Overview; lang: Lang }) {
  const { t } = useTranslation('loans');
  return (
    <div className="card" data-testid="loans-stock">
      <h2>{t('stock')}</h2>
      <table className="loans-table">
        <thead>
          <tr>
            <th scope="col">{t('type')}</th>
            {LOAN_ITEM_STATES.map((s) => (
              <th scope="col" key={s}>
                {STATE_LABELS[lang][s]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {overview.stock.map((s) => (
            <tr key={s.type} data-testid={`stock-${s.type}`}>
              <th scope="row">{TYPE_LABELS[lang][s.type]}</th>
              {LOAN_ITEM_STATES.map((st) => (
                <td key={st} data-state={st}>
                  {s.counts[st] ?? 0}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Loans the server refused (someone else holds the item there) and ops waiting for a person. */
function SyncCard({ overview, lang, onError }: { overview: Overview; lang: Lang; onError(e: unknown): void }) {
  const { t } = useTranslation('loans');
  const { outbox, conflicts } = overview;
  // Standalone, changes simply wait in the outbox: only what needs a person is shown.
  if (!conflicts.length && !outbox.parked.length) return null;
  const resolve = async (loanId: string) => {
    const reason = window.prompt(t('resolveReason'), t('resolveDefault'));
    if (!reason) return;
    try {
      await api.call('loans.resolveConflict', { loanId, reason });
    } catch (err) {
      onError(err);
    }
  };
  return (
    <div className="card" data-testid="loans-sync">
      <h2>{t('syncTitle')}</h2>
      <p className="small">{t('pending', { count: outbox.pending, waiting: outbox.waitingForTicket })}</p>
      {conflicts.map((l) => (
        <p key={l.id} className="error" data-testid="loan-conflict">
          {t('conflict', { tag: l.tag, agent: l.agentName })} {l.conflict?.message[lang]}{' '}
          <button type="button" onClick={() => void resolve(l.id)}>
            {t('resolve')}
          </button>
        </p>
      ))}
      {outbox.parked.map((p) => (
        <p key={p.seq} className="warn small">
          {p.tag} ({p.kind}) : {p.message}
        </p>
      ))}
      {outbox.parked.length > 0 && (
        <button type="button" onClick={() => api.call('loans.retryParked').catch(onError)}>
          {t('retryAll')}
        </button>
      )}
    </div>
  );
}

/** A request made directly at the desk (not from a call): the agent from the directory, types × quantities. */
function RequestCard({ lang, onError, onDone }: { lang: Lang; onError(e: unknown): void; onDone(): void }) {
  const { t } = useTranslation('loans');
  const [q, setQ] = useState('');
  const [person, setPerson] = useState<{ id: string; name: string } | null>(null);
  const [lines, setLines] = useState<Line[]>([{ type: 'portable', quantity: 1 }]);
  const [reason, setReason] = useState('');
  const settled = useSettled(q, 150);
  // What is in the field now decides whether suggestions show (a cleared field hides them at once).
  const searching = q.trim().length >= 2 && settled.trim().length >= 2 && !person;
  const search = useCall('directory.search', { q: settled, limit: 5 }, { enabled: searching, showsError: true });
  useReadError(search.error, onError);
  const hits = searching ? (search.data?.hits.filter((x) => x.person) ?? []) : [];
  const submit = async () => {
    try {
      await api.call('loans.createRequest', { agent: person ? { name: person.name, personId: person.id } : { name: q.trim() }, lines, reason });
      setQ('');
      setPerson(null);
      setReason('');
      setLines([{ type: 'portable', quantity: 1 }]);
      onDone();
    } catch (err) {
      onError(err);
    }
  };
  return (
    <details className="card" data-testid="loan-request-form">
      <summary>{t('newRequest')}</summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label className="field">
          <span>{t('agent')}</span>
          <input
            value={person ? person.name : q}
            onChange={(e) => {
              setPerson(null);
              setQ(e.target.value);
            }}
            required
          />
        </label>
        {hits.length > 0 && (
          <ul className="small">
            {hits.map((h) => (
              <li key={h.person!.id}>
                <button type="button" className="link" onClick={() => setPerson({ id: h.person!.id, name: `${h.person!.firstName} ${h.person!.lastName}` })}>
                  {h.person!.firstName} {h.person!.lastName} · {h.person!.department}
                </button>
              </li>
            ))}
          </ul>
        )}
        <LinesEditor lines={lines} onChange={setLines} lang={lang} />
        <label className="field">
          <span>{t('reason')}</span>
          <input value={reason} onChange={(e) => setReason(e.target.value)} required />
        </label>
        <button type="submit" className="primary">
          {t('createRequest')}
        </button>
      </form>
    </details>
  );
}

function ImportCard({ onError, onDone }: { onError(e: unknown): void; onDone(): void }) {
  const { t } = useTranslation('loans');
  const [msg, setMsg] = useState<string | null>(null);
  return (
    <details className="card">
      <summary>{t('importTitle')}</summary>
      <p className="muted small">{t('importHelp')}</p>
      <input
        type="file"
        accept=".csv,text/csv"
        aria-label={t('importTitle')}
        onChange={async (e) => {
          const f = e.target.files?.[0];
          if (!f) return;
          try {
            const r = await api.call('loans.importItems', { csv: await f.text() });
            setMsg(t('imported', { count: r.imported }));
            onDone();
          } catch (err) {
            setMsg(null);
            onError(err);
          }
          e.target.value = '';
        }}
      />
      {msg && <p className="ok">{msg}</p>}
    </details>
  );
}

/** A read this page words itself goes to the page's notice, as the actions' errors do. */
function useReadError(error: Error | null, onError: (e: unknown) => void): void {
  useEffect(() => {
    if (error) onError(error);
  }, [error, onError]);
}
