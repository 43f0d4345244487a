// At most `concurrency` pieces of work at a time; the rest wait their turn in order. The chat adapters run
// what follows an acknowledgement through one, so a burst of clicks queues its database work instead of
// flooding the event loop, and the next request is still acknowledged within Slack's and Teams' limits.
export class Limiter {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly concurrency: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running += 1;
    try {
      return await work();
    } finally {
      this.running -= 1;
      this.waiting.shift()?.();
    }
  }
}
