"""The Python peer of the read-path benchmark (scripts/bench-api, issue 12).

`GET /jobs/{id}` of the contract in FastAPI + asyncpg, written the way a careful Python
service would: the same Supabase HS256 token check (PyJWT), the same RLS transaction
(claims, role `authenticated`, the job, its latest complete run, commit), the same
`{data,error}` envelope, orjson for the answer. Run with uvicorn (uvloop, httptools):

    DATABASE_URL=... SUPABASE_JWT_SECRET=... uvicorn fastapi_peer:app --workers 2

It exists to be measured side by side with the gateway in one run; it is not product code.
"""
import os
import uuid

import asyncpg
import jwt
import orjson
from fastapi import FastAPI, Request
from fastapi.responses import ORJSONResponse

DSN = os.environ["DATABASE_URL"]
SECRET = os.environ["SUPABASE_JWT_SECRET"]

app = FastAPI(default_response_class=ORJSONResponse, openapi_url=None, docs_url=None)

JOB = """select id, user_id, resume_id, title, company, job_description, job_url, fetched_url,
         parsed_json, custom_instructions, resume_lang, jd_lang, desired_output_lang,
         status::text as status, error, run_count, created_at, updated_at
         from jobs where id = $1 and user_id = $2"""
RUN = """select id, job_id, resume_id, resume_version_id, run_no, score, detected_resume_lang,
         detected_jd_lang, output_lang, report_json, preview_md, change_log, matches,
         token_usage, created_at
         from optimizations where job_id = $1 and user_id = $2 and status = 'complete'
         order by run_no desc limit 1"""


async def init_connection(conn):
    await conn.set_type_codec("jsonb", encoder=lambda v: orjson.dumps(v).decode(),
                              decoder=orjson.loads, schema="pg_catalog")


@app.on_event("startup")
async def startup():
    app.state.pool = await asyncpg.create_pool(DSN, min_size=4, max_size=16, init=init_connection)


def error(status, code, message):
    return ORJSONResponse({"data": None, "error": {"code": code, "message": message}},
                          status_code=status)


def plain(row):
    out = dict(row)
    for k, v in out.items():
        if isinstance(v, uuid.UUID):
            out[k] = str(v)
        elif hasattr(v, "isoformat"):
            out[k] = v.isoformat()
    return out


@app.get("/jobs/{job_id}")
async def get_job(job_id: str, request: Request):
    auth = request.headers.get("authorization", "")
    if not auth.lower().startswith("bearer "):
        return error(401, "unauthorized", "missing bearer token")
    try:
        claims = jwt.decode(auth[7:], SECRET, algorithms=["HS256"], audience="authenticated")
        user_id = uuid.UUID(claims["sub"])
    except Exception as e:  # noqa: BLE001 - any bad token is a 401
        return error(401, "unauthorized", str(e))
    try:
        job_uuid = uuid.UUID(job_id)
    except ValueError:
        return error(400, "bad_request", "id is not a valid id")
    async with app.state.pool.acquire() as conn:
        async with conn.transaction():
            await conn.execute("select set_config('request.jwt.claims', $1, true)",
                               orjson.dumps(claims).decode())
            await conn.execute("set local role authenticated")
            job = await conn.fetchrow(JOB, job_uuid, user_id)
            if job is None:
                return error(404, "not_found", "no such job")
            run = await conn.fetchrow(RUN, job_uuid, user_id)
    data = plain(job)
    data["result"] = plain(run) if run is not None else None
    data["progress"] = None
    return {"data": data, "error": None}
