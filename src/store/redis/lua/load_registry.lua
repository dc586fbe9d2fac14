-- KEYS[1] = version, KEYS[2] = officials hash. One consistent read: {version, jsons}.
return {tonumber(redis.call('GET', KEYS[1]) or '0'), redis.call('HVALS', KEYS[2])}
