/** The in-memory state of a live session: rebuilt from the database after a restart. */
import {
  type Decoder,
  type LanguageModel,
  type ParticipantInfo,
  type RoundInfo,
  type SessionInfo,
  type TheoryView,
  completionLabel,
  decodingOf,
  tokenLabel,
} from "@tokenroom/shared";
import { RoundAggregator } from "../rounds/aggregator.ts";
import type { ParticipantRow, Repository, RoundRow, SessionRow } from "../store/repository.ts";
import { roundStatus } from "../store/repository.ts";
import { wordState } from "./be-model-service.ts";
import type { ModelRegistry } from "../models/registry.ts";

export interface LiveParticipant {
  row: ParticipantRow;
  connections: number;
  /** Token bucket of the sample rate limit. */
  bucket: { tokens: number; at: number };
}

export interface LiveRound {
  id: string;
  row: RoundRow;
  model: LanguageModel;
  decoder: Decoder;
  theory: TheoryView;
  aggregator: RoundAggregator;
  /** Sample indexes stored per participant (a fast path; the database key is the truth). */
  stored: Map<string, Set<number>>;
  /** Per participant, an index below which every index is in `stored` (a hint for [SW1]'s window; only grows). */
  prefix: Map<string, number>;
  /** Samples being written: a resend waits for the same write instead of writing again. */
  inflight: Map<string, Promise<boolean>>;
  dirty: boolean;
}

export interface LiveSession {
  session: SessionRow;
  participants: Map<string, LiveParticipant>;
  round: LiveRound | null;
  participantsDirty: boolean;
  /** New guesses since the host's progress count was last sent. */
  guessesDirty: boolean;
  /** The last reload of the round for a batch naming a round this process did not know (clock ms). */
  roundCheck?: { at: number; done: Promise<void> };
}

/** The live state of a stored round; `model` as the registry resolved it (it may have left the model cache since). */
export function makeLiveRound(
  row: RoundRow,
  registry: ModelRegistry,
  model: LanguageModel | undefined,
): LiveRound {
  if (!model || model.hash !== row.modelHash) {
    throw new Error(
      `model ${row.modelId}@${row.modelHash.slice(0, 12)} of round ${row.id} is not available on this server`,
    );
  }
  const settings = decodingOf(row);
  const decoder = registry.decoder(model, settings);
  const label = (id: number) => tokenLabel(model, id);
  return {
    id: row.id,
    row,
    model,
    decoder,
    theory: row.theory,
    aggregator: new RoundAggregator(
      {
        roundId: row.id,
        entropyBits: row.theory.entropyBits,
        probs: decoder.distribution(row.promptTokens).probs,
        support: row.theory.support,
        label,
        completionLabel: (ids) => completionLabel(model, ids),
      },
      decoder.distribution(row.promptTokens),
    ),
    stored: new Map(),
    prefix: new Map(),
    inflight: new Map(),
    dirty: true,
  };
}

/** Loads a session with its participants and its open round (and that round's samples) from the database. */
export async function loadLiveSession(
  repo: Repository,
  registry: ModelRegistry,
  session: SessionRow,
  /** Sockets this process already has for a participant (a session that left memory and came back). */
  connections: (participantId: string) => number = () => 0,
): Promise<LiveSession> {
  const [participants, latest] = await Promise.all([
    repo.listParticipants(session.id),
    repo.latestRound(session.id),
  ]);
  const live: LiveSession = {
    session,
    participants: new Map(
      participants.map((row) => [
        row.id,
        { row, connections: connections(row.id), bucket: { tokens: 0, at: 0 } },
      ]),
    ),
    round: null,
    participantsDirty: true,
    guessesDirty: false,
  };
  if (latest && !latest.closedAt && !session.endedAt) {
    // a custom model another process trained, or one that left the model cache: loaded from the database
    const round = makeLiveRound(latest, registry, (await registry.resolve(latest.modelId))?.model);
    for (const s of await repo.roundSamples(latest.id)) {
      round.aggregator.add(s);
      storedSet(round, s.participantId).add(s.index);
    }
    live.round = round;
  }
  return live;
}

export function storedSet(round: LiveRound, participantId: string): Set<number> {
  let set = round.stored.get(participantId);
  if (!set) round.stored.set(participantId, (set = new Set()));
  return set;
}

export function sessionInfo(s: SessionRow, joinUrl: string): SessionInfo {
  return {
    id: s.id,
    code: s.code,
    title: s.title,
    joinUrl,
    locked: s.locked,
    ended: s.endedAt !== null,
    createdAt: s.createdAt.toISOString(),
  };
}

/** `now`: the server's clock (ms), sent as `serverNow` for the timer's countdown ([TM1]). */
export function roundInfo(r: RoundRow, now: number): RoundInfo {
  return {
    id: r.id,
    seq: r.seq,
    modelId: r.modelId,
    modelHash: r.modelHash,
    prompt: r.prompt,
    promptTokens: r.promptTokens,
    ...decodingOf(r),
    maxTokens: r.maxTokens,
    mode: r.mode,
    showClassChart: r.showClassChart,
    hideUntilReveal: r.hideUntilReveal,
    seed: r.seed,
    status: roundStatus(r),
    startedAt: r.startedAt.toISOString(),
    timerSeconds: r.timerSeconds,
    endsAt: r.timerSeconds === null ? null : r.startedAt.getTime() + r.timerSeconds * 1000,
    serverNow: now,
    candidates: r.candidates
      ? r.candidates.ids.map((id, i) => ({ id, token: r.candidates!.tokens[i]! }))
      : null,
    guessPhase: r.mode === "sample" ? null : r.guessLockedAt || r.revealedAt ? "locked" : "open",
    beModel: beModelInfo(r),
  };
}

/** Which word of which series a "be the model" round is (the passage and the answer stay on the server). */
function beModelInfo(r: RoundRow): RoundInfo["beModel"] {
  const w = wordState(r);
  return w ? { seriesId: w.seriesId, step: w.step, words: w.words } : null;
}

export function participantList(live: LiveSession): ParticipantInfo[] {
  return [...live.participants.values()].map((p) => ({
    id: p.row.id,
    nickname: p.row.nickname,
    connected: p.connections > 0,
    removed: p.row.removedAt !== null,
  }));
}
