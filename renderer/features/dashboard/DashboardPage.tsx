import { useEffect, useMemo, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { callQuery, invalidateCall, useCall } from '../../api/queries';
import { errorText } from '../../components/Notice';
import type { CallOutput } from '../../../src/api/contract';
import { STATE_LABELS } from '../../../src/domain/loans';
import { dashboardFormatters, relativeChange, type Dashboard, type DashboardSelection, type Figure, type PeriodPreset } from '../../../src/domain/dashboard';
import { navigate } from '../../app/router';
import { downloadBase64 } from '../tools/download';
import { Card, type DataTable } from './Card';
import { EChart } from './EChart';
import { barsOption, breachOption, dailyOption, heatmapOption } from './options';
import { selectionFromQuery, selectionToQuery } from './selection';
import './dashboard.css';
import { Notice } from '../../components/Notice';

const PRESETS: PeriodPreset[] = ['today', '7d', '30d', 'custom'];
type DashboardMeta = CallOutput<'dashboard.meta'>;

export default function DashboardPage({ query }: { query: string }) {
  const { t, i18n } = useTranslation('dashboard');
  const locale = i18n.language.startsWith('en') ? 'en' : 'fr';
  const fmt = useMemo(() => dashboardFormatters(locale), [locale]);
  const selection = useMemo(() => selectionFromQuery(query), [query]);
  // Keyed by the selection: changing the period shows the last figures until the new ones
  // arrive, never a late answer for the old period. Live: ticket, loan and seat events make
  // the figures stale once a burst settles (api/stale-on-event.ts) and they are fetched again.
  const dashboard = useQuery({
    ...callQuery('dashboard.get', selection),
    queryFn: () =>
      api.call('dashboard.get', selection).then((d) => {
        // For the benchmark: when the figures reached the page (the rest is drawing).
        performance.mark('relais:dashboard-data');
        return d;
      }),
    placeholderData: keepPreviousData,
    meta: { showsError: true },
  });
  const metaQuery = useCall('dashboard.meta', {}, { showsError: true });
  const data: Dashboard | null = dashboard.data ?? null;
  const meta: DashboardMeta | null = metaQuery.data ?? null;
  const updatedAt = dashboard.dataUpdatedAt && !dashboard.isPlaceholderData ? new Date(dashboard.dataUpdatedAt) : null;
  const [actionError, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const loadMeta = () => void invalidateCall('dashboard.meta');

  const select = (next: Partial<DashboardSelection>) => navigate({ page: 'dashboard', query: selectionToQuery({ ...selection, ...next }) });

  const csv = async (figure: Figure) => {
    try {
      const file = await api.call('dashboard.csv', { selection, figure, locale });
      downloadBase64(file.name, file.mime, btoa(String.fromCharCode(...new TextEncoder().encode(file.text))));
    } catch (e) {
      setError(errorText(e, locale));
    }
  };
  const report = async () => {
    setBusy(true);
    try {
      const file = await api.call('dashboard.report', { selection, locale });
      downloadBase64(file.name, file.mime, file.base64);
    } catch (e) {
      setError(errorText(e, locale));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page dashboard" data-testid="dashboard">
      <div className="dash-head">
        <h1>{t('title')}</h1>
        <span className="muted" data-testid="dashboard-updated" aria-live="polite">
          {updatedAt ? t('updatedAt', { time: fmt.time(updatedAt) }) : t('loading')}
        </span>
      </div>
      <p className="muted dash-intro">{t('intro')}</p>
      <Toolbar selection={selection} meta={meta} onSelect={select} onSaved={loadMeta} onReport={report} busy={busy} />
      <Notice error={actionError ?? dashboard.error ?? metaQuery.error} testId="dashboard-error" />
      {data && <Cards data={data} fmt={fmt} csv={csv} />}
    </div>
  );
}

function Toolbar(props: {
  selection: DashboardSelection;
  meta: DashboardMeta | null;
  onSelect(next: Partial<DashboardSelection>): void;
  onSaved(): void;
  onReport(): void;
  busy: boolean;
}) {
  const { t } = useTranslation('dashboard');
  const { selection: s, meta } = props;
  const [from, setFrom] = useState(s.from ?? '');
  const [to, setTo] = useState(s.to ?? '');
  const [custom, setCustom] = useState(s.period === 'custom');
  const [saving, setSaving] = useState(false);
  const [name, setName] = useState('');
  const [notice, setNotice] = useState('');
  useEffect(() => setCustom(s.period === 'custom'), [s.period]);
  // The saved dashboard showing now, if any: it can be deleted.
  const current = meta?.saved.find((v) => JSON.stringify({ ...v.selection, from: v.selection.from, to: v.selection.to }) === JSON.stringify({ period: s.period, from: s.from, to: s.to, organisationId: s.organisationId, teamId: s.teamId, serviceId: s.serviceId }));

  const services = (meta?.services ?? []).filter((sv) => !s.organisationId || sv.organisationId === s.organisationId);
  const save = async () => {
    if (!name.trim()) return;
    await api.call('dashboard.save', { name: name.trim(), selection: { period: s.period, ...(s.from ? { from: s.from } : {}), ...(s.to ? { to: s.to } : {}), organisationId: s.organisationId, teamId: s.teamId, serviceId: s.serviceId } });
    setSaving(false);
    setNotice(t('saved.savedAs', { name: name.trim() }));
    setName('');
    props.onSaved();
  };
  const remove = async (id: string) => {
    await api.call('dashboard.deleteSaved', { id });
    setNotice('');
    props.onSaved();
  };

  return (
    <div className="dash-toolbar card" role="group" aria-label={t('period.label')}>
      <div className="dash-periods" role="radiogroup" aria-label={t('period.label')}>
        {PRESETS.map((p) => {
          const checked = p === 'custom' ? custom : !custom && s.period === p;
          return (
            <button
              key={p}
              type="button"
              role="radio"
              aria-checked={checked}
              className={checked ? 'primary' : ''}
              data-testid={`period-${p}`}
              onClick={() => (p === 'custom' ? setCustom(true) : props.onSelect({ period: p, from: undefined, to: undefined }))}
            >
              {t(`period.${p}`)}
            </button>
          );
        })}
      </div>
      {custom && (
        <form
          className="dash-custom"
          onSubmit={(e) => {
            e.preventDefault();
            if (from && to && from <= to) props.onSelect({ period: 'custom', from, to });
          }}
        >
          <label>
            {t('period.from')} <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} required data-testid="period-from" />
          </label>
          <label>
            {t('period.to')} <input type="date" value={to} min={from} onChange={(e) => setTo(e.target.value)} required data-testid="period-to" />
          </label>
          <button type="submit" data-testid="period-apply">
            {t('period.apply')}
          </button>
        </form>
      )}
      <label className="dash-filter">
        {t('filters.organisation')}
        {meta?.organisations ? (
          <select value={s.organisationId ?? ''} onChange={(e) => props.onSelect({ organisationId: e.target.value || null, serviceId: null })} data-testid="filter-organisation">
            <option value="">{t('filters.all')}</option>
            {meta.organisations.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        ) : (
          <select disabled data-testid="filter-organisation" title={t('cards.organisations.unavailable')}>
            <option>{t('filters.orgMissing')}</option>
          </select>
        )}
      </label>
      {meta?.services && (
        <label className="dash-filter">
          {t('filters.service')}
          <select value={s.serviceId ?? ''} onChange={(e) => props.onSelect({ serviceId: e.target.value || null })} data-testid="filter-service">
            <option value="">{t('filters.allServices')}</option>
            {services.map((sv) => (
              <option key={sv.id} value={sv.id}>
                {sv.name}
                {sv.tier === 1 ? ` (${t('cards.organisations.vital')})` : ''}
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="dash-filter">
        {t('filters.team')}
        <select value={s.teamId ?? ''} onChange={(e) => props.onSelect({ teamId: e.target.value || null })} data-testid="filter-team">
          <option value="">{t('filters.all')}</option>
          {(meta?.teams ?? []).map((tm) => (
            <option key={tm.id} value={tm.id}>
              {tm.name}
            </option>
          ))}
        </select>
      </label>
      <div className="dash-saved">
        <select
          aria-label={t('saved.label')}
          value=""
          data-testid="saved-open"
          onChange={(e) => {
            const v = meta?.saved.find((x) => x.id === e.target.value);
            if (v) props.onSelect({ ...v.selection });
          }}
        >
          <option value="">{t('saved.choose')}</option>
          {(meta?.saved ?? []).map((v) => (
            <option key={v.id} value={v.id}>
              {v.name}
            </option>
          ))}
        </select>
        {saving ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void save();
            }}
          >
            <input aria-label={t('saved.name')} placeholder={t('saved.name')} value={name} onChange={(e) => setName(e.target.value)} maxLength={80} autoFocus data-testid="saved-name" />
            <button type="submit" data-testid="saved-confirm">
              {t('saved.confirm')}
            </button>
          </form>
        ) : (
          <button type="button" onClick={() => setSaving(true)} data-testid="saved-save">
            {t('saved.save')}
          </button>
        )}
        {current && (
          <button type="button" className="danger" onClick={() => void remove(current.id)} aria-label={`${t("saved.delete")} — ${current.name}`} data-testid="saved-delete">
            ✕
          </button>
        )}
        <span role="status" className="muted">
          {notice}
        </span>
      </div>
      <button type="button" className="primary" onClick={props.onReport} disabled={props.busy} data-testid="dashboard-report">
        {props.busy ? t('reportBusy') : t('report')}
      </button>
    </div>
  );
}

type Fmt = ReturnType<typeof dashboardFormatters>;

function Cards({ data: d, fmt, csv }: { data: Dashboard; fmt: Fmt; csv(f: Figure): void }) {
  const { t } = useTranslation('dashboard');
  const none = t('none');
  const label = (s: string) => s || none;
  const weekdays = Array.from({ length: 7 }, (_, i) => fmt.weekdayShort(i));
  const opened = d.daily.reduce((a, r) => a + r.opened, 0);
  const resolved = d.daily.reduce((a, r) => a + r.resolved, 0);
  const startBacklog = (d.daily[0]?.backlog ?? 0) - (d.daily[0]?.opened ?? 0) + (d.daily[0]?.resolved ?? 0);
  const endBacklog = d.daily.at(-1)?.backlog ?? 0;
  const change = relativeChange(d.calls.total, d.calls.previousTotal);

  // The busiest weekday × hour slot, for the calls summary.
  let peak = { day: 0, hour: 0, n: -1 };
  d.calls.heatmap.forEach((row, day) => row.forEach((n, hour) => n > peak.n && (peak = { day, hour, n })));
  const callsSummary =
    d.calls.total === 0
      ? t('cards.calls.summaryNone')
      : change === null
        ? t('cards.calls.summaryNoPrevious', { total: fmt.num(d.calls.total) })
        : t('cards.calls.summary', { total: fmt.num(d.calls.total), change: fmt.change(change), day: fmt.weekday(peak.day), hour: peak.hour, next: peak.hour + 1 });

  const durationCard = (key: 'tto' | 'ttr', s: Dashboard['takeCharge']) => ({
    summary: s.count === 0 ? t(`cards.${key}.summaryNone`) : t(`cards.${key}.summary`, { mean: fmt.duration(s.meanMinutes), p90: fmt.duration(s.p90Minutes), within: fmt.pct(s.withinTargetRate) }),
    table: {
      head: [t('cards.durations.count'), t('cards.durations.mean'), t('cards.durations.p90'), t('cards.durations.within')],
      rows: [[fmt.num(s.count), fmt.duration(s.meanMinutes), fmt.duration(s.p90Minutes), fmt.pct(s.withinTargetRate)]],
    } satisfies DataTable,
    body: (
      <dl className="kpi">
        <div>
          <dt>{t('cards.durations.mean')}</dt>
          <dd data-testid={`kpi-${key}-mean`}>{fmt.duration(s.meanMinutes)}</dd>
        </div>
        <div>
          <dt>{t('cards.durations.p90')}</dt>
          <dd>{fmt.duration(s.p90Minutes)}</dd>
        </div>
        <div>
          <dt>{t('cards.durations.within')}</dt>
          <dd>{fmt.pct(s.withinTargetRate)}</dd>
        </div>
      </dl>
    ),
  });
  const tto = durationCard('tto', d.takeCharge);
  const ttr = durationCard('ttr', d.resolve);

  const breachCard = (key: 'breachesTeam' | 'breachesCategory', rows: Dashboard['breaches']['byTeam'], figure: Figure) => {
    const worst = rows[0];
    const shown = rows.slice(0, 8).map((r) => ({ ...r, label: label(r.label) }));
    return (
      <Card
        id={key}
        title={t(`cards.${key}.title`)}
        summary={worst && worst.breached > 0 ? t(`cards.${key}.summary`, { name: label(worst.label), late: fmt.num(worst.breached), total: fmt.num(worst.tickets) }) : t(`cards.${key}.summaryNone`)}
        table={{ head: [t(`cards.${key}.key`), t('cards.breach.tickets'), t('cards.breach.late')], rows: rows.map((r) => [label(r.label), fmt.num(r.tickets), fmt.num(r.breached)]) }}
        onCsv={() => csv(figure)}
        chart={<EChart height={Math.max(90, 30 + shown.length * 24)} option={breachOption(shown, { late: t('cards.breach.late'), onTime: t('cards.breach.onTime') }, fmt.num, fmt.pct)} />}
      />
    );
  };

  const orgs = d.organisations;
  const totalOrg = orgs.available ? orgs.organisations.reduce((a, r) => a + r.tickets, 0) : 0;
  const vital = orgs.available ? orgs.services.filter((s) => s.tier === 1).reduce((a, s) => a + s.tickets, 0) : 0;
  const topOp = d.operators[0];
  const topCat = d.topCategories[0];
  const totalCreated = opened;

  return (
    <div className="dash-grid">
      <Card
        id="fcr"
        title={t('cards.fcr.title')}
        summary={d.firstCall.rate === null ? t('cards.fcr.summaryNone') : t('cards.fcr.summary', { rate: fmt.pct(d.firstCall.rate), solved: fmt.num(d.firstCall.solvedOnPhone), total: fmt.num(d.firstCall.phoneTickets) })}
        table={{ head: [t('cards.fcr.phoneTickets'), t('cards.fcr.solved'), t('cards.fcr.rate')], rows: [[fmt.num(d.firstCall.phoneTickets), fmt.num(d.firstCall.solvedOnPhone), fmt.pct(d.firstCall.rate)]] }}
        onCsv={() => csv('firstCall')}
      >
        <p className="kpi-big" data-testid="kpi-fcr">
          {fmt.pct(d.firstCall.rate)}
        </p>
      </Card>
      <Card id="tto" title={t('cards.tto.title')} summary={tto.summary} table={tto.table} onCsv={() => csv('durations')}>
        {tto.body}
      </Card>
      <Card id="ttr" title={t('cards.ttr.title')} summary={ttr.summary} table={ttr.table} onCsv={() => csv('durations')}>
        {ttr.body}
      </Card>

      <Card
        id="calls"
        wide
        title={t('cards.calls.title')}
        summary={callsSummary}
        table={{ head: [t('cards.calls.weekday'), ...Array.from({ length: 24 }, (_, h) => t('cards.calls.hour', { hour: h }))], rows: d.calls.heatmap.map((row, i) => [fmt.weekday(i), ...row.map(fmt.num)]) }}
        onCsv={() => csv('heatmap')}
        chart={<EChart height={230} option={heatmapOption(d, weekdays, fmt.num)} testId="chart-calls" />}
      />
      <Card
        id="daily"
        wide
        title={t('cards.daily.title')}
        summary={t('cards.daily.summary', { opened: fmt.num(opened), resolved: fmt.num(resolved), backlog: fmt.num(endBacklog), delta: fmt.delta(endBacklog - startBacklog) })}
        table={{ head: [t('cards.daily.day'), t('cards.daily.opened'), t('cards.daily.resolved'), t('cards.daily.backlog')], rows: d.daily.map((r) => [fmt.day(r.day), fmt.num(r.opened), fmt.num(r.resolved), fmt.num(r.backlog)]) }}
        onCsv={() => csv('daily')}
        chart={<EChart height={230} option={dailyOption(d, { opened: t('cards.daily.opened'), resolved: t('cards.daily.resolved'), backlog: t('cards.daily.backlog') }, fmt.shortDay, fmt.num)} testId="chart-daily" />}
      />

      {breachCard('breachesTeam', d.breaches.byTeam, 'breachesByTeam')}
      {breachCard('breachesCategory', d.breaches.byCategory, 'breachesByCategory')}

      <Card
        id="top"
        title={t('cards.top.title')}
        summary={topCat ? t('cards.top.summary', { name: label(topCat.label), count: fmt.num(topCat.tickets), share: fmt.pct(totalCreated ? topCat.tickets / totalCreated : null) }) : t('cards.top.summaryNone')}
        table={{ head: [t('cards.top.key'), t('cards.top.tickets')], rows: d.topCategories.map((r) => [label(r.label), fmt.num(r.tickets)]) }}
        onCsv={() => csv('topCategories')}
        chart={<EChart height={Math.max(90, d.topCategories.length * 24)} option={barsOption(d.topCategories.map((r) => ({ label: label(r.label), value: r.tickets })), fmt.num)} />}
      />
      <Card
        id="operators"
        title={t('cards.operators.title')}
        summary={topOp ? t('cards.operators.summary', { name: topOp.operator, calls: fmt.num(topOp.calls), mean: fmt.duration(topOp.meanCallSeconds === null ? null : topOp.meanCallSeconds / 60) }) : t('cards.operators.summaryNone')}
        table={{ head: [t('cards.operators.operator'), t('cards.operators.calls'), t('cards.operators.mean')], rows: d.operators.map((r) => [r.operator, fmt.num(r.calls), fmt.duration(r.meanCallSeconds === null ? null : r.meanCallSeconds / 60)]) }}
        onCsv={() => csv('operators')}
        chart={
          <EChart
            height={Math.max(90, d.operators.slice(0, 10).length * 24)}
            option={barsOption(d.operators.slice(0, 10).map((r) => ({ label: r.operator, value: r.calls, suffix: r.meanCallSeconds === null ? '' : ` · ${fmt.duration(r.meanCallSeconds / 60)}` })), fmt.num)}
          />
        }
      />

      {orgs.available ? (
        <Card
          id="organisations"
          wide
          title={t('cards.organisations.title')}
          summary={orgs.organisations[0] ? t('cards.organisations.summary', { name: label(orgs.organisations[0].label), share: fmt.pct(totalOrg ? orgs.organisations[0].tickets / totalOrg : null), vital: fmt.num(vital) }) : t('cards.organisations.summaryNone')}
          table={{
            head: [t('cards.organisations.service'), t('cards.organisations.organisation'), t('cards.organisations.tier'), t('cards.organisations.tickets')],
            rows: orgs.services.map((s) => [label(s.label), label(s.organisation ?? ''), s.tier === null ? '—' : s.tier === 1 ? `1 (${t('cards.organisations.vital')})` : String(s.tier), fmt.num(s.tickets)]),
          }}
          onCsv={() => csv('services')}
          chart={
            <div className="dash-orgs">
              <ul className="dash-org-shares" data-testid="org-shares">
                {orgs.organisations.map((o) => (
                  <li key={o.key ?? 'none'}>
                    <strong>{fmt.pct(totalOrg ? o.tickets / totalOrg : null)}</strong> {label(o.label)} <span className="muted">({fmt.num(o.tickets)})</span>
                  </li>
                ))}
              </ul>
              <EChart
                height={Math.max(90, orgs.services.slice(0, 10).length * 24)}
                option={barsOption(orgs.services.slice(0, 10).map((s) => ({ label: label(s.label), value: s.tickets, highlight: s.tier === 1, suffix: s.tier === 1 ? ` · ${t('cards.organisations.vital')}` : '' })), fmt.num)}
              />
            </div>
          }
        />
      ) : (
        <Card id="organisations" wide title={t('cards.organisations.title')} summary={t('cards.organisations.unavailable')} />
      )}

      <ResourceCards resources={d.resources} fmt={fmt} csv={csv} />
    </div>
  );
}

/** Loans and remote-access seats now, as their features report them (not tied to the period). */
function ResourceCards({ resources: r, fmt, csv }: { resources: Dashboard['resources']; fmt: Fmt; csv(f: Figure): void }) {
  const { t, i18n } = useTranslation('dashboard');
  const lang = i18n.language.startsWith('en') ? 'en' : 'fr';
  const loans = r.loans.available ? r.loans.figures : null;
  const seats = r.seats.available ? r.seats.figures : null;
  const count = (i: number) => fmt.num(i);
  const stockOf = (state: string) => loans?.items.find((i) => i.state === state)?.items ?? 0;
  const full = seats?.pools.filter((p) => p.capacity > 0 && p.used >= p.capacity).length ?? 0;
  return (
    <>
      {loans ? (
        <Card
          id="loans"
          title={t('cards.loans.title')}
          summary={[
            t('cards.loans.summary', { available: count(stockOf('disponible')), out: count(stockOf('prete')), active: count(loans.activeLoans), overdue: count(loans.overdueLoans), waiting: count(loans.waitingRequests), tier1: count(loans.waitingTier1) }),
            t(loans.scope === 'global' ? 'cards.loans.scopeGlobal' : 'cards.loans.scopeOrganisation'),
          ].join(' ')}
          table={{
            head: [t('cards.loans.figure'), t('cards.loans.value')],
            rows: [
              ...loans.items.map((i) => [`${t('cards.loans.items')} — ${STATE_LABELS[lang][i.state]}`, count(i.items)]),
              [t('cards.loans.active'), count(loans.activeLoans)],
              [t('cards.loans.overdue'), count(loans.overdueLoans)],
              [t('cards.loans.waiting'), count(loans.waitingRequests)],
              [t('cards.loans.tier1'), count(loans.waitingTier1)],
            ],
          }}
          onCsv={() => csv('loans')}
        />
      ) : (
        <Card id="loans" title={t('cards.loans.title')} summary={t('cards.loans.unavailable')} />
      )}
      {seats ? (
        <Card
          id="seats"
          title={t('cards.seats.title')}
          summary={
            seats.pools.length === 0
              ? t('cards.seats.summaryNone')
              : t('cards.seats.summary', {
                  used: count(seats.pools.reduce((n, p) => n + p.used, 0)),
                  capacity: count(seats.pools.reduce((n, p) => n + p.capacity, 0)),
                  pools: count(seats.pools.length),
                  full: count(full),
                  waiting: count(seats.pools.reduce((n, p) => n + p.waiting, 0)),
                })
          }
          table={{
            head: [t('cards.seats.pool'), t('cards.seats.used'), t('cards.seats.capacity'), t('cards.seats.waiting'), t('cards.seats.quotaReached')],
            rows: seats.pools.map((p) => [p.name, count(p.used), count(p.capacity), count(p.waiting), p.quotaReached.map((q) => q.label).join(', ') || '—']),
          }}
          onCsv={() => csv('seats')}
        />
      ) : (
        <Card id="seats" title={t('cards.seats.title')} summary={t('cards.seats.unavailable')} />
      )}
    </>
  );
}
