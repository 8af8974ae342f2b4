-- Applications (SCHEMA.md "Applications"): a user's application to one job offer, the
-- structured job offer, the tailored CV documents generated for it (each with its cover
-- letter), and the tracker: communications and action points. Runs unchanged on
-- Supabase; the frontend may also read and write the tracker tables straight through
-- PostgREST, isolated by the same owner policies as every other table.

create type application_status as enum
  ('draft', 'applied', 'interviewing', 'offer', 'rejected', 'withdrawn');
create type generation_status as enum ('queued', 'processing', 'complete', 'failed');
create type communication_channel as enum ('email', 'phone', 'linkedin', 'other');
create type communication_direction as enum ('inbound', 'outbound');

create table public.job_offers (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  -- set when the offer was taken from an existing job's parsed posting
  job_id uuid references public.jobs (id) on delete set null,
  raw_text text,
  title text,
  company text,
  location text,
  language text check (language in ('en', 'ar')),
  -- { must: [...], nice: [...] }
  requirements jsonb,
  keywords jsonb,
  parsed_json jsonb,
  token_usage jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table public.applications (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  job_offer_id uuid references public.job_offers (id) on delete set null,
  resume_id uuid references public.resumes (id) on delete set null,
  job_id uuid references public.jobs (id) on delete set null,
  company text check (char_length(company) <= 200),
  position text check (char_length(position) <= 200),
  output_lang text check (output_lang in ('en', 'ar')),
  -- what the application was created from, when given inline
  base_cv jsonb,
  job_description text,
  status application_status not null default 'draft',
  notes text check (char_length(notes) <= 20000),
  -- the latest CV generation
  generation_status generation_status not null default 'queued',
  generation_error text,
  workflow_id text,
  -- CV versions started (version_no of the latest)
  cv_count int not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (resume_id is not null or base_cv is not null)
);

create table public.cvs (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  application_id uuid not null references public.applications (id) on delete cascade,
  version_no int not null check (version_no >= 1),
  status generation_status not null default 'processing',
  custom_instructions text,
  -- the structured CV after the edits, and the plan that produced it
  source_json jsonb,
  planned_changes jsonb,
  -- { applied: [...], rejected: [{ op, reason }], gaps: [...] }
  edit_report jsonb,
  pdf_path text,
  docx_path text,
  lang text check (lang in ('en', 'ar')),
  engine text,
  token_usage jsonb,
  error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (application_id, version_no)
);

create table public.cover_letters (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  application_id uuid not null references public.applications (id) on delete cascade,
  cv_id uuid not null references public.cvs (id) on delete cascade,
  lang text check (lang in ('en', 'ar')),
  -- { greeting, paragraphs: [...], closing }
  body_json jsonb not null,
  body_text text not null,
  pdf_path text,
  docx_path text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (cv_id)
);

create table public.communications (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  application_id uuid not null references public.applications (id) on delete cascade,
  channel communication_channel not null,
  direction communication_direction not null,
  subject text check (char_length(subject) <= 500),
  body text not null check (char_length(body) between 1 and 50000),
  occurred_at timestamptz not null default now(),
  created_at timestamptz not null default now()
);

create table public.action_points (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  application_id uuid not null references public.applications (id) on delete cascade,
  title text not null check (char_length(title) between 1 and 500),
  due_at timestamptz,
  done boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index job_offers_user_idx on public.job_offers (user_id);
create index job_offers_created_idx on public.job_offers (created_at);
create index applications_user_created_idx on public.applications (user_id, created_at desc, id desc);
create index applications_user_status_idx on public.applications (user_id, status);
create index applications_created_idx on public.applications (created_at);
create index cvs_application_idx on public.cvs (application_id, version_no desc);
create index cvs_user_idx on public.cvs (user_id);
create index cvs_status_idx on public.cvs (status);
create index cover_letters_application_idx on public.cover_letters (application_id);
create index cover_letters_user_idx on public.cover_letters (user_id);
create index communications_application_idx on public.communications (application_id, occurred_at desc);
create index communications_user_idx on public.communications (user_id);
create index action_points_application_idx on public.action_points (application_id, created_at);
create index action_points_user_idx on public.action_points (user_id);

create trigger job_offers_touch before update on public.job_offers
  for each row execute function public.touch_updated_at();
create trigger applications_touch before update on public.applications
  for each row execute function public.touch_updated_at();
create trigger cvs_touch before update on public.cvs
  for each row execute function public.touch_updated_at();
create trigger cover_letters_touch before update on public.cover_letters
  for each row execute function public.touch_updated_at();
create trigger action_points_touch before update on public.action_points
  for each row execute function public.touch_updated_at();

alter table public.job_offers enable row level security;
alter table public.applications enable row level security;
alter table public.cvs enable row level security;
alter table public.cover_letters enable row level security;
alter table public.communications enable row level security;
alter table public.action_points enable row level security;

create policy job_offers_owner on public.job_offers for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy applications_owner on public.applications for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy cvs_owner on public.cvs for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy cover_letters_owner on public.cover_letters for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy communications_owner on public.communications for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy action_points_owner on public.action_points for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
