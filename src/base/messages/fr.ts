/**
 * French texts of the core's errors and notices, by key (the error code, or `CODE_variant`
 * for a variant worded differently). `{{name}}` is a parameter, in i18next's syntax: the
 * renderer loads these objects as its `errors` namespace and words an error from its code
 * and parameters; the core uses the same texts for the `message` every error also carries.
 * Keys in capitals only: a lower-case suffix is an i18next context.
 */
export const fr = {
  // ---- nouns, used as parameters ---------------------------------------------------------
  NOUN_RUN: 'Exécution',
  NOUN_TOOL: 'Outil',
  NOUN_CHECKLIST: 'Liste de contrôle',
  NOUN_EVIDENCE: 'Preuve',
  NOUN_SAVED_VIEW: 'Vue enregistrée',
  NOUN_SAVED_DASHBOARD: 'Tableau de bord enregistré',
  NOUN_REMOTE_SESSION: 'Session à distance',
  NOUN_PC: 'Poste',
  NOUN_CAMPAIGN: 'Campagne',
  NOUN_TICKET: 'Ticket',
  NOUN_INCIDENT: 'Incident de sécurité',

  // ---- common ----------------------------------------------------------------------------
  UNKNOWN_CALL: 'Opération inconnue : « {{name}} ».',
  INVALID_INPUT: 'Données invalides : {{issues}}. Corrigez le champ indiqué puis réessayez.',
  NOT_FOUND: '{{what}} introuvable ({{id}}).',
  STORAGE_FULL: "Le disque est plein : rien n'a été enregistré. Libérez de l'espace puis réessayez ; votre saisie est conservée.",
  STORAGE_READONLY: "Le dossier de données est en lecture seule : rien n'a été enregistré. Vérifiez les droits du dossier puis réessayez ; votre saisie est conservée.",
  INTERNAL: "Erreur interne inattendue : l'opération n'a pas été effectuée. Réessayez ; si le problème persiste, signalez-le.",
  LOCKED_BY_POLICY: "Ce réglage est imposé par la politique de l'organisation ({{key}}) et ne peut pas être modifié ici.",
} as const;
