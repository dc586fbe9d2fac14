-- ARGV[1] = shard prefix, ARGV[2] = now (ms), ARGV[3] = job id, ARGV[4] = its group,
-- ARGV[5] = outcome ('done', 'retry', 'dead'), ARGV[6], ARGV[7] = for 'retry' payload and due
-- (ms), for 'dead' payload and error, ARGV[8] = now (unix seconds), ARGV[9] = n state
-- writes, then n writes of 4 values (op 'put'|'del'|'incr', name, value, ttl ms), then
-- follow-up jobs of 5 values each (as in enqueue.lua).
-- Returns {1, dead letter id or false}, or {0, false} when the job is no longer held.
local now, id, group, outcome = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local list = P .. 'g:' .. group
if redis.call('LINDEX', list, 0) ~= id or not redis.call('ZSCORE', P .. 'inflight', group) then
  return {0, false}
end
redis.call('LPOP', list)
redis.call('HDEL', P .. 'jobs', id)
redis.call('HDEL', P .. 'jgrp', id)
redis.call('HDEL', P .. 'deliv', id)
redis.call('ZREM', P .. 'inflight', group)
if redis.call('LLEN', list) > 0 then
  redis.call('RPUSH', P .. 'ready', group)
end

local dead = false
if outcome == 'retry' then
  place(group, ARGV[6], ARGV[7], now)
elseif outcome == 'dead' then
  dead = redis.call('XADD', P .. 'dead', '*', 'p', ARGV[6], 'e', ARGV[7], 't', ARGV[8], 'g', group)
end

local i = 10
for _ = 1, tonumber(ARGV[9]) do
  local op, key, value, ttl = ARGV[i], P .. 's:' .. ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  if op == 'put' then
    redis.call('SET', key, value, 'PX', ttl)
  elseif op == 'del' then
    redis.call('DEL', key)
  else
    if redis.call('INCR', key) == 1 or redis.call('PTTL', key) < 0 then
      redis.call('PEXPIRE', key, ttl)
    end
  end
  i = i + 4
end
while i <= #ARGV do
  insert_job(ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], now)
  i = i + 5
end
return {1, dead}
