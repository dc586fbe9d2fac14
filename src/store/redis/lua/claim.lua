-- KEYS[1] = queue stream, KEYS[2] = delayed zset, KEYS[3] = delayed payload hash.
-- ARGV[1] = now (ms), ARGV[2] = consumer, ARGV[3] = lease (ms).
-- Returns {id, payload, deliveries} or false.
local stream, delayed, payloads = KEYS[1], KEYS[2], KEYS[3]
local now, consumer, lease = ARGV[1], ARGV[2], ARGV[3]

-- Delayed jobs whose time has come join the stream (bounded per call to keep it short).
local due = redis.call('ZRANGEBYSCORE', delayed, '-inf', now, 'LIMIT', 0, 100)
for _, id in ipairs(due) do
  local p = redis.call('HGET', payloads, id)
  if p then
    redis.call('XADD', stream, '*', 'p', p)
  end
  redis.call('ZREM', delayed, id)
  redis.call('HDEL', payloads, id)
end

-- The group may be missing (fresh server, data lost): create it idempotently, from the start
-- of the stream so nothing already enqueued is skipped.
redis.pcall('XGROUP', 'CREATE', stream, 'asli', '0', 'MKSTREAM')

local fresh = redis.call('XREADGROUP', 'GROUP', 'asli', consumer, 'COUNT', 1, 'STREAMS', stream, '>')
if fresh and fresh[1] and #fresh[1][2] > 0 then
  local entry = fresh[1][2][1]
  return {entry[1], entry[2][2], 1}
end

-- Nothing new: take over the oldest entry some consumer held longer than the lease.
for _ = 1, 5 do
  local pending = redis.call('XPENDING', stream, 'asli', 'IDLE', lease, '-', '+', 1)
  if #pending == 0 then
    return false
  end
  local id, deliveries = pending[1][1], pending[1][4]
  local claimed = redis.call('XCLAIM', stream, 'asli', consumer, lease, id)
  if claimed[1] and type(claimed[1]) == 'table' and claimed[1][2] then
    return {id, claimed[1][2][2], deliveries + 1}
  end
  -- The entry is gone (deleted under us): drop it from the pending list and look again.
  redis.call('XACK', stream, 'asli', id)
end
return false
