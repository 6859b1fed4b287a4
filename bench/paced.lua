-- wrk script: each connection waits WRK_THINK_MS (default 5 in farm-throughput.sh) milliseconds after an answer before its next request,
-- so the offered rate is about connections * 1000 / (think + latency) and stays below the server's peak.
-- wrk measures latency from the moment a request is written, so the think time is not counted.
local think = tonumber(os.getenv("WRK_THINK_MS") or "5")
function delay()
  return think
end
