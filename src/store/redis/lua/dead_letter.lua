-- KEYS[1] = queue stream, KEYS[2] = dead-letter stream.
-- ARGV = entry id, payload, error, unix seconds. Returns the dead letter's id.
redis.pcall('XACK', KEYS[1], 'asli', ARGV[1])
redis.call('XDEL', KEYS[1], ARGV[1])
return redis.call('XADD', KEYS[2], '*', 'p', ARGV[2], 'e', ARGV[3], 'at', ARGV[4])
