-- KEYS[1] = queue stream, KEYS[2] = delayed zset, KEYS[3] = dead-letter stream.
-- Returns {entries in the stream, pending (in flight), delayed, dead}.
local pending = 0
local summary = redis.pcall('XPENDING', KEYS[1], 'asli')
if type(summary) == 'table' and summary[1] then
  pending = summary[1]
end
return {redis.call('XLEN', KEYS[1]), pending, redis.call('ZCARD', KEYS[2]), redis.call('XLEN', KEYS[3])}
