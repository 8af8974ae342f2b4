-- Child rows of an application (its CV versions, cover letters, communications and
-- action points) may only be written under an application the same user owns. The
-- owner policies of 0005 check `user_id` alone, so through PostgREST a user could
-- attach a row of their own to somebody else's application id: nothing would leak,
-- but it would store junk and tell whether that id exists. Reading stays as it was.

drop policy cvs_owner on public.cvs;
create policy cvs_owner on public.cvs for all to authenticated
  using (user_id = (select auth.uid()))
  with check (
    user_id = (select auth.uid())
    and exists (select 1 from public.applications a
                where a.id = application_id and a.user_id = (select auth.uid()))
  );

drop policy cover_letters_owner on public.cover_letters;
create policy cover_letters_owner on public.cover_letters for all to authenticated
  using (user_id = (select auth.uid()))
  with check (
    user_id = (select auth.uid())
    and exists (select 1 from public.applications a
                where a.id = application_id and a.user_id = (select auth.uid()))
    and exists (select 1 from public.cvs c
                where c.id = cv_id and c.user_id = (select auth.uid()))
  );

drop policy communications_owner on public.communications;
create policy communications_owner on public.communications for all to authenticated
  using (user_id = (select auth.uid()))
  with check (
    user_id = (select auth.uid())
    and exists (select 1 from public.applications a
                where a.id = application_id and a.user_id = (select auth.uid()))
  );

drop policy action_points_owner on public.action_points;
create policy action_points_owner on public.action_points for all to authenticated
  using (user_id = (select auth.uid()))
  with check (
    user_id = (select auth.uid())
    and exists (select 1 from public.applications a
                where a.id = application_id and a.user_id = (select auth.uid()))
  );

-- An application may only point at the user's own resume, job and job offer.
drop policy applications_owner on public.applications;
create policy applications_owner on public.applications for all to authenticated
  using (user_id = (select auth.uid()))
  with check (
    user_id = (select auth.uid())
    and (resume_id is null or exists (select 1 from public.resumes r
         where r.id = resume_id and r.user_id = (select auth.uid())))
    and (job_id is null or exists (select 1 from public.jobs j
         where j.id = job_id and j.user_id = (select auth.uid())))
    and (job_offer_id is null or exists (select 1 from public.job_offers o
         where o.id = job_offer_id and o.user_id = (select auth.uid())))
  );
