// At most `concurrency` pieces of work at a time; the rest wait their turn in order, up to `maxWaiting`. The
// chat adapters run what follows an acknowledgement through one, so a burst of clicks queues its database
// work instead of flooding the event loop, and the next request is still acknowledged within Slack's and
// Teams' limits. Beyond `maxWaiting`, run() refuses at once (LimiterFullError): the adapter answers "busy, try
// again in a minute" instead of holding every request (and its memory) for minutes.
export class LimiterFullError extends Error {
  constructor(readonly waiting: number) {
    super(`${waiting} requests are already waiting`);
    this.name = "LimiterFullError";
  }
}

export class Limiter {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly concurrency: number,
    /** How many may wait for a turn (default: no bound). */
    private readonly maxWaiting = Number.POSITIVE_INFINITY,
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new RangeError(`Limiter concurrency must be a positive integer, got ${concurrency}`);
    if (maxWaiting < 0) throw new RangeError(`Limiter maxWaiting must be 0 or more, got ${maxWaiting}`);
  }

  /** Pieces of work waiting for a turn now. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `work` when a turn is free; throws LimiterFullError without running it when the queue is full. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxWaiting) throw new LimiterFullError(this.waiting.length);
      // The turn is handed over by the finishing work (running stays counted), so no newcomer slips in between.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
