import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { callQuery, invalidateCall, queryClient, useCall } from '../../api/queries';
import type { CallOutput } from '../../../src/api/contract';
import { Notice } from '../../components/Notice';
import { SaveBar, useChange } from '../../components/SaveBar';
import { Select, type Choice } from '../../components/SelectField';

type Choices = CallOutput<'mappings.choices'>;

/** Drops the "same name" / "GLPI chooses" rows: only real mappings are stored. */
const chosen = (draft: Record<string, string>) => Object.fromEntries(Object.entries(draft).filter(([, v]) => v !== ''));

/**
 * Settings › Serveur ITSM › Correspondances: each team → an RT queue or a GLPI group picked
 * from the server's own list, and (GLPI) each organisation → an entity. A value the server no
 * longer has stays visible, marked, so a broken mapping is seen rather than silently lost.
 */
export function SyncMappings({ kind }: { kind: 'rt' | 'glpi' }) {
  const { t, i18n } = useTranslation('sync');
  const lang = i18n.language;
  // What is stored comes from the queries (asked again when the screen opens and on
  // `referentials.changed`); the edited choices are local drafts (null: not edited).
  const stored = useCall('mappings.get', undefined, { showsError: true });
  const choiceList = useCall('mappings.choices', undefined, { showsError: true });
  const mappings = stored.data;
  const choices: Choices | null = choiceList.data ?? null;
  const [draftTeams, setTeams] = useState<Record<string, string> | null>(null);
  const [draftEntities, setEntities] = useState<Record<string, string> | null>(null);
  const { state, run } = useChange(lang);
  const busy = state?.kind === 'busy';

  if (!mappings) return <Notice error={stored.error} testId="sync-mappings-error" />;

  const savedTeams = kind === 'rt' ? mappings.queueMap : mappings.glpi.teams;
  const savedEntities = Object.fromEntries(Object.entries(mappings.glpi.entities ?? {}).map(([org, id]) => [org, String(id)]));
  const teams = draftTeams ?? savedTeams;
  const entities = draftEntities ?? savedEntities;
  const discard = () => {
    setTeams(null);
    setEntities(null);
  };
  const save = () => {
    void run(async () => {
      if (kind === 'rt') queryClient.setQueryData(callQuery('mappings.get', undefined).queryKey, await api.call('mappings.setQueues', { queueMap: chosen(teams) }));
      else {
        await api.call('glpi.mappings.set', {
          teams: chosen(teams),
          technicians: mappings.glpi.technicians,
          entities: Object.fromEntries(Object.entries(chosen(entities)).map(([org, id]) => [org, Number(id)])),
        });
        // No event announces mappings: the stored ones are asked again before the draft goes.
        await invalidateCall('mappings.get');
      }
      discard();
    }, () => t('mappings.saved'));
  };
  const dirty = JSON.stringify(chosen(teams)) !== JSON.stringify(chosen(savedTeams)) || (kind === 'glpi' && JSON.stringify(chosen(entities)) !== JSON.stringify(chosen(savedEntities)));

  const serverNames = kind === 'rt' ? (choices?.queues ?? []) : (choices?.groups ?? []);
  const missing = (name: string) => choices !== null && !serverNames.includes(name);
  /** "Same name", then the server's names, plus a saved one it no longer lists (marked). */
  const teamOptions = (team: string, current: string): Choice[] => [
    { value: '', label: t(kind === 'rt' ? 'mappings.sameQueue' : 'mappings.sameGroup', { name: team }) },
    ...(current && !serverNames.includes(current) ? [current, ...serverNames] : serverNames).map((name) => ({ value: name, label: missing(name) ? t('mappings.missing', { name }) : name })),
  ];
  /** "GLPI chooses", a saved entity the server no longer lists (marked), then the server's. */
  const entityOptions = (current: string): Choice[] => {
    const known = choices?.entities ?? [];
    return [
      { value: '', label: t('mappings.glpiChooses') },
      ...(current && !known.some((e) => String(e.id) === current) ? [{ value: current, label: t('mappings.missing', { name: `#${current}` }) }] : []),
      ...known.map((e) => ({ value: String(e.id), label: `${e.name} (#${e.id})` })),
    ];
  };

  return (
    <section className="card" data-testid="sync-mappings" aria-labelledby="sync-mappings-title">
      <h4 id="sync-mappings-title">{t('mappings.title')}</h4>
      <p className="muted">{t(kind === 'rt' ? 'mappings.introRt' : 'mappings.introGlpi')}</p>
      <Notice error={choiceList.error} testId="sync-mappings-choices-error" />
      <table className="mappings">
        <thead>
          <tr>
            <th scope="col">{t('mappings.team')}</th>
            <th scope="col">{t(kind === 'rt' ? 'mappings.queue' : 'mappings.group')}</th>
          </tr>
        </thead>
        <tbody>
          {mappings.teams.map((team) => {
            const current = teams[team] ?? '';
            return (
              <tr key={team}>
                <th scope="row">
                  <label htmlFor={`map-team-${team}`}>{team}</label>
                </th>
                <td>
                  <Select
                    id={`map-team-${team}`}
                    data-testid={`map-team-${team}`}
                    value={current}
                    disabled={busy}
                    onChange={(e) => setTeams({ ...teams, [team]: e.target.value })}
                    options={teamOptions(team, current)}
                  />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {kind === 'glpi' && mappings.organisations.length > 0 && (
        <table className="mappings">
          <thead>
            <tr>
              <th scope="col">{t('mappings.organisation')}</th>
              <th scope="col">{t('mappings.entity')}</th>
            </tr>
          </thead>
          <tbody>
            {mappings.organisations.map((org) => {
              const current = entities[org] ?? '';
              return (
                <tr key={org}>
                  <th scope="row">
                    <label htmlFor={`map-org-${org}`}>{org}</label>
                  </th>
                  <td>
                    <Select
                      id={`map-org-${org}`}
                      data-testid={`map-org-${org}`}
                      value={current}
                      disabled={busy}
                      onChange={(e) => setEntities({ ...entities, [org]: e.target.value })}
                      options={entityOptions(current)}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <SaveBar
        label={t('mappings.save')}
        testId="sync-mappings-save"
        onSave={save}
        state={state}
        noticeTestId={{ ok: 'sync-mappings-saved', error: 'sync-mappings-error' }}
        dirty={dirty}
        onDiscard={discard}
      >
        <button type="button" data-testid="sync-mappings-refresh" disabled={busy} onClick={() => void choiceList.refetch()}>
          {t('mappings.refresh')}
        </button>
      </SaveBar>
      <Notice error={stored.error} testId="sync-mappings-error" />
    </section>
  );
}
