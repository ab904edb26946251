/**
 * [WARM1] Through the real application: a round that goes live warms its decoder before any phone samples, when
 * the host starts it and when a restarted server loads the session of an open round.
 */
import { afterAll, describe, expect, it } from "vitest";
import { decodingOf, type RoundInfo } from "@tokenroom/shared";
import { loadModelRegistry, type ModelRegistry } from "../src/models/registry.ts";
import { openDatabase } from "../src/store/database.ts";
import { boot, type Booted, call, expectOk } from "./boot.ts";
import { pgliteDataDir } from "./pglite.ts";

const TOKENS = 4_000;

/** Polls the registry's decoder for the round until it holds more than `entries` decoded contexts. */
async function cachedContexts(models: ModelRegistry, round: RoundInfo, entries: number): Promise<number> {
  const model = models.get(round.modelId)!.model;
  const decoder = models.decoder(model, decodingOf(round));
  const until = Date.now() + 20_000;
  while (decoder.cacheSize.entries <= entries && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 20));
  }
  return decoder.cacheSize.entries;
}

const TINY_ROUND = {
  modelId: "tiny-stories",
  prompt: "once upon a time",
  temperature: 1,
  topK: 0,
  topP: 0.9,
  maxTokens: 8,
  mode: "sample",
};

describe("[WARM1] decoder warm-up in the application", () => {
  const db = openDatabase({ kind: "pglite", dataDir: pgliteDataDir() });
  const booted: Booted[] = [];
  afterAll(async () => {
    for (const t of booted) await t.cleanup();
    await (await db).close();
  });

  it("warms a new round's decoder, and after a restart the open round's, before any sample", async () => {
    const first = loadModelRegistry();
    const a = await boot({ db: await db, models: first, decoderWarmupTokens: TOKENS });
    booted.push(a);
    const { socket: host, session } = await a.host();
    const round = await expectOk(call<RoundInfo>(host, "round:start", TINY_ROUND));
    // without the warm-up the decoder holds one context, the prompt's (for the round's theory)
    expect(await cachedContexts(first, round, 100)).toBeGreaterThan(100);
    await a.cleanup();
    booted.pop();

    // a restarted server (the same database, a registry of its own) loads the session when a phone comes back
    const second = loadModelRegistry();
    const b = await boot({ db: await db, models: second, decoderWarmupTokens: TOKENS });
    booted.push(b);
    expect(second.decoder(second.get("tiny-stories")!.model, decodingOf(round)).cacheSize.entries).toBe(0);
    await b.student(session.code, "after the restart");
    expect(await cachedContexts(second, round, 100)).toBeGreaterThan(100);
  });
});
