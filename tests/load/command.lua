-- One-stop commands: POST /api/v1/onestop/dossiers/{code}/commands on a pool of dossiers.
--
-- $LOAD_POOL: one dossier a line, "code version". $LOAD_PASSES: one pass a line,
-- "cookie<TAB>csrf<TAB>command JSON": the official who acts and the command. Each wrk thread
-- takes its own share of the pool and gives every dossier of it the first pass's command, then
-- the second's (expected version + 1), and so on, so that every request is a real transition
-- on the version the dossier then has: a dossier's next command comes thousands of requests
-- after its previous one, long after that one was answered.
dofile(os.getenv("LOAD_SCRIPTS") .. "/report.lua")

local mine, passes, i

local function split(line, sep)
   local out = {}
   for part in string.gmatch(line, "([^" .. sep .. "]+)") do table.insert(out, part) end
   return out
end

function init(args)
   local threads = tonumber(os.getenv("LOAD_THREADS") or "2")
   mine = {}
   for k, line in ipairs(lines_of(os.getenv("LOAD_POOL"))) do
      if (k - 1) % threads == tid then
         local f = split(line, " ")
         table.insert(mine, { code = f[1], version = tonumber(f[2]) })
      end
   end
   passes = {}
   for _, line in ipairs(lines_of(os.getenv("LOAD_PASSES"))) do
      local f = split(line, "\t")
      table.insert(passes, { cookie = f[1], csrf = f[2], command = f[3] })
   end
   i = 0
end

function request()
   local pass = math.floor(i / #mine)
   local d = mine[(i % #mine) + 1]
   i = i + 1
   -- Past the last pass the commands are refused (409): the pool was too small for the run.
   local p = passes[math.min(pass, #passes - 1) + 1]
   return wrk.format("POST", "/api/v1/onestop/dossiers/" .. d.code .. "/commands", {
      ["Content-Type"] = "application/json",
      ["Cookie"] = p.cookie,
      ["X-CSRF-Token"] = p.csrf,
   }, string.format('{"expected_version":%d,"command":%s}', d.version + pass, p.command))
end
