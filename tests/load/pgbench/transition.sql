-- The statements of one one-stop command (captured with log_statement = 'all': see
-- statements-transition.txt of a run), in the same three transactions: the dossier read for
-- the official's view (what they may do), the move (read, versioned update, last event, six
-- events, two notifications, the tasks replaced), then what the answer's view shows besides
-- the dossier: history, documents and the names of the officials it names. Each client moves
-- a random dossier of the ids :lo to :hi again (the update keeps the state, advancing its
-- version).
-- pgbench takes a colon followed by a name for a variable even inside a string literal, so
-- the literals here never have one (chr(58) and concatenation instead).
\set d random(:lo, :hi)
BEGIN;
SELECT set_config('role', 'motcua_tenant', true), set_config('motcua.tenant_id', :tenant::text, true);
SELECT * FROM dossiers WHERE tenant_id = :tenant AND id = :d LIMIT 1 \gset r_
COMMIT;
BEGIN;
SELECT set_config('role', 'motcua_tenant', true), set_config('motcua.tenant_id', :tenant::text, true);
SELECT * FROM dossiers WHERE tenant_id = :tenant AND code = :r_code LIMIT 1 \gset m_
UPDATE dossiers SET procedure_version = procedure_version, state = state,
        state_version = :m_state_version + 1, status = status, due_at = due_at, closed_at = closed_at,
        next_timer_at = next_timer_at, updated_at = now()
    WHERE tenant_id = :tenant AND id = :d AND state_version = :m_state_version;
SELECT coalesce(max(seq), 0) AS seq FROM (SELECT seq FROM dossier_events
    WHERE tenant_id = :tenant AND dossier_id = :d ORDER BY seq DESC LIMIT 1) last \gset
INSERT INTO dossier_events (tenant_id, dossier_id, seq, at, actor, kind, payload, prev_hash, hash)
    SELECT :tenant, :d, :seq + n, now(), 'account' || chr(58) || '7', k,
        replace('{"action":"chuyen","by":"account#7","step":"tiep-nhan"}', '#', chr(58)),
        md5(random()::text) || md5(random()::text), md5(random()::text) || md5(random()::text)
    FROM unnest(ARRAY['action_taken', 'status_changed', 'notified', 'step_left', 'status_changed',
        'step_entered']) WITH ORDINALITY AS e(k, n);
INSERT INTO outbox (tenant_id, dossier_id, topic, payload, created_at, attempts, run_after)
    VALUES (:tenant, :d, 'notification', '{"kind": "notified", "step": "tra-cuu", "status": "processing", "audience": "applicant", "procedure": "2.000488"}', now(), 0, now()),
        (:tenant, :d, 'notification', '{"kind": "notified", "step": "tra-cuu", "status": "processing", "audience": "officials", "procedure": "2.000488"}', now(), 0, now());
DELETE FROM dossier_tasks WHERE tenant_id = :tenant AND dossier_id = :d;
INSERT INTO dossier_tasks (tenant_id, dossier_id, token_id, step, role, division, assignee,
        escalated_to, step_due_at, entered_at, code, procedure_code, status, channel,
        applicant_name, applicant_name_folded, received_at, due_at)
    VALUES (:tenant, :d, 2, 'tra-cuu', 'specialist', 'cong-an-tinh', NULL, NULL,
        now() + interval '3 days', now(), :r_code, '2.000488', 'processing', 'online',
        'Lê Thị Hoa', 'le thi hoa', now(), now() + interval '10 days');
COMMIT;
BEGIN;
SELECT set_config('role', 'motcua_tenant', true), set_config('motcua.tenant_id', :tenant::text, true);
SELECT * FROM dossier_events WHERE tenant_id = :tenant AND dossier_id = :d ORDER BY seq;
SELECT * FROM dossier_documents WHERE tenant_id = :tenant AND dossier_id = :d ORDER BY id;
SELECT id, name FROM accounts WHERE tenant_id = :tenant AND id IN (7);
COMMIT;
