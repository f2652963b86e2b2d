-- The statements of one one-stop command (captured with log_statement = 'all': see
-- statements-transition.txt of a run), in the same six transactions: the dossier read twice
-- (the official's view, the engine's input), the move (read, versioned update, last event, six
-- events, a notification, the tasks replaced), then the answer's view: dossier, history and
-- the tenant's officials. Each client moves a random dossier of the ids :lo to :hi again
-- (the update keeps the state, advancing its version).
-- pgbench takes a colon followed by a name for a variable even inside a string literal, so
-- the literals here never have one (chr(58) and concatenation instead).
\set d random(:lo, :hi)
BEGIN;
SELECT set_config('role', 'motcua_tenant', true), set_config('motcua.tenant_id', :tenant::text, true);
SELECT code FROM dossiers WHERE tenant_id = :tenant AND id = :d LIMIT 1 \gset
COMMIT;
BEGIN;
SELECT set_config('role', 'motcua_tenant', true), set_config('motcua.tenant_id', :tenant::text, true);
SELECT * FROM dossiers WHERE tenant_id = :tenant AND code = :code LIMIT 1;
COMMIT;
BEGIN;
SELECT set_config('role', 'motcua_tenant', true), set_config('motcua.tenant_id', :tenant::text, true);
SELECT state_version FROM dossiers WHERE tenant_id = :tenant AND code = :code LIMIT 1 \gset
UPDATE dossiers SET procedure_version = procedure_version, state = state,
        state_version = :state_version + 1, status = status, due_at = due_at, closed_at = closed_at,
        next_timer_at = next_timer_at, updated_at = now()
    WHERE tenant_id = :tenant AND id = :d AND state_version = :state_version;
SELECT coalesce(max(seq), 0) AS seq FROM (SELECT seq FROM dossier_events
    WHERE tenant_id = :tenant AND dossier_id = :d ORDER BY seq DESC LIMIT 1) last \gset
INSERT INTO dossier_events (tenant_id, dossier_id, seq, at, actor, kind, payload, prev_hash, hash)
    SELECT :tenant, :d, :seq + n, now(), 'account' || chr(58) || '7', k,
        replace('{"action":"chuyen","by":"account#7","step":"tiep-nhan"}', '#', chr(58)),
        md5(random()::text) || md5(random()::text), md5(random()::text) || md5(random()::text)
    FROM unnest(ARRAY['action_taken', 'status_changed', 'notified', 'step_left', 'status_changed',
        'step_entered']) WITH ORDINALITY AS e(k, n);
INSERT INTO outbox (tenant_id, dossier_id, topic, payload, created_at, attempts)
    VALUES (:tenant, :d, 'notification', '{"step": "tra-cuu", "status": "processing", "procedure": "2.000488", "recipients": ["applicant", "candidates"]}', now(), 0);
DELETE FROM dossier_tasks WHERE tenant_id = :tenant AND dossier_id = :d;
INSERT INTO dossier_tasks (tenant_id, dossier_id, token_id, step, role, division, assignee,
        escalated_to, step_due_at, entered_at, code, procedure_code, status, channel,
        applicant_name, applicant_name_folded, received_at, due_at)
    VALUES (:tenant, :d, 2, 'tra-cuu', 'specialist', 'cong-an-tinh', NULL, NULL,
        now() + interval '3 days', now(), :code, '2.000488', 'processing', 'online',
        'Lê Thị Hoa', 'le thi hoa', now(), now() + interval '10 days');
COMMIT;
BEGIN;
SELECT set_config('role', 'motcua_tenant', true), set_config('motcua.tenant_id', :tenant::text, true);
SELECT * FROM dossiers WHERE tenant_id = :tenant AND code = :code LIMIT 1;
COMMIT;
BEGIN;
SELECT set_config('role', 'motcua_tenant', true), set_config('motcua.tenant_id', :tenant::text, true);
SELECT * FROM dossier_events WHERE tenant_id = :tenant AND dossier_id = :d ORDER BY seq;
COMMIT;
BEGIN;
SELECT set_config('role', 'motcua_tenant', true), set_config('motcua.tenant_id', :tenant::text, true);
SELECT * FROM accounts WHERE tenant_id = :tenant ORDER BY username;
COMMIT;
