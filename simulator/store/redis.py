"""Redis run state: one run shared by simulator processes on any number of hosts.

Every multi-key change is one Lua script, so another client sees all of it or none of it,
and nearly every call is one round trip. A tenant's data lives under a *generation*:
`start` (a scenario load) writes the new run under a fresh generation, invisible until one
script switches the tenant's pointer to it; the old generation is then deleted. `reset`
restores the snapshot in place, in one script. Secrets and id sequences live outside the
generations, so they outlive loads and resets.

Key layout (`T` = `sim:{tenant}`, `G` = `T:g{n}`, the current generation, `\\x1f` separates
the parts of a key):

| key | type | holds |
|---|---|---|
| `T:gen` | string | the current generation n |
| `T:secret:{name}` · `T:seq:{name}` | string | random secrets · id sequences |
| `G:meta` | hash | epochs, faults version and count, clock, seed, loaded_us |
| `G:scenario` | string | the scenario document |
| `G:o:{provider␟merchant␟order_id}` | hash | an order's `codec.FIELDS` and `seq` |
| `G:orders` | zset | order refs by insertion `seq` (listing order) |
| `G:oi:{provider␟order_id}` · `G:ti:{provider␟transaction_id}` | zset | merchants / refs by seq (lookups) |
| `G:snapshot` | list | the orders as loaded (JSON rows), for `reset` |
| `G:journal` · `G:jid` | list · string | journal entries (JSON, newest last) · their ids |
| `G:faults` · `G:f:{id}` | list · hash | fault ids in order · spec, matched, fired |
| `G:r:{cache␟key}` · `G:rkeys` | hash · set | replay entries · their keys |
| `G:d:{id}` · `G:dlog` · `G:dq:{order}` | hash · list · list | deliveries · their ids · an order's pending ones |
| `sim:due` | zset | every tenant's claimable deliveries (`tenant␟gen␟id`) by due time |
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta
from typing import Any, Iterable
from urllib.parse import parse_qs, urlsplit

from ..compact_json import compact as _compact
from ..handles import Handles
from ..journal import rendered
from ..orders import Order
from . import codec
from .base import (ClockState, DEFAULT_TENANT, DeliveryRecord, DuplicateOrder, FaultRecord,
                   Remembered, RunMeta, StoreUnavailable, TenantRecord)

SEP = "\x1f"
DUE = "sim:due"
START_BATCH = 2000            # orders written per pipeline round trip by `start`
SNAPSHOT_MAX_ORDERS = 200_000  # larger runs keep no copy for reset (see store/sqlite.py)
REPLAY_EXPIRY = 7 * 24 * 3600 # real seconds before Redis forgets an idempotency entry
META_FIELDS = ("epoch", "scenario_epoch", "faults_version", "fault_count", "clock_frozen",
               "clock_micros", "clock_zone", "seed")
ORDER_FIELDS = (*codec.FIELDS, "seq")


def parse_url(url: str) -> dict:
    """`redis://HOST:PORT/DB` (or rediss://, unix://PATH?db=N) → its parts; ValueError naming
    --store otherwise."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        if not parts.path:
            raise ValueError(f"--store {url!r}: expected unix:///path/to/redis.sock?db=0")
        db = parse_qs(parts.query).get("db", ["0"])[0]
    else:
        if parts.scheme not in ("redis", "rediss") or not parts.hostname:
            raise ValueError(f"--store {url!r}: expected redis://HOST:PORT/DB")
        try:
            port = parts.port
        except ValueError:
            raise ValueError(f"--store {url!r}: the port is not a number 1..65535") from None
        if port is not None and not 0 < port < 65536:
            raise ValueError(f"--store {url!r}: the port is not a number 1..65535")
        db = parts.path.lstrip("/") or "0"
    if not db.isdigit():
        raise ValueError(f"--store {url!r}: the database {db!r} is not a number")
    return {"scheme": parts.scheme, "host": parts.hostname, "port": parts.port, "db": int(db)}


# -- Lua ------------------------------------------------------------------------------------
# Every script gets the tenant prefix `T` as ARGV[1] and resolves the generation itself.

_PRELUDE = """
local T = ARGV[1]
local g = redis.call('GET', T .. ':gen')
local G = g and (T .. ':g' .. g) or nil
local SEP = '\\31'
local TENANT = string.sub(T, 5)
"""

_META = _PRELUDE + """
if not G then return false end
return redis.call('HMGET', G .. ':meta', 'epoch', 'scenario_epoch', 'faults_version',
  'fault_count', 'clock_frozen', 'clock_micros', 'clock_zone', 'seed')
"""

_ORDER = _PRELUDE + """
local function order(ref)
  local key = G .. ':o:' .. ref
  if redis.call('EXISTS', key) == 0 then return false end
  return redis.call('HMGET', key, 'provider', 'merchant', 'order_id', 'transaction_id', 'amount',
    'currency', 'channel', 'bank', 'status', 'created_us', 'expires_us', 'version', 'extra', 'history')
end
"""

_GET = _ORDER + """
if not G then return false end
return order(ARGV[2])
"""

# ARGV: T, provider, key, merchant (absent: any merchant's; '' is a merchant named '')
_FIND = _ORDER + """
if not G then return false end
local provider, key, merchant = ARGV[2], ARGV[3], ARGV[4]
local any = merchant == nil
local found = redis.call('ZRANGE', G .. ':oi:' .. provider .. SEP .. key, 0, -1)
for _, m in ipairs(found) do
  if any or m == merchant then return order(provider .. SEP .. m .. SEP .. key) end
end
found = redis.call('ZRANGE', G .. ':ti:' .. provider .. SEP .. key, 0, -1)
for _, ref in ipairs(found) do
  local m = string.match(ref, '^([^\\31]*)\\31')
  if any or m == merchant then return order(provider .. SEP .. ref) end
end
return false
"""

# ARGV: T, offset, limit (-1 = all), then the filters: 'p' provider and/or 'm' merchant, each
# followed by its value ('' is a name like any other)
_LIST = _ORDER + """
if not G then return {} end
local out, skip, limit = {}, tonumber(ARGV[2]), tonumber(ARGV[3])
local want = {}
for i = 4, #ARGV, 2 do want[ARGV[i]] = ARGV[i + 1] end
local refs
if want.p == nil and want.m == nil then
  refs = redis.call('ZRANGE', G .. ':orders', skip, limit < 0 and -1 or skip + limit - 1)
  skip = 0
else
  refs = redis.call('ZRANGE', G .. ':orders', 0, -1)
end
for _, ref in ipairs(refs) do
  if limit >= 0 and #out >= limit then break end
  local p, m = string.match(ref, '^([^\\31]*)\\31([^\\31]*)\\31')
  if (want.p == nil or p == want.p) and (want.m == nil or m == want.m) then
    if skip > 0 then skip = skip - 1 else out[#out + 1] = order(ref) end
  end
end
return out
"""

# ARGV: T, then per order one JSON array of ORDER_FIELDS values without seq
_INSERT = _PRELUDE + """
if not G then return redis.error_reply('no run') end
local rows = {}
for i = 2, #ARGV do
  local row = cjson.decode(ARGV[i])
  local ref = row[1] .. SEP .. row[2] .. SEP .. row[3]
  if redis.call('EXISTS', G .. ':o:' .. ref) == 1 or rows[ref] then
    return redis.error_reply('DUPLICATE ' .. ref)
  end
  rows[ref] = row
  rows[#rows + 1] = ref
end
for i = 1, #rows do
  local ref = rows[i]
  local row = rows[ref]
  local seq = redis.call('INCR', G .. ':seq')
  local key = G .. ':o:' .. ref
  local fields = {'provider', 'merchant', 'order_id', 'transaction_id', 'amount', 'currency',
    'channel', 'bank', 'status', 'created_us', 'expires_us', 'version', 'extra', 'history'}
  local args = {'seq', seq}
  for j, name in ipairs(fields) do
    if row[j] ~= cjson.null then args[#args + 1] = name; args[#args + 1] = row[j] end
  end
  redis.call('HSET', key, unpack(args))
  redis.call('ZADD', G .. ':orders', seq, ref)
  redis.call('ZADD', G .. ':oi:' .. row[1] .. SEP .. row[3], seq, row[2])
  redis.call('ZADD', G .. ':ti:' .. row[1] .. SEP .. row[4], seq, row[2] .. SEP .. row[3])
end
return #rows
"""

# ARGV: T, ref, old version, new version, status, extra, history, channel, bank, expires_us
# ('' = none for the last three)
_CAS = _PRELUDE + """
if not G then return 0 end
local key = G .. ':o:' .. ARGV[2]
if redis.call('HGET', key, 'version') ~= ARGV[3] then return 0 end
redis.call('HSET', key, 'version', ARGV[4], 'status', ARGV[5], 'extra', ARGV[6], 'history', ARGV[7])
for i, name in ipairs({'channel', 'bank', 'expires_us'}) do
  if ARGV[7 + i] == '' then redis.call('HDEL', key, name) else redis.call('HSET', key, name, ARGV[7 + i]) end
end
return 1
"""

# Switch a tenant to generation ARGV[2] (already written); returns the old generation.
_SWITCH = """
local T, new = ARGV[1], ARGV[2]
local old = redis.call('GET', T .. ':gen')
redis.call('SET', T .. ':gen', new)
return old or false
"""

# ARGV: T, clock_frozen, clock_micros, clock_zone, step, then fault specs (JSON)
_RESET = _PRELUDE + """
if not G then return redis.error_reply('no run') end
local function drop_all(list_key, prefix)
  for _, id in ipairs(redis.call('LRANGE', list_key, 0, -1)) do redis.call('DEL', prefix .. id) end
  redis.call('DEL', list_key)
end
for _, ref in ipairs(redis.call('ZRANGE', G .. ':orders', 0, -1)) do
  local row = redis.call('HMGET', G .. ':o:' .. ref, 'provider', 'merchant', 'order_id', 'transaction_id')
  redis.call('DEL', G .. ':o:' .. ref, G .. ':oi:' .. row[1] .. SEP .. row[3],
    G .. ':ti:' .. row[1] .. SEP .. row[4])
end
redis.call('DEL', G .. ':orders', G .. ':journal')
drop_all(G .. ':faults', G .. ':f:')
for _, key in ipairs(redis.call('SMEMBERS', G .. ':rkeys')) do redis.call('DEL', key) end
redis.call('DEL', G .. ':rkeys')
for _, key in ipairs(redis.call('SMEMBERS', G .. ':recs')) do redis.call('DEL', key) end
redis.call('DEL', G .. ':recs')
for _, id in ipairs(redis.call('LRANGE', G .. ':dlog', 0, -1)) do
  local d = redis.call('HMGET', G .. ':d:' .. id, 'provider', 'merchant', 'order_id')
  if d[1] then redis.call('DEL', G .. ':dq:' .. d[1] .. SEP .. d[2] .. SEP .. d[3]) end
  redis.call('DEL', G .. ':d:' .. id, G .. ':da:' .. id)
  redis.call('ZREM', 'sim:due', TENANT .. SEP .. g .. SEP .. id)
end
redis.call('DEL', G .. ':dlog')
local step = tonumber(ARGV[5])
local seq = 0
for _, raw in ipairs(redis.call('LRANGE', G .. ':snapshot', 0, -1)) do
  local row = cjson.decode(raw)
  local ref = row[1] .. SEP .. row[2] .. SEP .. row[3]
  seq = row[15]
  local created = tonumber(row[10]) + step
  local history = row[14]
  if step ~= 0 then
    history = '[[' .. string.format('%d', created) .. ',"create",null,' .. cjson.encode(row[9]) .. ',"scenario"]]'
  end
  local args = {'provider', row[1], 'merchant', row[2], 'order_id', row[3], 'transaction_id', row[4],
    'amount', row[5], 'currency', row[6], 'status', row[9], 'created_us', string.format('%d', created),
    'version', row[12], 'extra', row[13], 'history', history, 'seq', seq}
  if row[7] ~= cjson.null then args[#args + 1] = 'channel'; args[#args + 1] = row[7] end
  if row[8] ~= cjson.null then args[#args + 1] = 'bank'; args[#args + 1] = row[8] end
  if row[11] ~= cjson.null then
    args[#args + 1] = 'expires_us'; args[#args + 1] = string.format('%d', tonumber(row[11]) + step)
  end
  redis.call('HSET', G .. ':o:' .. ref, unpack(args))
  redis.call('ZADD', G .. ':orders', seq, ref)
  redis.call('ZADD', G .. ':oi:' .. row[1] .. SEP .. row[3], seq, row[2])
  redis.call('ZADD', G .. ':ti:' .. row[1] .. SEP .. row[4], seq, row[2] .. SEP .. row[3])
end
redis.call('SET', G .. ':seq', seq)
for i = 6, #ARGV do
  local spec = cjson.decode(ARGV[i])
  redis.call('RPUSH', G .. ':faults', spec['id'])
  redis.call('HSET', G .. ':f:' .. spec['id'], 'spec', ARGV[i], 'matched', 0, 'fired', 0)
end
redis.call('HINCRBY', G .. ':meta', 'epoch', 1)
redis.call('HINCRBY', G .. ':meta', 'faults_version', 1)
redis.call('HSET', G .. ':meta', 'fault_count', #ARGV - 5, 'clock_frozen', ARGV[2],
  'clock_micros', ARGV[3], 'clock_zone', ARGV[4])
return 1
"""

_SET_DOC = _PRELUDE + """
if not G then return 0 end
redis.call('SET', G .. ':scenario', ARGV[2])
redis.call('HINCRBY', G .. ':meta', 'scenario_epoch', 1)
return 1
"""

# ARGV: T, expected frozen, expected micros, expected zone, new frozen, new micros, new zone
_CLOCK = _PRELUDE + """
if not G then return -1 end
local now = redis.call('HMGET', G .. ':meta', 'clock_frozen', 'clock_micros', 'clock_zone')
if now[1] ~= ARGV[2] or now[2] ~= ARGV[3] or now[3] ~= ARGV[4] then return 0 end
redis.call('HSET', G .. ':meta', 'clock_frozen', ARGV[5], 'clock_micros', ARGV[6], 'clock_zone', ARGV[7])
return 1
"""

# ARGV: T, entry JSON without its leading '{', cap
_JOURNAL_ADD = _PRELUDE + """
if not G then return 0 end
local id = redis.call('INCR', G .. ':jid')
local rest = ARGV[2]
local sep = (rest == '}') and '' or ','
redis.call('RPUSH', G .. ':journal', '{"id":' .. id .. sep .. rest)
redis.call('LTRIM', G .. ':journal', -tonumber(ARGV[3]), -1)
return id
"""

_FAULTS = _PRELUDE + """
if not G then return {} end
local out = {}
for _, id in ipairs(redis.call('LRANGE', G .. ':faults', 0, -1)) do
  local f = redis.call('HMGET', G .. ':f:' .. id, 'spec', 'matched', 'fired')
  out[#out + 1] = f
end
return out
"""

_FAULT_ADD = _PRELUDE + """
if not G then return 0 end
local key = G .. ':f:' .. ARGV[2]
if redis.call('EXISTS', key) == 1 then return 0 end
redis.call('HSET', key, 'spec', ARGV[3], 'matched', 0, 'fired', 0)
redis.call('RPUSH', G .. ':faults', ARGV[2])
redis.call('HINCRBY', G .. ':meta', 'faults_version', 1)
redis.call('HSET', G .. ':meta', 'fault_count', redis.call('LLEN', G .. ':faults'))
return 1
"""

_FAULT_REMOVE = _PRELUDE + """
if not G then return 0 end
local removed = 0
if ARGV[2] == '' then
  for _, id in ipairs(redis.call('LRANGE', G .. ':faults', 0, -1)) do
    redis.call('DEL', G .. ':f:' .. id); removed = removed + 1
  end
  redis.call('DEL', G .. ':faults')
else
  removed = redis.call('LREM', G .. ':faults', 0, ARGV[2])
  redis.call('DEL', G .. ':f:' .. ARGV[2])
end
redis.call('HINCRBY', G .. ':meta', 'faults_version', 1)
redis.call('HSET', G .. ':meta', 'fault_count', redis.call('LLEN', G .. ':faults'))
return removed
"""

_FAULT_MATCH = _PRELUDE + """
if not G then return false end
local key = G .. ':f:' .. ARGV[2]
if redis.call('EXISTS', key) == 0 then return false end
local matched = redis.call('HINCRBY', key, 'matched', 1)
return {matched, tonumber(redis.call('HGET', key, 'fired'))}
"""

# ARGV: T, id, times ('' = no limit)
_FAULT_FIRE = _PRELUDE + """
if not G then return 0 end
local key = G .. ':f:' .. ARGV[2]
if redis.call('EXISTS', key) == 0 then return 0 end
if ARGV[3] ~= '' and tonumber(redis.call('HGET', key, 'fired')) >= tonumber(ARGV[3]) then return 0 end
redis.call('HINCRBY', key, 'fired', 1)
return 1
"""

# ARGV: T, cache-and-key, fingerprint, now (µs), ttl (µs, '' = none), expiry (s)
_CLAIM = _PRELUDE + """
if not G then return false end
local key = G .. ':r:' .. ARGV[2]
local seen = redis.call('HMGET', key, 'fingerprint', 'claimed_at', 'in_flight', 'status', 'body')
if seen[1] and (ARGV[5] == '' or tonumber(ARGV[4]) - tonumber(seen[2]) <= tonumber(ARGV[5])) then
  return seen
end
redis.call('DEL', key)
redis.call('HSET', key, 'fingerprint', ARGV[3], 'claimed_at', ARGV[4], 'in_flight', 1)
redis.call('EXPIRE', key, tonumber(ARGV[6]))
redis.call('SADD', G .. ':rkeys', key)
return false
"""

_COMPLETE = _PRELUDE + """
if not G then return 0 end
local key = G .. ':r:' .. ARGV[2]
if redis.call('EXISTS', key) == 0 then return 0 end
redis.call('HSET', key, 'in_flight', 0, 'status', ARGV[3], 'body', ARGV[4])
return 1
"""

_RELEASE = _PRELUDE + """
if not G then return 0 end
redis.call('DEL', G .. ':r:' .. ARGV[2])
redis.call('SREM', G .. ':rkeys', G .. ':r:' .. ARGV[2])
return 1
"""

_DELIVERY_FIELDS = ("provider", "merchant", "order_id", "url", "event", "body", "headers", "due",
                    "due_at", "status", "redelivery_of", "fault")

# ARGV: T, cap, then field/value pairs of the delivery
_DELIVERY_ADD = _PRELUDE + """
if not G then return redis.error_reply('no run') end
local id = redis.call('INCR', G .. ':did')
local fields = {}
for i = 3, #ARGV, 2 do fields[ARGV[i]] = ARGV[i + 1] end
redis.call('HSET', G .. ':d:' .. id, unpack(ARGV, 3))
redis.call('RPUSH', G .. ':dlog', id)
if fields['status'] == 'pending' then
  local queue = G .. ':dq:' .. fields['provider'] .. SEP .. fields['merchant'] .. SEP .. fields['order_id']
  redis.call('RPUSH', queue, id)
  if redis.call('LLEN', queue) == 1 then
    redis.call('ZADD', 'sim:due', tonumber(fields['due']), TENANT .. SEP .. g .. SEP .. id)
  end
end
local cap = tonumber(ARGV[2])
local excess = redis.call('LLEN', G .. ':dlog') - cap
if excess > 0 then
  for _, old in ipairs(redis.call('LRANGE', G .. ':dlog', 0, excess - 1)) do
    if redis.call('HGET', G .. ':d:' .. old, 'status') ~= 'pending' then
      redis.call('LREM', G .. ':dlog', 1, old)
      redis.call('DEL', G .. ':d:' .. old, G .. ':da:' .. old)
    end
  end
end
return id
"""

_DELIVERY = _PRELUDE + """
if not G then return false end
local key = G .. ':d:' .. ARGV[2]
if redis.call('EXISTS', key) == 0 then return false end
local d = redis.call('HMGET', key, 'provider', 'merchant', 'order_id', 'url', 'event', 'body', 'headers',
  'due', 'due_at', 'status', 'redelivery_of', 'fault')
d[#d + 1] = redis.call('LRANGE', G .. ':da:' .. ARGV[2], 0, -1)
d[#d + 1] = ARGV[2]
return d
"""

_DELIVERIES = _PRELUDE + """
if not G then return {} end
local out = {}
for _, id in ipairs(redis.call('LRANGE', G .. ':dlog', 0, -1)) do
  local d = redis.call('HMGET', G .. ':d:' .. id, 'provider', 'merchant', 'order_id', 'url', 'event', 'body',
    'headers', 'due', 'due_at', 'status', 'redelivery_of', 'fault')
  if d[1] then
    d[#d + 1] = redis.call('LRANGE', G .. ':da:' .. id, 0, -1)
    d[#d + 1] = id
    out[#out + 1] = d
  end
end
return out
"""

# ARGV: now, lease. Returns {tenant, fields…} of the first live due delivery, leased.
_CLAIM_DELIVERY = """
local now, lease = tonumber(ARGV[1]), tonumber(ARGV[2])
for _ = 1, 100 do
  local due = redis.call('ZRANGEBYSCORE', 'sim:due', '-inf', now, 'LIMIT', 0, 1)
  if #due == 0 then return false end
  local member = due[1]
  local tenant, gen, id = string.match(member, '^(.*)\\31([^\\31]*)\\31([^\\31]*)$')
  local T = 'sim:' .. tenant
  local G = T .. ':g' .. gen
  local key = G .. ':d:' .. id
  if redis.call('GET', T .. ':gen') == gen and redis.call('HGET', key, 'status') == 'pending' then
    redis.call('ZADD', 'sim:due', now + lease, member)
    local d = redis.call('HMGET', key, 'provider', 'merchant', 'order_id', 'url', 'event', 'body', 'headers',
      'due', 'due_at', 'status', 'redelivery_of', 'fault')
    d[#d + 1] = redis.call('LRANGE', G .. ':da:' .. id, 0, -1)
    d[#d + 1] = id
    table.insert(d, 1, tenant)
    return d
  end
  redis.call('ZREM', 'sim:due', member)
end
return false
"""

# ARGV: T, id, attempt JSON, retry_at ('' = final), retry_due_at, final status
_FINISH = _PRELUDE + """
if not G then return 0 end
local key = G .. ':d:' .. ARGV[2]
local member = TENANT .. SEP .. g .. SEP .. ARGV[2]
if redis.call('HGET', key, 'status') ~= 'pending' then
  redis.call('ZREM', 'sim:due', member)
  return 0
end
redis.call('RPUSH', G .. ':da:' .. ARGV[2], ARGV[3])
if ARGV[4] ~= '' then
  redis.call('HSET', key, 'due', ARGV[4], 'due_at', ARGV[5])
  redis.call('ZADD', 'sim:due', tonumber(ARGV[4]), member)
  return 1
end
redis.call('HSET', key, 'status', ARGV[6])
redis.call('ZREM', 'sim:due', member)
local d = redis.call('HMGET', key, 'provider', 'merchant', 'order_id')
local queue = G .. ':dq:' .. d[1] .. SEP .. d[2] .. SEP .. d[3]
redis.call('LREM', queue, 1, ARGV[2])
local next = redis.call('LINDEX', queue, 0)
if next then
  local due = tonumber(redis.call('HGET', G .. ':d:' .. next, 'due'))
  redis.call('ZADD', 'sim:due', due, TENANT .. SEP .. g .. SEP .. next)
end
return 1
"""

# ARGV: T, kind-and-key, value — add unless present
_RECORD_ADD = _PRELUDE + """
if not G then return 0 end
local key = G .. ':rec:' .. ARGV[2]
if redis.call('SETNX', key, ARGV[3]) == 0 then return 0 end
redis.call('SADD', G .. ':recs', key)
return 1
"""

_RECORD_GET = _PRELUDE + """
if not G then return false end
return redis.call('GET', G .. ':rec:' .. ARGV[2])
"""

# ARGV: T, kind-and-key, old value, new value
_RECORD_REPLACE = _PRELUDE + """
if not G then return 0 end
local key = G .. ':rec:' .. ARGV[2]
if redis.call('GET', key) ~= ARGV[3] then return 0 end
redis.call('SET', key, ARGV[4])
return 1
"""

_RECORD_TAKE = _PRELUDE + """
if not G then return false end
local key = G .. ':rec:' .. ARGV[2]
local value = redis.call('GET', key)
if value then redis.call('DEL', key); redis.call('SREM', G .. ':recs', key) end
return value
"""

_LOADED = _PRELUDE + """
if not G then return false end
return redis.call('HGET', G .. ':meta', 'loaded_us')
"""


def _row(values: tuple, *more) -> str:
    """Order values as a JSON array of strings (Lua's numbers are doubles: microsecond
    timestamps must not pass through them as numbers)."""
    return json.dumps([None if v is None else str(v) for v in (*values, *more)],
                      separators=(",", ":"), ensure_ascii=False)


def _text(value) -> str | None:
    return value.decode("utf-8") if isinstance(value, bytes) else value


def _order(values) -> Order | None:
    if not values:
        return None
    (provider, merchant, order_id, transaction_id, amount, currency, channel, bank, status,
     created_us, expires_us, version, extra, history) = [_text(v) for v in values]
    return codec.unpack((provider, merchant, order_id, transaction_id, amount, currency, channel, bank,
                         status, int(created_us), int(expires_us) if expires_us is not None else None,
                         int(version), extra, history))


def _delivery(values) -> DeliveryRecord:
    (provider, merchant, order_id, url, event, body, headers, due, due_at, status, redelivery_of,
     fault, attempts, delivery_id) = values
    return DeliveryRecord(provider=_text(provider), merchant=_text(merchant), order_id=_text(order_id),
                          url=_text(url), event=_text(event), body=bytes(body or b""),
                          headers=json.loads(headers), due=float(due), due_at=_text(due_at) or None,
                          id=int(delivery_id), status=_text(status),
                          attempts=[json.loads(a) for a in attempts],
                          redelivery_of=int(redelivery_of) if redelivery_of else None,
                          fault=json.loads(fault) if fault else None)


# The tenant registry (a name cannot collide: tenant keys all start `sim:`).
TENANTS = "sim-tenants"

# ARGV: name, now. Moves last_seen forward, only while the tenant is registered.
_TENANT_TOUCH = f"""
local value = redis.call('HGET', '{TENANTS}', ARGV[1])
if not value then return 0 end
local created, seen = string.match(value, '^(%S+) (%S+)$')
if tonumber(ARGV[2]) > tonumber(seen) then
  redis.call('HSET', '{TENANTS}', ARGV[1], created .. ' ' .. ARGV[2])
end
return 1
"""


def _without_password(url: str) -> str:
    """redis://:secret@host:6379/0 → redis://:***@host:6379/0"""
    from urllib.parse import urlsplit, urlunsplit
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{parts.hostname}"
                                            + (f":{parts.port}" if parts.port else "")))


