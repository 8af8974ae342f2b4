-- Tokens the model used to parse a job posting (OpenAI engine): counted in
-- the first optimisation run's token_usage, so a run shows what it cost.
alter table public.jobs add column parse_token_usage jsonb;
