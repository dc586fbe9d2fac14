-- KEYS[1] = incident hash, KEYS[2] = its reporters set, KEYS[3] = its claimed-ids list,
-- KEYS[4] = index zset of numbers. ARGV = number, reporter, unix seconds, claimed ids...
-- Returns {reporters, first, last, claimed ids}.
local at = tonumber(ARGV[3])
redis.call('SADD', KEYS[2], ARGV[2])
local first = tonumber(redis.call('HGET', KEYS[1], 'first') or '')
if not first or at < first then
  first = at
  redis.call('HSET', KEYS[1], 'first', at)
end
local last = tonumber(redis.call('HGET', KEYS[1], 'last') or '')
if not last or at > last then
  last = at
  redis.call('HSET', KEYS[1], 'last', at)
end
for i = 4, #ARGV do
  if not redis.call('LPOS', KEYS[3], ARGV[i]) then
    redis.call('RPUSH', KEYS[3], ARGV[i])
  end
end
redis.call('ZADD', KEYS[4], 0, ARGV[1])
return {redis.call('SCARD', KEYS[2]), first, last, redis.call('LRANGE', KEYS[3], 0, -1)}
