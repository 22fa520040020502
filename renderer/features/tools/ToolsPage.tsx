import { useTranslation } from 'react-i18next';

export function ToolsPage() {
  const { t } = useTranslation('common');
  return (
    <section className="page" aria-labelledby="page-title">
      <h1 id="page-title">{t('nav.tools')}</h1>
      <p className="muted">{t('comingSoon')}</p>
    </section>
  );
}
