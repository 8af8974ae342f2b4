-- The audit trail (issue 13): who did what and when, for security-relevant actions —
-- resumes, jobs and applications created and deleted, signed download links issued,
-- n8n callbacks accepted or refused, rate-limit refusals — with the request id and the
-- workflow id. Never a document's content or a secret: `detail` holds only small facts
-- (a file kind, a count, an error code).
--
-- The gateway writes it with the service connection; there is no insert, update or
-- delete policy, so through PostgREST a user can only read their own events.
-- `user_id` is null when the caller is not a user (a callback with a wrong token).

create table public.audit_events (
  id uuid primary key default gen_random_uuid(),
  user_id uuid references auth.users (id) on delete cascade,
  action text not null check (action ~ '^[a-z_]+\.[a-z_]+$'),
  subject_type text,
  subject_id uuid,
  request_id text,
  workflow_id text,
  detail jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
create index audit_events_user_idx on public.audit_events (user_id, created_at desc);
create index audit_events_created_idx on public.audit_events (created_at);

alter table public.audit_events enable row level security;
create policy audit_events_owner_read on public.audit_events for select to authenticated
  using (user_id = (select auth.uid()));
