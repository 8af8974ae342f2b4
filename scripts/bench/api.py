#!/usr/bin/env python3
"""The read-path load benchmark (issue 12), run by scripts/bench-api; see there.

Seeds a fresh database (seed_read_path.sql: 100 users, 10,000 jobs, 1-3 runs each), mints
each user's token, starts a Temporal dev server (in memory; POST /jobs starts workflows no
worker takes) and the release gateway, then drives each route with wrk at fixed
concurrency: GET /jobs/{id}, GET /jobs?limit=20, GET /resumes/{id}, POST /jobs (text), every
request a random item and its owner's token. Then the same GET /jobs/{id} on the Python peer
(fastapi_peer.py, 2 uvicorn workers) in the same run. Prints one table: requests/s, p50,
p99 and server CPU per request (user + system time of the server's processes over the
run, from /proc), and the gateway's peak RSS.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid

import jwt  # PyJWT, installed in the benchmark's virtualenv

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BENCH = os.path.join(ROOT, "scripts", "bench")
SECONDS = int(os.environ.get("BENCH_SECONDS", "20"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "64"))
ADMIN_URL = os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
TICKS = os.sysconf("SC_CLK_TCK")
CHILDREN = []


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def db_url(name):
    base, _, _ = ADMIN_URL.rpartition("/")
    return f"{base}/{name}"


def psql(url, *args):
    subprocess.run(["psql", "-q", "-X", url, *args], check=True, stdout=subprocess.DEVNULL)


def cpu_seconds(pids):
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / TICKS
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def tree(pid):
    """The process and its children (uvicorn's workers), by parent pid."""
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [pid] + [int(p) for p in out.stdout.split()]


def start(cmd, env, log):
    p = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    CHILDREN.append(p)
    return p


def wait_http(url, proc, what, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"{what} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status < 500:
                    return
        except urllib.error.HTTPError as e:
            if e.code < 500:
                return
        except Exception:  # noqa: BLE001 - not up yet
            pass
        time.sleep(0.2)
    sys.exit(f"{what} did not answer {url} within {timeout} s")


def wrk(base_url, requests_file, pids):
    env = dict(os.environ, BENCH_REQUESTS=requests_file)
    before = cpu_seconds(pids)
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency",
         "-s", os.path.join(BENCH, "requests.lua"), base_url],
        env=env, capture_output=True, text=True, check=True)
    cpu = cpu_seconds(pids) - before
    line = next(l for l in out.stdout.splitlines() if l.startswith("BENCH_RESULT "))
    r = json.loads(line[len("BENCH_RESULT "):])
    r["rps"] = r["requests"] / r["seconds"]
    r["cpu_ms_per_request"] = cpu * 1000 / max(r["requests"], 1)
    r["bytes_per_request"] = r["bytes"] / max(r["requests"], 1)
    return r


