-- Incidents: the six-step closed loop (上报 → 立案 → 派遣 → 处置 → 核查结案 → 评价), its
-- history, deadlines with yellow/red lights, photos, idempotent reporting, and the seed
-- catalogue of categories and departments.

-- Categories: per-category limits override the class limits. A limit is '<n><unit>' with unit
-- h (clock hours), d (calendar days), wh (working hours), wd (working days); see docs/incidents.md.
ALTER TABLE categories
  ADD COLUMN handle_limit text CHECK (handle_limit ~ '^[0-9]+(\.[0-9]+)?(h|d|wh|wd)$'),
  ADD COLUMN close_limit text CHECK (close_limit ~ '^[0-9]+(\.[0-9]+)?(h|d|wh|wd)$'),
  ADD COLUMN department_code text,
  ADD COLUMN sort integer NOT NULL DEFAULT 0,
  ADD COLUMN active boolean NOT NULL DEFAULT true;

-- Major categories (2-digit codes) first, then their minor ones (4-digit, prefixed by the major).
INSERT INTO categories (code, parent_code, name, name_en, class, department_code, sort) VALUES
  ('01', NULL, '矛盾纠纷', 'Disputes', 'ordinary', 'justice', 10),
  ('02', NULL, '市政设施', 'Public facilities', 'ordinary', 'municipal', 20),
  ('03', NULL, '市容环卫', 'City appearance and sanitation', 'ordinary', 'sanitation', 30),
  ('04', NULL, '安全隐患', 'Public-safety hazards', 'immediate', 'police', 40),
  ('05', NULL, '违法建设', 'Illegal construction', 'ordinary', 'urban-management', 50),
  ('06', NULL, '环境保护', 'Environmental protection', 'ordinary', 'environment', 60),
  ('07', NULL, '特殊人群服务', 'Services for special groups', 'ordinary', 'civil-affairs', 70),
  ('08', NULL, '其他', 'Other', 'ordinary', 'governance-centre', 80);

INSERT INTO categories (code, parent_code, name, name_en, class, department_code, sort, handle_limit, close_limit) VALUES
  ('0101', '01', '邻里纠纷', 'Neighbour dispute', 'ordinary', 'justice', 11, NULL, NULL),
  ('0102', '01', '家庭纠纷', 'Family dispute', 'ordinary', 'justice', 12, NULL, NULL),
  ('0103', '01', '劳资纠纷', 'Labour dispute (unpaid wages)', 'immediate', 'labour', 13, NULL, NULL),
  ('0104', '01', '物业纠纷', 'Property-management dispute', 'ordinary', 'housing', 14, NULL, NULL),
  ('0105', '01', '征地拆迁', 'Land requisition and demolition', 'ordinary', 'housing', 15, NULL, '10wd'),
  ('0201', '02', '垃圾桶破损', 'Damaged rubbish bin', 'ordinary', 'sanitation', 21, NULL, '3wd'),
  ('0202', '02', '路灯损坏', 'Broken street light', 'ordinary', 'municipal', 22, NULL, '3wd'),
  ('0203', '02', '下水道堵塞', 'Blocked drain', 'immediate', 'municipal', 23, NULL, NULL),
  ('0204', '02', '井盖缺失', 'Missing manhole cover', 'emergency', 'municipal', 24, '2h', '4h'),
  ('0205', '02', '道路破损', 'Road damage', 'ordinary', 'municipal', 25, NULL, NULL),
  ('0301', '03', '暴露垃圾', 'Exposed rubbish', 'ordinary', 'sanitation', 31, NULL, '1wd'),
  ('0302', '03', '违规广告', 'Illegal advertising and posters', 'ordinary', 'urban-management', 32, NULL, NULL),
  ('0303', '03', '占道经营', 'Street vending on the road', 'ordinary', 'urban-management', 33, NULL, '1wd'),
  ('0304', '03', '乱堆物料', 'Materials piled in public space', 'ordinary', 'urban-management', 34, NULL, NULL),
  ('0401', '04', '消防隐患', 'Fire hazard', 'immediate', 'fire', 41, NULL, NULL),
  ('0402', '04', '危房险情', 'Dangerous building', 'immediate', 'housing', 42, NULL, NULL),
  ('0403', '04', '燃气泄漏', 'Gas leak', 'emergency', 'fire', 43, NULL, NULL),
  ('0404', '04', '治安隐患', 'Public-order hazard', 'immediate', 'police', 44, NULL, NULL),
  ('0501', '05', '违章搭建', 'Unauthorised structure', 'ordinary', 'urban-management', 51, NULL, NULL),
  ('0502', '05', '私挖乱建', 'Illegal digging or building', 'ordinary', 'urban-management', 52, NULL, NULL),
  ('0601', '06', '噪声扰民', 'Noise nuisance', 'ordinary', 'environment', 61, NULL, NULL),
  ('0602', '06', '油烟污染', 'Cooking-fume pollution', 'ordinary', 'environment', 62, NULL, NULL),
  ('0603', '06', '水体污染', 'Water pollution', 'immediate', 'environment', 63, NULL, NULL),
  ('0701', '07', '孤寡老人', 'Elderly living alone', 'ordinary', 'civil-affairs', 71, NULL, NULL),
  ('0702', '07', '残疾人帮扶', 'Support for people with disabilities', 'ordinary', 'civil-affairs', 72, NULL, NULL),
  ('0703', '07', '留守儿童', 'Left-behind children', 'ordinary', 'civil-affairs', 73, NULL, NULL),
  ('0704', '07', '低保困难户', 'Low-income households', 'ordinary', 'civil-affairs', 74, NULL, NULL),
  ('0801', '08', '其他事项', 'Other matters', 'ordinary', 'governance-centre', 81, NULL, NULL);

