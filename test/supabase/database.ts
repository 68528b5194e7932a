// A PostgreSQL schema laid out like a Supabase project database: the Data API
// roles, an auth schema, and public tables with and without row level security,
// with grants as Supabase's defaults make them.
export const SUPABASE_LIKE_SCHEMA = `
create role anon nologin noinherit;
create role authenticated nologin noinherit;
create role service_role nologin noinherit bypassrls;
create schema auth;
create table auth.users (id uuid primary key, email text, encrypted_password text);
grant usage on schema public to anon, authenticated, service_role;
-- Supabase's default privileges: API roles may read new tables in public.
alter default privileges in schema public grant select on tables to anon, authenticated, service_role;

create table public.customers (id bigint primary key, full_name text, email text);
create table public.menu (id bigint primary key, item text not null);
alter table public.menu enable row level security;
create policy menu_read on public.menu for select using (true);
create table public.audit_log (id bigint primary key, detail text);
revoke all on public.audit_log from anon, authenticated;
create table public.notes (id bigint primary key, title text, body text);
revoke all on public.notes from anon, authenticated;
grant select (title) on public.notes to authenticated;
create schema private;
create table private.ledger (id bigint primary key, iban text);
grant usage on schema private to anon;
grant select on private.ledger to anon;
`;
