-- MiniTwit's database roles: least privilege (docs/security.md, "Database roles").
--
-- Who runs it: a superuser, once per cluster and again whenever a password
-- changes — the Patroni cluster's post-bootstrap script, or an operator on a
-- plain PostgreSQL:
--
--   psql -v ON_ERROR_STOP=1 -v owner_password=… -v app_password=… \
--        -v monitor_password=… -f infra/postgres-ha/roles.sql -d postgres
--
-- Why: a service that is taken over, or a bug in one, must not be able to drop
-- or rewrite the schema, create roles or read other databases. So
--   minitwit_owner   owns the database and its tables; `npm run migrate` runs as it;
--   minitwit_app     what api, web and realtime connect as (DATABASE_MIGRATIONS=wait):
--                    rows only — SELECT, INSERT, UPDATE, DELETE on tables, USAGE on
--                    sequences (serial ids); no DDL, TRUNCATE, temp tables or roles;
--   minitwit_monitor the Prometheus exporter: pg_monitor, nothing of the data.
-- Every statement the services run is DML on the tables (db/src/domain, sql.ts,
-- the rate_limits upsert and sweep), advisory locks (open to every role) and
-- reads of the migrations table when waiting for the owner: nothing more is granted.
--
-- Idempotent: roles and the database are created when missing, the passwords
-- and attributes are set on every run. A database migrated before these roles
-- existed (by a superuser or the image's POSTGRES_USER) is handed over: its
-- tables become minitwit_owner's and the app gets the same grants on them.
-- Passwords come only from the -v variables, never from this repository.

\set ON_ERROR_STOP on
\set QUIET on

\if :{?owner_password}
\else
  \warn 'roles.sql: missing -v owner_password=…'
  select 1 / 0 as "missing -v owner_password";
\endif
\if :{?app_password}
\else
  \warn 'roles.sql: missing -v app_password=…'
  select 1 / 0 as "missing -v app_password";
\endif
\if :{?monitor_password}
\else
  \warn 'roles.sql: missing -v monitor_password=…'
  select 1 / 0 as "missing -v monitor_password";
\endif
select :'owner_password' = '' or :'app_password' = '' or :'monitor_password' = '' as empty_password \gset
\if :empty_password
  \warn 'roles.sql: a password is empty'
  select 1 / 0 as "empty password";
\endif

-- Only a superuser can hand out pg_monitor and take over existing tables.
select rolsuper as superuser from pg_roles where rolname = current_user \gset
\if :superuser
\else
  \warn 'roles.sql: run it as a superuser'
  select 1 / 0 as "not a superuser";
\endif

-- The passwords are in the ALTER ROLE statements below: keep them out of the server log.
set log_statement = 'none';
set log_min_duration_statement = -1;
set log_min_error_statement = 'panic';

select format('create role %I', name)
  from unnest(array['minitwit_owner', 'minitwit_app', 'minitwit_monitor']) as name
 where not exists (select from pg_roles where rolname = name)
\gexec

-- The server hashes the passwords (password_encryption, SCRAM by default).
alter role minitwit_owner with login nosuperuser nocreatedb nocreaterole noreplication nobypassrls inherit
  password :'owner_password';
alter role minitwit_app with login nosuperuser nocreatedb nocreaterole noreplication nobypassrls inherit
  password :'app_password';
alter role minitwit_monitor with login nosuperuser nocreatedb nocreaterole noreplication nobypassrls inherit
  password :'monitor_password';
grant pg_monitor to minitwit_monitor;

reset log_statement;
reset log_min_duration_statement;
reset log_min_error_statement;

-- CREATE DATABASE cannot run in a DO block or a transaction: \gexec runs it when the database is missing.
select 'create database minitwit owner minitwit_owner'
 where not exists (select from pg_database where datname = 'minitwit')
\gexec
alter database minitwit owner to minitwit_owner;
-- Only the roles named here connect; nobody else gets temp tables in it.
revoke all on database minitwit from public;
grant connect on database minitwit to minitwit_app, minitwit_monitor;

\c minitwit
\set QUIET on

-- The schema is changed by its owner only (PostgreSQL 15 already revokes this; older ones do not).
revoke create on schema public from public;
grant usage, create on schema public to minitwit_owner;
grant usage on schema public to minitwit_app;

-- A database migrated before these roles existed: its tables (and their serial
-- sequences, indexes and constraints, which follow the table) become the
-- owner's, so later migrations can alter them.
do $$
declare
  relation record;
begin
  for relation in
    select c.oid::regclass as name, c.relkind
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public'
       and c.relkind in ('r', 'p', 'S')
       and c.relowner <> 'minitwit_owner'::regrole
       -- a sequence that belongs to a column moves with its table
       and not (c.relkind = 'S' and exists (
             select from pg_depend d
              where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype in ('a', 'i')))
  loop
    execute format('alter %s %s owner to minitwit_owner',
                   case when relation.relkind = 'S' then 'sequence' else 'table' end, relation.name);
  end loop;
end
$$;

-- Tables and sequences the owner creates from now on (every migration)...
alter default privileges for role minitwit_owner in schema public
  grant select, insert, update, delete on tables to minitwit_app;
alter default privileges for role minitwit_owner in schema public
  grant usage on sequences to minitwit_app;
-- ...and those that already exist.
grant select, insert, update, delete on all tables in schema public to minitwit_app;
grant usage on all sequences in schema public to minitwit_app;

\echo 'roles.sql: minitwit_owner, minitwit_app and minitwit_monitor are set up on database minitwit'
