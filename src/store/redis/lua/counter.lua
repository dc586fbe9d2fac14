-- KEYS[1] = counter; ARGV[1] = window in ms. Fixed window: only a new counter gets a TTL
-- (a counter somehow left without one gets it too, so it cannot live forever).
local n = redis.call('INCR', KEYS[1])
if n == 1 or redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return n
