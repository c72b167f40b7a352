-- wrk's own summary stops at p99; bench/api.py also reads these (microseconds).
done = function(summary, latency, requests)
  for _, p in ipairs({ 90, 95, 97, 98, 99.5, 99.9 }) do
    io.write(string.format("p%g=%dus\n", p, latency:percentile(p)))
  end
  io.write(string.format("max=%dus\n", latency.max))
end
