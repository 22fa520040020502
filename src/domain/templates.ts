import { z } from 'zod';

/**
 * Solution and answer templates: short texts the hotline inserts by keyboard (F8's
 * solution, a reply), per category or for any category (categoryId null). Configuration
 * edited in Settings, not code.
 */
export const templateSchema = z.object({
  id: z.string().min(1).max(64),
  kind: z.enum(['solution', 'answer']),
  categoryId: z.string().max(64).nullable(),
  title: z.string().trim().min(1, { message: 'title' }).max(80),
  body: z.string().trim().min(1, { message: 'body' }).max(2000),
});
export type Template = z.infer<typeof templateSchema>;
export const templateListSchema = z.array(templateSchema).max(500);

/** Seed templates, by category full name (ids differ per database): resolved at read time. */
export const DEFAULT_TEMPLATES: { kind: Template['kind']; category: string | null; title: string; body: string }[] = [
  { kind: 'solution', category: 'Matériel > Imprimante', title: 'Bourrage papier', body: "Bourrage papier retiré avec l'agent, page de test imprimée." },
  { kind: 'solution', category: 'Matériel > Imprimante', title: "File d'impression", body: "File d'impression vidée et spouleur redémarré, impression rétablie." },
  { kind: 'solution', category: 'Compte et accès > Mot de passe', title: 'Mot de passe réinitialisé', body: 'Mot de passe réinitialisé, changement imposé à la prochaine connexion ; identité vérifiée par rappel.' },
  { kind: 'solution', category: 'Compte et accès > Mot de passe', title: 'Compte déverrouillé', body: "Compte déverrouillé dans l'annuaire, connexion vérifiée avec l'agent." },
  { kind: 'solution', category: 'Réseau > Wi-Fi', title: 'Profil Wi-Fi recréé', body: 'Profil Wi-Fi supprimé puis recréé sur le poste, connexion rétablie.' },
  { kind: 'solution', category: 'Logiciel > Messagerie', title: 'Profil Outlook reconstruit', body: 'Profil de messagerie reconstruit, synchronisation de la boîte vérifiée.' },
  { kind: 'solution', category: null, title: 'Redémarrage', body: 'Poste redémarré avec l’agent, fonctionnement vérifié.' },
  { kind: 'solution', category: null, title: 'Renseignement donné', body: "Renseignement donné à l'agent, pas d'intervention nécessaire." },
  { kind: 'answer', category: null, title: 'Prise en compte', body: 'Votre demande est enregistrée ; un technicien vous rappelle dans la journée.' },
];
