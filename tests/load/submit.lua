-- Online submission: POST /api/v1/dossiers with the body in $LOAD_SUBMIT_BODY, each request
-- with an Idempotency-Key of its own, so that every request receives a new dossier.
dofile(os.getenv("LOAD_SCRIPTS") .. "/report.lua")

local body, run, n

function init(args)
   local f = assert(io.open(os.getenv("LOAD_SUBMIT_BODY"), "r"))
   body = f:read("*a")
   f:close()
   run = os.getenv("LOAD_RUN_ID") or tostring(os.time())
   n = 0
end

function request()
   n = n + 1
   return wrk.format("POST", "/api/v1/dossiers", {
      ["Content-Type"] = "application/json",
      ["Idempotency-Key"] = string.format("load-%s-%d-%d", run, tid, n),
   }, body)
end