class RedisStore:
    """A connection (pool) to one Redis database."""

    def __init__(self, url: str):
        import redis

        parse_url(url)
        self.url = _without_password(url)     # shown by /_sim/health and the banner
        self._redis_errors = (redis.RedisError, OSError)
        try:
            self.client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=10,
                                               health_check_interval=30)
            self.client.ping()
        except self._redis_errors as exc:
            raise StoreUnavailable(f"--store {url}: cannot reach Redis: {exc}") from None
        self._scripts = {name: self.client.register_script(source) for name, source in (
            ("meta", _META), ("get", _GET), ("find", _FIND), ("list", _LIST), ("insert", _INSERT),
            ("cas", _CAS), ("switch", _SWITCH), ("reset", _RESET), ("set_doc", _SET_DOC),
            ("clock", _CLOCK), ("journal_add", _JOURNAL_ADD), ("faults", _FAULTS),
            ("fault_add", _FAULT_ADD), ("fault_remove", _FAULT_REMOVE), ("fault_match", _FAULT_MATCH),
            ("fault_fire", _FAULT_FIRE), ("claim", _CLAIM), ("complete", _COMPLETE),
            ("release", _RELEASE), ("delivery_add", _DELIVERY_ADD), ("delivery", _DELIVERY),
            ("deliveries", _DELIVERIES), ("claim_delivery", _CLAIM_DELIVERY), ("finish", _FINISH),
            ("loaded", _LOADED), ("record_add", _RECORD_ADD), ("record_get", _RECORD_GET),
            ("record_replace", _RECORD_REPLACE), ("record_take", _RECORD_TAKE),
            ("tenant_touch", _TENANT_TOUCH))}
        self._runs = Handles(lambda tenant: RedisRun(self, tenant))

    def script(self, name: str, *args):
        return self._scripts[name](args=[a if isinstance(a, (bytes, str, int, float)) else str(a)
                                         for a in args])

    def run(self, tenant: str = DEFAULT_TENANT) -> "RedisRun":
        return self._runs[tenant]

    def claim_delivery(self, wall_now: float, lease: float) -> tuple[str, DeliveryRecord] | None:
        found = self.script("claim_delivery", repr(wall_now), repr(lease))
        if not found:
            return None
        return _text(found[0]), _delivery(found[1:])

    def finish_attempt(self, tenant: str, delivery_id: int, attempt: dict,
                       retry_at: float | None, retry_due_at: str | None, final: str | None) -> None:
        self.script("finish", f"sim:{tenant}", delivery_id, json.dumps(attempt, separators=(",", ":")),
                    "" if retry_at is None else repr(retry_at), retry_due_at or "", final or "")

    # -- the tenant registry: one hash, name → "created last_seen" ----------------------
    def tenant_add(self, name: str, now: float) -> bool:
        return bool(self.client.hsetnx(TENANTS, name, f"{now!r} {now!r}"))

    def tenant(self, name: str) -> TenantRecord | None:
        value = self.client.hget(TENANTS, name)
        if value is None:
            return None
        created, last_seen = _text(value).split()
        return TenantRecord(name, float(created), float(last_seen))

    def tenant_touch(self, name: str, now: float) -> None:
        self.script("tenant_touch", name, repr(now))

    def tenants(self) -> list[TenantRecord]:
        records = []
        for name, value in self.client.hgetall(TENANTS).items():
            created, last_seen = _text(value).split()
            records.append(TenantRecord(_text(name), float(created), float(last_seen)))
        return sorted(records, key=lambda t: (t.created, t.name))

    def tenant_remove(self, name: str) -> bool:
        if not self.client.hdel(TENANTS, name):
            return False
        self.run(name).drop()
        self._runs.pop(name, None)
        return True

    def next_due(self) -> float | None:
        first = self.client.zrange(DUE, 0, 0, withscores=True)
        return first[0][1] if first else None

    def close(self) -> None:
        self.client.close()


