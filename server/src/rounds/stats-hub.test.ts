import { LocalStatsHub } from "./stats-hub.ts";
import { statsHubContract } from "./stats-hub.contract.ts";

statsHubContract("LocalStatsHub (one process)", () =>
  Promise.resolve({ hub: new LocalStatsHub(), close: () => Promise.resolve() }),
);
