-- wrk script of the load benchmark (tools/bench/load): replays a file of
-- request paths, one a line, in a cycle, over keep-alive connections.
--
--   wrk -t2 -c32 -d20s --timeout 10s -s tools/bench/replay.lua http://127.0.0.1:PORT -- PATHS_FILE
--
-- Each wrk thread starts at its own place in the file. done() prints one
-- machine-readable line: RESULT requests=... rps=... p50_ms=... p99_ms=...

local threads = {}

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

local paths = {}
local next_index = 0

function init(args)
  local file = args[1]
  if file == nil then
    error("give the file of request paths after --")
  end
  for line in io.lines(file) do
    if #line > 0 then
      paths[#paths + 1] = line
    end
  end
  if #paths == 0 then
    error("no request paths in " .. file)
  end
  -- Pistache keeps a connection open only when the client asks (platform.md A2.3).
  wrk.headers["Connection"] = "keep-alive"
  -- The second thread (-t2) starts half the file apart from the first.
  next_index = ((thread_index or 0) * math.floor(#paths / 2)) % #paths
end

function request()
  next_index = next_index + 1
  if next_index > #paths then
    next_index = 1
  end
  return wrk.format("GET", paths[next_index])
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f non2xx=%d socket_errors=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end
