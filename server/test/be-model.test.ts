/**
 * "Be the model" series over real sockets on PGlite: forecasts, reveals, losses against an independent
 * computation, the series' averages and ranking, bad input, storage, review and export.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BeModelSummary,
  encodeText,
  ErrorCode,
  evaluateText,
  type GuessResult,
  type HostSnapshot,
  ngramModel,
  type RoundInfo,
  type SessionReview,
  tokenLabel,
  trainNgram,
} from "@tokenroom/shared";
import { SHIPPED_CORPORA_DIR } from "../src/paths.ts";
import { type Booted, boot, call, type ClientSocket, expectOk, models, next, phoneSamples } from "./boot.ts";

const TEXT = "once upon a time there was a little girl named lily. she liked to play in the park.";
const WORDS = 3;
const K = 3;
const start = (extra: Record<string, unknown> = {}) => ({
  modelId: "tiny-stories",
  prompt: "",
  temperature: 1,
  topK: 0,
  topP: 1,
  maxTokens: 1,
  mode: "be-model",
  passage: "text",
  passageText: TEXT,
  words: WORDS,
  guessCandidates: K,
  ...extra,
});

/** Independent: p(token | context) from the model's raw log-probs, normalised here; in bits. */
function modelLoss(context: number[], token: number, id = "tiny-stories"): number {
  const { model } = models().get(id)!;
  const lp = model.nextTokenLogProbs(context);
  let z = 0;
  for (const x of lp) if (x > -Infinity) z += Math.exp(x);
  return -Math.log2(Math.exp(lp[token]!) / z);
}

/** Independent: floor every entry at 0.001, renormalise, −log2 of the true word's share. */
function loss(probs: number[], trueIndex: number): number {
  const floored = probs.map((p) => Math.max(p, 0.001));
  return -Math.log2(floored[trueIndex]! / floored.reduce((s, x) => s + x, 0));
}

