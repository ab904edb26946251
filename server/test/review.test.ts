/**
 * Reviewing and exporting a stored session, over real sockets and a real database (PGlite in memory,
 * and PostgreSQL on 127.0.0.1): what the review and the exports say must be what was played.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  completionLabel,
  entropyBits,
  MODEL_SETTINGS,
  modelDistribution,
  type RoundInfo,
  type RoundStats,
  type SessionExport,
  type SessionReview,
  type SubmitResult,
  sequenceLogProb,
} from "@tokenroom/shared";
import { userText } from "../src/review/csv.ts";
import { type Database, openDatabase } from "../src/store/database.ts";
import {
  type Booted,
  boot,
  call,
  type ClientSocket,
  expectOk,
  models,
  next,
  phoneSamples,
  submitAccepted,
  targets,
} from "./boot.ts";

/** RFC 4180: fields separated by commas, records by CRLF; a quoted field may hold both, "" is a quote. */
function parseCsv(text: string): string[][] {
  const field = /(?:"((?:[^"]|"")*)"|([^",\r\n]*))(,|\r\n|$)/y;
  const rows: string[][] = [];
  let row: string[] = [];
  while (field.lastIndex < text.length) {
    const m = field.exec(text);
    if (!m) throw new Error(`not RFC 4180 at ${field.lastIndex}`);
    row.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]!);
    if (m[3] === ",") continue;
    rows.push(row);
    row = [];
  }
  return rows;
}

function expectClose(a: number | null | undefined, b: number | null | undefined, tolerance = 1e-9): void {
  expect(a).toBeTypeOf("number");
  expect(b).toBeTypeOf("number");
  expect(Math.abs(a! - b!)).toBeLessThan(tolerance);
}

/** Naive KL(empirical ‖ theory) in bits from scratch (the independent reference). */
function naiveKl(outcomes: string[], q: (key: string) => number): number {
  const counts = new Map<string, number>();
  for (const o of outcomes) counts.set(o, (counts.get(o) ?? 0) + 1);
  let kl = 0;
  for (const [key, c] of counts) kl += (c / outcomes.length) * Math.log2(c / outcomes.length / q(key));
  return kl;
}

interface Played {
  hostKey: string;
  sessionId: string;
  code: string;
  rounds: { info: RoundInfo; stats: RoundStats; perStudent: number[] }[];
  nicknames: string[];
  participantIds: string[];
}

async function play(t: Booted): Promise<Played> {
  const { socket: host, session } = await t.host("Review me");
  const nicknames = ["Ada", "Émile 中文", 'Grace "Hopper", RN', "=1+2"];
  const students: { socket: ClientSocket; id: string }[] = [];
  for (const name of nicknames) {
    const s = await t.student(session.code, name);
    students.push({ socket: s.socket, id: s.joined.participantId });
  }
  const settings = [
    { modelId: "toy", prompt: "the", temperature: 1, topK: 0, topP: 1, maxTokens: 3, mode: "sample" },
    {
      modelId: "tiny-stories",
      prompt: "once upon a time",
      temperature: 1.5,
      topK: 0,
      topP: 1,
      maxTokens: 4,
      mode: "sample",
    },
  ];
  const perStudentByRound = [
    [40, 25, 31, 7],
    [60, 12, 33, 20],
  ];
  const rounds: Played["rounds"] = [];
  for (const [r, s] of settings.entries()) {
    const info = await expectOk(call<RoundInfo>(host, "round:start", s));
    const perStudent = perStudentByRound[r]!;
    const total = perStudent.reduce((a, b) => a + b, 0);
    const final = next(host, "round:stats", (x) => x.roundId === info.id && x.n === total);
    for (const [i, st] of students.entries()) {
      const samples = phoneSamples(info, st.id, 0, perStudent[i]!);
      for (let k = 0; k < samples.length; k += 50) {
        await submitAccepted(st.socket, info.id, samples.slice(k, k + 50));
      }
      // a resend is stored once; an impossible sample is not stored
      await expectOk(call(st.socket, "sample:submit", { roundId: info.id, samples: samples.slice(0, 3) }));
    }
    const bad = await expectOk(
      call<SubmitResult>(students[0]!.socket, "sample:submit", {
        roundId: info.id,
        samples: [{ index: perStudent[0]!, tokens: [0, 0, 0, 0, 0, 0, 0] }],
      }),
    );
    expect(bad.results[0]?.status).toBe("rejected");
    rounds.push({ info, stats: await final, perStudent });
    if (r === 0) await expectOk(call(host, "round:reveal", { roundId: info.id }));
  }
  await expectOk(call(host, "round:close", { roundId: rounds[1]!.info.id }));
  return { ...session, rounds, nicknames, participantIds: students.map((s) => s.id) };
}

