import type { DemoStep } from '../osm/demo.ts';
import { generateIncidents } from './generator.ts';

/** How many synthetic incidents the demo gets: a few thousand over the last 90 days. */
export const DEMO_INCIDENTS = 3000;
export const DEMO_SEED = 20261123;

// Monaco's public holidays (jours fériés) 2026–2027, so the demo's deadlines skip them.
const MONACO_HOLIDAYS: [string, string][] = [
  ['2026-01-01', "Jour de l'an"], ['2026-01-27', 'Sainte Dévote'], ['2026-04-06', 'Lundi de Pâques'], ['2026-05-01', 'Fête du Travail'],
  ['2026-05-14', 'Ascension'], ['2026-05-25', 'Lundi de Pentecôte'], ['2026-06-04', 'Fête-Dieu'], ['2026-08-15', 'Assomption'],
  ['2026-11-01', 'Toussaint'], ['2026-11-19', 'Fête du Prince'], ['2026-12-08', 'Immaculée Conception'], ['2026-12-25', 'Noël'],
  ['2027-01-01', "Jour de l'an"], ['2027-01-27', 'Sainte Dévote'], ['2027-03-29', 'Lundi de Pâques'], ['2027-05-01', 'Fête du Travail'],
];

/**
 * The demo's incidents: Monaco's calendar (Europe/Monaco, its holidays), then a few thousand
 * seeded synthetic cases on its buildings and roads with their histories. Unit grids may not
 * exist yet (partition unfinished): cases then sit in the deepest tier there is.
 */
export const incidentsDemo: DemoStep = async (db, jurisdictionId, _config, onProgress) => {
  onProgress('incidents', 0, DEMO_INCIDENTS);
  await db.tx(async (q) => {
    await q.query(`UPDATE jurisdictions SET attributes = jsonb_set(attributes, '{incidents}',
                     COALESCE(attributes->'incidents', '{}'::jsonb) || '{"calendar": {"timeZone": "Europe/Monaco", "workdays": [1,2,3,4,5], "hours": [["09:00","12:00"],["13:30","17:30"]]}}'::jsonb)
                    WHERE id = $1`, [jurisdictionId]);
    await q.query(`INSERT INTO calendar_days (jurisdiction_id, day, working, name)
                   SELECT $1, d::date, false, n FROM unnest($2::text[], $3::text[]) AS u(d, n)
                   ON CONFLICT DO NOTHING`, [jurisdictionId, MONACO_HOLIDAYS.map((h) => h[0]), MONACO_HOLIDAYS.map((h) => h[1])]);
    await generateIncidents(q, jurisdictionId, { count: DEMO_INCIDENTS, seed: DEMO_SEED, batch: DEMO_INCIDENTS, onProgress: (done, total) => onProgress('incidents', done, total) });
  });
};
