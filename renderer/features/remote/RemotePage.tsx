import { useTranslation } from 'react-i18next';

export function RemotePage() {
  const { t } = useTranslation('common');
  return (
    <section className="page" aria-labelledby="page-title">
      <h1 id="page-title">{t('nav.remote')}</h1>
      <p className="muted">{t('comingSoon')}</p>
    </section>
  );
}
