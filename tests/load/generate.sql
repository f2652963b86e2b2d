-- Adds :count dossiers to tenant :'tenant' by copying its template dossiers (run by
-- tests/load/generate, which documents the variables: tenant, count, open_percent, chunk, first).
--
-- Dossier i (1 = newest) is received 9,000 to a day counting back from yesterday, Vietnam time,
-- at its desk: code <unit>-<yymmdd>-<seq>, with the code counters advanced to match, so that
-- the codes the node issues later never collide. The newest :open_percent % are open: copies of
-- the templates with open tasks (the inbox rows, `dossier_tasks` and `dossier_task_keys`, copied
-- with the new code, name and times; due times spread from ten days overdue to a month ahead);
-- the rest are copies of the closed templates. Each gets a Vietnamese name (family, middle and
-- given name from common ones, folded as the platform folds), an ID number and its own id, and
-- no history, and the workflow state of its template: the generated dossiers are for measuring
-- reads, not for moving them or for `motcua audit verify`.
--
-- One chunk of :chunk dossiers starting at i = :first per run of this file, in one transaction.

\set ON_ERROR_STOP on
SET synchronous_commit = off;
BEGIN;

CREATE TEMP TABLE IF NOT EXISTS gen_names (k int, family text, family_f text, middle text,
    middle_f text, given text, given_f text);
TRUNCATE gen_names;
INSERT INTO gen_names
SELECT k,
       (ARRAY['Nguyễn','Trần','Lê','Phạm','Hoàng','Huỳnh','Phan','Vũ','Võ','Đặng','Bùi','Đỗ','Hồ','Ngô','Dương','Lý'])[1 + k % 16],
       (ARRAY['nguyen','tran','le','pham','hoang','huynh','phan','vu','vo','dang','bui','do','ho','ngo','duong','ly'])[1 + k % 16],
       (ARRAY['Văn','Thị','Hữu','Đức','Minh','Ngọc','Thanh','Quang','Xuân','Hoài','Kim','Gia','Bảo'])[1 + (k / 16) % 13],
       (ARRAY['van','thi','huu','duc','minh','ngoc','thanh','quang','xuan','hoai','kim','gia','bao'])[1 + (k / 16) % 13],
       (ARRAY['An','Bình','Cường','Dũng','Giang','Hà','Hải','Hạnh','Hòa','Hùng','Hương','Khánh','Lan','Linh',
              'Long','Mai','Nam','Nga','Phúc','Quân','Sơn','Tâm','Thảo','Trang','Tuấn','Vy','Yến','Thủy','Đạt',
              'Khôi','Ngân','Oanh'])[1 + (k / 208) % 32],
       (ARRAY['an','binh','cuong','dung','giang','ha','hai','hanh','hoa','hung','huong','khanh','lan','linh',
              'long','mai','nam','nga','phuc','quan','son','tam','thao','trang','tuan','vy','yen','thuy','dat',
              'khoi','ngan','oanh'])[1 + (k / 208) % 32]
FROM generate_series(0, 16 * 13 * 32 - 1) AS k;

CREATE TEMP TABLE IF NOT EXISTS gen_templates AS
SELECT d.*, false AS open, 0 AS k FROM dossiers d WHERE false;
TRUNCATE gen_templates;
INSERT INTO gen_templates
SELECT d.*, o.open, (row_number() OVER (PARTITION BY o.open ORDER BY d.id) - 1)::int
FROM dossiers d
JOIN tenants t ON t.id = d.tenant_id AND t.slug = :'tenant'
CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM dossier_tasks x
    WHERE x.tenant_id = d.tenant_id AND x.dossier_id = d.id) AS open) o
WHERE d.idempotency_key LIKE 'template-%';

