-- The statements of one online submission (captured with log_statement = 'all': see
-- statements-submit.txt of a run), in the same two transactions. The counter row is one desk's
-- on one day, shared by every client, as in the HTTP run; the dossier's columns are copied from
-- the template :template instead of being sent as parameters.
-- pgbench takes a colon followed by a name for a variable even inside a string literal, so
-- the literals here never have one (chr(58) and concatenation instead).
\set k random(1, 2000000000)
BEGIN;
SELECT set_config('role', 'motcua_tenant', true), set_config('motcua.tenant_id', :tenant::text, true);
SELECT * FROM dossiers WHERE tenant_id = :tenant AND idempotency_key = 'pgbench-' || :k::text LIMIT 1;
COMMIT;
BEGIN;
SELECT set_config('role', 'motcua_tenant', true), set_config('motcua.tenant_id', :tenant::text, true);
INSERT INTO dossier_code_counters (tenant_id, unit_code, day, last_seq)
    VALUES (:tenant::bigint, '000.00.99.H56', '2099-01-01', 1)
    ON CONFLICT (tenant_id, unit_code, day) DO UPDATE SET last_seq = dossier_code_counters.last_seq + 1
    RETURNING last_seq \gset
INSERT INTO dossiers (tenant_id, code, procedure_code, receiving_unit, channel, status,
        applicant_name, applicant_id_number, applicant, form, idempotency_key, received_at, due_at,
        created_at, updated_at, procedure_version, case_key, state, state_version, closed_at,
        next_timer_at, applicant_name_folded)
    SELECT tenant_id, '000.00.99.H56-' || :run::text || '-' || :last_seq::text, procedure_code, receiving_unit,
        channel, status, applicant_name, applicant_id_number, applicant, form, 'pgbench-' || :k::text,
        now(), due_at, now(), now(), procedure_version, case_key, state, 1, closed_at,
        next_timer_at, applicant_name_folded
    FROM dossiers WHERE id = :template
    RETURNING id \gset
INSERT INTO dossier_events (tenant_id, dossier_id, seq, at, actor, kind, payload, prev_hash, hash) VALUES
    (:tenant::bigint, :id::bigint, 1, now(), 'system', 'received', replace('{"case":"ca-nhan-tu-yeu-cau","due":"2026-12-11T10#00#00Z"}', '#', chr(58)),
     md5(random()::text) || md5(random()::text), md5(random()::text) || md5(random()::text)),
    (:tenant::bigint, :id::bigint, 2, now(), 'system', 'step_entered', '{"step":"tiep-nhan","token": 1}',
     md5(random()::text) || md5(random()::text), md5(random()::text) || md5(random()::text));
INSERT INTO dossier_task_keys (tenant_id, key, dossier_id) VALUES
    (:tenant::bigint, 'c:' || '000.00.99.H56-' || :run::text || '-' || :last_seq::text, :id::bigint), (:tenant::bigint, 'n:' || 'hoa', :id::bigint),
    (:tenant::bigint, 'n:' || 'le', :id::bigint), (:tenant::bigint, 'n:' || 'thi', :id::bigint);
INSERT INTO dossier_tasks (tenant_id, dossier_id, token_id, step, role, division, assignee,
        escalated_to, step_due_at, entered_at, code, procedure_code, status, channel,
        applicant_name, applicant_name_folded, received_at, due_at)
    VALUES (:tenant::bigint, :id::bigint, 1, 'tiep-nhan', 'receiver', 'trung-tam-phvhcc', NULL, NULL,
        now() + interval '4 hours', now(), '000.00.99.H56-' || :run::text || '-' || :last_seq::text, '2.000488',
        'registered', 'online', 'Lê Thị Hoa', 'le thi hoa', now(), now() + interval '10 days');
SELECT * FROM dossiers WHERE tenant_id = :tenant AND code = '000.00.99.H56-' || :run::text || '-' || :last_seq::text LIMIT 1;
COMMIT;
