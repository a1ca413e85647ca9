-- wrk script of the FamGuard benchmarks: one connection per thread (-t N -c N). The plan file FG_PLAN
-- has FG_PAIRS lines ("token teen_id etag") per connection: connection i takes lines i*FG_PAIRS+1 to
-- (i+1)*FG_PAIRS and goes round them, one request each, so each request is a guardian working on
-- their own teen, and enough pairs keep each account under the service's write budget (120 writes
-- a minute, famguard/server/write_budget.py) in a run. FG_MODE: health | get | patch |
-- me | usage (a teen's phone posting usage reports: the plan's token is the teen's) | patch-keyed
-- (a PATCH with an Idempotency-Key of its own, as the app sends every change). A PATCH sends
-- the ETag of that pair's previous answer as If-Match and alternates the daily limit, so every PATCH
-- really writes. done() prints one line "FGRESULT <json>" for the harness.
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
  local per = tonumber(os.getenv("FG_PAIRS") or "1")
  pairs_of = {}
  for k = 1, per do
    local line = lines[((id * per + k - 1) % #lines) + 1]
    local token, teen, etag = line:match("(%S+) (%S+) (%S+)")
    table.insert(pairs_of, { token = token, teen = teen, etag = etag })
  end
  current = pairs_of[1]
  mode = os.getenv("FG_MODE")
  n = 0
  bad = 0
end

function request()
  if mode == "health" then
    return wrk.format("GET", "/v1/health")
  end
  current = pairs_of[(n % #pairs_of) + 1]
  n = n + 1
  local headers = { ["Authorization"] = "Bearer " .. current.token }
  if mode == "get" then
    return wrk.format("GET", "/v1/teens/" .. current.teen .. "/controls", headers)
  end
  if mode == "me" then
    return wrk.format("GET", "/v1/me", headers)
  end
  if mode == "usage" then -- the plan's token is a teen's: its phone reports today's minutes
    headers["Content-Type"] = "application/json"
    local body = '{"date":"' .. os.date("!%Y-%m-%d") .. '","minutes":' .. (n % 1440) .. '}'
    return wrk.format("POST", "/v1/me/usage", headers, body)
  end
  headers["If-Match"] = current.etag
  headers["Content-Type"] = "application/json"
  if mode == "patch-keyed" then -- a key no other request of the run uses
    headers["Idempotency-Key"] = "wrk-" .. id .. "-" .. n
  end
  -- the pair's own turn decides the value (90, 60, 90…): it differs from the pair's last one
  local turn = math.floor((n - 1) / #pairs_of)
  local body = '{"daily_limit_minutes":' .. (60 + ((turn + 1) % 2) * 30) .. '}'
  return wrk.format("PATCH", "/v1/teens/" .. current.teen .. "/controls", headers, body)
end

function response(status, headers, body)
  local tag = headers["etag"] or headers["ETag"]
  if tag then
    current.etag = tag
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
