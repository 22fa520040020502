import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { withFrenchHolidays, type BusinessCalendar, type Holiday, type Opening } from '../../../src/domain/business-calendar';
import { useDeskSettings } from './useReferentials';
import { SaveBar, useChange } from '../../components/SaveBar';

/** "08:00-12:00, 13:30-17:30" ⇄ openings; empty is a closed day; null when it cannot be read. */
export function parseOpenings(text: string): Opening[] | null {
  const parts = text.split(/[,;]/).map((s) => s.trim()).filter(Boolean);
  const out: Opening[] = [];
  for (const p of parts) {
    const m = /^(\d{1,2})[:h](\d{2})\s*[-–à]\s*(\d{1,2})[:h](\d{2})$/.exec(p);
    if (!m) return null;
    out.push({ start: `${m[1]!.padStart(2, '0')}:${m[2]}`, end: `${m[3]!.padStart(2, '0')}:${m[4]}` });
  }
  return out;
}
const showOpenings = (day: Opening[]) => day.map((o) => `${o.start}-${o.end}`).join(', ');

/** Settings › Heures ouvrées et jours fériés: what SLA due dates count on. */
export function BusinessHoursSettings({ year }: { year: number }) {
  const { i18n } = useTranslation('settings');
  const desk = useDeskSettings();
  // Outside the editor: a save reloads the calendar (and re-keys the editor), the sentence stays.
  const change = useChange(i18n.language);
  if (!desk) return <div aria-busy="true" />;
  return <CalendarEditor key={JSON.stringify(desk.calendar)} saved={desk.calendar} isDefault={desk.calendarIsDefault} year={year} change={change} />;
}

function CalendarEditor({ saved, isDefault, year, change }: { saved: BusinessCalendar; isDefault: boolean; year: number; change: ReturnType<typeof useChange> }) {
  const { t } = useTranslation('settings');
  const { state, run } = change;
  const days = t('hours.days', { returnObjects: true }) as string[];
  const savedWeek = saved.week.map(showOpenings);
  const [week, setWeek] = useState(savedWeek);
  const [holidays, setHolidays] = useState<Holiday[]>(saved.holidays);
  const [local, setLocal] = useState<string | null>(null);
  // "Ajouter un jour férié" puts the keyboard in the new row's date.
  const [focusNew, setFocusNew] = useState(false);
  const list = useRef<HTMLUListElement>(null);
  useEffect(() => {
    if (!focusNew) return;
    setFocusNew(false);
    list.current?.querySelector<HTMLInputElement>('li:last-child [data-testid="holiday-date"]')?.focus();
  }, [focusNew]);
  const years = new Set(holidays.map((h) => Number(h.date.slice(0, 4))));
  const nextYear = [year, year + 1, year + 2].find((y) => !years.has(y)) ?? year + 2;

  const save = () => {
    const parsed = week.map(parseOpenings);
    const bad = parsed.findIndex((d) => d === null);
    if (bad >= 0) {
      setLocal(t('hours.invalid', { day: capital(days[bad] ?? '') }));
      return;
    }
    setLocal(null);
    void run(() => api.call('referentials.saveCalendar', { calendar: { week: parsed as Opening[][], holidays } }), () => t('hours.saved'));
  };
  const editHoliday = (n: number, patch: Partial<Holiday>) => setHolidays((prev) => prev.map((h, i) => (i === n ? { ...h, ...patch } : h)));

  return (
    <div className="referentials" data-testid="hours-settings">
      <section aria-labelledby="hours-title">
        <h3 id="hours-title">{t('hours.title')}</h3>
        <p className="muted">{t('hours.intro')}</p>
        {isDefault && <p className="muted" data-testid="calendar-default">{t('hours.default')}</p>}
        <div className="week-grid">
          {days.map((day, d) => (
            <label key={day} className="field">
              <span>{capital(day)}</span>
              <input
                data-testid={`hours-${d}`}
                aria-label={t('hours.day', { day })}
                value={week[d] ?? ''}
                placeholder={t('hours.closed')}
                autoFocus={d === 0}
                onChange={(e) => setWeek((w) => w.map((v, i) => (i === d ? e.target.value : v)))}
              />
            </label>
          ))}
        </div>
      </section>
      <section aria-labelledby="holidays-title">
        <h3 id="holidays-title">
          {t('holidays.title')} <span className="muted">({t('holidays.count', { count: holidays.length })})</span>
        </h3>
        <ul className="holiday-list" data-testid="holiday-list" ref={list}>
          {holidays.map((h, n) => (
            <li key={n} data-testid="holiday-row">
              <input data-testid="holiday-date" size={10} placeholder={t('holidays.datePlaceholder')} aria-label={t('holidays.date', { n: n + 1 })} value={h.date} onChange={(e) => editHoliday(n, { date: e.target.value })} />
              <input data-testid="holiday-name" aria-label={t('holidays.name', { n: n + 1 })} value={h.name} maxLength={80} onChange={(e) => editHoliday(n, { name: e.target.value })} />
              <button type="button" data-testid="holiday-remove" aria-label={t('holidays.removeLabel', { name: `${h.name} ${h.date}` })} onClick={() => setHolidays((prev) => prev.filter((_, i) => i !== n))}>
                {t('holidays.remove')}
              </button>
            </li>
          ))}
        </ul>
        <div className="actions">
          <button type="button" data-testid="holiday-add" onClick={() => {
              setHolidays((prev) => [...prev, { date: '', name: '' }]);
              setFocusNew(true);
            }}>
            {t('holidays.add')}
          </button>
          <button type="button" data-testid="holiday-add-french" onClick={() => setHolidays((prev) => withFrenchHolidays(prev, nextYear))}>
            {t('holidays.addFrench', { year: nextYear })}
          </button>
        </div>
      </section>
      <SaveBar
        label={t('save')}
        testId="hours-save"
        onSave={save}
        state={local ? { kind: 'error', text: local } : state}
        noticeTestId="hours-notice"
        dirty={JSON.stringify([week, holidays]) !== JSON.stringify([savedWeek, saved.holidays])}
        onDiscard={() => {
          setLocal(null);
          setWeek(savedWeek);
          setHolidays(saved.holidays);
        }}
      />
    </div>
  );
}

const capital = (s: string) => s.charAt(0).toLocaleUpperCase() + s.slice(1);
