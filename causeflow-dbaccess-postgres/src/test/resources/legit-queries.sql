-- Legitimate incident-investigation queries: the parser-acceptance corpus.
-- Format: entries are separated by a line containing only ';;'. Lines starting with '--' before
-- the first statement line of an entry are comments of the corpus, not part of the statement
-- (comments inside a statement are kept). Validated with an allowing policy: allowedTables
-- public.*, app.*, pg_catalog.*, information_schema.*, no blocked columns. The tables exist in
-- the schema that PostgresCorpusTest/the integration tests create (see legit-schema.sql).
SELECT id, status, total_cents, created_at FROM orders WHERE id = $1
;;
SELECT * FROM orders WHERE customer_id = $1 ORDER BY created_at DESC LIMIT 50
;;
SELECT status, count(*) FROM orders GROUP BY status ORDER BY count(*) DESC
;;
SELECT date_trunc('hour', created_at) AS hour, count(*) AS n
FROM orders
WHERE created_at > now() - interval '24 hours'
GROUP BY 1
ORDER BY 1
;;
SELECT date_trunc('minute', created_at) AS minute, count(*) FILTER (WHERE status = 'failed') AS failed,
       count(*) AS total
FROM payments
WHERE created_at >= now() - interval '2 hours'
GROUP BY 1 ORDER BY 1
;;
SELECT id, payload->>'error' AS error, payload->'context'->>'service' AS service
FROM events
WHERE type = 'error' AND created_at > now() - interval '1 hour'
ORDER BY created_at DESC
LIMIT 100
;;
SELECT payload #> '{request,headers}' AS headers FROM events WHERE id = $1
;;
SELECT payload #>> '{request,path}' AS path, count(*) FROM events GROUP BY 1 ORDER BY 2 DESC LIMIT 20
;;
SELECT id FROM events WHERE payload ? 'retry_of'
;;
SELECT id FROM events WHERE payload ?| array['timeout', 'deadline']
;;
SELECT id FROM events WHERE payload ?& array['user_id', 'session_id']
;;
SELECT id, payload FROM events WHERE payload @> '{"level": "error"}'::jsonb LIMIT 20
;;
SELECT id FROM events WHERE '{"level": "warn"}'::jsonb <@ payload
;;
SELECT email FROM customers WHERE email ILIKE '%@example.com' LIMIT 10
;;
SELECT name FROM customers WHERE name NOT ILIKE 'test%'
;;
SELECT DISTINCT ON (customer_id) customer_id, id, created_at
FROM orders
ORDER BY customer_id, created_at DESC
;;
SELECT id, total_cents, row_number() OVER (PARTITION BY customer_id ORDER BY created_at) AS rn FROM orders
;;
SELECT id, total_cents, sum(total_cents) OVER (ORDER BY created_at ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running
FROM orders WHERE customer_id = $1
;;
SELECT id, created_at, lag(created_at) OVER (ORDER BY created_at) AS prev_at,
       created_at - lag(created_at) OVER (ORDER BY created_at) AS gap
FROM deployments
ORDER BY created_at DESC LIMIT 20
;;
SELECT service, version, lead(version) OVER w AS next_version
FROM deployments
WINDOW w AS (PARTITION BY service ORDER BY created_at)
;;
SELECT customer_id, rank() OVER (ORDER BY sum(total_cents) DESC) FROM orders GROUP BY customer_id
;;
SELECT id, ntile(4) OVER (ORDER BY duration_ms) AS quartile FROM http_requests WHERE created_at > now() - interval '1 hour'
;;
SELECT o.id, i.sku, i.quantity
FROM orders o
JOIN order_items i ON i.order_id = o.id
WHERE o.id = $1
;;
SELECT o.id, c.email
FROM orders o
LEFT JOIN customers c ON c.id = o.customer_id
WHERE c.id IS NULL
;;
SELECT c.id, latest.id AS last_order
FROM customers c
CROSS JOIN LATERAL (
  SELECT id FROM orders o WHERE o.customer_id = c.id ORDER BY created_at DESC LIMIT 1
) AS latest
WHERE c.created_at > now() - interval '7 days'
;;
SELECT c.id, o.n
FROM customers c
LEFT JOIN LATERAL (SELECT count(*) AS n FROM orders o WHERE o.customer_id = c.id) o ON true
;;
SELECT g.hour, count(o.id)
FROM generate_series(date_trunc('hour', now()) - interval '23 hours', date_trunc('hour', now()), interval '1 hour') AS g(hour)
LEFT JOIN orders o ON date_trunc('hour', o.created_at) = g.hour
GROUP BY g.hour ORDER BY g.hour
;;
SELECT d::date AS day FROM generate_series(now() - interval '6 days', now(), interval '1 day') AS d
;;
SELECT * FROM generate_series(1, 10) AS s(i)
;;
SELECT status, count(*) FROM orders GROUP BY GROUPING SETS ((status), ())
;;
SELECT region, status, count(*) FROM orders GROUP BY ROLLUP (region, status)
;;
SELECT region, status, count(*) FROM orders GROUP BY CUBE (region, status)
;;
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) AS p50,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95,
       percentile_cont(0.99) WITHIN GROUP (ORDER BY duration_ms) AS p99
