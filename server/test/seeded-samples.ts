/**
 * Seeded samples for the tests of the KL running sums ([EMP4]): the same samples go to every keeper of the
 * sums (memory, Redis's Lua, the review's SQL, both statistics hubs). Participants take turns in a seeded
 * order; each draws its next index like a phone ([G1] with createRng(participantSeed(seed, p), index)), and
 * ln p is the chain rule of the drawn steps (the sampler's, as the server stores it).
 */
import {
  createRng,
  createToyModel,
  Decoder,
  type DecodingSettings,
  entropyBits,
  generate,
  type LanguageModel,
  participantSeed,
  probabilityOf,
  type Rng,
  type TokenDistribution,
  type TokenId,
} from "@tokenroom/shared";
import { type AcceptedSample, RoundAggregator } from "../src/rounds/aggregator.ts";

export interface SampleSourceOptions {
  model: LanguageModel;
  promptTokens: readonly TokenId[];
  settings: DecodingSettings;
  maxTokens: number;
  seed: number;
  participants: readonly string[];
}

export class SampleSource {
  private readonly decoder: Decoder;
  private readonly turns: Rng;
  private readonly nextIndex = new Map<string, number>();

  constructor(private readonly o: SampleSourceOptions) {
    this.decoder = new Decoder(o.model, o.settings);
    this.turns = createRng(o.seed, 0x7fff_fff0); // a stream of its own, apart from every participant's
  }

  /** The first-token distribution of the sampler (the theory the first-token KL is measured against). */
  theory(): TokenDistribution {
    return this.decoder.distribution(this.o.promptTokens);
  }

  /** The next `count` samples, each from a participant drawn at random, in that participant's index order. */
  take(count: number): AcceptedSample[] {
    const { model, promptTokens, settings, maxTokens, seed, participants } = this.o;
    return Array.from({ length: count }, () => {
      const participantId = participants[Math.floor(this.turns.next() * participants.length)]!;
      const index = this.nextIndex.get(participantId) ?? 0;
      this.nextIndex.set(participantId, index + 1);
      const rng = createRng(participantSeed(seed, participantId), index);
      const g = generate(model, promptTokens, settings, rng, maxTokens, this.decoder);
      const logProb = g.probs.reduce((s, p) => s + Math.log(p), 0);
      return { participantId, index, tokens: g.tokens, logProb };
    });
  }
}

/** The toy model after "the", at a temperature that spreads the samples over many completions. */
export function toySource(seed: number, participants: readonly string[]): SampleSource {
  const settings = { temperature: 1.4, topK: 0, topP: 1 };
  return new SampleSource({
    model: createToyModel(),
    promptTokens: [4],
    settings,
    maxTokens: 3,
    seed,
    participants,
  });
}

/** An empty in-memory aggregator for the source's theory: the reference keeper of the [EMP4] sums. */
export function aggregatorFor(source: SampleSource, roundId = "r"): RoundAggregator {
  const theory = source.theory();
  return new RoundAggregator(
    {
      roundId,
      probs: theory.probs,
      entropyBits: entropyBits(theory.probs),
      support: theory.ids.length,
      label: String,
      completionLabel: (ids) => ids.join(" "),
    },
    theory,
  );
}

/** KL(empirical ‖ q) in bits of the samples' first tokens, by the textbook formula (not the running sums). */
export function textbookFirstTokenKlBits(
  q: TokenDistribution,
  samples: readonly { tokens: readonly number[] }[],
): number {
  const firsts = samples.map((s) => s.tokens[0]!);
  let kl = 0;
  for (const id of new Set(firsts)) {
    const p = firsts.filter((x) => x === id).length / firsts.length;
    kl += p * Math.log2(p / probabilityOf(q, id));
  }
  return kl;
}