-- Departments with no jurisdiction are shared by all (the usual line departments of a town
-- or street); a jurisdiction can add its own. tier = the tier of government they sit at.
ALTER TABLE departments
  ADD COLUMN sort integer NOT NULL DEFAULT 0,
  ADD COLUMN active boolean NOT NULL DEFAULT true;
INSERT INTO departments (jurisdiction_id, code, name, name_en, tier, sort) VALUES
  (NULL, 'governance-centre', '综治中心', 'Comprehensive governance centre', 1, 10),
  (NULL, 'urban-management', '城管执法中队', 'Urban management squad', 1, 20),
  (NULL, 'municipal', '市政设施所', 'Municipal works', 1, 30),
  (NULL, 'sanitation', '环卫所', 'Sanitation office', 1, 40),
  (NULL, 'police', '派出所', 'Police station', 1, 50),
  (NULL, 'fire', '消防救援站', 'Fire and rescue station', 1, 60),
  (NULL, 'housing', '住建办', 'Housing and construction office', 1, 70),
  (NULL, 'labour', '劳动保障所', 'Labour and social security office', 1, 80),
  (NULL, 'civil-affairs', '民政办', 'Civil affairs office', 1, 90),
  (NULL, 'justice', '司法所', 'Justice and mediation office', 1, 100),
  (NULL, 'environment', '生态环境办', 'Environment office', 1, 110),
  (NULL, 'community', '社区居委会', 'Community committee', 2, 120);

ALTER TABLE incidents
  ADD COLUMN class text NOT NULL DEFAULT 'ordinary' CHECK (class IN ('ordinary', 'immediate', 'emergency')),
  -- Every grid code of grid_chain, for filtering by a grid of any tier.
  ADD COLUMN grid_codes text[] NOT NULL DEFAULT '{}',
  -- The tier that handles the case now (escalation moves it up); where it was closed.
  ADD COLUMN tier integer CHECK (tier BETWEEN 1 AND 5),
  ADD COLUMN closed_tier integer CHECK (closed_tier BETWEEN 1 AND 5),
  ADD COLUMN closed_department_id integer REFERENCES departments (id) ON DELETE SET NULL,
  -- Deadlines and the moment each one turns yellow (a share of its working time used).
  ADD COLUMN handle_warn_at timestamptz,
  ADD COLUMN handle_due_at timestamptz,
  ADD COLUMN close_warn_at timestamptz,
  ADD COLUMN close_due_at timestamptz,
  ADD COLUMN registered_at timestamptz,
  ADD COLUMN dispatched_at timestamptz,
  ADD COLUMN handled_at timestamptz,
  ADD COLUMN evaluated_at timestamptz,
  ADD COLUMN parked_at timestamptz,
  ADD COLUMN reported_by bigint REFERENCES users (id) ON DELETE SET NULL,
  ADD COLUMN handled_by bigint REFERENCES users (id) ON DELETE SET NULL,
  ADD COLUMN satisfaction integer CHECK (satisfaction BETWEEN 1 AND 5),
  ADD COLUMN rework_count integer NOT NULL DEFAULT 0 CHECK (rework_count >= 0),
  ADD COLUMN reopen_count integer NOT NULL DEFAULT 0 CHECK (reopen_count >= 0),
  ADD COLUMN escalation_count integer NOT NULL DEFAULT 0 CHECK (escalation_count >= 0),
  ADD COLUMN extended boolean NOT NULL DEFAULT false,
  ADD COLUMN parked_from text,
  ADD COLUMN park_reason text,
  ADD COLUMN park_approver text,
  ADD COLUMN reject_reason text,
  -- Bumped by every action: a client may send it back to act only on what it saw.
  ADD COLUMN version integer NOT NULL DEFAULT 1,
  -- A mobile client's Idempotency-Key: a retry of the same report returns the same incident.
  ADD COLUMN idempotency_key text CHECK (length(idempotency_key) BETWEEN 1 AND 200);

