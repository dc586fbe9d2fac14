-- KEYS[1] = queue stream, KEYS[2] = delayed zset, KEYS[3] = delayed payload hash.
-- ARGV = entry id, due ms, new delayed id, payload.
redis.pcall('XACK', KEYS[1], 'asli', ARGV[1])
redis.call('XDEL', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('HSET', KEYS[3], ARGV[3], ARGV[4])
return 1