describe('"be the model" series', () => {
  let t: Booted;
  beforeAll(async () => {
    t = await boot();
  });
  afterAll(() => t.cleanup());

  it("scores three words exactly, ranks the class against the model, and stores, reviews and exports them", async () => {
    const { socket: host, session } = await t.host("Be the model");
    const names = ["Sharp", "Even", "Wrong", "Late"];
    const phones = await Promise.all(names.map((n) => t.student(session.code, n)));
    const [sharp, even, wrong, late] = phones.map((p) => p.socket) as [
      ClientSocket,
      ClientSocket,
      ClientSocket,
      ClientSocket,
    ];
    const { model } = models().get("tiny-stories")!;
    const tokens = encodeText(model, TEXT);
    const first = tokens.length - WORDS;

    let round = await expectOk(call<RoundInfo>(host, "round:start", start()));
    const expected = new Map<string, number[]>(names.map((n) => [n, []]));
    const modelLosses: number[] = [];
    for (let step = 0; step < WORDS; step++) {
      const trueId = tokens[first + step]!;
      expect(round.mode).toBe("be-model");
      expect(round.beModel).toMatchObject({ step, words: WORDS });
      expect(round.promptTokens).toEqual(tokens.slice(0, first + step));
      expect(round.candidates).toHaveLength(K + 1);
      const trueIndex = round.candidates!.findIndex((c) => c.id === trueId);
      expect(trueIndex).toBeGreaterThanOrEqual(0); // [BM2] the true word is always a candidate
      const n = round.candidates!.length + 1;
      const wrongIndex = (trueIndex + 1) % round.candidates!.length;
      const answers: [string, ClientSocket, number[]][] = [
        ["Sharp", sharp, Array.from({ length: n }, (_, i) => (i === trueIndex ? 0.7 : 0.3 / (n - 1)))],
        ["Even", even, Array<number>(n).fill(1 / n)],
        ["Wrong", wrong, Array.from({ length: n }, (_, i) => (i === wrongIndex ? 1 : 0))],
      ];
      if (step === 0)
        answers.push([
          "Late",
          late,
          Array<number>(n)
            .fill(0)
            .fill(1, n - 1),
        ]);

      // bad input changes nothing
      for (const probs of [Array<number>(n).fill(0.3), [0.5, 0.5], [NaN, ...Array<number>(n - 1).fill(0)]])
        expect(await call(sharp, "guess:submit", { roundId: round.id, probs })).toMatchObject({
          ok: false,
          error: { code: ErrorCode.BAD_REQUEST },
        });
      expect(await call(sharp, "guess:submit", { roundId: "nope", probs: answers[0]![2] })).toMatchObject({
        ok: false,
        error: { code: ErrorCode.ROUND_CLOSED },
      });
      expect(await call(host, "bemodel:next", { roundId: round.id })).toMatchObject({
        ok: false,
        error: { code: ErrorCode.WRONG_PHASE },
      });
      const samples = phoneSamples(round, phones[0]!.joined.participantId, 0, 1);
      expect(await call(sharp, "sample:submit", { roundId: round.id, samples })).toMatchObject({
        ok: false,
        error: { code: ErrorCode.WRONG_PHASE },
      });

      for (const [, socket, probs] of answers)
        await expectOk(call<GuessResult>(socket, "guess:submit", { roundId: round.id, probs }));
      const progress = await next(
        host,
        "bemodel:summary",
        (s) => s.roundId === round.id && s.submitted === answers.length,
      );
      expect(progress.history).toHaveLength(step);

      const result = next(sharp, "guess:result", (r) => r.roundId === round.id);
      const summaryP = next(
        host,
        "bemodel:summary",
        (s) => s.roundId === round.id && s.history.length === step + 1,
      );
      await expectOk(call(host, "round:reveal", { roundId: round.id }));
      const mine = await result;
      const summary: BeModelSummary = await summaryP;

      const context = tokens.slice(0, first + step);
      const mLoss = modelLoss(context, trueId);
      modelLosses.push(mLoss);
      expect(mine.klBits).toBeCloseTo(loss(answers[0]![2], trueIndex), 12);
      expect(mine.modelLossBits).toBeCloseTo(mLoss, 9);
      expect(mine.truth).toEqual(Array.from({ length: n }, (_, i) => (i === trueIndex ? 1 : 0)));
      const word = summary.history[step]!;
      expect(word).toMatchObject({ trueIndex, trueToken: round.candidates![trueIndex]!.token });
      expect(word.modelLossBits).toBeCloseTo(mLoss, 9);
      expect(word.modelProbs.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 9);
      for (const name of names) {
        const a = answers.find(([n2]) => n2 === name);
        expected.get(name)!.push(a ? loss(a[2], trueIndex) : Math.log2(n)); // [BM4] skipped: uniform
      }

      // after the reveal, forecasts are refused
      expect(await call(even, "guess:submit", { roundId: round.id, probs: answers[1]![2] })).toMatchObject({
        ok: false,
        error: { code: ErrorCode.WRONG_PHASE },
      });
      if (step + 1 < WORDS) {
        expect(await call(sharp, "bemodel:next", { roundId: round.id })).toMatchObject({
          ok: false,
          error: { code: ErrorCode.FORBIDDEN },
        });
        round = await expectOk(call<RoundInfo>(host, "bemodel:next", { roundId: round.id }));
      }
    }
    expect(await call(host, "bemodel:next", { roundId: round.id })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.WRONG_PHASE },
    });

    // the series, against an independent computation ([BM4]–[BM5])
    const snap = await expectOk(
      call<HostSnapshot>(host, "host:attach", { sessionId: session.sessionId, hostKey: session.hostKey }),
    );
    const s = snap.beModel!;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const averages = names.map((n) => ({ n, avg: mean(expected.get(n)!) })).sort((a, b) => a.avg - b.avg);
    expect(s.standings.map((x) => x.nickname)).toEqual(averages.map((a) => a.n));
    expect(s.standings.map((x) => x.rank)).toEqual([1, 2, 3, 4]);
    for (const st of s.standings) {
      const e = expected.get(st.nickname)!;
      st.lossesBits.forEach((l, i) => expect(l).toBeCloseTo(e[i]!, 12));
      expect(st.averageBits).toBeCloseTo(mean(e), 12);
      expect(st.perplexity).toBeCloseTo(2 ** mean(e), 9);
    }
    expect(s.standings.find((x) => x.nickname === "Late")!.answered).toBe(1);
    const classPerWord = [0, 1, 2].map((i) => mean(names.map((n) => expected.get(n)![i]!)));
    s.history.forEach((w, i) => expect(w.classLossBits).toBeCloseTo(classPerWord[i]!, 12));
    expect(s.classAverage!.bits).toBeCloseTo(mean(classPerWord), 12);
    expect(s.classAverage!.perplexity).toBeCloseTo(2 ** mean(classPerWord), 9);
    expect(s.modelAverage!.bits).toBeCloseTo(mean(modelLosses), 9);
    expect(s.modelAverage!.perplexity).toBeCloseTo(2 ** mean(modelLosses), 6);

    // stored: one guess row per answer, each with its loss
    const stored = await t.db.prisma.guess.findMany({ where: { round: { sessionId: session.sessionId } } });
    expect(stored).toHaveLength(3 * WORDS + 1);
    expect(stored.every((g) => g.scoreBits !== null)).toBe(true);

    // reviewed and exported like the other rounds
    const get = (path: string) =>
      fetch(`${t.url}/api/sessions/${session.sessionId}${path}`, {
        headers: { authorization: `Bearer ${session.hostKey}` },
      });
    const review = (await (await get("/review")).json()) as SessionReview;
    expect(review.rounds.map((r) => r.mode)).toEqual(["be-model", "be-model", "be-model"]);
    expect(review.rounds.map((r) => r.guesses)).toEqual([4, 3, 3]);
    expect((review.rounds[0]!.candidates as { word: { trueIndex: number } }).word.trueIndex).toBeTypeOf(
      "number",
    );
    const sharpId = phones[0]!.joined.participantId;
    const sharpRow = review.students.items.find((x) => x.id === sharpId)!;
    sharpRow.guesses.forEach((g, i) => expect(g.scoreBits).toBeCloseTo(expected.get("Sharp")![i]!, 12));
    const csv = await (await get("/export.csv?kind=guesses")).text();
    expect(csv.trim().split("\r\n")).toHaveLength(1 + 3 * WORDS + 1);
    const json = (await (await get("/export.json")).json()) as {
      rounds: { mode: string; guesses: unknown[] }[];
    };
    expect(json.rounds.map((r) => [r.mode, r.guesses.length])).toEqual([
      ["be-model", 4],
      ["be-model", 3],
      ["be-model", 3],
    ]);
  });

  it("[BM3] scores a shipped passage with the model trained without the held-out lines", async () => {
    const { socket: host } = await t.host();
    for (const [id, order, tokenizer] of [
      ["tiny-stories", 3, "word"],
      ["zh-stories", 4, "char"],
    ] as const) {
      const round = await expectOk(
        call<RoundInfo>(host, "round:start", start({ modelId: id, passage: "corpus", words: 1 })),
      );
      const summaryP = next(host, "bemodel:summary", (s) => s.roundId === round.id && s.history.length === 1);
      await expectOk(call(host, "round:reveal", { roundId: round.id }));
      const word = (await summaryP).history[0]!;

      // independent: the corpus without every 10th non-empty line, trained as the shipped model, no hold-out
      const { model: shipped } = models().get(id)!;
      const rest = readFileSync(`${SHIPPED_CORPORA_DIR}/${id}.txt`, "utf8")
        .split(/\r\n?|\n/)
        .filter((l) => shipped.tokenizer.tokenize(l).length > 0)
        .filter((_, i) => (i + 1) % 10 !== 0);
      const held = ngramModel(
        trainNgram(rest.join("\n"), {
          id: "check",
          name: "check",
          description: "",
          order,
          tokenizer,
          heldOutEvery: 0,
        }),
      );
      // the same options as the shipped model: it reproduces the model card's held-out figure ([NG8])
      const heldOutText = readFileSync(`${SHIPPED_CORPORA_DIR}/${id}.txt`, "utf8")
        .split(/\r\n?|\n/)
        .filter((l) => shipped.tokenizer.tokenize(l).length > 0)
        .filter((_, i) => (i + 1) % 10 === 0)
        .join("\n");
      expect(evaluateText(held, heldOutText).crossEntropyBits).toBeCloseTo(
        models().get(id)!.summary.card!.heldOut!.crossEntropyBits,
        5,
      );
      const ids = new Map(held.vocab.map((token, i) => [token, i] as const));
      // candidates are shown as labels: the end of the text reads "⏎", not as its vocabulary entry
      const labelIds = new Map(held.vocab.map((_, i) => [tokenLabel(held, i), i] as const));
      const context = round.promptTokens.map((t2) => ids.get(shipped.vocab[t2]!) ?? held.unkId!);
      const lp = held.nextTokenLogProbs(context);
      const z = lp.reduce((sum, x) => sum + Math.exp(x), 0);
      const expected = -Math.log2(Math.exp(lp[ids.get(word.trueToken)!]!) / z);
      expect(word.modelLossBits).toBeCloseTo(expected, 9);
      // the shipped model has seen the line: its loss is another (optimistic) number
      const trueId = shipped.vocab.indexOf(word.trueToken);
      const seen = modelLoss(round.promptTokens, trueId, id);
      expect(Math.abs(seen - word.modelLossBits)).toBeGreaterThan(1e-6);
      // [BM2] the candidates are the held-out model's favourites (plus the true word)
      const cut = [...lp].sort((x, y) => y - x)[K]!; // the (K + 1)-th highest log-probability
      for (const c of word.candidates.filter((c) => c !== word.trueToken))
        expect(lp[labelIds.get(c)!]!).toBeGreaterThanOrEqual(cut);
    }
  });

  it("reads a held-out line of the Chinese corpus, and refuses passages it cannot score", async () => {
    const { socket: host } = await t.host();
    const round = await expectOk(
      call<RoundInfo>(host, "round:start", start({ modelId: "zh-stories", passage: "corpus", words: 5 })),
    );
    const { model } = models().get("zh-stories")!;
    const lines = readFileSync(`${SHIPPED_CORPORA_DIR}/zh-stories.txt`, "utf8")
      .split(/\r\n?|\n/)
      .filter((l) => model.tokenizer.tokenize(l).length > 0);
    const heldOut = lines.filter((_, i) => (i + 1) % 10 === 0).map((l) => encodeText(model, l));
    const ctx = round.promptTokens;
    const line = heldOut.find((l) => ctx.every((id, i) => l[i] === id) && l.length >= ctx.length + 5);
    expect(line).toBeDefined();
    expect(ctx.length).toBeGreaterThanOrEqual(4);
    expect(round.candidates!.map((c) => c.id)).toContain(line![ctx.length]);

    for (const bad of [
      start({ passageText: "once upon a time there was a zzyzx" }), // an unknown word to predict
      start({ passageText: "once upon" }), // too short for 3 words
      start({ modelId: "toy", passage: "corpus" }), // no shipped corpus
    ])
      expect(await call(host, "round:start", bad)).toMatchObject({
        ok: false,
        error: { code: ErrorCode.INVALID_SETTINGS },
      });
    expect(await call(host, "round:start", start({ words: 21 }))).toMatchObject({
      ok: false,
      error: { code: ErrorCode.BAD_REQUEST },
    });
  });
});
