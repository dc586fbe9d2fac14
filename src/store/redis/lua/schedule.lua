-- KEYS[1] = delayed zset, KEYS[2] = delayed payload hash; ARGV = due ms, job id, payload.
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
return 1
