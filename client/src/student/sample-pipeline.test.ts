import { describe, expect, it } from "vitest";
import type { RoundInfo, SampleSubmit, SubmitResult } from "@tokenroom/shared";
import type { ClientResult } from "../api/socket.ts";
import type { EngineClient } from "../engine-worker/engine-client.ts";
import type { OutboxState, OutboxStore } from "./outbox.ts";
import { SamplePipeline } from "./sample-pipeline.ts";

const round: RoundInfo = {
  id: "r1",
  seq: 1,
  modelId: "toy",
  modelHash: "builtin-toy-v1",
  prompt: "the",
  promptTokens: [4],
  temperature: 1,
  topK: 0,
  topP: 1,
  maxTokens: 3,
  mode: "sample",
  showClassChart: false,
  seed: 7,
  status: "open",
  startedAt: "2026-01-01T00:00:00.000Z",
  candidates: null,
  guessPhase: null,
  beModel: null,
};

function harness(
  replies: ((p: SampleSubmit) => ClientResult<SubmitResult>)[],
  store = new Map<string, OutboxState>(),
) {
  let now = 0;
  const sent: SampleSubmit[] = [];
  const outboxes: OutboxStore = {
    load: (k) => structuredClone(store.get(k) ?? null),
    save: (k, s) => void store.set(k, structuredClone(s)),
    remove: (k) => void store.delete(k),
  };
  const engine = {
    generate: (_spec: unknown, _pid: string, start: number, count: number) =>
      Promise.resolve(
        Array.from({ length: count }, (_, i) => ({
          index: start + i,
          tokens: [1, 2, 3],
          probs: [0.5, 0.5, 0.5],
          labels: ["a", "b", "c"],
        })),
      ),
  } as unknown as EngineClient;
  const pipeline = new SamplePipeline(round, "p1", {
    engine,
    store: outboxes,
    submit: (payload) => {
      sent.push(payload);
      const reply = replies.shift();
      return Promise.resolve(
        reply ? reply(payload) : { ok: false, error: { code: "TIMEOUT", message: "no reply" } },
      );
    },
    canSend: () => true,
    onBatchError: () => undefined,
    onChange: () => undefined,
    now: () => now,
  });
  return { pipeline, sent, store, advance: (ms: number) => (now += ms) };
}

const acceptAll = (p: SampleSubmit): ClientResult<SubmitResult> => ({
  ok: true,
  data: { results: p.samples.map((s) => ({ index: s.index, status: "accepted" as const })) },
});
const settle = () => new Promise((r) => setTimeout(r, 0));

describe("SamplePipeline", () => {
  it("generates, sends in a batch and counts each acknowledged sample once", async () => {
    const h = harness([acceptAll]);
    h.pipeline.sample(10, () => true);
    await settle();
    await h.pipeline.settled();
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]!.samples.map((s) => s.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(h.pipeline.view()).toMatchObject({ made: 10, acked: 10, pending: 0 });
  });

  it("keeps samples on a timeout and resends them after the backoff", async () => {
    const h = harness([() => ({ ok: false, error: { code: "TIMEOUT", message: "" } }), acceptAll]);
    h.pipeline.sample(3, () => true);
    await settle();
    await h.pipeline.settled();
    expect(h.pipeline.view()).toMatchObject({ made: 3, acked: 0, pending: 3, waitingToResend: true });
    await h.pipeline.flush(); // still backing off: nothing sent
    expect(h.sent).toHaveLength(1);
    h.advance(1_000);
    await h.pipeline.flush();
    expect(h.sent).toHaveLength(2);
    expect(h.pipeline.view()).toMatchObject({ acked: 3, pending: 0 });
  });

  it("after a resume, does not count again a sample the server may already hold, and asks for a re-sync", async () => {
    const store = new Map<string, OutboxState>([
      ["outbox:p1:r1", { nextIndex: 5, pending: [3, 4].map((index) => ({ index, tokens: [1] })) }],
    ]);
    const h = harness([acceptAll], store);
    h.pipeline.resumed(5, 5); // the server stored 0..4: the acks of 3 and 4 were lost
    await h.pipeline.flush();
    expect(h.pipeline.view()).toMatchObject({ made: 5, acked: 5, pending: 0 });
    expect(h.pipeline.wantsSync()).toBe(true);
  });

  it("drops a sample on a final rejection, keeps it on UNAVAILABLE", async () => {
    const h = harness([
      (p) => ({
        ok: true,
        data: {
          results: [
            { index: p.samples[0]!.index, status: "rejected", code: "SAMPLE_MISMATCH", message: "" },
            { index: p.samples[1]!.index, status: "rejected", code: "UNAVAILABLE", message: "" },
          ],
        },
      }),
    ]);
    h.pipeline.sample(2, () => true);
    await settle();
    await h.pipeline.settled();
    expect(h.pipeline.view()).toMatchObject({ made: 2, acked: 0, pending: 1, rejected: 1 });
  });

  it("never reuses an index after a reload: it continues from the stored next index", async () => {
    const store = new Map<string, OutboxState>();
    const first = harness([acceptAll], store);
    first.pipeline.sample(4, () => true);
    await settle();
    await first.pipeline.settled();
    const second = harness([acceptAll], store);
    second.pipeline.resumed(4, 4);
    second.pipeline.sample(2, () => true);
    await settle();
    await second.pipeline.settled();
    expect(second.sent[0]!.samples.map((s) => s.index)).toEqual([4, 5]);
    expect(second.pipeline.view()).toMatchObject({ made: 6, acked: 6 });
  });
});