-- The chunk: number, whether open, template, day and sequence, name, new id.
CREATE TEMP TABLE gen_chunk AS
WITH n AS (
    SELECT i, i <= :count::bigint * :open_percent / 100 AS open
    FROM generate_series(:first::bigint, least(:first::bigint + :chunk - 1, :count::bigint)) AS i
), counts AS (
    SELECT open, count(*) AS n FROM gen_templates GROUP BY open
)
SELECT n.i, n.open, t.id AS template,
       (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date - 1 - ((n.i - 1) / 9000)::int AS day,
       ((n.i - 1) % 9000 + 1)::int AS seq,
       g.*,
       (abs(hashint8(n.i)::bigint) % 100000000)::bigint AS h
FROM n
JOIN counts c ON c.open = n.open
JOIN gen_templates t ON t.open = n.open AND t.k = n.i % c.n
JOIN gen_names g ON g.k = (abs(hashint8(n.i * 7)::bigint) % (16 * 13 * 32))::int;

ALTER TABLE gen_chunk ADD COLUMN id bigint;
UPDATE gen_chunk SET id = nextval(pg_get_serial_sequence('dossiers', 'id'));

CREATE TEMP TABLE gen_rows AS
SELECT c.i, c.id, c.open, c.template,
       t.receiving_unit || '-' || to_char(c.day, 'YYMMDD') || '-' || lpad(c.seq::text, 4, '0') AS code,
       t.receiving_unit AS unit, c.day, c.seq,
       c.family || ' ' || c.middle || ' ' || c.given AS name,
       c.family_f || ' ' || c.middle_f || ' ' || c.given_f AS folded,
       '038' || lpad((c.h * 7 + c.i)::text, 9, '0') AS id_number,
       -- Office hours of the day, Vietnam time.
       (c.day + time '07:30' + make_interval(secs => (c.seq * 3.1)::int)) AT TIME ZONE 'Asia/Ho_Chi_Minh' AS received_at,
       c.h
FROM gen_chunk c JOIN gen_templates t ON t.id = c.template;
ALTER TABLE gen_rows ADD COLUMN due_at timestamptz;
UPDATE gen_rows r SET due_at = CASE
    WHEN r.open THEN now() + make_interval(mins => (r.h % (40 * 1440))::int - 10 * 1440)
    ELSE r.received_at + (t.due_at - t.received_at) END
FROM gen_templates t WHERE t.id = r.template;

INSERT INTO dossiers (id, tenant_id, code, procedure_code, receiving_unit, channel, status,
    applicant_name, applicant_id_number, applicant, form, idempotency_key, received_at, due_at,
    created_at, updated_at, procedure_version, case_key, state, state_version, closed_at,
    next_timer_at, applicant_name_folded)
SELECT r.id, t.tenant_id, r.code, t.procedure_code, t.receiving_unit, t.channel, t.status,
       r.name, r.id_number,
       jsonb_set(jsonb_set(t.applicant, '{name}', to_jsonb(r.name)), '{id_number}', to_jsonb(r.id_number)),
       t.form, NULL, r.received_at, r.due_at, r.received_at, r.received_at, t.procedure_version,
       t.case_key, t.state, t.state_version,
       CASE WHEN t.closed_at IS NULL THEN NULL ELSE r.due_at - interval '1 day' END,
       CASE WHEN t.next_timer_at IS NULL THEN NULL ELSE r.due_at END,
       r.folded
FROM gen_rows r JOIN gen_templates t ON t.id = r.template;

INSERT INTO dossier_tasks (tenant_id, dossier_id, token_id, step, role, division, assignee,
    escalated_to, step_due_at, entered_at, code, procedure_code, status, channel, applicant_name,
    applicant_name_folded, received_at, due_at)
SELECT x.tenant_id, r.id, x.token_id, x.step, x.role, x.division, x.assignee, x.escalated_to,
       CASE WHEN x.step_due_at IS NULL THEN NULL ELSE least(r.due_at, r.received_at + (x.step_due_at - x.entered_at) + interval '1 day') END,
       r.received_at + (x.entered_at - x.received_at), r.code, x.procedure_code, x.status,
       x.channel, r.name, r.folded, r.received_at, r.due_at
FROM gen_rows r JOIN dossier_tasks x ON x.dossier_id = r.template
WHERE r.open;

INSERT INTO dossier_task_keys (tenant_id, key, dossier_id)
SELECT DISTINCT t.tenant_id, k.key, r.id
FROM gen_rows r
JOIN gen_templates t ON t.id = r.template
CROSS JOIN LATERAL (
    SELECT 'c:' || r.code AS key
    UNION SELECT 'n:' || w FROM unnest(string_to_array(r.folded, ' ')) AS w WHERE w <> ''
) k
WHERE r.open;

INSERT INTO dossier_code_counters (tenant_id, unit_code, day, last_seq)
SELECT t.tenant_id, r.unit, r.day, max(r.seq)
FROM gen_rows r JOIN gen_templates t ON t.id = r.template
GROUP BY t.tenant_id, r.unit, r.day
ON CONFLICT (tenant_id, unit_code, day)
DO UPDATE SET last_seq = greatest(dossier_code_counters.last_seq, excluded.last_seq);

DROP TABLE gen_chunk;
DROP TABLE gen_rows;
COMMIT;
