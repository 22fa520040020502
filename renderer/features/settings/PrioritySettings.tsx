import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { DEFAULT_PRIORITY_MATRIX, type PriorityMatrix, type SlaTargets } from '../../../src/domain/tickets';
import { useDeskSettings, type DeskSettings } from './useReferentials';
import { SaveBar, useChange, type SaveBarProps } from '../../components/SaveBar';
import { Select } from '../../components/SelectField';

const LEVELS = [1, 2, 3, 4, 5] as const;
const PRIORITIES = [1, 2, 3, 4, 5, 6] as const;
type Unit = 'min' | 'h' | 'd';
const PER: Record<Unit, number> = { min: 1, h: 60, d: 1440 };

/** Minutes shown in the largest whole unit (1440 → 1 jour ouvré, 90 → 90 min). */
function split(minutes: number): { value: string; unit: Unit } {
  if (minutes % 1440 === 0) return { value: String(minutes / 1440), unit: 'd' };
  if (minutes % 60 === 0) return { value: String(minutes / 60), unit: 'h' };
  return { value: String(minutes), unit: 'min' };
}

/** Settings › Priorités et délais: the urgency × impact matrix and the SLA targets per priority. */
export function PrioritySettings() {
  const { i18n } = useTranslation('settings');
  const desk = useDeskSettings();
  // Outside the editors: a save reloads the values (and re-keys the editor), the sentence stays.
  const matrixChange = useChange(i18n.language);
  const slaChange = useChange(i18n.language);
  if (!desk) return <div aria-busy="true" />;
  return (
    <div className="referentials" data-testid="priority-settings">
      <MatrixEditor key={JSON.stringify(desk.priorityMatrix)} saved={desk.priorityMatrix} change={matrixChange} />
      <SlaEditor key={JSON.stringify(desk.sla)} saved={desk.sla} change={slaChange} />
    </div>
  );
}
type Change = ReturnType<typeof useChange>;

/**
 * One editor of this section: its title and intro (`<name>.title`, `<name>.intro`), its table
 * (`children`), then Save (`<name>-save`), its own `buttons`, and how it went (`<name>-notice`).
 */
function EditorSection({ name, children, buttons, ...bar }: { name: 'matrix' | 'sla'; children: ReactNode; buttons?: ReactNode } & Omit<SaveBarProps, 'label' | 'children' | 'testId' | 'noticeTestId'>) {
  const { t } = useTranslation('settings');
  return (
    <section aria-labelledby={`${name}-title`}>
      <h3 id={`${name}-title`}>{t(`${name}.title`)}</h3>
      <p className="muted">{t(`${name}.intro`)}</p>
      {children}
      <SaveBar label={t('save')} testId={`${name}-save`} noticeTestId={`${name}-notice`} {...bar}>
        {buttons}
      </SaveBar>
    </section>
  );
}

