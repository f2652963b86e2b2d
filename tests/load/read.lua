-- Reads: GET each path of $LOAD_PATHS in turn (threads start at different places), with the
-- session cookie $LOAD_COOKIE when set (the inbox) and without (the public lookup).
dofile(os.getenv("LOAD_SCRIPTS") .. "/report.lua")

local paths, i, headers

function init(args)
   paths = lines_of(os.getenv("LOAD_PATHS"))
   i = tid * 7919
   headers = {}
   local cookie = os.getenv("LOAD_COOKIE")
   if cookie and cookie ~= "" then headers["Cookie"] = cookie end
end

function request()
   i = i + 1
   return wrk.format("GET", paths[(i % #paths) + 1], headers)
end
