// The background-task runner: a request never waits for its task, a failure is logged (never lost), drain() waits for all.
import { describe, expect, it } from '@jest/globals';
import { backgroundTasks } from '../../src/shared/background-tasks.js';

describe('background tasks', () => {
  it('run() returns before the task ends; drain() resolves once it (and the tasks it started) ended', async () => {
    const tasks = backgroundTasks({ warn: () => undefined });
    const done: string[] = [];
    let release!: () => void;
    tasks.run('outer', async () => {
      await new Promise<void>((r) => (release = r));
      done.push('outer');
      tasks.run('inner', async () => void done.push('inner'));
    });
    expect(done).toEqual([]);
    const drained = tasks.drain().then(() => done.push('drained'));
    await Promise.resolve();
    release();
    await drained;
    expect(done).toEqual(['outer', 'inner', 'drained']);
  });

  it('a failing task is logged with its name and does not reject drain()', async () => {
    const logged: Record<string, unknown>[] = [];
    const tasks = backgroundTasks({ warn: (details) => void logged.push(details) });
    const failure = new Error('push service down');
    tasks.run('approval.push', async () => {
      throw failure;
    });
    await tasks.drain();
    expect(logged).toEqual([{ err: failure, task: 'approval.push' }]);
  });
});
