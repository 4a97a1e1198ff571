// Work that a request starts but never waits for (push wake-up calls): failures are logged, never lost silently; drain() awaits all.

/** Where a failed task is reported (pino's logger fits). */
export interface TaskLog {
  warn(details: Record<string, unknown>, message: string): void;
}

export interface BackgroundTasks {
  /** Starts `task` now without waiting for it; a rejection is logged with `name` and swallowed. */
  run(name: string, task: () => Promise<unknown>): void;
  /** Resolves once every task started so far (and any they started) has settled: for shutdown and tests. */
  drain(): Promise<void>;
}

/** The production runner: tasks run at once on the event loop; `drain()` waits for the ones still in flight. */
export function backgroundTasks(log: TaskLog): BackgroundTasks {
  const inFlight = new Set<Promise<void>>();
  return {
    run(name, task) {
      const settled: Promise<void> = Promise.resolve()
        .then(task)
        .then(
          () => undefined,
          (err: unknown) => log.warn({ err, task: name }, 'background task failed'),
        )
        .finally(() => inFlight.delete(settled));
      inFlight.add(settled);
    },
    async drain() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
