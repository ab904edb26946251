import { Redis } from "ioredis";
import { statsHubContract } from "../rounds/stats-hub.contract.ts";
import { startRedis } from "../../test/services.ts";
import { RedisStatsHub } from "./redis-stats-hub.ts";

// a redis-server of its own per hub: running sums in Lua, the history in a Redis list
statsHubContract("RedisStatsHub (several processes)", async (repo) => {
  const redis = await startRedis();
  const client = new Redis(redis.url, { maxRetriesPerRequest: 2 });
  return {
    hub: new RedisStatsHub(client, repo, "node-a", 2_000),
    async close() {
      client.disconnect();
      await redis.close();
    },
  };
});
