/**
 * 30 searches as agents type them (typos, hyphens dropped or added, accents missing) over
 * the demo data, each with a word the ticket found must contain. Fixed list: the
 * `search_typo_hit_rate` of `npm run bench -- ui` and the search tests read it.
 */
export const TYPO_QUERIES: { query: string; expect: string }[] = [
  { query: 'wifi', expect: 'wi-fi' },
  { query: 'wi fi', expect: 'wi-fi' },
  { query: 'mediatheque wifi', expect: 'médiathèque' },
  { query: 'bourage', expect: 'bourrage' },
  { query: 'bourrrage', expect: 'bourrage' },
  { query: 'imprimente', expect: 'imprimante' },
  { query: 'imprimnte', expect: 'imprimante' },
  { query: 'outlok', expect: 'outlook' },
  { query: 'outllook', expect: 'outlook' },
  { query: 'mediateque', expect: 'médiathèque' },
  { query: 'teletravial', expect: 'télétravail' },
  { query: 'ecrant', expect: 'écran' },
  { query: 'navigatuer', expect: 'navigateur' },
  { query: 'messagrie', expect: 'messagerie' },
  { query: 'redemare', expect: 'redémarre' },
  { query: 'mot-de-passe', expect: 'mot de passe' },
  { query: 'etat-civil', expect: 'état civil' },
  { query: 'etatcivil', expect: 'état civil' },
  { query: 'authentfication', expect: 'authentification' },
  { query: 'demenagment', expect: 'déménagement' },
  { query: 'serveur distnat', expect: 'distant' },
  { query: 'hdml', expect: 'hdmi' },
  { query: 'verouillé', expect: 'verrouillé' },
  { query: 'portaile paie', expect: 'portail' },
  { query: 'tableure', expect: 'tableur' },
  { query: 'lecteur-reseau', expect: 'lecteur réseau' },
  { query: 'sesion windows', expect: 'session' },
  { query: 'nouvele recrue', expect: 'nouvelle' },
  { query: 'dosier finances', expect: 'dossier' },
  { query: 'messagerie vocalle', expect: 'vocale' },
];
