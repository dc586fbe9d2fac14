-- ARGV[1] = shard prefix, ARGV[2] = now (ms), ARGV[3] = dead letter stream id.
-- Moves the dead letter back into its group. Returns 1, or 0 when there is no such id.
local entries = redis.call('XRANGE', P .. 'dead', ARGV[3], ARGV[3])
if #entries == 0 then
  return 0
end
local fields = {}
local raw = entries[1][2]
for i = 1, #raw, 2 do
  fields[raw[i]] = raw[i + 1]
end
redis.call('XDEL', P .. 'dead', ARGV[3])
place(fields['g'] or ('legacy:' .. ARGV[3]), fields['p'] or '', 0, ARGV[2])
return 1
