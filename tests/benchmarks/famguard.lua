-- wrk script of the FamGuard benchmarks: one connection per thread (-t N -c N), each thread with
-- its own line of the plan file FG_PLAN ("token teen_id etag"), so each connection is one
-- guardian working on one teen. FG_MODE: health | get | patch | me | usage (a teen's phone posting
-- usage reports: the plan's token is the teen's). A PATCH sends the ETag of
-- its previous answer as If-Match and alternates the daily limit, so every PATCH really writes.
-- done() prints one line "FGRESULT <json>" for the harness.
local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  local lines = {}
  for line in io.lines(os.getenv("FG_PLAN")) do
    table.insert(lines, line)
  end
  local line = lines[(id % #lines) + 1]
  token, teen, etag = line:match("(%S+) (%S+) (%S+)")
  mode = os.getenv("FG_MODE")
  n = 0
  bad = 0
end

function request()
  if mode == "health" then
    return wrk.format("GET", "/v1/health")
  end
  local headers = { ["Authorization"] = "Bearer " .. token }
  if mode == "get" then
    return wrk.format("GET", "/v1/teens/" .. teen .. "/controls", headers)
  end
  if mode == "me" then
    return wrk.format("GET", "/v1/me", headers)
  end
  n = n + 1
  if mode == "usage" then -- the plan's token is a teen's: its phone reports today's minutes
    headers["Content-Type"] = "application/json"
    local body = '{"date":"' .. os.date("!%Y-%m-%d") .. '","minutes":' .. (n % 1440) .. '}'
    return wrk.format("POST", "/v1/me/usage", headers, body)
  end
  headers["If-Match"] = etag
  headers["Content-Type"] = "application/json"
  local body = '{"daily_limit_minutes":' .. (60 + (n % 2) * 30) .. '}'
  return wrk.format("PATCH", "/v1/teens/" .. teen .. "/controls", headers, body)
end

function response(status, headers, body)
  local tag = headers["etag"] or headers["ETag"]
  if tag then
    etag = tag
  end
  if status ~= 200 then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local bad_total = 0
  for _, thread in ipairs(threads) do
    bad_total = bad_total + (thread:get("bad") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'FGRESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"socket_errors": %d, "not_200": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect + e.read + e.write + e.timeout, bad_total))
end