FROM http_requests
WHERE created_at > now() - interval '15 minutes'
;;
SELECT route, percentile_disc(0.99) WITHIN GROUP (ORDER BY duration_ms) FROM http_requests GROUP BY route
;;
SELECT mode() WITHIN GROUP (ORDER BY status) FROM orders
;;
WITH recent AS (
  SELECT * FROM orders WHERE created_at > now() - interval '1 day'
)
SELECT status, count(*) FROM recent GROUP BY status
;;
WITH failed AS (
  SELECT order_id FROM payments WHERE status = 'failed'
), retried AS (
  SELECT order_id FROM payments WHERE status = 'succeeded'
)
SELECT f.order_id FROM failed f LEFT JOIN retried r USING (order_id) WHERE r.order_id IS NULL
;;
WITH RECURSIVE chain AS (
  SELECT id, parent_id, 1 AS depth FROM jobs WHERE id = $1
  UNION ALL
  SELECT j.id, j.parent_id, c.depth + 1 FROM jobs j JOIN chain c ON j.id = c.parent_id WHERE c.depth < 20
)
SELECT * FROM chain
;;
WITH RECURSIVE tree(id, manager_id, lvl) AS (
  SELECT id, manager_id, 0 FROM employees WHERE manager_id IS NULL
  UNION ALL
  SELECT e.id, e.manager_id, t.lvl + 1 FROM employees e JOIN tree t ON e.manager_id = t.id
)
SELECT lvl, count(*) FROM tree GROUP BY lvl
;;
SELECT id FROM orders WHERE status = 'pending' UNION SELECT order_id FROM payments WHERE status = 'pending'
;;
SELECT id FROM orders UNION ALL SELECT id FROM archived_orders
;;
SELECT id FROM orders EXCEPT SELECT order_id FROM payments
;;
SELECT customer_id FROM orders INTERSECT SELECT id FROM customers WHERE vip
;;
SELECT c.id FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.status = 'failed')
;;
SELECT c.id FROM customers c WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id)
;;
SELECT id, CASE WHEN total_cents > 100000 THEN 'large' WHEN total_cents > 1000 THEN 'medium' ELSE 'small' END AS size FROM orders
;;
SELECT CASE status WHEN 'failed' THEN 1 ELSE 0 END AS is_failed, count(*) FROM payments GROUP BY 1
;;
SELECT id, amount::numeric(12,2) / 100 AS amount FROM payments WHERE id = $1
;;
SELECT id::text, created_at::date FROM orders LIMIT 5
;;
SELECT CAST(total_cents AS bigint) FROM orders WHERE id = $1
;;
SELECT id FROM orders WHERE id = ANY($1)
;;
SELECT id FROM orders WHERE id = ANY(ARRAY[1, 2, 3])
;;
SELECT id FROM orders WHERE status <> ALL (ARRAY['cancelled', 'refunded'])
;;
SELECT id FROM orders WHERE tags && ARRAY['priority']
;;
SELECT id FROM orders WHERE tags @> ARRAY['gift']
;;
SELECT id, array_length(tags, 1) FROM orders WHERE cardinality(tags) > 2
;;
SELECT unnest(tags) AS tag, count(*) FROM orders GROUP BY 1 ORDER BY 2 DESC
;;
SELECT array_agg(id ORDER BY created_at) FROM orders WHERE customer_id = $1
;;
SELECT string_agg(sku, ', ' ORDER BY sku) FROM order_items WHERE order_id = $1
;;
SELECT jsonb_agg(jsonb_build_object('id', id, 'status', status)) FROM orders WHERE customer_id = $1
;;
SELECT json_build_object('n', count(*)) FROM orders
;;
SELECT jsonb_array_elements(payload->'items') AS item FROM events WHERE id = $1
;;
SELECT e.id, item->>'sku' FROM events e, jsonb_array_elements(e.payload->'items') AS item WHERE e.id = $1
;;
SELECT key, value FROM events e, jsonb_each_text(e.payload) WHERE e.id = $1
;;
SELECT jsonb_pretty(payload) FROM events WHERE id = $1
;;
SELECT payload->'user'->>'id' AS user_id, count(*) FROM events GROUP BY 1 HAVING count(*) > 100
;;
SELECT id FROM events WHERE (payload->>'latency_ms')::int > 1000
;;
SELECT id FROM events WHERE payload->>'trace_id' = $1
;;
SELECT id, created_at FROM events WHERE created_at BETWEEN $1 AND $2 ORDER BY created_at
;;
SELECT id FROM orders WHERE created_at >= $1::timestamptz AND created_at < $1::timestamptz + interval '1 hour'
;;
SELECT now() - max(created_at) AS lag FROM events
;;
SELECT extract(epoch FROM now() - created_at) AS age_s FROM jobs WHERE status = 'running'
;;
SELECT EXTRACT(hour FROM created_at) AS h, count(*) FROM orders GROUP BY 1
;;
SELECT date_part('dow', created_at) AS dow, avg(total_cents) FROM orders GROUP BY 1
;;
SELECT to_char(created_at, 'YYYY-MM-DD HH24:MI') AS t, count(*) FROM orders GROUP BY 1 ORDER BY 1
;;
SELECT created_at AT TIME ZONE 'UTC' FROM orders WHERE id = $1
;;
SELECT age(now(), created_at) FROM customers WHERE id = $1
;;
SELECT id FROM jobs WHERE status = 'running' AND started_at < now() - interval '30 minutes'
;;
SELECT id, attempts, last_error FROM jobs WHERE attempts >= 5 ORDER BY updated_at DESC LIMIT 50
;;
SELECT queue, status, count(*) FROM jobs GROUP BY queue, status ORDER BY queue, status
;;
SELECT queue, min(created_at) AS oldest FROM jobs WHERE status = 'queued' GROUP BY queue
;;
SELECT coalesce(region, 'unknown') AS region, count(*) FROM orders GROUP BY 1
;;
SELECT nullif(error_code, '') AS code, count(*) FROM payments GROUP BY 1
;;
SELECT greatest(updated_at, created_at) FROM orders WHERE id = $1
;;
SELECT least(a.retry_at, now()) FROM jobs a WHERE a.id = $1
;;
SELECT id FROM customers WHERE lower(email) = lower($1)
;;
SELECT id FROM customers WHERE email LIKE '%+%'
;;
SELECT id FROM customers WHERE email ~ '^[^@]+@corp\.example$'
;;
SELECT id FROM customers WHERE email ~* 'EXAMPLE'
;;
SELECT id FROM customers WHERE name SIMILAR TO '(a|b)%'
;;
SELECT substring(message FROM 1 FOR 200) FROM errors ORDER BY created_at DESC LIMIT 20
;;
SELECT left(message, 120), count(*) FROM errors GROUP BY 1 ORDER BY 2 DESC LIMIT 10
;;
SELECT regexp_replace(message, '[0-9]+', 'N', 'g') AS shape, count(*) FROM errors GROUP BY 1 ORDER BY 2 DESC LIMIT 20
;;
SELECT split_part(path, '/', 2) AS prefix, count(*) FROM http_requests GROUP BY 1
;;
SELECT trim(both ' ' FROM name) FROM customers LIMIT 5
;;
SELECT position('timeout' IN message) > 0 AS is_timeout, count(*) FROM errors GROUP BY 1
;;
SELECT md5(email) FROM customers WHERE id = $1
;;
SELECT length(body) FROM http_requests WHERE id = $1
;;
SELECT status_code, count(*) FROM http_requests WHERE created_at > now() - interval '5 minutes' GROUP BY status_code
;;
SELECT route, avg(duration_ms)::int AS avg_ms, max(duration_ms) FROM http_requests GROUP BY route ORDER BY 2 DESC LIMIT 10
;;
SELECT route, count(*) FILTER (WHERE status_code >= 500) * 100.0 / count(*) AS error_pct FROM http_requests GROUP BY route
;;
SELECT bool_or(status_code >= 500) FROM http_requests WHERE trace_id = $1
;;
SELECT bool_and(success) FROM health_checks WHERE checked_at > now() - interval '10 minutes'
;;
SELECT stddev(duration_ms), variance(duration_ms) FROM http_requests
;;
SELECT corr(duration_ms, payload_bytes) FROM http_requests
;;
SELECT width_bucket(duration_ms, 0, 5000, 10) AS bucket, count(*) FROM http_requests GROUP BY 1 ORDER BY 1
;;
SELECT round(avg(total_cents) / 100.0, 2) FROM orders
;;
SELECT floor(duration_ms / 100) * 100 AS bucket, count(*) FROM http_requests GROUP BY 1 ORDER BY 1
;;
SELECT abs(balance_cents) FROM accounts WHERE id = $1
;;
SELECT id, balance_cents FROM accounts WHERE balance_cents < 0
;;
SELECT a.id, sum(l.amount_cents) - a.balance_cents AS drift
FROM accounts a JOIN ledger_entries l ON l.account_id = a.id
GROUP BY a.id, a.balance_cents
HAVING sum(l.amount_cents) <> a.balance_cents
;;
SELECT o.id FROM orders o LEFT JOIN payments p ON p.order_id = o.id WHERE o.status = 'paid' AND p.id IS NULL
;;
SELECT o.id, count(p.id) FROM orders o JOIN payments p ON p.order_id = o.id GROUP BY o.id HAVING count(p.id) > 1
;;
SELECT order_id, count(*) FROM payments WHERE status = 'succeeded' GROUP BY order_id HAVING count(*) > 1
;;
SELECT idempotency_key, count(*) FROM payments GROUP BY idempotency_key HAVING count(*) > 1 LIMIT 20
;;
SELECT o.* FROM orders o WHERE o.id IN (SELECT order_id FROM payments WHERE status = 'disputed')
;;
SELECT id FROM orders WHERE customer_id IN (SELECT id FROM customers WHERE country = 'BR') LIMIT 100
;;
SELECT id FROM orders o WHERE total_cents > (SELECT avg(total_cents) * 10 FROM orders)
;;
SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM payments) AS payments
;;
SELECT id, status FROM orders ORDER BY created_at DESC NULLS LAST LIMIT 20
;;
SELECT id FROM orders ORDER BY total_cents DESC, id ASC OFFSET 20 LIMIT 20
;;
SELECT id FROM orders ORDER BY id FETCH FIRST 10 ROWS ONLY
;;
SELECT DISTINCT status FROM orders
;;
SELECT count(DISTINCT customer_id) FROM orders WHERE created_at > now() - interval '1 day'
;;
SELECT id FROM orders WHERE deleted_at IS NOT NULL
;;
SELECT id FROM orders WHERE shipped IS TRUE
;;
SELECT id FROM orders WHERE coalesce(discount_cents, 0) > total_cents
;;
SELECT id FROM orders WHERE status IN ('failed', 'stuck') AND updated_at < now() - interval '1 hour'
;;
SELECT id FROM orders WHERE status NOT IN ('done')
;;
SELECT id FROM sessions WHERE expires_at < now() AND revoked = false
;;
SELECT user_id, count(*) FROM sessions WHERE created_at > now() - interval '10 minutes' GROUP BY user_id ORDER BY 2 DESC LIMIT 10
;;
SELECT ip, count(*) FROM login_attempts WHERE success = false AND created_at > now() - interval '1 hour' GROUP BY ip HAVING count(*) > 20
;;
SELECT inet_client, count(*) FROM login_attempts GROUP BY inet_client
;;
SELECT id FROM login_attempts WHERE ip << '10.0.0.0/8'::inet
;;
SELECT id, actor, action, created_at FROM audit_log WHERE target_id = $1 ORDER BY created_at
;;
SELECT action, count(*) FROM audit_log WHERE created_at::date = current_date GROUP BY action
;;
SELECT id FROM audit_log WHERE created_at > current_timestamp - interval '1 day'
;;
SELECT current_date, current_time, localtimestamp
;;
SELECT name, enabled, updated_at FROM feature_flags ORDER BY updated_at DESC
;;
SELECT name FROM feature_flags WHERE enabled AND rollout_percent < 100
;;
SELECT service, version, created_at FROM deployments WHERE created_at > now() - interval '6 hours' ORDER BY created_at DESC
;;
SELECT d.service, d.version, count(e.id) AS errors_after
FROM deployments d
LEFT JOIN errors e ON e.service = d.service AND e.created_at BETWEEN d.created_at AND d.created_at + interval '30 minutes'
GROUP BY d.service, d.version
ORDER BY errors_after DESC
;;
SELECT service, date_trunc('minute', created_at), count(*) FROM errors
WHERE created_at > now() - interval '1 hour'
GROUP BY 1, 2 ORDER BY 2
;;
SELECT fingerprint, count(*), min(created_at), max(created_at) FROM errors GROUP BY fingerprint ORDER BY 2 DESC LIMIT 25
;;
SELECT id, invoice_number, amount_cents, due_at FROM invoices WHERE due_at < now() AND paid_at IS NULL
;;
SELECT sum(amount_cents) FILTER (WHERE paid_at IS NULL) AS unpaid, sum(amount_cents) AS total FROM invoices
;;
SELECT customer_id, sum(amount_cents) FROM invoices GROUP BY customer_id ORDER BY 2 DESC LIMIT 10
;;
SELECT id FROM invoices i WHERE NOT EXISTS (SELECT 1 FROM payments p WHERE p.invoice_id = i.id)
;;
SELECT sku, sum(quantity) FROM order_items GROUP BY sku ORDER BY 2 DESC LIMIT 20
;;
SELECT p.sku, p.stock, coalesce(sum(i.quantity), 0) AS reserved
FROM products p LEFT JOIN order_items i ON i.sku = p.sku
GROUP BY p.sku, p.stock
HAVING p.stock < coalesce(sum(i.quantity), 0)
;;
SELECT id, name FROM products WHERE price_cents <= 0
;;
SELECT id FROM products WHERE attributes->>'color' = 'red'
;;
SELECT id FROM products WHERE (attributes->'dims'->>'w')::numeric > 10.5
;;
SELECT id, attributes - 'internal' FROM products LIMIT 5
;;
SELECT jsonb_object_keys(attributes) AS k, count(*) FROM products GROUP BY 1
;;
SELECT id FROM products WHERE to_tsvector('english', description) @@ plainto_tsquery('english', 'battery')
;;
SELECT id, ts_rank(to_tsvector(description), to_tsquery('leak')) FROM products ORDER BY 2 DESC LIMIT 5
;;
SELECT id FROM webhooks WHERE last_status >= 400 AND last_attempt_at > now() - interval '1 hour'
;;
SELECT endpoint, count(*) FILTER (WHERE last_status >= 500), count(*) FROM webhooks GROUP BY endpoint
;;
SELECT id, tenant_id FROM app.tenants WHERE plan = 'enterprise'
;;
SELECT t.id, count(u.id) FROM app.tenants t LEFT JOIN app.memberships u ON u.tenant_id = t.id GROUP BY t.id
;;
SELECT * FROM app.tenants WHERE id = $1
;;
SELECT id FROM orders TABLESAMPLE SYSTEM (1)
;;
SELECT id FROM orders WHERE created_at > now() - '1 day'::interval
;;
SELECT now() + interval '1 day' * 3
;;
SELECT interval '1 hour' + interval '30 minutes'
;;
SELECT (now() - created_at) > interval '1 hour' AS stale, count(*) FROM jobs GROUP BY 1
;;
SELECT make_interval(mins => 5)
;;
SELECT to_timestamp(1700000000)
;;
SELECT gen_random_uuid()
;;
SELECT id FROM orders WHERE external_id = $1::uuid
;;
SELECT id FROM orders WHERE id BETWEEN 1000 AND 2000
;;
SELECT 1 AS ok
;;
SELECT version()
;;
SELECT current_user, session_user, current_database(), current_schema()
;;
SELECT current_setting('statement_timeout')
;;
SELECT inet_server_addr(), inet_server_port()
;;
SELECT pg_postmaster_start_time(), now() - pg_postmaster_start_time() AS uptime
;;
SELECT pg_is_in_recovery()
;;
SELECT pg_size_pretty(pg_database_size(current_database()))
;;
SELECT pg_size_pretty(pg_total_relation_size('orders'))
;;
SELECT pg_size_pretty(pg_relation_size('orders')), pg_size_pretty(pg_indexes_size('orders'))
;;
SELECT pid, usename, application_name, state, wait_event_type, wait_event, now() - query_start AS running_for, left(query, 200)
FROM pg_stat_activity
WHERE state <> 'idle'
ORDER BY query_start
;;
SELECT pid, now() - xact_start AS xact_age FROM pg_stat_activity WHERE xact_start IS NOT NULL ORDER BY xact_age DESC LIMIT 10
;;
SELECT state, count(*) FROM pg_stat_activity GROUP BY state
;;
SELECT application_name, count(*) FROM pg_stat_activity GROUP BY 1 ORDER BY 2 DESC
;;
SELECT count(*)::float / current_setting('max_connections')::int AS saturation FROM pg_stat_activity
;;
SELECT pid, pg_blocking_pids(pid) AS blocked_by, wait_event_type, left(query, 100)
FROM pg_stat_activity
WHERE cardinality(pg_blocking_pids(pid)) > 0
;;
SELECT l.pid, l.locktype, l.mode, l.granted, l.relation::regclass
FROM pg_locks l
WHERE NOT l.granted
;;
SELECT blocked.pid AS blocked_pid, blocking.pid AS blocking_pid, left(blocking.query, 100)
FROM pg_stat_activity blocked
JOIN pg_stat_activity blocking ON blocking.pid = ANY(pg_blocking_pids(blocked.pid))
;;
SELECT relation::regclass, mode, count(*) FROM pg_locks GROUP BY 1, 2 ORDER BY 3 DESC
;;
SELECT relname, n_live_tup, n_dead_tup, last_vacuum, last_autovacuum, last_analyze
FROM pg_stat_user_tables
ORDER BY n_dead_tup DESC
LIMIT 20
;;
SELECT relname, seq_scan, idx_scan, seq_tup_read FROM pg_stat_user_tables WHERE seq_scan > coalesce(idx_scan, 0) ORDER BY seq_tup_read DESC LIMIT 10
;;
SELECT relname, n_dead_tup * 100 / nullif(n_live_tup + n_dead_tup, 0) AS dead_pct FROM pg_stat_user_tables ORDER BY 2 DESC NULLS LAST
;;
SELECT schemaname, relname, indexrelname, idx_scan FROM pg_stat_user_indexes WHERE idx_scan = 0
;;
SELECT indexrelid::regclass, pg_size_pretty(pg_relation_size(indexrelid)) FROM pg_stat_user_indexes ORDER BY pg_relation_size(indexrelid) DESC LIMIT 10
;;
SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisvalid
;;
SELECT relname, heap_blks_read, heap_blks_hit, heap_blks_hit * 100 / nullif(heap_blks_hit + heap_blks_read, 0) AS hit_pct FROM pg_statio_user_tables ORDER BY heap_blks_read DESC LIMIT 10
;;
SELECT datname, numbackends, xact_commit, xact_rollback, deadlocks, temp_bytes FROM pg_stat_database
;;
SELECT datname, age(datfrozenxid) FROM pg_database ORDER BY 2 DESC
;;
SELECT c.relname, age(c.relfrozenxid) FROM pg_class c WHERE c.relkind = 'r' ORDER BY 2 DESC LIMIT 10
;;
SELECT name, setting, unit, source FROM pg_settings WHERE name IN ('max_connections', 'work_mem', 'shared_buffers')
;;
SELECT name, setting FROM pg_settings WHERE name LIKE 'autovacuum%'
;;
SELECT client_addr, state, sent_lsn, replay_lsn, replay_lag FROM pg_stat_replication
;;
SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) AS bytes_behind FROM pg_stat_replication
;;
SELECT slot_name, active, restart_lsn FROM pg_replication_slots
;;
SELECT now() - pg_last_xact_replay_timestamp() AS replica_lag
;;
SELECT phase, heap_blks_scanned, heap_blks_total FROM pg_stat_progress_vacuum
;;
SELECT schemaname, tablename, indexname, indexdef FROM pg_indexes WHERE tablename = 'orders'
;;
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'orders'::regclass
;;
SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull
FROM pg_attribute a
WHERE a.attrelid = 'public.orders'::regclass AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum
;;
SELECT n.nspname, c.relname, c.reltuples::bigint
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
ORDER BY c.reltuples DESC LIMIT 20
;;
SELECT sequencename, last_value FROM pg_sequences
;;
SELECT extname, extversion FROM pg_extension
;;
SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name
;;
SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = 'orders' ORDER BY ordinal_position
;;
SELECT tc.constraint_name, kcu.column_name
FROM information_schema.table_constraints tc
JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name
WHERE tc.table_name = 'orders' AND tc.constraint_type = 'FOREIGN KEY'
;;
SELECT pg_get_viewdef('active_orders'::regclass, true)
;;
SELECT relname, pg_size_pretty(pg_total_relation_size(relid)) FROM pg_statio_user_tables ORDER BY pg_total_relation_size(relid) DESC LIMIT 10
;;
SELECT wait_event_type, wait_event, count(*) FROM pg_stat_activity WHERE wait_event IS NOT NULL GROUP BY 1, 2 ORDER BY 3 DESC
;;
SELECT backend_type, count(*) FROM pg_stat_activity GROUP BY backend_type
;;
SELECT num_timed, num_requested, write_time FROM pg_stat_checkpointer
;;
SELECT * FROM pg_stat_wal
;;
SELECT archived_count, failed_count, last_failed_time FROM pg_stat_archiver
;;
SELECT txid_current_snapshot()
;;
SELECT pg_xact_commit_timestamp(xmin), id FROM orders WHERE id = $1
;;
SELECT xmin, xmax, ctid, id FROM orders WHERE id = $1
;;
SELECT o.id, o.status, p.status AS payment_status, s.status AS shipment_status
FROM orders o
LEFT JOIN payments p ON p.order_id = o.id
LEFT JOIN shipments s ON s.order_id = o.id
WHERE o.id = $1
;;
SELECT s.carrier, count(*) FILTER (WHERE s.delivered_at IS NULL AND s.shipped_at < now() - interval '7 days') AS late
FROM shipments s GROUP BY s.carrier
;;
SELECT id FROM shipments WHERE tracking_number IS NULL AND status = 'shipped'
;;
SELECT o.region, avg(extract(epoch FROM s.delivered_at - s.shipped_at) / 3600) AS hours
FROM shipments s JOIN orders o ON o.id = s.order_id
WHERE s.delivered_at IS NOT NULL
GROUP BY o.region
;;
SELECT id FROM emails WHERE status = 'bounced' AND sent_at > now() - interval '1 day'
;;
SELECT template, status, count(*) FROM emails GROUP BY template, status
;;
SELECT id FROM notifications WHERE read_at IS NULL AND created_at < now() - interval '30 days' LIMIT 100
;;
SELECT user_id, max(created_at) FROM notifications GROUP BY user_id ORDER BY 2 LIMIT 10
;;
SELECT id, name FROM users WHERE id = $1
;;
SELECT id, name, created_at FROM users WHERE created_at > now() - interval '1 day' ORDER BY created_at DESC
;;
SELECT u.id, count(s.id) FROM users u JOIN sessions s ON s.user_id = u.id GROUP BY u.id ORDER BY 2 DESC LIMIT 10
;;
SELECT id FROM users WHERE locked_until > now()
;;
SELECT count(*) FROM users WHERE last_login_at IS NULL
;;
SELECT
  o.id,
  o.customer_id,
  o.status,
  o.total_cents,
  sum(i.quantity * i.unit_price_cents) AS items_total,
  o.total_cents - sum(i.quantity * i.unit_price_cents) AS difference
