-- Resumes, their versions, and jobs (SCHEMA.md). Runs unchanged on Supabase:
-- it relies only on auth.users, auth.uid() and the API roles.

create type resume_source as enum ('upload', 'text');
create type parse_status as enum ('pending', 'parsing', 'parsed', 'failed');
create type embedding_status as enum ('pending', 'indexed', 'failed');
create type job_status as enum ('queued', 'processing', 'complete', 'failed');

create or replace function public.touch_updated_at() returns trigger
language plpgsql
as $$
begin
  new.updated_at := now();
  return new;
end
$$;

create table public.resumes (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  title text not null check (char_length(title) between 1 and 200),
  -- storage path of the original upload of the first version; null for text
  file_url text,
  active_version_id uuid,
  source resume_source not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table public.resume_versions (
  id uuid primary key default gen_random_uuid(),
  resume_id uuid not null references public.resumes (id) on delete cascade,
  -- denormalised owner so RLS needs no join
  user_id uuid not null references auth.users (id) on delete cascade,
  version_no int not null default 1 check (version_no >= 1),
  source resume_source not null,
  -- what the user asked for (null = detect) and what we detected
  resume_lang text check (resume_lang in ('en', 'ar')),
  detected_lang text check (detected_lang in ('en', 'ar')),
  raw_text text,
  content_md text,
  parsed_json jsonb,
  parse_status parse_status not null default 'pending',
  embedding_status embedding_status not null default 'pending',
  error text,
  file_path text,
  file_name text,
  file_kind text,
  file_size bigint,
  workflow_id text,
  parsed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (resume_id, version_no)
);

alter table public.resumes
  add constraint resumes_active_version_fk
  foreign key (active_version_id) references public.resume_versions (id) on delete set null;

create table public.jobs (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  resume_id uuid not null references public.resumes (id) on delete cascade,
  title text not null,
  company text,
  job_description text,
  job_url text,
  parsed_json jsonb,
  custom_instructions text,
  resume_lang text check (resume_lang in ('en', 'ar')),
  jd_lang text check (jd_lang in ('en', 'ar')),
  desired_output_lang text check (desired_output_lang in ('en', 'ar')),
  status job_status not null default 'queued',
  error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (job_description is not null or job_url is not null)
);

create index resumes_user_created_idx on public.resumes (user_id, created_at desc, id desc);
create index resume_versions_resume_idx on public.resume_versions (resume_id, version_no desc);
create index resume_versions_user_idx on public.resume_versions (user_id);
create index resume_versions_status_idx on public.resume_versions (parse_status);
create index resume_versions_created_idx on public.resume_versions (created_at);
create index jobs_user_created_idx on public.jobs (user_id, created_at desc, id desc);
create index jobs_user_status_idx on public.jobs (user_id, status);
create index jobs_resume_idx on public.jobs (resume_id);

create trigger resumes_touch before update on public.resumes
  for each row execute function public.touch_updated_at();
create trigger resume_versions_touch before update on public.resume_versions
  for each row execute function public.touch_updated_at();
create trigger jobs_touch before update on public.jobs
  for each row execute function public.touch_updated_at();

alter table public.resumes enable row level security;
alter table public.resume_versions enable row level security;
alter table public.jobs enable row level security;

-- One owner policy per table: a user sees and writes only their own rows.
-- `(select auth.uid())` is evaluated once per statement (Supabase advice).
create policy resumes_owner on public.resumes for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy resume_versions_owner on public.resume_versions for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy jobs_owner on public.jobs for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));

-- sqlx keeps its bookkeeping in public; the API roles must not read it.
alter table public._sqlx_migrations enable row level security;
