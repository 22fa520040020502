import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { RenameField } from './RenameField';

/**
 * One team or category in its Settings list: renamed in place, how many tickets use it, and
 * archived or restored (never deleted, since tickets keep referring to it).
 */
export function ReferentialRow(props: {
  /** `team` or `category`: the rows' test ids (`team-row`, `team-name`, `team-archive`). */
  kind: 'team' | 'category';
  name: string;
  renameLabel: string;
  usage: number;
  active: boolean;
  archivedText: string;
  style?: CSSProperties;
  data?: Record<`data-${string}`, string>;
  onRename(next: string): Promise<unknown>;
  onToggleArchived(): void;
}) {
  const { t } = useTranslation('settings');
  const { kind, active } = props;
  return (
    <li data-testid={`${kind}-row`} data-active={active} className={active ? '' : 'archived'} style={props.style} {...props.data}>
      <RenameField name={props.name} label={props.renameLabel} testId={`${kind}-name`} onSave={props.onRename} />
      <span className="muted">
        {t('usage', { count: props.usage })}
        {!active && ` · ${props.archivedText}`}
      </span>
      <button type="button" data-testid={`${kind}-archive`} onClick={props.onToggleArchived}>
        {active ? t('archive') : t('restore')}
      </button>
    </li>
  );
}
