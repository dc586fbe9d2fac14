-- KEYS[1] = queue stream, KEYS[2..] = dedupe keys; ARGV[1] = dedupe TTL in ms,
-- ARGV[2..] = payloads (ARGV[i] belongs to KEYS[i]).
-- Claiming the dedupe key and adding the job happen in one script, so a key can never be
-- claimed without its job being enqueued. A key repeated within the batch counts once.
local out = {}
for i = 2, #KEYS do
  if redis.call('SET', KEYS[i], '1', 'NX', 'PX', ARGV[1]) then
    redis.call('XADD', KEYS[1], '*', 'p', ARGV[i])
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
return out
