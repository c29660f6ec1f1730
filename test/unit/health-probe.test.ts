import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { durationMs, healthWaves, probeArgv, serviceHealth } from '../../src/stack/health-probe.js';
import { healthOff } from '../../src/stack/sandbox/private-stack.js';
import { labsDir } from '../../src/core/paths.js';

describe('health probed by de-lab (private stacks)', () => {
  it("reads Compose's durations, and falls back on what it cannot read", () => {
    expect(durationMs('2s', 0)).toBe(2000);
    expect(durationMs('1m30s', 0)).toBe(90_000);
    expect(durationMs('500ms', 0)).toBe(500);
    expect(durationMs('1h', 0)).toBe(3_600_000);
    expect(durationMs(undefined, 30_000)).toBe(30_000);
    expect(durationMs('soon', 30_000)).toBe(30_000);
  });

  it('runs a test as the engine would: CMD as is, CMD-SHELL and a string through sh, NONE not at all', () => {
    expect(probeArgv(['CMD', 'curl', '-f', 'http://x/'])).toEqual(['curl', '-f', 'http://x/']);
    expect(probeArgv(['CMD-SHELL', 'test -w /lab && echo ok'])).toEqual(['/bin/sh', '-c', 'test -w /lab && echo ok']);
    expect(probeArgv('pg_isready')).toEqual(['/bin/sh', '-c', 'pg_isready']);
    expect(probeArgv(['NONE'])).toBeUndefined();
    expect(probeArgv(['CMD'])).toBeUndefined();
  });

  it('starts day 5 in the order its depends_on asks: Kafka first, Turnilo after Druid', () => {
    const health = serviceHealth(join(labsDir, 'day5', 'compose.yaml'));
    const waves = healthWaves(health);
    const waveOf = (name: string) => waves.findIndex((wave) => wave.includes(name));
    expect(waves.flat().sort()).toEqual(health.map((s) => s.name).sort());
    for (const service of health)
      for (const dep of service.healthyDeps) expect(waveOf(dep)).toBeLessThan(waveOf(service.name));
    expect(waveOf('kafka')).toBe(0);
    expect(waveOf('turnilo')).toBeGreaterThan(waveOf('druid'));
    const druid = health.find((s) => s.name === 'druid')!.probe!;
    expect(druid.argv[0]).toBe('/bin/sh');
    expect(druid.intervalMs).toBe(3000);
  });

  it('ends the waves with a cycle in one wave instead of looping', () => {
    const waves = healthWaves([
      { name: 'a', healthyDeps: ['b'] },
      { name: 'b', healthyDeps: ['a'] },
      { name: 'c', healthyDeps: [] },
    ]);
    expect(waves).toEqual([['c'], ['a', 'b']]);
  });

  it('switches the healthcheck off and turns service_healthy into service_started, keeping the rest', () => {
    const lines = healthOff({
      healthcheck: { test: ['CMD', 'true'], interval: '2s' },
      depends_on: {
        kafka: { condition: 'service_healthy', restart: true },
        db: { condition: 'service_started' },
        x: null,
      },
    });
    const doc = parse(`services:\n  s:\n${lines.join('\n')}\n`, {
      customTags: [{ tag: '!override', resolve: (value: unknown) => value, collection: 'map' }],
    }) as { services: { s: Record<string, unknown> } };
    expect(doc.services.s.healthcheck).toEqual({ disable: true });
    expect(doc.services.s.depends_on).toEqual({
      kafka: { condition: 'service_started', restart: true },
      db: { condition: 'service_started' },
      x: { condition: 'service_started' },
    });
    expect(healthOff({ image: 'x', depends_on: ['a'] })).toEqual([]);
  });
});
