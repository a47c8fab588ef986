-- Schema the legitimate corpus (legit-queries.sql) refers to. LegitCorpusIT creates it on an
-- embedded PostgreSQL and PREPAREs every corpus entry, proving each one is real PostgreSQL.
CREATE TABLE customers (id bigint PRIMARY KEY, email text, name text, created_at timestamptz,
  vip boolean, country text, ssn text);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, status text, total_cents bigint,
  created_at timestamptz, updated_at timestamptz, region text, tags text[],
  deleted_at timestamptz, shipped boolean, discount_cents bigint, external_id uuid, note text);
CREATE TABLE archived_orders (id bigint PRIMARY KEY);
CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint, sku text, quantity int,
  unit_price_cents bigint);
CREATE TABLE payments (id bigint PRIMARY KEY, order_id bigint, invoice_id bigint, status text,
  amount numeric, created_at timestamptz, error_code text, idempotency_key text);
CREATE TABLE events (id bigint PRIMARY KEY, type text, payload jsonb, created_at timestamptz);
CREATE TABLE deployments (id bigint PRIMARY KEY, service text, version text,
  created_at timestamptz);
CREATE TABLE http_requests (id bigint PRIMARY KEY, route text, path text, duration_ms int,
  created_at timestamptz, status_code int, body text, trace_id text, payload_bytes int);
CREATE TABLE jobs (id bigint PRIMARY KEY, parent_id bigint, status text, started_at timestamptz,
  attempts int, last_error text, updated_at timestamptz, queue text, created_at timestamptz,
  retry_at timestamptz);
CREATE TABLE employees (id bigint PRIMARY KEY, manager_id bigint);
CREATE TABLE health_checks (id bigint PRIMARY KEY, success boolean, checked_at timestamptz);
CREATE TABLE accounts (id bigint PRIMARY KEY, balance_cents bigint);
CREATE TABLE ledger_entries (id bigint PRIMARY KEY, account_id bigint, amount_cents bigint);
CREATE TABLE sessions (id bigint PRIMARY KEY, user_id bigint, expires_at timestamptz,
  revoked boolean, created_at timestamptz);
CREATE TABLE login_attempts (id bigint PRIMARY KEY, ip inet, inet_client inet, success boolean,
  created_at timestamptz);
CREATE TABLE audit_log (id bigint PRIMARY KEY, actor text, action text, created_at timestamptz,
  target_id bigint);
CREATE TABLE feature_flags (name text PRIMARY KEY, enabled boolean, updated_at timestamptz,
  rollout_percent int);
CREATE TABLE errors (id bigint PRIMARY KEY, service text, created_at timestamptz, message text,
  fingerprint text);
CREATE TABLE invoices (id bigint PRIMARY KEY, invoice_number text, amount_cents bigint,
  due_at timestamptz, paid_at timestamptz, customer_id bigint);
CREATE TABLE products (id bigint PRIMARY KEY, sku text, stock int, name text, price_cents bigint,
  attributes jsonb, description text);
CREATE TABLE webhooks (id bigint PRIMARY KEY, endpoint text, last_status int,
  last_attempt_at timestamptz);
CREATE TABLE shipments (id bigint PRIMARY KEY, order_id bigint, status text, carrier text,
  shipped_at timestamptz, delivered_at timestamptz, tracking_number text);
CREATE TABLE emails (id bigint PRIMARY KEY, status text, sent_at timestamptz, template text);
CREATE TABLE notifications (id bigint PRIMARY KEY, user_id bigint, read_at timestamptz,
  created_at timestamptz);
CREATE TABLE users (id bigint PRIMARY KEY, name text, created_at timestamptz,
  locked_until timestamptz, last_login_at timestamptz, ssn text, password_hash text);
CREATE TABLE "LegacyOrders" ("Id" bigint PRIMARY KEY, "CreatedAt" timestamptz);
CREATE VIEW active_orders AS SELECT id, status FROM orders WHERE deleted_at IS NULL;
CREATE SCHEMA app;
CREATE TABLE app.tenants (id bigint PRIMARY KEY, tenant_id bigint, plan text);
CREATE TABLE app.memberships (id bigint PRIMARY KEY, tenant_id bigint);