COMMENT ON COLUMN incidents.reporter_contact IS 'Personal data: returned only to dispatchers and admins.';
CREATE UNIQUE INDEX incidents_idempotency ON incidents ((COALESCE(reported_by, 0)), idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX incidents_grid_codes ON incidents USING gin (grid_codes);
CREATE INDEX incidents_close_due ON incidents (jurisdiction_id, close_due_at);
CREATE INDEX incidents_department ON incidents (department_id);
CREATE INDEX incidents_jurisdiction_reported ON incidents (jurisdiction_id, reported_at DESC, id DESC);

-- The light of a case at a moment: 'none' when it is not open, 'red' past a pending deadline,
-- 'yellow' past a pending deadline's warning point, else 'green'. The handle-by deadline is
-- pending until the case is handled; the close-by deadline until it is closed.
CREATE FUNCTION incident_light(p_status text, p_handle_warn timestamptz, p_handle_due timestamptz,
                               p_close_warn timestamptz, p_close_due timestamptz, p_at timestamptz)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN p_status NOT IN ('reported', 'registered', 'dispatched', 'handled') THEN 'none'
    WHEN (p_status <> 'handled' AND p_handle_due IS NOT NULL AND p_at >= p_handle_due)
      OR (p_close_due IS NOT NULL AND p_at >= p_close_due) THEN 'red'
    WHEN (p_status <> 'handled' AND p_handle_warn IS NOT NULL AND p_at >= p_handle_warn)
      OR (p_close_warn IS NOT NULL AND p_at >= p_close_warn) THEN 'yellow'
    ELSE 'green'
  END;
$$;

-- Every step of every case: who, when, from which status to which, the note and attachments.
CREATE TABLE incident_history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  incident_id bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  at timestamptz NOT NULL DEFAULT now(),
  user_id bigint REFERENCES users (id) ON DELETE SET NULL,
  username text,
  action text NOT NULL,
  from_status text,
  to_status text NOT NULL,
  note text,
  data jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- Photo ids (incident_photos) attached to this step.
  attachments jsonb NOT NULL DEFAULT '[]'::jsonb
);
CREATE INDEX incident_history_incident ON incident_history (incident_id, id);

-- Photos are files under the data directory; the row keeps what was checked on upload.
CREATE TABLE incident_photos (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  incident_id bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  file text NOT NULL,
  content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
  bytes integer NOT NULL CHECK (bytes > 0),
  sha256 text NOT NULL,
  uploaded_by bigint REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX incident_photos_incident ON incident_photos (incident_id);

-- Business calendar exceptions: a holiday on a weekday (working = false) or a make-up working
-- day on a weekend (working = true). jurisdiction_id NULL = applies to every jurisdiction
-- unless the jurisdiction has its own row for that day.
CREATE TABLE calendar_days (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  jurisdiction_id integer REFERENCES jurisdictions (id) ON DELETE CASCADE,
  day date NOT NULL,
  working boolean NOT NULL,
  name text
);
CREATE UNIQUE INDEX calendar_days_day ON calendar_days ((COALESCE(jurisdiction_id, 0)), day);
