-- KEYS[1] = index zset of numbers; ARGV = lex start ('-' or '(number'), limit, key prefix.
-- Every incident key shares the {reg} hash tag, so it lives on this node in a cluster too.
-- Returns a flat list: number, reporters, first, last, claimed ids, per incident.
local out = {}
local numbers = redis.call('ZRANGEBYLEX', KEYS[1], ARGV[1], '+', 'LIMIT', 0, ARGV[2])
for _, number in ipairs(numbers) do
  local base = ARGV[3] .. number
  out[#out + 1] = {
    number,
    redis.call('SCARD', base .. ':reporters'),
    tonumber(redis.call('HGET', base, 'first') or '0'),
    tonumber(redis.call('HGET', base, 'last') or '0'),
    redis.call('LRANGE', base .. ':claimed', 0, -1),
  }
end
return out
