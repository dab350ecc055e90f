import type { DemoStep } from '../osm/demo.ts';

/**
 * What the grids feature adds to the demo area on first start (runs after the OSM map data):
 * staff for every current grid of the top two tiers (one head, one officer; made-up names and
 * phone numbers), so grid cards and the citizen locate path have someone to show. Unit grids
 * made later by the partition step reach their quarter's officer through the chain.
 */
export const gridsDemo: DemoStep = async (db, jurisdictionId, _config, onProgress) => {
  onProgress('grid staff', 0, 1);
  await db.tx(async (q) => {
    await q.query(`UPDATE jurisdictions SET attributes = attributes || '{"codePrefix": "980"}' WHERE id = $1`, [jurisdictionId]);
    await q.query(
      `WITH g AS (
         SELECT code, row_number() OVER (ORDER BY code) AS n FROM grids
          WHERE jurisdiction_id = $1 AND valid_to IS NULL AND tier <= 2
       ), surnames AS (SELECT ARRAY['王','李','张','刘','陈','杨','赵','黄','周','吴','徐','孙'] AS s)
       INSERT INTO grid_staff (jurisdiction_id, grid_code, role, name, phone, public_contact, sort)
       SELECT $1, g.code, r.role, s[1 + ((g.n * 2 + r.k) % 12)::int] || CASE r.role WHEN 'head' THEN '网格长' ELSE '网格员' END,
              '1380098' || lpad((g.n * 10 + r.k)::text, 4, '0'),
              CASE r.role WHEN 'officer' THEN '+377 9800 ' || lpad(g.n::text, 4, '0') END, r.k
         FROM g, surnames, (VALUES ('head', 0), ('officer', 1)) AS r(role, k)`,
      [jurisdictionId]);
  });
  onProgress('grid staff', 1, 1);
};
