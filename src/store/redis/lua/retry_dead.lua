-- KEYS[1] = dead-letter stream, KEYS[2] = queue stream; ARGV[1] = dead letter id.
local found = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #found == 0 then
  return 0
end
local fields = found[1][2]
for i = 1, #fields, 2 do
  if fields[i] == 'p' then
    redis.call('XADD', KEYS[2], '*', 'p', fields[i + 1])
  end
end
redis.call('XDEL', KEYS[1], ARGV[1])
return 1
