/**
 * Seeding for the benchmarks (bench-review.ts, bench-abuse.ts): one session of students × rounds × samples made by
 * the shared engine and stored with Repository.insertSamples, and texts of random words to train on.
 */
import { createRng, encodeText, generate, participantSeed, tokenLabel } from "@tokenroom/shared";
import type { ModelRegistry } from "../../server/src/models/registry.ts";
import { theoryView } from "../../server/src/rounds/aggregator.ts";
import { hashSecret, newId, newRoomCode, newSecret } from "../../server/src/secrets.ts";
import type { Database } from "../../server/src/store/database.ts";
import { Repository, type SampleRow } from "../../server/src/store/repository.ts";

const SETTINGS = [
  { modelId: "toy", prompt: "the", temperature: 1, topK: 0, topP: 1, maxTokens: 4 },
  { modelId: "tiny-stories", prompt: "once upon a time", temperature: 1, topK: 0, topP: 0.95, maxTokens: 8 },
  { modelId: "tiny-stories", prompt: "the little", temperature: 0.7, topK: 20, topP: 1, maxTokens: 6 },
];

export interface SeedSize {
  students: number;
  rounds: number;
  perRound: number;
}

/** Stores one session with `students × rounds × perRound` samples; returns its id, room code and host key. */
export async function seedSession(
  db: Database,
  models: ModelRegistry,
  size: SeedSize,
): Promise<{ sessionId: string; code: string; hostKey: string }> {
  const repo = new Repository(db.prisma, db.sql);
  const hostKey = newSecret();
  const session = await repo.createSession({
    id: newId(),
    code: newRoomCode(),
    title: "bench",
    hostKeyHash: hashSecret(hostKey),
  });
  const participants: string[] = [];
  for (let p = 0; p < size.students; p++) {
    const row = await repo.createParticipant({
      id: newId(),
      sessionId: session.id,
      nickname: `Student ${p} ✓`,
      resumeTokenHash: hashSecret(newSecret()),
    });
    participants.push(row.id);
  }
  for (let r = 0; r < size.rounds; r++) {
    const s = SETTINGS[r % SETTINGS.length]!;
    const { model } = models.get(s.modelId)!;
    const decoding = { temperature: s.temperature, topK: s.topK, topP: s.topP };
    const decoder = models.decoder(model, decoding);
    const promptTokens = encodeText(model, s.prompt);
    const id = newId();
    const round = await repo.createRound({
      id,
      sessionId: session.id,
      seq: r + 1,
      modelId: model.id,
      modelHash: model.hash,
      prompt: s.prompt,
      promptTokens,
      ...decoding,
      maxTokens: s.maxTokens,
      mode: "sample",
      showClassChart: false,
      hideUntilReveal: false,
      timerSeconds: null,
      seed: (r * 2_654_435_761) >>> 0,
      theory: theoryView(id, decoder.distribution(promptTokens), (t) => tokenLabel(model, t)),
      startedAt: new Date(),
    });
    const rows: SampleRow[] = [];
    for (const participantId of participants) {
      const rng = participantSeed(round.seed, participantId);
      for (let i = 0; i < size.perRound; i++) {
        const g = generate(model, promptTokens, decoding, createRng(rng, i), s.maxTokens, decoder);
        rows.push({
          roundId: id,
          participantId,
          index: i,
          tokens: g.tokens,
          logProb: g.probs.reduce((a, p) => a + Math.log(p), 0),
        });
      }
    }
    for (let k = 0; k < rows.length; k += 1000) await repo.insertSamples(rows.slice(k, k + 1000));
  }
  return { sessionId: session.id, code: session.code, hostKey };
}

/**
 * About `bytes` of UTF-8 text: lines of 12 words drawn uniformly from `vocab` made-up words, and a full stop.
 * `vocab` 300,000 gives the attack (about 190,000 distinct words in 2 MB); 45,000 nearly all of them,
 * under the 50,000 limit.
 */
export function randomWordsText(bytes: number, vocab: number, seed = 1): string {
  const rng = createRng(seed, 0);
  const words = Array.from({ length: vocab }, (_, i) => `w${i.toString(36)}x`);
  const lines: string[] = [];
  let size = 0;
  while (size < bytes - 200) {
    const line: string[] = [];
    for (let i = 0; i < 12; i++) line.push(words[Math.floor(rng.next() * vocab)]!);
    const text = `${line.join(" ")} .`;
    lines.push(text);
    size += text.length + 1;
  }
  return lines.join("\n");
}
