-- Optimisation runs of a job, and what a job needs beyond SCHEMA.md's columns.

-- Whether the title was given by the user (then parsing never replaces it).
alter table public.jobs add column title_is_explicit boolean not null default false;
-- Number of optimisation runs started (run_no of the latest run).
alter table public.jobs add column run_count int not null default 0;
-- The page the posting text came from after redirects (URL jobs).
alter table public.jobs add column fetched_url text;
create index jobs_created_idx on public.jobs (created_at);

create type optimization_status as enum ('running', 'complete', 'failed');

create table public.optimizations (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  resume_id uuid not null references public.resumes (id) on delete cascade,
  resume_version_id uuid references public.resume_versions (id) on delete set null,
  job_id uuid not null references public.jobs (id) on delete cascade,
  run_no int not null check (run_no >= 1),
  status optimization_status not null default 'running',
  score int check (score between 0 and 100),
  report_json jsonb,
  preview_md text,
  change_log jsonb,
  -- { avg_score, items: [{ chunk_id, score, text }] }
  matches jsonb,
  -- per requirement: the retrieved resume chunks (input of the analysis)
  retrieval jsonb,
  detected_resume_lang text check (detected_resume_lang in ('en', 'ar')),
  detected_jd_lang text check (detected_jd_lang in ('en', 'ar')),
  output_lang text check (output_lang in ('en', 'ar')),
  custom_instructions text,
  -- { calls, prompt_tokens, completion_tokens, total_tokens, estimated_cost_usd, by_step }
  token_usage jsonb,
  engine text,
  error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (job_id, run_no)
);

create index optimizations_user_idx on public.optimizations (user_id);
create index optimizations_job_idx on public.optimizations (job_id, run_no desc);
create index optimizations_status_idx on public.optimizations (status);
create index optimizations_created_idx on public.optimizations (created_at);

create trigger optimizations_touch before update on public.optimizations
  for each row execute function public.touch_updated_at();

alter table public.optimizations enable row level security;
create policy optimizations_owner on public.optimizations for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
