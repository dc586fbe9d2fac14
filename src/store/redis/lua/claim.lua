-- ARGV[1] = shard prefix, ARGV[2] = now (ms), ARGV[3] = lease (ms).
-- Returns {id, payload, deliveries, group} or false.
local now = tonumber(ARGV[2])

-- Delayed jobs whose time has come join their groups (bounded per call to keep it short).
for _, id in ipairs(redis.call('ZRANGEBYSCORE', P .. 'delayed', '-inf', now, 'LIMIT', 0, 100)) do
  redis.call('ZREM', P .. 'delayed', id)
  local group = redis.call('HGET', P .. 'jgrp', id)
  if group then
    push_ready(id, group)
  end
end

-- Groups whose holder's lease ran out are handed out again, first.
for _, group in ipairs(redis.call('ZRANGEBYSCORE', P .. 'inflight', '-inf', now, 'LIMIT', 0, 100)) do
  redis.call('ZREM', P .. 'inflight', group)
  redis.call('LPUSH', P .. 'ready', group)
end

while true do
  local group = redis.call('LPOP', P .. 'ready')
  if not group then
    return false
  end
  local id = redis.call('LINDEX', P .. 'g:' .. group, 0)
  if id then
    redis.call('ZADD', P .. 'inflight', now + tonumber(ARGV[3]), group)
    local deliveries = redis.call('HINCRBY', P .. 'deliv', id, 1)
    return {id, redis.call('HGET', P .. 'jobs', id), deliveries, group}
  end
end
