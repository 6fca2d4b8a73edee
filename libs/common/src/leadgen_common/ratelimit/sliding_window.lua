-- One decision over a chain of buckets (an operation bucket, then the caps above it),
-- atomically: a call is admitted only if every bucket in the chain admits it, and then it
-- is recorded in all of them; a denial records nothing anywhere.
--
-- Each bucket is a sliding log (at most `limit` calls in any rolling `window`, exact, like
-- the provider quotas it protects) plus, when `burst` > 0, a GCRA pace (at most `burst` calls
-- back to back, then one every window/limit).
--
-- KEYS: per bucket i, KEYS[2i-1] = its log (sorted set of call ids scored by time),
--       KEYS[2i] = its pace (theoretical arrival time, microseconds).
-- ARGV: mode ('take' | 'peek'), call id, then per bucket: limit, window (us), burst (0 = none).
-- Returns {allowed 0/1, wait_us, server_now_us, limiting bucket index (0 = none),
--          remaining of bucket 1..n after the decision}.
-- Times are the server's own clock (TIME), so callers' clocks never matter.

if redis.replicate_commands then
  redis.replicate_commands() -- effects replication, needed before Redis 7 for TIME + writes
end

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local take = ARGV[1] == 'take'
local call_id = ARGV[2]
local count = #KEYS / 2

-- Lua's default number formatting keeps 14 digits; microsecond timestamps have 16.
local function num(x)
  return string.format('%.3f', x)
end

local wait, limiting = 0, 0
local levels = {}
for i = 1, count do
  local log_key, pace_key = KEYS[2 * i - 1], KEYS[2 * i]
  local limit = tonumber(ARGV[3 * i])
  local window = tonumber(ARGV[3 * i + 1])
  local burst = tonumber(ARGV[3 * i + 2])

  redis.call('ZREMRANGEBYSCORE', log_key, '-inf', num(now - window))
  local used = redis.call('ZCARD', log_key)
  local level_wait = 0
  if used >= limit then
    -- the call that must age out for one slot to free (more than one if the limit shrank)
    local oldest = redis.call('ZRANGE', log_key, used - limit, used - limit, 'WITHSCORES')
    level_wait = tonumber(oldest[2]) + window - now
  end
  local remaining = limit - used

  local interval, tat = 0, 0
  if burst > 0 then
    interval = window / limit
    tat = tonumber(redis.call('GET', pace_key) or now)
    if tat < now then tat = now end
    local pace_wait = tat - (burst - 1) * interval - now
    if pace_wait > level_wait then level_wait = pace_wait end
    local paced = math.floor((now + burst * interval - tat) / interval)
    if paced < remaining then remaining = paced end
  end

  if level_wait > wait then
    wait, limiting = level_wait, i
  end
  if remaining < 0 then remaining = 0 end
  levels[i] = {log_key, pace_key, window, burst, interval, tat, remaining}
end

local allowed = (wait <= 0) and 1 or 0
local reply = {allowed, math.ceil(wait), now, limiting}
for i = 1, count do
  local log_key, pace_key, window, burst, interval, tat, remaining = unpack(levels[i])
  if take and allowed == 1 then
    redis.call('ZADD', log_key, num(now), call_id)
    redis.call('PEXPIRE', log_key, math.ceil(window / 1000) + 1)
    if burst > 0 then
      tat = tat + interval
      redis.call('SET', pace_key, num(tat), 'PX', math.ceil((tat - now) / 1000) + 1)
    end
    remaining = remaining - 1
  end
  reply[4 + i] = remaining
end
return reply
