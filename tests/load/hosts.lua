-- Pages of many tenants: GET each line "host path" of $LOAD_PATHS in turn, with its Host header
-- (threads start at different places).
dofile(os.getenv("LOAD_SCRIPTS") .. "/report.lua")

local targets, i

function init(args)
   targets = {}
   for _, line in ipairs(lines_of(os.getenv("LOAD_PATHS"))) do
      local host, path = line:match("^(%S+)%s+(%S+)$")
      table.insert(targets, { host = host, path = path })
   end
   i = tid * 7919
end

function request()
   i = i + 1
   local t = targets[(i % #targets) + 1]
   return wrk.format("GET", t.path, { Host = t.host })
end
