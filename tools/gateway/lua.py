"""The Lua scripts `shared.py` runs in Redis: each guard's check and update as one atomic step.

They make the same decisions as the Python they mirror (`limiter.earliest`, `breaker.enter` and
`breaker.record`, `budget.check`), on Redis's own clock; tests/gateway/test_shared.py runs both
side by side. Numbers go back to Python as strings: Redis would truncate a Lua float to an integer.
"""

from __future__ import annotations

_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local function fmt(x) return string.format('%.6f', x) end
"""

RESERVE_RATE = (
    _NOW
    + """
-- KEYS: buckets. ARGV: not_before_s, max_wait_s, then capacity, rate, units for each bucket.
local start = now + tonumber(ARGV[1])
local tats = {}
for i, key in ipairs(KEYS) do
  local base = 2 + (i - 1) * 3
  local capacity, rate, units = tonumber(ARGV[base + 1]), tonumber(ARGV[base + 2]), tonumber(ARGV[base + 3])
  local tat = tonumber(redis.call('GET', key) or now)
  if tat < now then tat = now end
  tats[i] = tat
  local fits = tat - math.max(capacity - units, 0) / rate
  if fits > start then start = fits end
end
local wait = start - now
if wait > tonumber(ARGV[2]) then return {0, fmt(wait)} end
for i, key in ipairs(KEYS) do
  local base = 2 + (i - 1) * 3
  local rate, units = tonumber(ARGV[base + 2]), tonumber(ARGV[base + 3])
  local tat = math.max(tats[i], start) + units / rate
  redis.call('SET', key, fmt(tat), 'PX', math.ceil((tat - now) * 1000) + 60000)
end
return {1, fmt(wait)}
"""
)

SETTLE_RATE = (
    _NOW
    + """
-- KEYS[1]: a bucket. ARGV: units (negative gives back), rate.
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
tat = math.max(tat + tonumber(ARGV[1]) / tonumber(ARGV[2]), now)
redis.call('SET', KEYS[1], fmt(tat), 'PX', math.ceil((tat - now) * 1000) + 60000)
return 1
"""
)

FREE_RATE = (
    _NOW
    + """
-- KEYS[1]: a bucket. ARGV: capacity, rate. Units that fit now.
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
local level = math.max(tat - now, 0) * tonumber(ARGV[2])
return fmt(math.max(tonumber(ARGV[1]) - level, 0))
"""
)

_BREAKER_READ = """
local h = redis.call('HMGET', KEYS[1], 'state', 'failures', 'opened_at', 'cooldown_until', 'trial_until')
local state = h[1] or 'closed'
local failures = tonumber(h[2] or '0')
local opened_at = tonumber(h[3] or '0')
local cooldown = tonumber(h[4] or '0')
local trial_until = tonumber(h[5] or '0')
"""

BREAKER_ENTER = (
    _NOW
    + _BREAKER_READ
    + """
-- ARGV: reset_s, lease_s. The same transitions as breaker.enter().
local reset, lease = tonumber(ARGV[1]), tonumber(ARGV[2])
if state == 'open' then
  if now < opened_at + reset then return {'open', fmt(opened_at + reset - now)} end
  state = 'half-open'
  trial_until = 0
  redis.call('HSET', KEYS[1], 'state', state, 'trial_until', '0')
end
if cooldown > now then return {'wait', fmt(cooldown - now)} end
if state == 'half-open' then
  if trial_until > now then return {'busy', fmt(trial_until - now)} end
  redis.call('HSET', KEYS[1], 'trial_until', fmt(now + lease))
  return {'trial', '0'}
end
return {'pass', '0'}
"""
)

BREAKER_RECORD = (
    _NOW
    + _BREAKER_READ
    + """
-- ARGV: outcome, trial (1/0), fail_max, cooldown_s. The same transitions as breaker.record().
local outcome, trial = ARGV[1], ARGV[2] == '1'
local fail_max, cooldown_s = tonumber(ARGV[3]), tonumber(ARGV[4])
if trial then trial_until = 0 end
if outcome ~= 'neutral' then
  if outcome == 'rate_limited' then
    cooldown = math.max(cooldown, now + cooldown_s)
    outcome = 'success'
  end
  if outcome == 'success' then
    failures = 0
    if trial and state == 'half-open' then state = 'closed' end
  elseif trial and state == 'half-open' then
    state = 'open'
    opened_at = now
  elseif state == 'closed' then
    failures = failures + 1
    if failures >= fail_max then
      state = 'open'
      opened_at = now
    end
  end
end
redis.call('HSET', KEYS[1], 'state', state, 'failures', failures, 'opened_at', fmt(opened_at),
  'cooldown_until', fmt(cooldown), 'trial_until', fmt(trial_until))
redis.call('EXPIRE', KEYS[1], 86400)
return {state, tostring(failures), fmt(opened_at), fmt(cooldown), fmt(trial_until)}
"""
)

BREAKER_READ = (
    _NOW
    + _BREAKER_READ
    + """
return {state, tostring(failures), fmt(opened_at), fmt(cooldown), fmt(trial_until), fmt(now)}
"""
)

RESERVE_BUDGET = """
-- KEYS: one counter hash per cap and day. ARGV: tokens, usd, then daily_tokens, daily_usd per cap (-1: none).
-- Reserves on every cap or on none; returns ok (1/0), then the tokens and usd used before, per cap.
local tokens, usd = tonumber(ARGV[1]), tonumber(ARGV[2])
local used, ok = {}, 1
for i, key in ipairs(KEYS) do
  local h = redis.call('HMGET', key, 'tokens', 'usd')
  local t, u = tonumber(h[1] or '0'), tonumber(h[2] or '0')
  used[#used + 1] = string.format('%.10f', t)
  used[#used + 1] = string.format('%.10f', u)
  local lt, lu = tonumber(ARGV[1 + 2 * i]), tonumber(ARGV[2 + 2 * i])
  if (lt >= 0 and t + tokens > lt) or (lu >= 0 and u + usd > lu) then ok = 0 end
end
if ok == 1 then
  for _, key in ipairs(KEYS) do
    redis.call('HINCRBYFLOAT', key, 'tokens', tokens)
    redis.call('HINCRBYFLOAT', key, 'usd', usd)
    redis.call('EXPIRE', key, 259200)
  end
end
table.insert(used, 1, ok)
return used
"""

SETTLE_BUDGET = """
-- KEYS: the counters a reservation went to. ARGV: tokens, usd to add (negative gives back).
for _, key in ipairs(KEYS) do
  redis.call('HINCRBYFLOAT', key, 'tokens', ARGV[1])
  redis.call('HINCRBYFLOAT', key, 'usd', ARGV[2])
end
return 1
"""

TAKE_LEAD = """
-- KEYS: the lead, the published answer. ARGV: token, lease (ms).
local answer = redis.call('GET', KEYS[2])
if answer then return {'answer', answer} end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {'lead', ''} end
return {'wait', ''}
"""

RELEASE_LEAD = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

SCRIPTS = {
    "reserve_rate": RESERVE_RATE,
    "settle_rate": SETTLE_RATE,
    "free_rate": FREE_RATE,
    "breaker_enter": BREAKER_ENTER,
    "breaker_record": BREAKER_RECORD,
    "breaker_read": BREAKER_READ,
    "reserve_budget": RESERVE_BUDGET,
    "settle_budget": SETTLE_BUDGET,
    "take_lead": TAKE_LEAD,
    "release_lead": RELEASE_LEAD,
}
