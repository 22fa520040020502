import type { ReactNode, SelectHTMLAttributes } from 'react';

/** One choice of a select; `lang` when its text is in another language than the page (a language's own name). */
export type Choice = { value: string | number; label: string; lang?: string };

type SelectProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, 'children'> & { options: readonly Choice[] };

/** A select built from its choices, so a screen lists values and texts rather than option markup. */
export function Select({ options, ...select }: SelectProps) {
  return (
    <select {...select}>
      {options.map((o) => (
        <option key={o.value} value={o.value} lang={o.lang}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

/** A labelled select in a form (`label.field`): its name above, the select below. */
export function SelectField({ label, fieldClassName, ...select }: SelectProps & { label: ReactNode; fieldClassName?: string }) {
  return (
    <label className={fieldClassName ? `field ${fieldClassName}` : 'field'}>
      <span>{label}</span>
      <Select {...select} />
    </label>
  );
}
