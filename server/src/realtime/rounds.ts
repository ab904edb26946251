/**
 * Rounds: the host starts, reveals and closes them; guess phases (guesses open, locked, scored at the reveal);
 * "be the model" word after word; the round a batch of samples belongs to. Handlers call this after validating
 * payloads; it never sees a socket.
 */
import { ErrorCode, type GuessResult, type RoundInfo, type RoundSettings } from "@tokenroom/shared";
import { ServiceError } from "../errors.ts";
import { newSeed } from "../secrets.ts";
import { wordState } from "./be-model-service.ts";
import type { GuessService } from "./guess-service.ts";
import type { LiveSessions } from "./live-sessions.ts";
import { type LiveRound, type LiveSession, makeLiveRound, roundInfo } from "./live-state.ts";
import { warmLiveRound } from "./decoder-warmup.ts";
import { openRound, planRound, type RoundOpenerDeps, sendBeModelSummary } from "./round-opener.ts";
import { noSync } from "./sync-bus.ts";

export interface RoundsDeps extends RoundOpenerDeps {
  guesses: GuessService;
}

const E = ErrorCode;

function currentRound(live: LiveSession, roundId: string): LiveRound {
  const round = live.round;
  if (!round || round.row.id !== roundId)
    throw new ServiceError(E.ROUND_NOT_FOUND, "that round is not the session's current round");
  return round;
}

export class Rounds {
  constructor(
    private readonly live: LiveSessions,
    private readonly deps: RoundsDeps,
  ) {}

  async start(sessionId: string, settings: RoundSettings): Promise<RoundInfo> {
    const live = await this.live.open(sessionId);
    const { model, plan } = await planRound(this.deps, sessionId, settings);
    return openRound(this.deps, live, model, plan);
  }

  /** "Be the model": the next word of the current (revealed) word's series, as a new round. */
  async nextWord(sessionId: string, roundId: string): Promise<RoundInfo> {
    const live = await this.live.open(sessionId);
    const round = currentRound(live, roundId);
    const state = wordState(round.row);
    if (!state) throw new ServiceError(E.WRONG_PHASE, 'this round is not a "be the model" round');
    if (!round.row.revealedAt) throw new ServiceError(E.WRONG_PHASE, "reveal this word first");
    if (state.step + 1 >= state.words)
      throw new ServiceError(E.WRONG_PHASE, "that was the last word of the passage");
    const seed = newSeed();
    const word = await this.deps.beModel.wordRound(round.model, state, state.step + 1, state.k, seed);
    return openRound(this.deps, live, round.model, { ...word, mode: "be-model", seed });
  }

  async reveal(sessionId: string, roundId: string): Promise<RoundInfo> {
    const { repo, clock, broadcaster, guesses } = this.deps;
    const live = await this.live.open(sessionId);
    const round = currentRound(live, roundId);
    if (!round.row.revealedAt) {
      const now = new Date(clock.now());
      round.row = await repo.updateRound(roundId, {
        revealedAt: now,
        ...(round.row.guessLockedAt ? {} : { guessLockedAt: now }),
      });
      round.dirty = true;
      this.deps.sync.publish(sessionId, "round");
    }
    const info = roundInfo(round.row, clock.now());
    broadcaster.emit({ host: sessionId }, "round:revealed", info);
    broadcaster.emit({ students: sessionId }, "round:revealed", info);
    broadcaster.emit({ students: sessionId }, "round:theory", round.theory);
    if (round.row.mode === "guess" || round.row.mode === "be-model") {
      for (const [participantId, result] of await guesses.score(round.row)) {
        broadcaster.emit({ participant: participantId }, "guess:result", result);
      }
      const summary = await guesses.summary(live, round.row);
      if (summary) broadcaster.emit({ host: sessionId }, "guess:summary", summary);
      await sendBeModelSummary(this.deps, live);
    }
    return info;
  }

  /** A guessing round's guesses close before the reveal. */
  async lockGuesses(sessionId: string, roundId: string): Promise<RoundInfo> {
    const live = await this.live.open(sessionId);
    const round = currentRound(live, roundId);
    if (round.row.mode !== "guess")
      throw new ServiceError(E.WRONG_PHASE, "this round is not a guessing round");
    if (!round.row.guessLockedAt) {
      round.row = await this.deps.repo.updateRound(roundId, {
        guessLockedAt: new Date(this.deps.clock.now()),
      });
      this.deps.sync.publish(sessionId, "round");
    }
    const info = roundInfo(round.row, this.deps.clock.now());
    this.deps.broadcaster.emit({ host: sessionId }, "round:updated", info);
    this.deps.broadcaster.emit({ students: sessionId }, "round:updated", info);
    return info;
  }

  async close(sessionId: string, roundId: string): Promise<RoundInfo> {
    const { repo, clock, broadcaster } = this.deps;
    const live = await this.live.open(sessionId);
    const round = currentRound(live, roundId);
    const row = await repo.updateRound(roundId, { closedAt: new Date(clock.now()) });
    live.round = null;
    this.deps.sync.publish(sessionId, "round");
    const info = roundInfo(row, clock.now());
    const view = await this.deps.stats.view(round, clock.now());
    broadcaster.emit({ host: sessionId }, "round:stats", view.stats(true));
    broadcaster.emit({ host: sessionId }, "round:closed", info);
    broadcaster.emit({ students: sessionId }, "round:closed", info);
    return info;
  }

  /** A student's guess (stored until the lock); the host's progress count follows on the next tick. */
  async submitGuess(
    sessionId: string,
    participantId: string,
    roundId: string,
    probs: number[],
  ): Promise<GuessResult> {
    const live = await this.live.get(sessionId);
    const result = await this.deps.guesses.submit(live, participantId, roundId, probs);
    this.deps.sync.publish(sessionId, "guesses");
    return result;
  }

  /**
   * The live session for a batch of samples of `roundId`. With several processes, a round started on another
   * one a moment ago may not have reached this one yet (its sync message can trail the round:started
   * broadcast that made the phone send): then reload the round from the database, at most every 250 ms.
   */
  async liveFor(sessionId: string, roundId: string): Promise<LiveSession> {
    const live = await this.live.get(sessionId);
    if (live.round?.row.id === roundId || this.deps.sync === noSync) return live;
    const now = this.deps.clock.now();
    let check = live.roundCheck;
    if (!check || now - check.at >= 250) {
      check = live.roundCheck = { at: now, done: this.reload(sessionId).catch(() => undefined) };
    }
    await check.done; // batches arriving meanwhile wait for the same reload
    return live;
  }

  /** Another process changed the round: reload it from the database, keeping the live one (and its counts). */
  async reload(sessionId: string): Promise<void> {
    const live = await this.live.held(sessionId);
    if (!live) return;
    const latest = await this.deps.repo.latestRound(sessionId);
    if (!latest || latest.closedAt) live.round = null;
    else if (live.round?.id === latest.id) {
      live.round.row = latest;
      live.round.dirty = true;
    } else {
      live.round = makeLiveRound(
        latest,
        this.deps.models,
        (await this.deps.models.resolve(latest.modelId))?.model,
      );
      warmLiveRound(this.deps.warmup, live, live.round);
    }
  }

  /** Another process stored guesses: the host's progress count is resent on the next tick. */
  async guessesChanged(sessionId: string): Promise<void> {
    const live = await this.live.held(sessionId);
    if (live) live.guessesDirty = true;
  }
}
