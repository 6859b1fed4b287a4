/**
 * Spreads chart redraws over animation frames: a dozen uPlot charts redrawn in one task took 50-130 ms on a busy
 * 2-core machine (issue 12's long tasks). Each chart queues its redraw under its own key (a newer redraw replaces a
 * queued one: only the latest data matters), and each frame runs queued redraws until a few milliseconds are spent,
 * at least one, so no frame carries all the charts at once.
 */

/** Milliseconds of redraws one frame may run (at least one redraw runs whatever it costs). */
export const FRAME_BUDGET_MS = 6;

type Job = () => void;

/** A queue of keyed jobs run a few per frame. */
export class FrameQueue {
  private readonly jobs = new Map<unknown, Job>();
  private scheduled = false;

  /**
   * @param nextFrame how to wait for the next frame (requestAnimationFrame in a browser)
   * @param now       a millisecond clock (performance.now in a browser)
   */
  constructor(
    private readonly nextFrame: (run: () => void) => void,
    private readonly now: () => number,
    private readonly budgetMs = FRAME_BUDGET_MS,
  ) {}

  /** Queues `job` under `key`, replacing a job still queued under that key (it keeps its place in the queue). */
  schedule(key: unknown, job: Job): void {
    this.jobs.set(key, job);
    if (!this.scheduled) {
      this.scheduled = true;
      this.nextFrame(() => this.run());
    }
  }

  /** Drops a queued job (a chart that is destroyed before its turn). */
  cancel(key: unknown): void {
    this.jobs.delete(key);
  }

  /** True when a job is queued under `key`. */
  has(key: unknown): boolean {
    return this.jobs.has(key);
  }

  /** Jobs waiting for a frame. */
  get pending(): number {
    return this.jobs.size;
  }

  private run(): void {
    this.scheduled = false;
    const start = this.now();
    for (const [key, job] of this.jobs) {
      this.jobs.delete(key);
      try {
        job();
      } catch (e) {
        // One chart's failure must not stop the others' redraws; the error still reaches the console.
        console.error(e);
      }
      if (this.now() - start >= this.budgetMs) break;
    }
    if (this.jobs.size > 0 && !this.scheduled) {
      this.scheduled = true;
      this.nextFrame(() => this.run());
    }
  }
}

function browserFrame(run: () => void): void {
  // Without requestAnimationFrame (some test environments) a short timer stands in for a frame.
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => run());
  else setTimeout(run, 16);
}

const clockMs = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** The page's one queue of chart redraws. */
export const chartFrames = new FrameQueue(browserFrame, clockMs);
