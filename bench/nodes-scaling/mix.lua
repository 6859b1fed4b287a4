-- wrk script of bench/nodes-scaling.sh: through an AAM node's proxy, WRITE_EVERY-th request a POST of a new item
-- (its op id unique across threads, nodes and runs: the node's tag, the thread, a counter), the others a GET of one of
-- the 100 seeded items. WRITE_EVERY=0: reads only.
local every = tonumber(os.getenv("WRITE_EVERY") or "5")
local tag = os.getenv("RUN_TAG") or "run"
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local n = 0
function request()
  n = n + 1
  if every > 0 and n % every == 0 then
    local op = tag .. "-" .. tostring(tid) .. "-" .. n
    local body = '{"name":"bench ' .. op .. '","email":"bench@example.com","company":"Bench","city":"Lyon",'
      .. '"country":"FR","amount":12.5,"status":"active"}'
    return wrk.format("POST", "/proxy/bench_rest/items",
      { ["Content-Type"] = "application/json", ["X-Gauntlet-Op-Id"] = op }, body)
  end
  return wrk.format("GET", "/proxy/bench_rest/items/item_" .. ((n % 100) + 1))
end

-- Answers by status, per thread, summed in done() and written to STATUS_FILE (one "status count" line each).
statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

local all = {}
local setup_inner = setup
function setup(thread)
  setup_inner(thread)
  table.insert(all, thread)
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(all) do
    for status, n in pairs(t:get("statuses")) do total[status] = (total[status] or 0) + n end
  end
  local file = os.getenv("STATUS_FILE")
  if file then
    local f = io.open(file, "w")
    for status, n in pairs(total) do f:write(status, " ", n, "\n") end
    f:close()
  end
end
