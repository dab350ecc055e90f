import type { Queryable } from '../core/db.ts';
import type { ChainLink } from './locate.ts';

/** The chain of a grid code from the top tier down to it, valid at asOf. */
export async function locateChain(q: Queryable, jurisdictionId: number, code: string, asOf: Date): Promise<ChainLink[]> {
  const { rows } = await q.query<ChainLink>(
    `WITH RECURSIVE up AS (
       SELECT g.code, g.name, g.name_en, g.tier, g.parent_code, 0 AS depth FROM grids g
        WHERE g.jurisdiction_id = $1 AND g.code = $2 AND g.valid_from <= $3 AND (g.valid_to IS NULL OR g.valid_to > $3)
       UNION ALL
       SELECT g.code, g.name, g.name_en, g.tier, g.parent_code, up.depth + 1 FROM up JOIN grids g
           ON g.jurisdiction_id = $1 AND g.code = up.parent_code AND g.valid_from <= $3 AND (g.valid_to IS NULL OR g.valid_to > $3)
        WHERE up.depth < 10)
     SELECT up.code, up.name, up.name_en AS "nameEn", up.tier, t.name AS "tierName", t.name_en AS "tierNameEn"
       FROM up LEFT JOIN tiers t ON t.jurisdiction_id = $1 AND t.level = up.tier ORDER BY up.tier`, [jurisdictionId, code, asOf]);
  return rows;
}