def main():
    work = tempfile.mkdtemp(prefix="sr-bench-api-")
    name = f"smartresume_bench_{os.getpid()}"
    url = db_url(name)
    secret = "bench-secret-" + uuid.uuid4().hex
    psql(ADMIN_URL, "-c", f"create database {name}")
    try:
        run(work, name, url, secret)
    finally:
        for p in CHILDREN:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        subprocess.run(["psql", "-q", "-X", ADMIN_URL, "-c", f"drop database if exists {name} with (force)"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(work, ignore_errors=True)


def run(work, name, url, secret):
    release = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release")
    env = dict(os.environ, DATABASE_URL=url, RUST_LOG="warn")
    subprocess.run([os.path.join(release, "smartresume-admin"), "db-setup", "--local-bootstrap"],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    print(f"seeding {name} (100 users, 10,000 jobs, 1-3 runs each)", file=sys.stderr)
    psql(url, "-f", os.path.join(BENCH, "seed_read_path.sql"))

    now = int(time.time())
    def token(u):
        sub = f"00000000-0000-4000-8000-{u:012x}"
        return jwt.encode({"sub": sub, "role": "authenticated", "aud": "authenticated",
                           "email": f"bench{u}@example.com", "iat": now, "exp": now + 3600},
                          secret, algorithm="HS256")
    tokens = {u: token(u) for u in range(1, 101)}
    files = {}
    def write(kind, lines):
        path = os.path.join(work, kind + ".tsv")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        files[kind] = path
    write("get_job", [f"GET\t/jobs/00000000-0000-4000-b000-{n:012x}\t{tokens[(n - 1) // 100 + 1]}"
                      for n in range(1, 10001)])
    write("list_jobs", [f"GET\t/jobs?limit=20\t{tokens[u]}" for u in range(1, 101)])
    # The floor: no token check, no database, the smallest answer — what the runtime, hyper
    # and the kernel's TCP cost per request on this machine.
    write("livez", [f"GET\t/livez\t{tokens[1]}"])
    write("get_resume", [f"GET\t/resumes/00000000-0000-4000-9000-{u:012x}\t{tokens[u]}" for u in range(1, 101)])
    jd = ("We are hiring a senior backend engineer to design, build and operate services in Rust "
          "and Postgres, own their reliability and mentor the team. ") * 3
    write("create_job", [
        f"POST\t/jobs\t{tokens[u]}\t" + json.dumps({
            "resume_id": f"00000000-0000-4000-9000-{u:012x}", "title": "Senior Backend Engineer",
            "job_description": jd})
        for u in range(1, 101)])

    temporal_port = free_port()
    temporal = start([os.environ.get("TEMPORAL_CLI", "temporal"), "server", "start-dev", "--headless",
                      "--port", str(temporal_port), "--http-port", str(free_port()),
                      "--metrics-port", str(free_port()), "--log-level", "error"]
                     + dev_server_args(), os.environ, open(os.path.join(work, "temporal.log"), "w"))
    gw_port = free_port()
    gw_env = dict(os.environ, DATABASE_URL=url, TEMPORAL_ADDRESS=f"127.0.0.1:{temporal_port}",
                  SUPABASE_JWT_SECRET=secret, SMARTRESUME_BIND=f"127.0.0.1:{gw_port}",
                  SMARTRESUME_PUBLIC_URL=f"http://127.0.0.1:{gw_port}",
                  SMARTRESUME_BLOB_DIR=os.path.join(work, "blobs"),
                  SMARTRESUME_RUN_MIGRATIONS="false", SMARTRESUME_RATE_LIMIT_PER_MINUTE="0",
                  SMARTRESUME_TASK_QUEUE="bench-api-unpolled",
                  SMARTRESUME_LOG_FORMAT="json", RUST_LOG=os.environ.get("BENCH_RUST_LOG", "info"))
    gateway = start([os.path.join(release, "gateway")], gw_env, open(os.path.join(work, "gateway.log"), "w"))
    base = f"http://127.0.0.1:{gw_port}"
    wait_http(base + "/livez", gateway, "the gateway")
    wait_http(base + "/health", gateway, "the gateway (with Temporal)")
    time.sleep(1)

    results = []
    routes = [("get_job", "GET /jobs/{id}"), ("list_jobs", "GET /jobs?limit=20"),
              ("get_resume", "GET /resumes/{id}"), ("create_job", "POST /jobs (text)"),
              ("livez", "GET /livez (floor: no auth, no database)")]
    only = [k for k in os.environ.get("BENCH_ROUTES", "").split(",") if k]
    if only:
        routes = [r for r in routes if r[0] in only or r[0] == "get_job"]
    for kind, route in routes:
        print(f"gateway: {route}, {SECONDS} s", file=sys.stderr)
        perf = None
        if os.environ.get("BENCH_PERF") and kind == "get_job":
            # Where the gateway's CPU goes on the read path: a sampled profile of the run.
            perf = subprocess.Popen(["perf", "record", "-F", "999", "-g", "-p", str(gateway.pid),
                                     "-o", os.environ["BENCH_PERF"], "--", "sleep", str(SECONDS - 2)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        results.append(("this gateway", route, wrk(base, files[kind], [gateway.pid])))
        if perf is not None:
            perf.wait()
    gateway_peak = peak_rss_mib(gateway.pid)
    os.killpg(gateway.pid, signal.SIGKILL)
    gateway.wait()
    os.killpg(temporal.pid, signal.SIGKILL)
    temporal.wait()

    peer_port = free_port()
    peer_env = dict(os.environ, DATABASE_URL=url, SUPABASE_JWT_SECRET=secret)
    peer = start([sys.executable, "-m", "uvicorn", "fastapi_peer:app", "--app-dir", BENCH,
                  "--host", "127.0.0.1", "--port", str(peer_port), "--workers", "2",
                  "--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "warning"],
                 peer_env, open(os.path.join(work, "peer.log"), "w"))
    peer_base = f"http://127.0.0.1:{peer_port}"
    wait_http(peer_base + "/jobs/x", peer, "the FastAPI peer")
    time.sleep(2)
    print(f"FastAPI peer: GET /jobs/{{id}}, {SECONDS} s", file=sys.stderr)
    results.append(("FastAPI + asyncpg (2 uvicorn workers)", "GET /jobs/{id}",
                    wrk(peer_base, files["get_job"], tree(peer.pid))))

    print(f"\nwrk -t2 -c{CONNECTIONS} -d{SECONDS}s, random item and its owner's token per request\n")
    print("| server | route | requests/s | p50 | p99 | CPU per request | answer | non-2xx |")
    print("|---|---|---|---|---|---|---|---|")
    for server, route, r in results:
        print(f"| {server} | `{route}` | {r['rps']:,.0f} | {r['p50_ms']:.1f} ms | {r['p99_ms']:.1f} ms "
              f"| {r['cpu_ms_per_request']:.3f} ms | {r['bytes_per_request'] / 1024:.1f} KiB | {r['non_2xx'] + r['socket_errors']} |")
    ours = results[0][2]
    peer = results[-1][2]
    print(f"\nGET /jobs/{{id}}: {ours['rps'] / peer['rps']:.2f}x the peer's requests/s, "
          f"{peer['cpu_ms_per_request'] / ours['cpu_ms_per_request']:.2f}x less CPU per request; "
          f"gateway peak RSS {gateway_peak:.0f} MiB")
    print("BENCH_API " + json.dumps({"results": [dict(server=s, route=rt, **r) for s, rt, r in results],
                                     "gateway_peak_rss_mib": gateway_peak}))
    bad = [f"{s} {rt}" for s, rt, r in results if r["non_2xx"] + r["socket_errors"] > 0]
    if bad:
        sys.exit("errors during the run: " + ", ".join(bad))


def dev_server_args():
    args = []
    for file, flag in [("search-attributes.txt", "--search-attribute"),
                       ("dev-server.flags", "--dynamic-config-value")]:
        path = os.path.join(ROOT, "temporal-config", file)
        if os.path.exists(path):
            for line in open(path):
                line = line.strip()
                if line and not line.startswith("#"):
                    args += [flag, line]
    return args


if __name__ == "__main__":
    main()
