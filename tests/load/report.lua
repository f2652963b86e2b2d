-- Shared by the load scripts (loaded with dofile): counts the answers of each thread by class
-- and prints, when wrk is done, one line the harness reads:
-- RESULT requests=... seconds=... rps=... p50_ms=... p99_ms=... ok=... conflict=... other=... socket=...

local threads = {}

function setup(thread)
   thread:set("tid", #threads)
   table.insert(threads, thread)
end

ok, conflict, other = 0, 0, 0

function response(status, headers, body)
   if status >= 200 and status < 300 then
      ok = ok + 1
   elseif status == 409 then
      conflict = conflict + 1
   else
      other = other + 1
      if other <= 3 then
         io.stderr:write(string.format("answer %d: %s\n", status, string.sub(body or "", 1, 300)))
      end
   end
end

function done(summary, latency, requests)
   local n_ok, n_conflict, n_other = 0, 0, 0
   for _, t in ipairs(threads) do
      n_ok = n_ok + t:get("ok")
      n_conflict = n_conflict + t:get("conflict")
      n_other = n_other + t:get("other")
   end
   local e = summary.errors
   local seconds = summary.duration / 1e6
   io.write(string.format(
      "RESULT requests=%d seconds=%.2f rps=%.1f p50_ms=%.2f p99_ms=%.2f ok=%d conflict=%d other=%d socket=%d\n",
      summary.requests, seconds, summary.requests / seconds,
      latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      n_ok, n_conflict, n_other, e.connect + e.read + e.write + e.timeout))
end

-- The lines of a file, without empty ones.
function lines_of(path)
   local out = {}
   local f = assert(io.open(path, "r"), "cannot read " .. tostring(path))
   for line in f:lines() do
      if line ~= "" then table.insert(out, line) end
   end
   f:close()
   return out
end
