import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useShortcut } from '../../app/shortcuts';
import { SelectField } from '../../components/SelectField';
import { errorText, useLang } from './SeatsPage';

type Org = { id: string; name: string };

/** A call asks for a seat: it joins the waiting list (tier and priority decide its rank). */
export function RequestForm({ poolId, orgs, onError, onDone }: { poolId: string; orgs: Org[]; onError(msg: string): void; onDone(): void }) {
  const { t } = useTranslation('seats');
  const lang = useLang();
  const first = useRef<HTMLInputElement>(null);
  const [f, setF] = useState({ requesterName: '', requesterLogin: '', organisationId: orgs[0]?.id ?? '', tier: '3', priority: '3', reason: '' });
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  useShortcut({ key: 'n', alt: true }, () => first.current?.focus());

  const submit = async () => {
    try {
      await api.call('seats.request', {
        poolId,
        requesterName: f.requesterName,
        requesterLogin: f.requesterLogin,
        organisationId: f.organisationId || null,
        tier: Number(f.tier) as 1 | 2 | 3,
        priority: Number(f.priority),
        reason: f.reason,
      });
      setF({ ...f, requesterName: '', requesterLogin: '', reason: '' });
      onDone();
      first.current?.focus();
    } catch (err) {
      onError(errorText(err, lang));
    }
  };

  return (
    <form
      className="card seats-form"
      data-testid="request-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2>{t('newRequest')}</h2>
      <div className="row">
        <label className="field">
          <span>{t('requesterName')}</span>
          <input ref={first} value={f.requesterName} onChange={set('requesterName')} required aria-keyshortcuts="Alt+N" data-testid="req-name" />
        </label>
        <label className="field">
          <span>{t('requesterLogin')}</span>
          <input value={f.requesterLogin} onChange={set('requesterLogin')} required pattern="[^\s&quot;']+" data-testid="req-login" />
        </label>
        <SelectField label={t('organisation')} value={f.organisationId} onChange={set('organisationId')} data-testid="req-org" options={orgs.map((o) => ({ value: o.id, label: o.name }))} />
        <SelectField label={t('tier')} value={f.tier} onChange={set('tier')} data-testid="req-tier" options={['1', '2', '3'].map((n) => ({ value: n, label: t(`tiers.${n}`) }))} />
        <SelectField label={t('priority')} value={f.priority} onChange={set('priority')} data-testid="req-priority" options={['1', '2', '3', '4', '5', '6'].map((n) => ({ value: n, label: t(`priorities.${n}`) }))} />
        <label className="field grow">
          <span>{t('reason')}</span>
          <input value={f.reason} onChange={set('reason')} required data-testid="req-reason" />
        </label>
        <button type="submit" className="primary" data-testid="req-submit">
          {t('addRequest')}
        </button>
      </div>
    </form>
  );
}

/** Defines a pool: capacity, validity, and a quota per organisation (lendable or not). */
export function PoolForm({ orgs, onCreated, onError }: { orgs: Org[]; onCreated(id: string): void; onError(msg: string): void }) {
  const { t } = useTranslation('seats');
  const lang = useLang();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'vpn' | 'rd-gateway' | 'published-apps' | 'other'>('vpn');
  const [capacity, setCapacity] = useState('50');
  const [quotas, setQuotas] = useState<Record<string, { quota: string; lendable: boolean }>>({});
  const submit = async () => {
    try {
      const shares = orgs.filter((o) => quotas[o.id]?.quota).map((o) => ({ organisationId: o.id, quota: Number(quotas[o.id]!.quota), lendable: quotas[o.id]!.lendable }));
      const pool = await api.call('seats.createPool', { name, kind, capacity: Number(capacity), shares });
      setName('');
      onCreated(pool.id);
    } catch (err) {
      onError(errorText(err, lang));
    }
  };
  return (
    <details className="card">
      <summary>{t('createPool')}</summary>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label className="field">
          <span>{t('poolName')}</span>
          <input value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <SelectField label={t('pool')} value={kind} onChange={(e) => setKind(e.target.value as typeof kind)} options={(['vpn', 'rd-gateway', 'published-apps', 'other'] as const).map((k) => ({ value: k, label: t(`kind.${k}`) }))} />
        <label className="field">
          <span>{t('capacity', { used: '…', capacity: '' }).split(':')[0]}</span>
          <input type="number" min={0} value={capacity} onChange={(e) => setCapacity(e.target.value)} required />
        </label>
        {orgs.map((o) => (
          <fieldset key={o.id} className="row">
            <label className="field">
              <span>{t('quota', { org: o.name })}</span>
              <input type="number" min={0} value={quotas[o.id]?.quota ?? ''} onChange={(e) => setQuotas({ ...quotas, [o.id]: { quota: e.target.value, lendable: quotas[o.id]?.lendable ?? true } })} />
            </label>
            <label>
              <input type="checkbox" checked={quotas[o.id]?.lendable ?? true} onChange={(e) => setQuotas({ ...quotas, [o.id]: { quota: quotas[o.id]?.quota ?? '', lendable: e.target.checked } })} /> {t('lendable')}
            </label>
          </fieldset>
        ))}
        <button type="submit">{t('create')}</button>
      </form>
    </details>
  );
}
