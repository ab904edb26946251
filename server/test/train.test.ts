/**
 * "Train from your own text" end to end, over real HTTP, sockets and databases (PGlite and PostgreSQL): upload,
 * NDJSON progress, a round sampled by phones with the artifact they download, dedupe, bad uploads, restart.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createRng,
  ErrorCode,
  generate,
  type LanguageModel,
  type ModelSummary,
  modelFromArtifact,
  nextTokenDistribution,
  participantSeed,
  type RoundInfo,
  type RoundStats,
  type SubmitResult,
} from "@tokenroom/shared";
import { loadCustomModels } from "../src/models/custom-models.ts";
import { loadModelRegistry } from "../src/models/registry.ts";
import { type Database, openDatabase } from "../src/store/database.ts";
import { type Booted, boot, call, expectOk, next, targets } from "./boot.ts";
import { textbookFirstTokenKlBits } from "./seeded-samples.ts";

const STORY = `Once upon a time, a small robot lived in a big green garden.
The robot liked to water the flowers every morning.
The flowers were red, yellow and blue, and the robot loved them all.
One day, a little bird landed on the robot's head.
"Hello," said the bird. "What are you doing in this garden?"
"I water the flowers," said the robot. "It is my job."
The bird laughed and flew around the garden.
The robot watched the bird and smiled.
Every day after that, the bird came back to the garden.
The bird sang songs while the robot watered the flowers.
One morning, the robot could not find its watering can.
The robot looked under the tree and behind the big rock.
The bird flew high in the sky to look for the can.
"I see it!" said the bird. "It is near the pond."
The robot walked to the pond and found the can in the grass.
"Thank you, bird," said the robot. "You are a good friend."
The bird was happy and sang a new song.
That night, it rained on the garden.
The robot did not need to water the flowers the next day.
So the robot and the bird played in the garden all day.
They played hide and seek behind the trees.
The bird always won, because it could fly.
The robot laughed, and the flowers danced in the wind.
In the evening, the sun was warm and orange.
The robot sat by the pond and the bird sat on its head.
"Tomorrow we will water the flowers again," said the robot.
"And I will sing," said the bird.
The next morning, a little girl came to the garden.
She saw the robot and the bird and smiled.
"Can I help you water the flowers?" asked the girl.
"Yes," said the robot. "The flowers like new friends."
The girl, the robot and the bird watered the flowers together.
The garden was more beautiful than ever before.
The girl came back every day after school.
She brought seeds, and the robot helped her plant them.
Soon there were new flowers in the garden, white and purple.
The bird made a nest in the tree by the pond.
The robot was glad to have so many friends.
And every morning, the garden was full of songs.
The end of the story about the robot and the bird.`;

interface Line {
  stage?: string;
  progress?: number;
  model?: ModelSummary & { custom?: boolean };
  error?: { code: string; message: string };
}

describe.each(targets)("train from your own text on $name", ({ target }) => {
  let db: Database;
  let t: Booted;
  const registry = loadModelRegistry();
  // a line of its own per run: the PostgreSQL test database keeps models from earlier runs
  const corpus = `${STORY}\nThis garden story was written for run ${randomUUID()}.\n`;
  let host: Awaited<ReturnType<Booted["host"]>>;
  let trained: ModelSummary & { custom?: boolean };

  beforeAll(async () => {
    db = await openDatabase(await target());
    t = await boot({ db, models: registry });
    host = await t.host("Custom models");
  });
  afterAll(async () => {
    await t.cleanup();
    await db.close();
  });

  const upload = (
    body: unknown,
    url = t.url,
    auth: { sessionId: string; hostKey: string } | null = host.session,
  ) =>
    fetch(`${url}/api/models/train`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(auth ? { authorization: `Bearer ${auth.hostKey}`, "x-session-id": auth.sessionId } : {}),
      },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  const hostHeaders = () => ({
    authorization: `Bearer ${host.session.hostKey}`,
    "x-session-id": host.session.sessionId,
  });
  const ndjson = async (res: Response): Promise<Line[]> => {
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
    return (await res.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Line);
  };
  const rejects = async (res: Response, status: number, message: RegExp) => {
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.message).toMatch(message);
  };

  it("trains a model, streaming progress, and offers it with its card", async () => {
    const lines = await ndjson(await upload({ text: corpus, tokenizer: "word", order: 3, name: "Garden" }));
    const progress = lines.slice(0, -1);
    expect(progress.map((l) => l.stage)).toEqual(
      expect.arrayContaining(["tokenizing", "counting", "held-out"]),
    );
    const fractions = progress.map((l) => l.progress!);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions.at(-1)).toBe(1);
    trained = lines.at(-1)!.model!;
    expect(trained).toMatchObject({ name: "Garden", tokenizer: "word", order: 3, custom: true });
    expect(trained.id).toMatch(/^custom-[0-9a-f]{12}$/);
    expect(trained.card).toMatchObject({ order: 3, trainingLines: 41, vocabSize: trained.vocabSize });
    expect(trained.card!.heldOut!.perplexity).toBeGreaterThan(1);

    // listed to its session's host (model-access.test.ts: and to nobody else)
    const list = (await (
      await fetch(`${t.url}/api/models`, { headers: hostHeaders() })
    ).json()) as (ModelSummary & {
      custom?: boolean;
    })[];
    expect(list.find((m) => m.id === trained.id)).toEqual(trained);
    expect(list.find((m) => m.id === "tiny-stories")?.card?.trainingTokens).toBeGreaterThan(30_000);
    expect(list.find((m) => m.id === "tiny-stories")?.custom).toBeUndefined();
    expect(await db.prisma.customModel.count({ where: { id: trained.id } })).toBe(1);
  });

  it("runs a round with it: phones sample from the artifact they download, the server verifies", async () => {
    const res = await fetch(`${t.url}/api/models/${trained.id}?v=${trained.hash}`, {
      headers: hostHeaders(),
    });
    expect(res.headers.get("cache-control")).toMatch(/^private, .*immutable/);
    const model = modelFromArtifact(await res.json());
    expect(model.hash).toBe(trained.hash);

    const student = await t.student(host.session.code, "Ada");
    const started = next(student.socket, "round:started");
    const round = await expectOk(
      call<RoundInfo>(host.socket, "round:start", {
        modelId: trained.id,
        prompt: "the robot",
        temperature: 1,
        topK: 0,
        topP: 1,
        maxTokens: 4,
        mode: "sample",
      }),
    );
    expect(round.modelHash).toBe(trained.hash);
    expect((await started).id).toBe(round.id);
    const samples = phoneSamplesFrom(model, round, student.joined.participantId, 0, 40);
    const submitted = await expectOk(
      call<SubmitResult>(student.socket, "sample:submit", { roundId: round.id, samples }),
    );
    expect(submitted.results.every((r) => r.status === "accepted")).toBe(true);
    const stats: RoundStats = await next(
      host.socket,
      "round:stats",
      (s) => s.roundId === round.id && s.n === 40,
    );
    // KL(empirical ‖ theory) of the first tokens, by the textbook formula over the 40 samples sent
    const q = nextTokenDistribution(model, round.promptTokens, round);
    const kl = textbookFirstTokenKlBits(q, samples);
    expect(kl).toBeGreaterThan(0);
    expect(stats.firstToken.klBits).toBeCloseTo(kl, 10);
    expect(await db.prisma.sample.count({ where: { roundId: round.id } })).toBe(40);
  });

  it("deduplicates: the same text and options give the same model, stored once", async () => {
    const before = await db.prisma.customModel.count();
    const crlf = `\n  ${corpus.replace(/\n/g, "\r\n")}  \n`;
    const lines = await ndjson(await upload({ text: crlf, tokenizer: "word", order: 3, name: "Other name" }));
    expect(lines).toEqual([{ model: trained }]);
    expect(await db.prisma.customModel.count()).toBe(before);
    // other options are another model
    const bigram = (await ndjson(await upload({ text: corpus, tokenizer: "char", order: 2 }))).at(-1)!.model!;
    expect(bigram.id).not.toBe(trained.id);
    expect(bigram).toMatchObject({ tokenizer: "char", order: 2, custom: true });
    expect(bigram.name).toMatch(/^Your text: once upon a time/i);
    expect(await db.prisma.customModel.count()).toBe(before + 1);
  });

  it("refuses bad uploads with a message that says what to do, and stores nothing", async () => {
    const before = await db.prisma.customModel.count();
    const ok = { tokenizer: "word", order: 3 };
    await rejects(await upload({ text: corpus, ...ok }, t.url, null), 401, /host/);
    const other = await t.createSession();
    await rejects(
      await upload({ text: corpus, ...ok }, t.url, { ...host.session, hostKey: other.hostKey }),
      403,
      /does not open that session/,
    );
    await rejects(await upload({ text: " \n\t ", ...ok }), 400, /paste at least a few sentences/);
    await rejects(
      await upload({ text: "hello there.\nhow are you?", ...ok }),
      400,
      /paste at least a few sentences/,
    );
    await rejects(await upload({ text: "word ".repeat(80), ...ok }), 400, /1 line/);
    await rejects(
      await upload({ text: `${STORY}\u0000\u0001`, ...ok }),
      400,
      /binary file: upload plain text/,
    );
    await rejects(await upload({ text: "\uFFFDab\uFFFD ".repeat(100), ...ok }), 400, /binary file/);
    const big = `${"the robot and the bird.\n".repeat(87_382)}`; // 2 MB + 16 bytes
    await rejects(await upload({ text: big, ...ok }), 413, /larger than 2 MB/);
    await rejects(await upload({ text: big + big, ...ok }), 413, /larger than 2 MB/);
    await rejects(await upload({ text: corpus, tokenizer: "bpe", order: 3 }), 400, /tokenizer/);
    await rejects(await upload({ text: corpus, tokenizer: "word", order: 6 }), 400, /order/);
    await rejects(await upload("{not json"), 400, /JSON/);
    expect(await db.prisma.customModel.count()).toBe(before);
  });

  it("a restarted app still offers it; a process that never saw it loads it on demand", async () => {
    for (const preload of [true, false]) {
      const fresh = loadModelRegistry();
      if (preload) await loadCustomModels(fresh, db.prisma);
      const again = await boot({ db, models: fresh });
      try {
        if (preload) {
          const list = (await (
            await fetch(`${again.url}/api/models`, { headers: hostHeaders() })
          ).json()) as ModelSummary[];
          expect(list.find((m) => m.id === trained.id)).toEqual(trained);
        }
        // the session that trained it, attached to the other process
        const h = { socket: await again.socket() };
        await expectOk(
          call(h.socket, "host:attach", { sessionId: host.session.sessionId, hostKey: host.session.hostKey }),
        );
        // round:start looks models up synchronously: a miss starts loading it, and the host's retry finds it
        const settings = { ...baseSettings, modelId: trained.id, prompt: "the bird" };
        let started = await call<RoundInfo>(h.socket, "round:start", settings);
        if (!started.ok) {
          expect(preload).toBe(false);
          expect(started.error.code).toBe(ErrorCode.UNKNOWN_MODEL);
          await fresh.resolve(trained.id);
          started = await call<RoundInfo>(h.socket, "round:start", settings);
        }
        expect(started).toMatchObject({ ok: true, data: { modelHash: trained.hash } });
        const res = await fetch(`${again.url}/api/models/${trained.id}?v=${trained.hash}`, {
          headers: hostHeaders(),
        });
        expect(res.status).toBe(200);
        expect(modelFromArtifact(await res.json()).hash).toBe(trained.hash);
      } finally {
        await again.cleanup();
      }
    }
    expect(
      await call(host.socket, "round:start", { ...baseSettings, modelId: "custom-000000000000" }),
    ).toMatchObject({
      ok: false,
      error: { code: ErrorCode.UNKNOWN_MODEL },
    });
  });
});

const baseSettings = { prompt: "the", temperature: 1, topK: 0, topP: 1, maxTokens: 2, mode: "sample" };

/** What a phone does with the artifact it downloaded: sample i = generate(…, createRng(seed, i)). */
function phoneSamplesFrom(
  model: LanguageModel,
  round: RoundInfo,
  participantId: string,
  from: number,
  count: number,
) {
  const settings = { temperature: round.temperature, topK: round.topK, topP: round.topP };
  const seed = participantSeed(round.seed, participantId);
  return Array.from({ length: count }, (_, k) => ({
    index: from + k,
    tokens: generate(model, round.promptTokens, settings, createRng(seed, from + k), round.maxTokens).tokens,
  }));
}
