-- wrk script of scripts/bench-api: each request is a random line of the file named by
-- BENCH_REQUESTS ("METHOD<TAB>PATH<TAB>TOKEN[<TAB>JSON BODY]": a job, list or resume and
-- its owner's token), and at the end one JSON line with the figures.
local lines = {}

function init(args)
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    local method, path, token, body = line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)\t?(.*)$")
    local headers = { ["Authorization"] = "Bearer " .. token }
    if body ~= nil and body ~= "" then
      headers["Content-Type"] = "application/json"
    else
      body = nil
    end
    lines[#lines + 1] = wrk.format(method, path, headers, body)
  end
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
  return lines[math.random(#lines)]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "seconds": %.3f, "bytes": %d, "non_2xx": %d, "socket_errors": %d, ' ..
    '"p50_ms": %.2f, "p90_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f}\n',
    summary.requests, summary.duration / 1e6, summary.bytes, e.status,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