class RedisRun:
    """One tenant's run state in a `RedisStore`."""

    def __init__(self, store: RedisStore, tenant: str):
        self.store, self.tenant = store, tenant
        self.prefix = f"sim:{tenant}"
        self.client = store.client

    def _script(self, name: str, *args):
        return self.store.script(name, self.prefix, *args)

    # -- the run -------------------------------------------------------------------------
    def meta(self) -> RunMeta | None:
        values = self._script("meta")
        if not values or values[0] is None:
            return None
        epoch, scenario_epoch, faults_version, fault_count, frozen, micros, zone, seed = values
        return RunMeta(int(epoch), int(scenario_epoch), int(faults_version), int(fault_count),
                       ClockState(frozen == b"1", int(micros), int(zone)), _text(seed))

    def start(self, scenario_doc: str, seed: str, clock: ClockState, orders: Iterable[Order],
              faults: list[dict], loaded_at: datetime) -> RunMeta:
        before = self.meta()
        generation = self.client.incr(f"{self.prefix}:generations")
        g = f"{self.prefix}:g{generation}"
        self._clear_generation(g)     # a crashed earlier start may have left part of one
        pipe = self.client.pipeline(transaction=False)
        seq = 0
        for order in orders:
            seq += 1
            values = codec.pack(order)
            ref = SEP.join((order.provider, order.merchant, order.order_id))
            fields = {name: value for name, value in zip(codec.FIELDS, values) if value is not None}
            pipe.hset(f"{g}:o:{ref}", mapping={**fields, "seq": seq})
            pipe.zadd(f"{g}:orders", {ref: seq})
            pipe.zadd(f"{g}:oi:{order.provider}{SEP}{order.order_id}", {order.merchant: seq})
            pipe.zadd(f"{g}:ti:{order.provider}{SEP}{order.transaction_id}",
                      {f"{order.merchant}{SEP}{order.order_id}": seq})
            if seq <= SNAPSHOT_MAX_ORDERS:
                pipe.rpush(f"{g}:snapshot", _row(values, seq))
            if seq % START_BATCH == 0:
                pipe.execute()
        pipe.set(f"{g}:seq", seq)
        for spec in faults:
            pipe.rpush(f"{g}:faults", spec["id"])
            pipe.hset(f"{g}:f:{spec['id']}", mapping={"spec": json.dumps(spec), "matched": 0, "fired": 0})
        pipe.set(f"{g}:scenario", scenario_doc)
        pipe.hset(f"{g}:meta", mapping={
            "epoch": (before.epoch if before else 0) + 1,
            "scenario_epoch": (before.scenario_epoch if before else 0) + 1,
            "faults_version": (before.faults_version if before else 0) + 1,
            "fault_count": len(faults), "clock_frozen": int(clock.frozen), "clock_micros": clock.micros,
            "clock_zone": clock.zone, "seed": seed, "loaded_us": codec.micros(loaded_at),
            "snapshot": int(seq <= SNAPSHOT_MAX_ORDERS)})
        pipe.execute()
        old = self.store.script("switch", self.prefix, generation)
        if old:
            self._clear_generation(f"{self.prefix}:g{_text(old)}")
        return self.meta()

    def _clear_generation(self, g: str) -> None:
        """Delete every key of a generation nobody reads any more."""
        self._unlink_matching(f"{g}:*")

    def _unlink_matching(self, pattern: str) -> None:
        batch = []
        for key in self.client.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                self.client.unlink(*batch)
                batch = []
        if batch:
            self.client.unlink(*batch)

    def has_snapshot(self) -> bool:
        generation = self.client.get(f"{self.prefix}:gen")
        return generation is not None and \
            self.client.hget(f"{self.prefix}:g{_text(generation)}:meta", "snapshot") == b"1"

    def loaded_at(self) -> datetime:
        return codec.instant(int(self._script("loaded")))

    def reset(self, clock: ClockState, faults: list[dict], shift: timedelta = timedelta(0)) -> RunMeta:
        step = shift // timedelta(microseconds=1)
        self._script("reset", int(clock.frozen), clock.micros, clock.zone, step,
                     *[json.dumps(spec) for spec in faults])
        return self.meta()

    def scenario_doc(self) -> str:
        generation = self.client.get(f"{self.prefix}:gen")
        if generation is None:
            return ""
        return _text(self.client.get(f"{self.prefix}:g{_text(generation)}:scenario")) or ""

    def set_scenario_doc(self, scenario_doc: str) -> None:
        self._script("set_doc", scenario_doc)

    def change_clock(self, change) -> ClockState:
        while True:
            current = self.meta().clock
            state = change(current)
            done = self._script("clock", int(current.frozen), current.micros, current.zone,
                                int(state.frozen), state.micros, state.zone)
            if done:
                return state

    def secret(self, name: str) -> bytes:
        key = f"{self.prefix}:secret:{name}"
        self.client.set(key, os.urandom(32), nx=True)
        return bytes(self.client.get(key))

    def reserve(self, name: str, count: int) -> int:
        return self.client.incrby(f"{self.prefix}:seq:{name}", count) - count

    def drop(self) -> None:
        self._unlink_matching(f"{self.prefix}:*")
        for member in self.client.zrange(DUE, 0, -1):
            if _text(member).startswith(f"{self.tenant}{SEP}"):
                self.client.zrem(DUE, member)

    # -- orders --------------------------------------------------------------------------
    def insert(self, order: Order) -> None:
        self.insert_many([order])

    def insert_many(self, orders: Iterable[Order]) -> None:
        import redis
        rows = [_row(codec.pack(o)) for o in orders]
        if not rows:
            return
        try:
            self._script("insert", *rows)
        except redis.ResponseError as exc:
            if "DUPLICATE" in str(exc):
                raise DuplicateOrder(str(exc)) from None
            raise

    def get(self, provider: str, merchant: str, order_id: str) -> Order | None:
        return _order(self._script("get", SEP.join((provider, merchant, order_id))))

    def find(self, provider: str, key: str, merchant: str | None = None) -> Order | None:
        return _order(self._script("find", provider, key, *(() if merchant is None else (merchant,))))

    def list(self, provider: str | None = None, merchant: str | None = None,
             offset: int = 0, limit: int | None = None) -> list[Order]:
        filters = [*(("p", provider) if provider is not None else ()),
                   *(("m", merchant) if merchant is not None else ())]
        return [_order(v) for v in self._script("list", offset, -1 if limit is None else limit, *filters)]

    def compare_and_set(self, old: Order, new: Order) -> bool:
        extra = json.dumps(dict(new.extra), separators=(",", ":"), ensure_ascii=False)
        return bool(self._script("cas", SEP.join(old.key), old.version, new.version, new.status,
                                 extra, codec.history_json(new.history), new.channel or "", new.bank or "",
                                 codec.micros(new.expires_at) if new.expires_at else ""))

    def count(self) -> int:
        generation = self.client.get(f"{self.prefix}:gen")
        if generation is None:
            return 0
        return self.client.zcard(f"{self.prefix}:g{_text(generation)}:orders")

    # -- journal -------------------------------------------------------------------------
    def journal_add(self, entry, cap: int) -> int:
        body = rendered(entry)
        if "id" in body:          # the script puts the store's id first; the entry's must not win
            body = {k: v for k, v in body.items() if k != "id"}
        return int(self._script("journal_add", _compact(body)[1:], cap))

    def journal(self, cap: int | None = None) -> list[dict]:
        generation = self.client.get(f"{self.prefix}:gen")
        if generation is None:
            return []
        start = -cap if cap else 0
        return [json.loads(e) for e in self.client.lrange(f"{self.prefix}:g{_text(generation)}:journal",
                                                          start, -1)] if cap != 0 else []

    def journal_clear(self) -> int:
        generation = self.client.get(f"{self.prefix}:gen")
        if generation is None:
            return 0
        key = f"{self.prefix}:g{_text(generation)}:journal"
        pipe = self.client.pipeline()
        pipe.llen(key)
        pipe.delete(key)
        return pipe.execute()[0]

    # -- faults --------------------------------------------------------------------------
    def faults(self) -> list[FaultRecord]:
        return [FaultRecord(json.loads(spec), int(matched), int(fired))
                for spec, matched, fired in self._script("faults")]

    def fault_add(self, spec: dict) -> None:
        if not self._script("fault_add", spec["id"], json.dumps(spec)):
            raise KeyError(spec["id"])

    def fault_remove(self, fault_id: str) -> bool:
        return bool(fault_id) and bool(self._script("fault_remove", fault_id))

    def faults_clear(self) -> int:
        return int(self._script("fault_remove", ""))

    def fault_match(self, fault_id: str) -> tuple[int, int] | None:
        counted = self._script("fault_match", fault_id)
        return (int(counted[0]), int(counted[1])) if counted else None

    def fault_fire(self, fault_id: str, times: int | None) -> bool:
        return bool(self._script("fault_fire", fault_id, "" if times is None else times))

    # -- replay caches -------------------------------------------------------------------
    def replay_claim(self, cache: str, key: str, fingerprint: str, now: datetime,
                     ttl: timedelta | None) -> Remembered | None:
        seen = self._script("claim", f"{cache}{SEP}{key}", fingerprint, codec.micros(now),
                            "" if ttl is None else ttl // timedelta(microseconds=1), REPLAY_EXPIRY)
        if not seen:
            return None
        fp, claimed_at, in_flight, status, body = seen
        return Remembered(_text(fp), codec.instant(int(claimed_at)), in_flight == b"1",
                          int(status) if status is not None else None,
                          json.loads(body) if body is not None else None)

    def replay_complete(self, cache: str, key: str, status: int, body: Any) -> None:
        self._script("complete", f"{cache}{SEP}{key}", status,
                     json.dumps(body, separators=(",", ":"), ensure_ascii=False))

    def replay_release(self, cache: str, key: str) -> None:
        self._script("release", f"{cache}{SEP}{key}")

    # -- records -------------------------------------------------------------------------
    def record_add(self, kind: str, key: str, value: dict) -> bool:
        return bool(self._script("record_add", f"{kind}{SEP}{key}", _compact(value)))

    def record(self, kind: str, key: str) -> dict | None:
        found = self._script("record_get", f"{kind}{SEP}{key}")
        return json.loads(found) if found else None

    def record_replace(self, kind: str, key: str, old: dict, new: dict) -> bool:
        return bool(self._script("record_replace", f"{kind}{SEP}{key}", _compact(old), _compact(new)))

    def record_take(self, kind: str, key: str) -> dict | None:
        found = self._script("record_take", f"{kind}{SEP}{key}")
        return json.loads(found) if found else None

    # -- webhook outbox ------------------------------------------------------------------
    def delivery_add(self, delivery: DeliveryRecord, cap: int) -> int:
        fields = {"provider": delivery.provider, "merchant": delivery.merchant,
                  "order_id": delivery.order_id, "url": delivery.url, "event": delivery.event,
                  "body": delivery.body, "headers": json.dumps(dict(delivery.headers)),
                  "due": repr(delivery.due), "due_at": delivery.due_at or "", "status": delivery.status,
                  "redelivery_of": delivery.redelivery_of or "",
                  "fault": json.dumps(delivery.fault) if delivery.fault is not None else ""}
        pairs = [item for pair in fields.items() for item in pair]
        delivery_id = int(self._script("delivery_add", cap, *pairs))
        for attempt in delivery.attempts:
            self.client.rpush(f"{self.prefix}:g{_text(self.client.get(self.prefix + ':gen'))}:da:{delivery_id}",
                              json.dumps(attempt))
        return delivery_id

    def delivery(self, delivery_id: int) -> DeliveryRecord | None:
        if not 0 <= delivery_id < 2 ** 63:
            return None
        found = self._script("delivery", delivery_id)
        return _delivery(found) if found else None

    def deliveries(self) -> list[DeliveryRecord]:
        return [_delivery(d) for d in self._script("deliveries")]
