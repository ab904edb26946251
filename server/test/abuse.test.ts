/**
 * Attacks on the server's CPU (docs/security.md): a model too large to decode cheaply is refused at upload ([TL1]),
 * and a batch whose verification takes many model steps leaves the event loop to others while it runs ([CPU1]).
 * Real HTTP, sockets and PGlite; no timed bounds (the figures are in `pnpm bench:abuse`).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  createRng,
  Decoder,
  generate,
  type LanguageModel,
  type ModelSummary,
  participantSeed,
  type RoundInfo,
  type SubmitResult,
} from "@tokenroom/shared";
import { loadModelRegistry } from "../src/models/registry.ts";
import { TRAIN_LIMITS } from "../src/models/text-check.ts";
import { type Booted, boot, call, expectOk } from "./boot.ts";

/** `words` made-up words, each once (shuffled by a fixed seed), 12 to a line. */
function distinctWords(words: number, seed: number): string {
  const list = Array.from({ length: words }, (_, i) => `w${i.toString(36)}x`);
  const rng = createRng(seed, 0);
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  const lines: string[] = [];
  for (let i = 0; i < list.length; i += 12) lines.push(`${list.slice(i, i + 12).join(" ")} .`);
  return lines.join("\n");
}

describe("CPU attacks", () => {
  const registry = loadModelRegistry();
  let t: Booted;
  let host: Awaited<ReturnType<Booted["host"]>>;

  beforeAll(async () => {
    t = await boot({ models: registry });
    host = await t.host("Abuse");
  });
  afterAll(async () => {
    await t.cleanup();
  });

  const upload = (text: string, order: number) =>
    fetch(`${t.url}/api/models/train`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${host.session.hostKey}`,
        "x-session-id": host.session.sessionId,
      },
      body: JSON.stringify({ text, tokenizer: "word", order }),
    });

  it("[TL1] refuses a text with more distinct words than the vocabulary limit, saying what to do", async () => {
    const before = await t.db.prisma.customModel.count();
    const res = await upload(distinctWords(TRAIN_LIMITS.maxVocab + 10_000, 1), 1);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("BAD_REQUEST");
    // the vocabulary also holds "." and the model's three special tokens
    expect(body.error.message).toBe(
      "this text has 60,001 distinct words; the limit is 50,000: train on a shorter text or use the char tokenizer",
    );
    expect(await t.db.prisma.customModel.count()).toBe(before);
  });

  it("[CPU1] a batch that costs many model steps on a large model leaves /healthz answering before its ack", async () => {
    // 45,000 words (under the limit), each once, at order 2: at T = 10 and top-k 0 every step decodes every word
    const res = await upload(distinctWords(45_000, 2), 2);
    expect(res.status).toBe(200);
    const last = (await res.text()).trim().split("\n").at(-1)!;
    const trained = (JSON.parse(last) as { model: ModelSummary }).model;
    expect(trained.vocabSize).toBeGreaterThan(45_000);

    // count the server's model steps: the round uses the registry's model, wrapped
    const entry = (await registry.resolve(trained.id))!;
    const model = entry.model;
    let steps = 0;
    const counted: LanguageModel = {
      ...model,
      nextTokenLogProbs: (context) => {
        steps++;
        return model.nextTokenLogProbs(context);
      },
    };
    registry.add({ ...entry, model: counted });

    const settings = { temperature: 10, topK: 0, topP: 1 };
    const round = await expectOk(
      call<RoundInfo>(host.socket, "round:start", {
        modelId: trained.id,
        prompt: "w1x w2x",
        ...settings,
        maxTokens: 40,
        mode: "sample",
      }),
    );
    const { socket, joined } = await t.student(host.session.code, "Ada");
    // honest samples: the server replays every step of each (20 × 40 steps) before it stores and acks them
    const decoder = new Decoder(model, settings);
    const seed = participantSeed(round.seed, joined.participantId);
    const samples = Array.from({ length: 20 }, (_, index) => ({
      index,
      tokens: generate(model, round.promptTokens, settings, createRng(seed, index), 40, decoder).tokens,
    }));

    const order: string[] = [];
    const stepsBefore = steps;
    const ack = call<SubmitResult>(socket, "sample:submit", { roundId: round.id, samples }).then((r) => {
      order.push("ack");
      return r;
    });
    // the verification has started (this test runs in the server's process: it sees the steps only if the
    // server yields between them)...
    await vi.waitFor(() => expect(steps).toBeGreaterThan(stepsBefore), { timeout: 30_000, interval: 1 });
    // ...and /healthz, asked now, is answered while it goes on
    const health = await fetch(`${t.url}/healthz`);
    expect(health.status).toBe(200);
    order.push("healthz");
    const stepsAtHealth = steps;

    const result = await ack;
    expect(order).toEqual(["healthz", "ack"]);
    expect(stepsAtHealth).toBeLessThan(steps);
    // exactly once: every sample acked as accepted, and stored
    expect(result.ok && result.data.results.map((r) => r.status)).toEqual(samples.map(() => "accepted"));
    expect(await t.db.prisma.sample.count({ where: { roundId: round.id } })).toBe(samples.length);
  });
});
