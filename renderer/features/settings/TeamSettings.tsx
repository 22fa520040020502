import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useChange } from '../../components/SaveBar';
import { ReferentialPanel } from './ReferentialPanel';
import { ReferentialRow } from './ReferentialRow';
import { useReferentialList } from './useReferentials';

/**
 * Settings › Équipes: add, rename, archive or restore a team. Never deleted: tickets, rules
 * and the sync's team→queue mapping keep pointing at it. All by keyboard: the new-team
 * field first, then each team's name (Enter saves) and its Archiver/Rétablir button.
 */
export function TeamSettings() {
  const { t, i18n } = useTranslation('settings');
  const list = useReferentialList();
  const { state, run } = useChange(i18n.language);
  const [name, setName] = useState('');

  const add = async () => {
    const created = await run(() => api.call('referentials.createTeam', { name }), (team) => t('teams.added', { name: team.name }));
    if (created) setName('');
  };

  return (
    <ReferentialPanel
      kind="team"
      intro={t('teams.intro')}
      newLabel={t('teams.new')}
      name={name}
      onName={setName}
      addLabel={t('teams.add')}
      onAdd={() => void add()}
      state={state}
      listLabel={t('sections.teams')}
    >
      {list?.teams.map((team) => (
        <ReferentialRow
          key={team.id}
          kind="team"
          name={team.name}
          renameLabel={t('teams.name', { name: team.name })}
          usage={list.usage.teams[team.id] ?? 0}
          active={team.active}
          archivedText={t('archivedTeam')}
          onRename={(next) => run(() => api.call('referentials.renameTeam', { id: team.id, name: next }), (x) => t('teams.renamed', { name: x.name }))}
          onToggleArchived={() =>
            void run(
              () => api.call('referentials.archiveTeam', { id: team.id, archived: team.active }),
              (x) => t(x.active ? 'teams.restoredDone' : 'teams.archivedDone', { name: x.name }),
            )
          }
        />
      ))}
    </ReferentialPanel>
  );
}
