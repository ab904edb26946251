/**
 * The Lua scripts behind the Redis statistics hub. Each runs atomically in Redis, in one round trip.
 *
 * Exactly-once lives in COUNT: a sample is identified by (participant, index) and counted only the first
 * time it arrives, however often it is sent (a retried flush, a flush that overlaps a rebuild from the
 * database, a rebuild that runs twice). Per participant the script keeps the length w of the prefix
 * [0, w) of indices already counted (honest phones submit in order, so this is one number) plus the few
 * indices counted above it; so every addition is idempotent and a rebuild is just "count every stored
 * sample again": nothing is ever subtracted or deleted, and N never exceeds the samples stored.
 */

/** Seconds the counters outlive their last write (a round's statistics are live for a lecture, not for ever). */
export const TTL_SECONDS = 2 * 24 * 3600;

/**
 * KEYS: 1 meta, 2 first (token -> count), 3 comp (completion -> count), 4 complp (completion -> ln p),
 *       5 top (zset of completions by count), 6 contrib (set of participants), 7 seen (participant -> w),
 *       8 above (participant:index -> 1, counted indices above w)
 * ARGV: 1 JSON array of samples [participant, index, first token, completion key, ln p (string),
 *       log2 q(first token), token count]; 2 a fresh epoch id, used only when this call creates the counters.
 * Counters created here (Redis lost them, or never had them) are marked incomplete: the round's leader then
 * counts every stored sample from the database into them (the same script) and clears the mark.
 * Returns { samples newly counted, 1 if this call created the counters }.
 */
export const COUNT = `
local created = 0
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'n', 0, 'tokens', 0, 'negLog2P', 0, 'fLogQ', 0, 'cLogQ', 0,
    'fCLogC', 0, 'cCLogC', 0, 'epoch', ARGV[2], 'incomplete', 1)
  created = 1
end
local L2 = math.log(2)
local function clogc(c) if c <= 0 then return 0 end return c * math.log(c) / L2 end
local function f(x) return string.format('%.17g', x) end
local d = cjson.decode(ARGV[1])
local n, tokens, lp2, fq, fS, cS = 0, 0, 0, 0, 0, 0
for i = 1, #d do
  local s = d[i]
  local pid, idx = s[1], s[2]
  local fresh = false
  local w = tonumber(redis.call('HGET', KEYS[7], pid) or '0')
  if idx == w then
    w = w + 1
    while redis.call('HDEL', KEYS[8], pid .. ':' .. w) == 1 do w = w + 1 end
    redis.call('HSET', KEYS[7], pid, w)
    fresh = true
  elseif idx > w then
    fresh = redis.call('HSETNX', KEYS[8], pid .. ':' .. idx, 1) == 1
  end
  if fresh then
    local v = redis.call('HINCRBY', KEYS[2], s[3], 1)
    fS = fS + clogc(v) - clogc(v - 1)
    local cv = redis.call('HINCRBY', KEYS[3], s[4], 1)
    cS = cS + clogc(cv) - clogc(cv - 1)
    if cv == 1 then redis.call('HSET', KEYS[4], s[4], s[5]) end
    redis.call('ZINCRBY', KEYS[5], 1, s[4])
    redis.call('SADD', KEYS[6], pid)
    n = n + 1
    tokens = tokens + s[7]
    lp2 = lp2 + tonumber(s[5]) / L2
    fq = fq + s[6]
  end
end
if n > 0 then
  redis.call('HINCRBY', KEYS[1], 'n', n)
  redis.call('HINCRBY', KEYS[1], 'tokens', tokens)
  redis.call('HINCRBYFLOAT', KEYS[1], 'negLog2P', f(-lp2))
  redis.call('HINCRBYFLOAT', KEYS[1], 'fLogQ', f(fq))
  redis.call('HINCRBYFLOAT', KEYS[1], 'cLogQ', f(lp2))
  redis.call('HINCRBYFLOAT', KEYS[1], 'fCLogC', f(fS))
  redis.call('HINCRBYFLOAT', KEYS[1], 'cCLogC', f(cS))
end
for i = 1, 8 do redis.call('EXPIRE', KEYS[i], ${TTL_SECONDS}) end
return { n, created }
`;

/** KEYS: 1 meta. ARGV: 1 epoch. Marks the counters complete if they are still the ones of that epoch. */
export const COMPLETE = `
if redis.call('HGET', KEYS[1], 'epoch') == ARGV[1] then
  redis.call('HDEL', KEYS[1], 'incomplete')
  return 1
end
return 0
`;

/**
 * KEYS: 1 meta, 2 first, 3 comp, 4 complp, 5 top, 6 contrib. Reads everything a statistics message needs
 * in one consistent view: { meta (flat hash), first (flat hash), top 12 completions with scores (flat),
 * their ln p, distinct completions, contributors }.
 */
export const READ = `
local top = redis.call('ZREVRANGE', KEYS[5], 0, 11, 'WITHSCORES')
local lps = {}
for i = 1, #top, 2 do lps[#lps + 1] = redis.call('HGET', KEYS[4], top[i]) end
return { redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2]), top, lps,
  redis.call('HLEN', KEYS[3]), redis.call('SCARD', KEYS[6]) }
`;

/** KEYS: 1 lease. ARGV: 1 node id, 2 ttl ms. Takes or renews the lease; 1 when this node holds it. */
export const LEASE = `
local cur = redis.call('GET', KEYS[1])
if not cur then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
if cur == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
return 0
`;

/** KEYS: 1 lock. ARGV: 1 owner. Releases a lock only if this owner holds it. */
export const UNLOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** The keys of one round; one hash tag, so a Redis Cluster keeps them on one shard. */
export const roundKeys = (roundId: string) => {
  const p = `tr:r:{${roundId}}:`;
  return {
    meta: `${p}meta`,
    first: `${p}first`,
    comp: `${p}comp`,
    complp: `${p}complp`,
    top: `${p}top`,
    contrib: `${p}contrib`,
    seen: `${p}seen`,
    above: `${p}above`,
    hist: `${p}hist`,
    leader: `${p}leader`,
    rebuild: `${p}rebuild`,
  };
};

export type RoundKeys = ReturnType<typeof roundKeys>;

/** The eight keys COUNT takes, in its order. */
export const countKeys = (k: RoundKeys): string[] => [
  k.meta,
  k.first,
  k.comp,
  k.complp,
  k.top,
  k.contrib,
  k.seen,
  k.above,
];
