-- Shared by the inbox scripts (prepended to each). Every script works on ONE shard: ARGV[1]
-- is its key prefix `asli:{in:N}:`, and KEYS[1] (a key of that shard) routes it to the node
-- holding the shard's hash slot. Keys of the shard:
--   seq (counter of job ids), jobs (hash id -> payload), jgrp (hash id -> group),
--   deliv (hash id -> deliveries), g:<group> (list of the group's ready job ids, head first;
--   the head may be in flight), ready (list of groups whose head is ready and not in flight),
--   inflight (zset group -> lease end, ms), delayed (zset id -> due, ms), dead (stream of
--   dead letters), d:<key> (dedupe keys), s:<name> (state keys of the shard's groups).
-- Invariant: a group is in `ready` exactly when its list is non-empty and it is not in
-- flight; an in-flight group's list is never empty.
local P = ARGV[1]

local function push_ready(id, group)
  if redis.call('RPUSH', P .. 'g:' .. group, id) == 1 then
    redis.call('RPUSH', P .. 'ready', group)
  end
end

local function place(group, payload, due, now)
  local id = redis.call('INCR', P .. 'seq')
  redis.call('HSET', P .. 'jobs', id, payload)
  redis.call('HSET', P .. 'jgrp', id, group)
  if tonumber(due) > tonumber(now) then
    redis.call('ZADD', P .. 'delayed', due, id)
  else
    push_ready(id, group)
  end
  return id
end

-- A job given as (dedupe key or '', dedupe ttl ms, group, due ms or 0, payload): 1 when
-- enqueued, 0 when its dedupe key was seen.
local function insert_job(dkey, dttl, group, due, payload, now)
  if dkey ~= '' then
    if not redis.call('SET', P .. 'd:' .. dkey, '1', 'NX', 'PX', dttl) then
      return 0
    end
  end
  place(group, payload, due, now)
  return 1
end