FROM orders o
JOIN order_items i ON i.order_id = o.id
WHERE o.created_at > now() - interval '3 days'
GROUP BY o.id, o.customer_id, o.status, o.total_cents
HAVING o.total_cents <> sum(i.quantity * i.unit_price_cents)
ORDER BY abs(o.total_cents - sum(i.quantity * i.unit_price_cents)) DESC
LIMIT 50
;;
WITH per_minute AS (
  SELECT date_trunc('minute', created_at) AS m, count(*) AS n
  FROM http_requests
  WHERE created_at > now() - interval '3 hours'
  GROUP BY 1
), stats AS (
  SELECT avg(n) AS mean, stddev(n) AS sd FROM per_minute
)
SELECT m, n FROM per_minute, stats WHERE n > mean + 3 * sd ORDER BY m
;;
WITH t AS (
  SELECT customer_id, created_at, lag(created_at) OVER (PARTITION BY customer_id ORDER BY created_at) AS prev
  FROM orders
)
SELECT customer_id, count(*) FROM t WHERE created_at - prev < interval '1 minute' GROUP BY customer_id HAVING count(*) > 3
;;
SELECT id /* the primary key */, status -- current state
FROM orders
WHERE id = $1
;;
/* investigation of ticket INC-42 */
SELECT id FROM orders WHERE status = 'stuck'
;;
SELECT $$literal with 'quotes'$$ AS note, id FROM orders LIMIT 1
;;
SELECT E'tab\tseparated' AS note
;;
SELECT id FROM orders WHERE note LIKE E'%\\_%'
;;
SELECT "Id", "CreatedAt" FROM "LegacyOrders" WHERE "Id" = $1
;;
SELECT o."status" FROM public.orders AS o WHERE o.id = $1
;;
SELECT id FROM ONLY orders WHERE id = $1
;;
SELECT id FROM orders o WHERE (o.status, o.region) = ('failed', 'eu')
;;
SELECT id FROM orders WHERE (customer_id, created_at) IN (SELECT customer_id, max(created_at) FROM orders GROUP BY customer_id)
;;
SELECT ROW(id, status) FROM orders LIMIT 1
;;
SELECT id, status IS DISTINCT FROM 'done' AS not_done FROM orders
;;
SELECT count(*) FROM orders WHERE created_at::date = $1::date
;;
SELECT id FROM orders WHERE NOT (status = 'done' OR status = 'cancelled')
;;
SELECT sum(CASE WHEN status = 'failed' THEN 1 ELSE 0 END)::float / count(*) FROM payments
;;
SELECT COUNT(*) AS N FROM ORDERS WHERE STATUS = 'failed'
;;
select id, status from orders where id = $1
;;
VALUES (1, 'a'), (2, 'b')
;;
TABLE feature_flags
;;
SELECT x FROM (VALUES (1), (2), (3)) AS v(x)
;;
SELECT id FROM orders WHERE id = $1;
;;
SELECT array_to_string(ARRAY(SELECT sku FROM order_items WHERE order_id = $1), ',')
;;
SELECT o.id, (SELECT max(p.created_at) FROM payments p WHERE p.order_id = o.id) AS last_payment FROM orders o LIMIT 20
;;
SELECT id, total_cents, avg(total_cents) OVER (PARTITION BY region) AS region_avg FROM orders LIMIT 100
;;
SELECT id, first_value(status) OVER (PARTITION BY customer_id ORDER BY created_at) FROM orders LIMIT 50
;;
SELECT id, cume_dist() OVER (ORDER BY total_cents) FROM orders LIMIT 50
;;
SELECT id, dense_rank() OVER (PARTITION BY region ORDER BY total_cents DESC) FROM orders
;;
SELECT date_bin('15 minutes', created_at, TIMESTAMP '2024-01-01'), count(*) FROM orders GROUP BY 1 ORDER BY 1
;;
SELECT id FROM events WHERE created_at > now() - interval '1 hour' AND payload->>'level' IN ('error', 'fatal') ORDER BY id DESC LIMIT 200
;;
SELECT jsonb_path_query(payload, '$.items[*].sku') FROM events WHERE id = $1
;;
SELECT id FROM events WHERE payload @? '$.items[*] ? (@.qty > 10)'
;;
SELECT count(*) FROM events WHERE jsonb_typeof(payload->'retries') = 'number'
;;
SELECT payload->'headers'->>'user-agent' AS ua, count(*) FROM events GROUP BY 1 ORDER BY 2 DESC LIMIT 10
;;
SELECT trace_id, min(created_at), max(created_at), max(created_at) - min(created_at) AS span FROM http_requests GROUP BY trace_id ORDER BY span DESC LIMIT 10
;;
SELECT r.route, r.status_code, count(*) FROM http_requests r WHERE r.created_at > now() - interval '10 minutes' GROUP BY ROLLUP (r.route, r.status_code)
;;
SELECT cast(created_at AS date) AS day, sum(total_cents) FROM orders GROUP BY day ORDER BY day DESC LIMIT 30
;;
SELECT region, sum(total_cents) FILTER (WHERE status = 'paid') AS paid, sum(total_cents) FILTER (WHERE status = 'refunded') AS refunded FROM orders GROUP BY region
