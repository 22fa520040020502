import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ChangeNotice, type ChangeState } from '../../components/SaveBar';

/**
 * The frame of the teams and categories sections: what the list is, the form that adds one
 * (its name, after any field of its own such as the parent), how the last change went, the
 * list of rows and the rename hint. Test ids follow `kind`: `team-new`, `team-add`, `team-notice`.
 */
export function ReferentialPanel(props: {
  kind: 'team' | 'category';
  intro: string;
  /** Fields before the name; the first of them takes the focus, else the name does. */
  leading?: ReactNode;
  newLabel: string;
  name: string;
  onName(name: string): void;
  addLabel: string;
  onAdd(): void;
  state: ChangeState | null;
  listLabel: string;
  /** The rows (`ReferentialRow`). */
  children: ReactNode;
}) {
  const { t } = useTranslation('settings');
  const { kind } = props;
  return (
    <div className="referentials" data-testid={`${kind}-settings`}>
      <p className="muted">{props.intro}</p>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          props.onAdd();
        }}
      >
        {props.leading}
        <label className="field">
          <span>{props.newLabel}</span>
          <input data-testid={`${kind}-new`} value={props.name} maxLength={80} autoFocus={!props.leading} onChange={(e) => props.onName(e.target.value)} />
        </label>
        <button type="submit" data-testid={`${kind}-add`}>
          {props.addLabel}
        </button>
      </form>
      <ChangeNotice state={props.state} testId={`${kind}-notice`} />
      <ul className="ref-list" aria-label={props.listLabel}>
        {props.children}
      </ul>
      <p className="muted">{t('renameHint')}</p>
    </div>
  );
}
