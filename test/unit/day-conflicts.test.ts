import { describe, expect, it } from 'vitest';
import { dayConflicts } from '../../src/stack/preflight.js';

const GiB = 1024 ** 3;

describe('which running day has to stop for another to start (issue 16 item 6)', () => {
  it('nothing conflicts when ports differ and the budgets fit: day 1 keeps running for day 4', () => {
    expect(
      dayConflicts(
        { id: 'day4', memoryMiB: 2048 },
        [29092, 4040],
        [{ id: 'day1', ports: [13306], memoryMiB: 512 }],
        24 * GiB,
      ),
    ).toEqual([]);
  });

  it('a shared host port conflicts, and names the port', () => {
    expect(
      dayConflicts(
        { id: 'day5', memoryMiB: 4096 },
        [29092, 8888],
        [
          { id: 'day4', ports: [29092, 4040], memoryMiB: 2048 },
          { id: 'day1', ports: [13306], memoryMiB: 512 },
        ],
        24 * GiB,
      ),
    ).toEqual([{ day: 'day4', ports: [29092], memory: false }]);
  });

  it('memory beyond the engine stops the largest other day first, only as many as needed', () => {
    const running = [
      { id: 'day1', ports: [13306], memoryMiB: 512 },
      { id: 'day4', ports: [29092], memoryMiB: 2048 },
    ];
    // 3 GiB engine: day5 (1 GiB) + day4 + day1 = 3.5 GiB; stopping day4 alone fits.
    expect(dayConflicts({ id: 'day5', memoryMiB: 1024 }, [8888], running, 3 * GiB)).toEqual([
      { day: 'day4', ports: [], memory: true },
    ]);
    // Unknown engine memory: only ports count.
    expect(dayConflicts({ id: 'day5', memoryMiB: 1024 }, [8888], running, 0)).toEqual([]);
  });

  it('the day itself is never its own conflict', () => {
    expect(
      dayConflicts({ id: 'day1', memoryMiB: 512 }, [13306], [{ id: 'day1', ports: [13306], memoryMiB: 512 }], GiB),
    ).toEqual([]);
  });
});
