-- wrk's own summary stops at p99; bench/api.py reads p99.9 from here (microseconds).
done = function(summary, latency, requests)
  io.write(string.format("p99.9=%dus\n", latency:percentile(99.9)))
end
