/** The page's side of the engine worker: one worker, promise-based requests. */
import type {
  InspectView,
  GeneratedSample,
  ModelInfo,
  ModelRef,
  RoundSpec,
  WorkerRequest,
  WorkerResponse,
  WorkerResults,
} from "./messages.ts";

type Pending = {
  resolve: (value: WorkerResults[keyof WorkerResults]) => void;
  reject: (error: Error) => void;
};
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export class EngineClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor() {
    this.worker = new Worker(new URL("./worker.ts", import.meta.url), {
      type: "module",
      name: "tokenroom-engine",
    });
    this.worker.onmessage = (event: MessageEvent<WorkerResponse>) => {
      const res = event.data;
      const waiting = this.pending.get(res.id);
      if (!waiting) return;
      this.pending.delete(res.id);
      if (res.ok) waiting.resolve(res.result);
      else waiting.reject(new Error(res.message));
    };
    this.worker.onerror = (event) => {
      event.preventDefault();
      const error = new Error(event.message || "the sampling engine stopped");
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
  }

  private send<K extends keyof WorkerResults>(
    req: DistributiveOmit<Extract<WorkerRequest, { type: K }>, "id">,
  ): Promise<WorkerResults[K]> {
    const id = this.nextId++;
    return new Promise<WorkerResults[K]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as Pending["resolve"], reject });
      this.worker.postMessage({ ...req, id });
    });
  }

  load(model: ModelRef): Promise<ModelInfo> {
    return this.send<"load">({ type: "load", model });
  }

  generate(
    round: RoundSpec,
    participantId: string,
    start: number,
    count: number,
  ): Promise<GeneratedSample[]> {
    return this.send<"generate">({ type: "generate", round, participantId, start, count });
  }

  distribution(round: RoundSpec, context: number[], top = 10): Promise<InspectView> {
    return this.send<"distribution">({ type: "distribution", round, context, top });
  }

  terminate(): void {
    this.worker.terminate();
    for (const waiting of this.pending.values()) waiting.reject(new Error("the sampling engine was stopped"));
    this.pending.clear();
  }
}
