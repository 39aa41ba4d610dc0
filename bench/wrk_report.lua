-- wrk's done() hook: the figures of one run as one JSON line, for bench/http.py.
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "seconds": %.3f, "rps": %.2f, "p50_ms": %.3f, ' ..
    '"p95_ms": %.3f, "p99_ms": %.3f, "socket_errors": %d, "bad_status": %d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    errors.connect + errors.read + errors.write + errors.timeout, errors.status))
end