describe.each(targets)("review and export on $name", ({ target }) => {
  let db: Database;
  let t: Booted;
  let p: Played;
  beforeAll(async () => {
    db = await openDatabase(await target());
    t = await boot({ db });
    p = await play(t);
    // a stored guess (the guess feature writes these; the review must show them) over two candidates
    await db.prisma.$executeRawUnsafe(
      `UPDATE rounds SET candidates = $1::jsonb WHERE id = $2`,
      JSON.stringify({ ids: [7, 9], tokens: ["=cat", "dog"], truth: [0.5, 0.3, 0.2] }),
      p.rounds[0]!.info.id,
    );
    await db.prisma.$executeRawUnsafe(
      `INSERT INTO guesses (round_id, participant_id, distribution, score_bits) VALUES ($1, $2, $3::jsonb, $4)`,
      p.rounds[0]!.info.id,
      p.participantIds[1],
      JSON.stringify([0.5, 0.1599999999999999, 0.3400000000000001]), // as the guess service stores it
      1.75,
    );
  });
  afterAll(async () => {
    await t.cleanup();
    await db.close();
  });

  const get = (path: string) =>
    fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${p.hostKey}` } });

  it("reviews every round exactly as the live round showed it", async () => {
    const res = await get(`/api/sessions/${p.sessionId}/review`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const review = (await res.json()) as SessionReview;
    const total = p.rounds.flatMap((r) => r.perStudent).reduce((a, b) => a + b, 0);
    expect(review.session).toMatchObject({
      id: p.sessionId,
      title: "Review me",
      students: 4,
      rounds: 2,
      samples: total,
    });
    expect(review.rounds.map((r) => r.seq)).toEqual([1, 2]);
    for (const [i, played] of p.rounds.entries()) {
      const r = review.rounds[i]!;
      const live = played.stats;
      const info = played.info;
      expect(r).toMatchObject({
        id: info.id,
        modelId: info.modelId,
        modelHash: info.modelHash,
        prompt: info.prompt,
      });
      expect(r).toMatchObject({
        temperature: info.temperature,
        topK: info.topK,
        maxTokens: info.maxTokens,
        seed: info.seed,
      });
      expect(r.modelAvailable).toBe(true);
      expect(r.theory.roundId).toBe(info.id);
      const s = r.stats;
      expect(s.n).toBe(live.n);
      expect(s.tokens).toBe(live.tokens);
      expect(s.contributors).toBe(4);
      const counts = (x: RoundStats) => new Map(x.firstToken.counts.map((c) => [c.id, c.count]));
      expect(counts(s)).toEqual(counts(live));
      expect(s.firstToken.otherCount).toBe(live.firstToken.otherCount);
      expect(s.firstToken.distinct).toBe(live.firstToken.distinct);
      for (const k of [
        "klBits",
        "expectedKlBits",
        "entropyBits",
        "crossEntropyBits",
        "perplexity",
        "expectedKlFirstOrderBits",
      ] as const)
        expectClose(s.firstToken[k], live.firstToken[k]);
      for (const k of ["klBits", "crossEntropyBitsPerToken", "perplexityPerToken"] as const)
        expectClose(s.completions[k], live.completions[k]);
      expect(s.completions.distinct).toBe(live.completions.distinct);
      // top completions: the same counts in the same order, and each clear winner with its chain-rule p
      expect(s.completions.top.length).toBe(Math.min(20, live.completions.distinct));
      expect(s.completions.top.slice(0, live.completions.top.length).map((c) => c.count)).toEqual(
        live.completions.top.map((c) => c.count),
      );
      const boundary = live.completions.top[live.completions.top.length - 1]!.count;
      for (const c of live.completions.top.filter((x) => x.count > boundary)) {
        const mine = s.completions.top.find((x) => x.tokens.join() === c.tokens.join())!;
        expect(mine).toMatchObject({ count: c.count, text: c.text });
        expectClose(mine.p, c.p, 1e-12);
      }
      // the replayed curve: log-spaced, ending at N with the live KL
      const curve = r.klCurve;
      expect(curve.length).toBeLessThanOrEqual(200);
      expect(curve.every((pt, k) => k === 0 || pt.n > curve[k - 1]!.n)).toBe(true);
      const last = curve[curve.length - 1]!;
      expect(last.n).toBe(live.n);
      expectClose(last.firstKlBits, live.firstToken.klBits);
      expectClose(last.completionKlBits, live.completions.klBits);
      // [EKL2] the live chart's exact chance curve, at ≤ 24 of the points, the first and the last among them
      expectClose(last.expectedKlBits, live.firstToken.expectedKlBits);
      const exact = curve.filter((pt) => typeof pt.expectedKlBits === "number");
      expect(exact.length).toBeLessThanOrEqual(24);
      expect(typeof curve[0]!.expectedKlBits).toBe("number");
      // …and in the middle, against a naive recount of the samples in insertion order
      // insertion order: created_at, then participant id in byte order, then index
      const ordered = (await db.prisma.sample.findMany({ where: { roundId: info.id } })).sort(
        (a, b) =>
          a.createdAt.getTime() - b.createdAt.getTime() ||
          (a.participantId < b.participantId ? -1 : a.participantId > b.participantId ? 1 : 0) ||
          a.idx - b.idx,
      );
      const mid = curve[Math.floor(curve.length / 2)]!;
      const firstN = ordered.slice(0, mid.n);
      const { model } = models().get(info.modelId)!;
      const dist = models().decoder(model, info).distribution(info.promptTokens);
      const q = new Map(Array.from(dist.ids, (id, k) => [String(id), dist.probs[k]!]));
      const lp = new Map(firstN.map((x) => [x.tokens.join(), x.logProb]));
      expect(mid.n).toBeLessThan(live.n);
      expectClose(
        mid.firstKlBits,
        naiveKl(
          firstN.map((x) => String(x.tokens[0])),
          (k) => q.get(k)!,
        ),
      );
      expectClose(
        mid.completionKlBits,
        naiveKl(
          firstN.map((x) => x.tokens.join()),
          (k) => Math.exp(lp.get(k)!),
        ),
      );
    }
    expect(review.rounds[0]!.guesses).toBe(1);
    // round 2 (no top-k, T = 1.5) saw first tokens outside the stored top 30: their q came from the model
    const snapshot = new Set(review.rounds[1]!.theory.top.map((x) => x.id));
    expect(review.rounds[1]!.stats.firstToken.counts.some((c) => !snapshot.has(c.id))).toBe(true);
  });

  it("pages the participation list with samples per round and guesses", async () => {
    const first = (await (
      await get(`/api/sessions/${p.sessionId}/review?studentsLimit=3`)
    ).json()) as SessionReview;
    expect(first.students.items).toHaveLength(3);
    expect(first.students.nextCursor).not.toBeNull();
    const cursor = encodeURIComponent(first.students.nextCursor!);
    const rest = (await (
      await get(`/api/sessions/${p.sessionId}/review?studentsLimit=3&studentsCursor=${cursor}&rounds=0`)
    ).json()) as SessionReview;
    expect(rest.students.nextCursor).toBeNull();
    expect(rest.rounds).toEqual([]);
    for (const page of [first, rest]) expect(page.students.roundIds).toEqual(p.rounds.map((r) => r.info.id));
    const items = [...first.students.items, ...rest.students.items];
    expect(items.map((s) => s.nickname)).toEqual(p.nicknames);
    for (const [i, item] of items.entries()) {
      expect(item.samples).toEqual(p.rounds.map((r) => r.perStudent[i]));
      expect(item.total).toBe(p.rounds.reduce((a, r) => a + r.perStudent[i]!, 0));
      expect(item.guesses.length).toBe(i === 1 ? 1 : 0);
    }
    expect(items[1]!.guesses[0]).toMatchObject({ roundId: p.rounds[0]!.info.id, scoreBits: 1.75 });
    expect((await get(`/api/sessions/${p.sessionId}/review?studentsCursor=nonsense`)).status).toBe(400);
    expect((await get(`/api/sessions/${p.sessionId}/review?studentsLimit=0`)).status).toBe(400);
  });

  it("exports one CSV row per accepted sample, with its tokens and text", async () => {
    const res = await get(`/api/sessions/${p.sessionId}/export.csv?kind=samples`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="tokenroom-${p.code}-samples.csv"`,
    );
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = parseCsv(new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes).slice(1));
    expect(header).toEqual([
      "round_seq",
      "round_id",
      "participant_id",
      "nickname",
      "idx",
      "tokens",
      "text",
      "log_prob",
      "prob",
      "created_at",
      "model_log_prob",
    ]);
    const stored = await db.prisma.sample.findMany({ where: { round: { sessionId: p.sessionId } } });
    expect(rows.length).toBe(stored.length);
    expect(rows.length).toBe(p.rounds.flatMap((r) => r.perStudent).reduce((a, b) => a + b, 0));
    const byKey = new Map(stored.map((s) => [`${s.roundId}|${s.participantId}|${s.idx}`, s]));
    const nickOf = new Map(p.participantIds.map((id, i) => [id, p.nicknames[i]!]));
    for (const row of rows) {
      const [
        seq,
        roundId,
        participantId,
        nickname,
        idx,
        tokens,
        text,
        logProb,
        prob,
        createdAt,
        modelLogProb,
      ] = row;
      const s = byKey.get(`${roundId}|${participantId}|${idx}`)!;
      expect(s).toBeDefined();
      byKey.delete(`${roundId}|${participantId}|${idx}`);
      const round = p.rounds.find((r) => r.info.id === roundId)!.info;
      expect(Number(seq)).toBe(round.seq);
      expect(tokens).toBe(s.tokens.join(" "));
      expect(text).toBe(userText(completionLabel(models().get(round.modelId)!.model, s.tokens)));
      expect(Number(logProb)).toBe(s.logProb);
      expect(Math.abs(Number(prob) - Math.exp(s.logProb))).toBeLessThan(1e-15);
      expect(createdAt).toBe(s.createdAt.toISOString());
      // [MS1] the model's own chain-rule log-prob (T = 1, no cut) beside the sampler's
      const own = sequenceLogProb(
        models().get(round.modelId)!.model,
        round.promptTokens,
        s.tokens,
        MODEL_SETTINGS,
      );
      expect(Number(modelLogProb)).toBeCloseTo(own, 12);
      if (round.temperature === 1) expect(Number(modelLogProb)).toBeCloseTo(s.logProb, 12);
      else expect(Number(modelLogProb)).not.toBeCloseTo(s.logProb, 6);
      const expected = nickOf.get(participantId!)!;
      expect(nickname).toBe(userText(expected));
      if (expected.startsWith("=")) expect(nickname).toBe(`'${expected}`);
    }
    expect(byKey.size).toBe(0);

    const guesses = await get(`/api/sessions/${p.sessionId}/export.csv?kind=guesses`);
    const [gh, ...grows] = parseCsv((await guesses.text()).replace(/^\uFEFF/, ""));
    expect(gh).toEqual([
      "round_seq",
      "round_id",
      "participant_id",
      "nickname",
      "word_1",
      "prob_1",
      "word_2",
      "prob_2",
      "word_3",
      "prob_3",
      "score_bits",
      "submitted_at",
    ]);
    expect(grows).toHaveLength(1);
    expect(grows[0]!.slice(0, 4)).toEqual(["1", p.rounds[0]!.info.id, p.participantIds[1], p.nicknames[1]]);
    // each candidate word beside its probability, rounded (no float noise), a formula-like word guarded
    expect(grows[0]!.slice(4, 10)).toEqual(["'=cat", "0.5", "dog", "0.16", "(something else)", "0.34"]);
    expect(grows[0]![10]).toBe("1.75");
    expect((await get(`/api/sessions/${p.sessionId}/export.csv?kind=nope`)).status).toBe(400);
  });

  it("exports the session as JSON that matches the stored rows", async () => {
    const res = await get(`/api/sessions/${p.sessionId}/export.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment/);
    const data = (await res.json()) as SessionExport;
    expect(data.schemaVersion).toBe(1);
    expect(data.session).toMatchObject({ id: p.sessionId, code: p.code, title: "Review me" });
    expect(data.participants.map((x) => x.nickname)).toEqual(p.nicknames);
    expect(data.rounds.map((r) => r.id)).toEqual(p.rounds.map((r) => r.info.id));
    for (const [i, r] of data.rounds.entries()) {
      const model = models().get(r.modelId)!.model;
      const stored = await db.prisma.sample.findMany({ where: { roundId: r.id } });
      expect(r.samples.length).toBe(stored.length);
      const byKey = new Map(stored.map((s) => [`${s.participantId}|${s.idx}`, s]));
      for (const s of r.samples) {
        const row = byKey.get(`${s.participantId}|${s.idx}`)!;
        expect(s.tokens).toEqual(row.tokens);
        expect(s.logProb).toBe(row.logProb);
        expect(s.text).toBe(completionLabel(model, row.tokens));
        expect(s.modelLogProb).toBeCloseTo(
          sequenceLogProb(model, r.promptTokens, row.tokens, MODEL_SETTINGS),
          12,
        );
      }
      // [MS1] the sampler's theory, with the model's own distribution beside it when the settings change it
      if (r.temperature === 1) expect(r.theory.model).toBeNull();
      else {
        const own = modelDistribution(model, r.promptTokens);
        expect(r.theory.model?.support).toBe(own.ids.length);
        expect(r.theory.model?.entropyBits).toBeCloseTo(entropyBits(own.probs), 12);
        expect(r.theory.model?.top[0]?.p).toBeCloseTo(own.probs[0]!, 15);
        expect(r.theory.entropyBits).toBeGreaterThan(r.theory.model!.entropyBits); // T = 1.5 flattens it
      }
      expect(r.guesses.length).toBe(i === 0 ? 1 : 0);
      expect(r.theory.roundId).toBe(r.id);
    }
  });
});
