import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useChange } from '../../components/SaveBar';
import { SelectField } from '../../components/SelectField';
import { ReferentialPanel } from './ReferentialPanel';
import { ReferentialRow } from './ReferentialRow';
import { useReferentialList } from './useReferentials';

/**
 * Settings › Catégories: the tree, indented by level. Add under any active category, rename
 * in place (the full names below follow), archive a branch or restore a leaf (its parents
 * come back with it). Tickets keep their category whatever happens here.
 */
export function CategorySettings() {
  const { t, i18n } = useTranslation('settings');
  const list = useReferentialList();
  const { state, run } = useChange(i18n.language);
  const [name, setName] = useState('');
  const [parentId, setParentId] = useState('');
  const depth = (fullName: string) => fullName.split(' > ').length - 1;
  const parents = [{ value: '', label: t('categories.root') }, ...(list?.categories.filter((c) => c.active).map((c) => ({ value: c.id, label: c.fullName })) ?? [])];

  const add = async () => {
    const created = await run(() => api.call('referentials.createCategory', { parentId: parentId || null, name }), (c) => t('categories.added', { name: c.fullName }));
    if (created) setName('');
  };

  return (
    <ReferentialPanel
      kind="category"
      intro={t('categories.intro')}
      leading={<SelectField label={t('categories.parent')} data-testid="category-parent" value={parentId} autoFocus onChange={(e) => setParentId(e.target.value)} options={parents} />}
      newLabel={t('categories.new')}
      name={name}
      onName={setName}
      addLabel={t('categories.add')}
      onAdd={() => void add()}
      state={state}
      listLabel={t('sections.categories')}
    >
      {list?.categories.map((c) => (
        <ReferentialRow
          key={c.id}
          kind="category"
          name={c.name}
          renameLabel={t('categories.name', { name: c.fullName })}
          usage={list.usage.categories[c.id] ?? 0}
          active={c.active}
          archivedText={t('archived')}
          style={{ paddingLeft: `${depth(c.fullName) * 1.5}rem` }}
          data={{ 'data-full-name': c.fullName }}
          onRename={(next) => run(() => api.call('referentials.renameCategory', { id: c.id, name: next }), (x) => t('categories.renamed', { name: x.fullName }))}
          onToggleArchived={() =>
            void run(
              () => api.call('referentials.archiveCategory', { id: c.id, archived: c.active }),
              (x) => t(x.active ? 'categories.restoredDone' : 'categories.archivedDone', { name: x.fullName }),
            )
          }
        />
      ))}
    </ReferentialPanel>
  );
}
