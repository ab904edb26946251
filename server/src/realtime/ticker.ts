/**
 * The tick: every STATS_INTERVAL_MS, what changed since the last one goes out coalesced (the host's participant
 * list, guess progress, each open round's statistics), never per sample.
 */
import type { Clock } from "../clock.ts";
import type { Logger } from "../logger.ts";
import type { RoundStats } from "@tokenroom/shared";
import type { StatsHub } from "../rounds/stats-hub.ts";
import type { BeModelService } from "./be-model-service.ts";
import type { Broadcaster } from "./broadcaster.ts";
import type { GuessService } from "./guess-service.ts";
import type { LiveSessions } from "./live-sessions.ts";
import type { Participants } from "./participants.ts";
import { sendBeModelSummary } from "./round-opener.ts";
import { StudentFanout } from "./student-fanout.ts";

export interface TickerDeps {
  clock: Clock;
  broadcaster: Broadcaster;
  stats: StatsHub;
  guesses: GuessService;
  beModel: BeModelService;
  /** [FAN1] STATS_FANOUT_SOCKETS: about how many phones one tick sends statistics to (default 250). */
  statsFanoutSockets?: number | undefined;
}

export class Ticker {
  /** [FAN1] Each round's turns of student statistics (gone with the round). */
  private readonly fanouts = new WeakMap<object, StudentFanout<RoundStats>>();

  constructor(
    private readonly live: LiveSessions,
    private readonly participants: Participants,
    private readonly deps: TickerDeps,
  ) {}

  /** One tick over every session this process holds. */
  async tick(): Promise<void> {
    const { clock, broadcaster, stats, guesses } = this.deps;
    const now = clock.now();
    for await (const live of this.live.loaded()) {
      const id = live.session.id;
      if (live.participantsDirty) {
        live.participantsDirty = false;
        broadcaster.emit({ host: id }, "participants:update", await this.participants.view(live));
      }
      const round = live.round;
      if (live.guessesDirty && round) {
        live.guessesDirty = false;
        const summary = await guesses.summary(live, round.row);
        if (summary) broadcaster.emit({ host: id }, "guess:summary", summary);
        await sendBeModelSummary(this.deps, live);
      }
      if (!round) continue;
      const view = await stats.tick(round, now);
      const fanout = this.fanoutOf(round);
      if (view) {
        broadcaster.emit({ host: id }, "round:stats", view.stats(true));
        const revealed = round.row.revealedAt !== null;
        if (revealed || round.row.showClassChart) fanout.offer(view.stats(revealed));
      }
      // [FAN1] a large class's phones hear the statistics in turns, a few hundred sockets a tick
      const due = fanout.take(live.participants.size, this.deps.statsFanoutSockets);
      if (due) broadcaster.emitVolatile({ students: id, shards: due.shards }, "round:stats", due.view);
    }
  }

  private fanoutOf(round: object): StudentFanout<RoundStats> {
    let f = this.fanouts.get(round);
    if (!f) this.fanouts.set(round, (f = new StudentFanout<RoundStats>()));
    return f;
  }

  /** Ticks every `intervalMs` on the clock; a tick still running makes the next one skip. */
  start(intervalMs: number, log: Logger): { cancel(): void } {
    let ticking = false;
    return this.deps.clock.setInterval(() => {
      if (ticking) return;
      ticking = true;
      this.tick()
        .catch((error: unknown) => log.error("stats tick failed", error))
        .finally(() => (ticking = false));
    }, intervalMs);
  }
}