function MatrixEditor({ saved, change }: { saved: PriorityMatrix; change: Change }) {
  const { t } = useTranslation('settings');
  const { t: th } = useTranslation('hotline');
  const [m, setM] = useState<number[][]>(() => saved.map((row) => [...row]));
  const { state, run } = change;
  const priorities = PRIORITIES.map((p) => ({ value: p, label: th(`level.${p}`) }));
  const set = (u: number, i: number, p: number) => setM((prev) => prev.map((row, ru) => (ru === u ? row.map((v, ri) => (ri === i ? p : v)) : row)));
  return (
    <EditorSection
      name="matrix"
      onSave={() => void run(() => api.call('referentials.saveMatrix', { matrix: m }), () => t('matrix.saved'))}
      state={state}
      dirty={JSON.stringify(m) !== JSON.stringify(saved)}
      onDiscard={() => setM(saved.map((row) => [...row]))}
      buttons={
        <button type="button" data-testid="matrix-reset" onClick={() => setM(DEFAULT_PRIORITY_MATRIX.map((row) => [...row]))}>
          {t('matrix.reset')}
        </button>
      }
    >
      <table className="matrix" data-testid="matrix">
        <thead>
          <tr>
            <th scope="col">
              {t('matrix.urgency')} ↓ / {t('matrix.impact')} →
            </th>
            {LEVELS.map((i) => (
              <th key={i} scope="col">
                {th(`level.${i}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {LEVELS.map((u) => (
            <tr key={u}>
              <th scope="row">{th(`level.${u}`)}</th>
              {LEVELS.map((i) => (
                <td key={i}>
                  <Select
                    data-testid={`matrix-${u}-${i}`}
                    aria-label={t('matrix.cell', { urgency: th(`level.${u}`), impact: th(`level.${i}`) })}
                    value={m[u - 1]![i - 1]}
                    className={`priority-${m[u - 1]![i - 1]}`}
                    onChange={(e) => set(u - 1, i - 1, Number(e.target.value))}
                    options={priorities}
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </EditorSection>
  );
}

function SlaEditor({ saved, change }: { saved: SlaTargets; change: Change }) {
  const { t } = useTranslation('settings');
  const { t: th } = useTranslation('hotline');
  const { state, run } = change;
  const [initial] = useState(
    () => Object.fromEntries(PRIORITIES.map((p) => [p, { tto: split(saved[String(p)]?.ttoMinutes ?? 60), ttr: split(saved[String(p)]?.ttrMinutes ?? 1440) }])) as Record<number, { tto: { value: string; unit: Unit }; ttr: { value: string; unit: Unit } }>,
  );
  const [rows, setRows] = useState(initial);
  const units = (['min', 'h', 'd'] as const).map((u) => ({ value: u, label: t(`sla.${u}`) }));
  const [local, setLocal] = useState<string | null>(null);
  const edit = (p: number, which: 'tto' | 'ttr', patch: Partial<{ value: string; unit: Unit }>) => setRows((r) => ({ ...r, [p]: { ...r[p]!, [which]: { ...r[p]![which], ...patch } } }));

  const save = () => {
    const sla: DeskSettings['sla'] = {};
    for (const p of PRIORITIES) {
      const minutes = (x: { value: string; unit: Unit }) => (/^\d+$/.test(x.value.trim()) && Number(x.value) > 0 ? Number(x.value) * PER[x.unit] : null);
      const tto = minutes(rows[p]!.tto);
      const ttr = minutes(rows[p]!.ttr);
      if (tto === null || ttr === null) {
        setLocal(t('sla.invalid', { priority: th(`level.${p}`), unit: t(`sla.${(tto === null ? rows[p]!.tto : rows[p]!.ttr).unit}`) }));
        return;
      }
      sla[String(p)] = { ttoMinutes: tto, ttrMinutes: ttr };
    }
    setLocal(null);
    void run(() => api.call('referentials.saveSla', { sla }), () => t('sla.saved'));
  };

  return (
    <EditorSection
      name="sla"
      onSave={save}
      state={local ? { kind: 'error', text: local } : state}
      dirty={JSON.stringify(rows) !== JSON.stringify(initial)}
      onDiscard={() => (setLocal(null), setRows(initial))}
    >
      <table className="sla-table" data-testid="sla-table">
        <thead>
          <tr>
            <th scope="col">{t('sla.priority')}</th>
            <th scope="col">{t('sla.tto')}</th>
            <th scope="col">{t('sla.ttr')}</th>
          </tr>
        </thead>
        <tbody>
          {PRIORITIES.map((p) => (
            <tr key={p}>
              <th scope="row">{th(`level.${p}`)}</th>
              {(['tto', 'ttr'] as const).map((which) => (
                <td key={which}>
                  <input
                    data-testid={`sla-${p}-${which}`}
                    inputMode="numeric"
                    size={4}
                    aria-label={t('sla.value', { what: t(`sla.${which}`), priority: th(`level.${p}`) })}
                    value={rows[p]![which].value}
                    onChange={(e) => edit(p, which, { value: e.target.value })}
                  />
                  <Select
                    data-testid={`sla-${p}-${which}-unit`}
                    aria-label={t('sla.unit', { what: t(`sla.${which}`), priority: th(`level.${p}`) })}
                    value={rows[p]![which].unit}
                    onChange={(e) => edit(p, which, { unit: e.target.value as Unit })}
                    options={units}
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </EditorSection>
  );
}
