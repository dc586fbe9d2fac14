-- KEYS[1] = queue stream; ARGV[1] = entry id. Ack and delete: the payload must not linger.
redis.pcall('XACK', KEYS[1], 'asli', ARGV[1])
redis.call('XDEL', KEYS[1], ARGV[1])
return 1
