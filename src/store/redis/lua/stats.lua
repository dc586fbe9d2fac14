-- ARGV[1] = shard prefix. Returns {jobs, in flight, delayed, dead} of the shard.
local dead = 0
if redis.call('EXISTS', P .. 'dead') == 1 then
  dead = redis.call('XLEN', P .. 'dead')
end
return {
  redis.call('HLEN', P .. 'jobs'),
  redis.call('ZCARD', P .. 'inflight'),
  redis.call('ZCARD', P .. 'delayed'),
  dead,
}
