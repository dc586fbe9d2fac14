-- ARGV[1] = shard prefix, ARGV[2] = now (ms), then per job 5 values:
-- dedupe key ('' for none), dedupe ttl (ms), group, due (ms, 0 = now), payload.
-- Returns per job 1 (enqueued) or 0 (dedupe key seen).
local now = ARGV[2]
local out = {}
for i = 3, #ARGV, 5 do
  out[#out + 1] = insert_job(ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], now)
end
return out
