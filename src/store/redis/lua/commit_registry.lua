-- KEYS[1] = version, KEYS[2] = officials hash, KEYS[3] = audit list.
-- ARGV[1] = expected version, ARGV[2] = n puts, then n (id, json) pairs, then audit entries.
-- Returns {1, new version} or {0, current version} when the version moved (nothing written).
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current ~= tonumber(ARGV[1]) then
  return {0, current}
end
local n = tonumber(ARGV[2])
for i = 0, n - 1 do
  redis.call('HSET', KEYS[2], ARGV[3 + 2 * i], ARGV[4 + 2 * i])
end
for i = 3 + 2 * n, #ARGV do
  redis.call('RPUSH', KEYS[3], ARGV[i])
end
return {1, redis.call('INCR', KEYS[1])}
