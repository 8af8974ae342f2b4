-- Data of the read-path benchmark (scripts/bench-api, issue 12): 100 users, each with one
-- parsed resume and 100 complete jobs (10,000 jobs), each job with 1-3 complete
-- optimisation runs; a job's answer (`GET /jobs/{id}`: the job and its latest run) is
-- about 12 KB of JSON, like a real one (description, parsed posting, report with
-- requirements and evidence, optimised markdown, change log, matches).
-- Ids are derived from numbers so the token minter can name them without a query.
\set ON_ERROR_STOP on
begin;

create temporary table filler as
select
  repeat('Design, build and operate backend services in Rust and Go; own the data model, '
         || 'the APIs and their reliability; mentor engineers and review designs. ', 16) as jd,
  repeat('- Led the migration of the payments ledger to event sourcing, cutting '
         || 'reconciliation time by 70 percent across 14 services.' || chr(10), 28) as md,
  (select jsonb_agg(jsonb_build_object(
      'requirement', 'Requirement ' || i || ': production experience with distributed systems',
      'met', i % 3 <> 0,
      'evidence', jsonb_build_array(jsonb_build_object(
          'chunk_id', md5('c' || i)::uuid, 'score', 0.81,
          'quote', 'Built and ran a multi-region Postgres cluster serving 40k requests per second')))) 
   from generate_series(1, 12) i) as requirements,
  (select jsonb_agg(jsonb_build_object('section', 'Experience',
      'before', 'Worked on backend systems for payments.',
      'after', 'Led the payments ledger migration to event sourcing (Rust, Postgres).',
      'reason', 'The posting asks for ownership of data-heavy services.'))
   from generate_series(1, 6) i) as change_log,
  (select jsonb_build_object('avg_score', 0.71, 'items', jsonb_agg(jsonb_build_object(
      'chunk_id', md5('m' || i)::uuid, 'score', 0.8,
      'text', 'Senior engineer at Ledgerline: designed the settlement service in Rust, '
              || 'on-call lead, reduced p99 latency from 900 ms to 120 ms.')))
   from generate_series(1, 8) i) as matches;

insert into auth.users (id, email)
select ('00000000-0000-4000-8000-' || lpad(to_hex(u), 12, '0'))::uuid, 'bench' || u || '@example.com'
from generate_series(1, 100) u;

insert into public.resumes (id, user_id, title, source)
select ('00000000-0000-4000-9000-' || lpad(to_hex(u), 12, '0'))::uuid,
       ('00000000-0000-4000-8000-' || lpad(to_hex(u), 12, '0'))::uuid,
       'Resume of bench user ' || u, 'text'
from generate_series(1, 100) u;

insert into public.resume_versions (id, resume_id, user_id, source, detected_lang, raw_text,
                                    content_md, parsed_json, parse_status, embedding_status, parsed_at)
select ('00000000-0000-4000-a000-' || lpad(to_hex(u), 12, '0'))::uuid,
       ('00000000-0000-4000-9000-' || lpad(to_hex(u), 12, '0'))::uuid,
       ('00000000-0000-4000-8000-' || lpad(to_hex(u), 12, '0'))::uuid,
       'text', 'en', f.md, f.md,
       jsonb_build_object('name', 'Bench User ' || u, 'skills', jsonb_build_array('Rust', 'Go', 'Postgres')),
       'parsed', 'indexed', now()
from generate_series(1, 100) u, filler f;

update public.resumes r set active_version_id = v.id
from public.resume_versions v where v.resume_id = r.id;

insert into public.jobs (id, user_id, resume_id, title, company, job_description, parsed_json,
                         jd_lang, status, run_count, created_at)
select ('00000000-0000-4000-b000-' || lpad(to_hex(n), 12, '0'))::uuid,
       ('00000000-0000-4000-8000-' || lpad(to_hex((n - 1) / 100 + 1), 12, '0'))::uuid,
       ('00000000-0000-4000-9000-' || lpad(to_hex((n - 1) / 100 + 1), 12, '0'))::uuid,
       'Senior Backend Engineer #' || n, 'Ledgerline', f.jd,
       jsonb_build_object('title', 'Senior Backend Engineer', 'requirements',
         (select jsonb_agg('Requirement ' || i) from generate_series(1, 12) i)),
       'en', 'complete', 1 + n % 3, now() - make_interval(secs => n)
from generate_series(1, 10000) n, filler f;

insert into public.optimizations (user_id, resume_id, resume_version_id, job_id, run_no, status,
                                  score, report_json, preview_md, change_log, matches,
                                  detected_resume_lang, detected_jd_lang, output_lang,
                                  token_usage, engine)
select j.user_id, j.resume_id, r.active_version_id, j.id, run, 'complete', 60 + run,
       jsonb_build_object('summary', 'A strong match on backend depth; gaps in Kubernetes.',
         'matched_keywords', jsonb_build_array('Rust', 'Postgres', 'APIs'),
         'missing_keywords', jsonb_build_array('Kubernetes'),
         'strengths', jsonb_build_array('Ledger migration'), 'gaps', jsonb_build_array('Kubernetes'),
         'suggestions', jsonb_build_array('Name the orchestration you ran'),
         'requirements', f.requirements, 'warnings', '[]'::jsonb),
       f.md, f.change_log, f.matches, 'en', 'en', 'en',
       jsonb_build_object('calls', 0, 'prompt_tokens', 0, 'completion_tokens', 0), 'offline'
from public.jobs j
join public.resumes r on r.id = j.resume_id
cross join filler f
cross join lateral generate_series(1, j.run_count) run;

commit;
analyze;
