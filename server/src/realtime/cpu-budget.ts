/**
 * [CPU1] A CPU budget per turn of the event loop for work that can be cut into small steps (sample verification):
 * whoever has work calls `spent()` between steps and, when it says so, `await nextTurn()`. One budget is shared by
 * every caller, so that many batches at once still hold the loop for about `sliceMs` per turn, not `sliceMs` each;
 * the turn after is an setImmediate, so timers and I/O (other sockets, /healthz) run in between. Waiters resume
 * in the order they yielded.
 */
import { performance } from "node:perf_hooks";

export class CpuBudget {
  private sliceStart = performance.now();
  private turn: Promise<void> | null = null;

  constructor(readonly sliceMs: number) {}

  /** Whether this turn's budget is used up (the caller should `await nextTurn()` before its next step). */
  spent(): boolean {
    return performance.now() - this.sliceStart >= this.sliceMs;
  }

  /** Resolves on the next turn of the event loop, with a fresh budget. */
  nextTurn(): Promise<void> {
    this.turn ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        this.turn = null;
        this.sliceStart = performance.now();
        resolve();
      }),
    );
    return this.turn;
  }
}
