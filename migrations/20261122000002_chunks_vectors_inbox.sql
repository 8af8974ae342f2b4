-- Chunks of resumes and job descriptions, the default (Postgres) vector store,
-- and the inbox for large n8n callback payloads.

-- Text chunks (~3500 chars, 400 overlap) with their offsets in the source text.
-- Ids are deterministic: `{version_id}:{chunk_index}`.
create table public.document_chunks (
  id text primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  source_kind text not null check (source_kind in ('resume', 'job')),
  -- resume id or job id
  source_id uuid not null,
  -- resume version id, or the job id again for jobs
  version_id uuid not null,
  chunk_index int not null check (chunk_index >= 0),
  lang text check (lang in ('en', 'ar')),
  char_start int not null,
  char_end int not null,
  text text not null,
  created_at timestamptz not null default now(),
  unique (version_id, chunk_index)
);
create index document_chunks_user_idx on public.document_chunks (user_id);
create index document_chunks_source_idx on public.document_chunks (source_kind, source_id);
create index document_chunks_created_idx on public.document_chunks (created_at);

-- The embedded vector store: Pinecone's model (namespace = user id, id,
-- values, metadata) in a table, queried with exact cosine per namespace.
create table public.vector_items (
  namespace uuid not null references auth.users (id) on delete cascade,
  id text not null,
  vals real[] not null,
  metadata jsonb not null default '{}'::jsonb,
  updated_at timestamptz not null default now(),
  primary key (namespace, id)
);
create index vector_items_metadata_idx on public.vector_items using gin (metadata jsonb_path_ops);

-- Payloads n8n calls back with can be large (a whole resume); workflows carry
-- ids only, so the gateway keeps the payload here and signals its id.
create table public.workflow_inbox (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  kind text not null check (kind in ('n8n_resume', 'n8n_job')),
  subject_id uuid not null,
  payload jsonb not null,
  payload_sha256 text not null,
  created_at timestamptz not null default now(),
  unique (kind, subject_id, payload_sha256)
);
create index workflow_inbox_user_idx on public.workflow_inbox (user_id);
create index workflow_inbox_created_idx on public.workflow_inbox (created_at);

alter table public.document_chunks enable row level security;
alter table public.vector_items enable row level security;
alter table public.workflow_inbox enable row level security;

create policy document_chunks_owner on public.document_chunks for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy vector_items_owner on public.vector_items for all to authenticated
  using (namespace = (select auth.uid())) with check (namespace = (select auth.uid()));
-- The inbox is written by the callback endpoint (service connection) and read
-- by the worker; users read their own rows only.
create policy workflow_inbox_owner_read on public.workflow_inbox for select to authenticated
  using (user_id = (select auth.uid()));
