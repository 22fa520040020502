import { useTranslation } from 'react-i18next';

export function TicketPage({ id }: { id: string }) {
  const { t } = useTranslation('common');
  return (
    <section className="page" aria-labelledby="page-title">
      <h1 id="page-title">{t('ticket')} {id}</h1>
    </section>
  );
}
