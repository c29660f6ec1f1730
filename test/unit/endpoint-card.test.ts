import { describe, expect, it } from 'vitest';
import { endpointCard } from '../../src/cli/endpoint-card.js';
import type { Lab } from '../../src/course/labs.js';
import type { StartResult } from '../../src/stack/start.js';
import { configureColor } from '../../src/ui/style.js';

describe("start's endpoint table", () => {
  it('keeps its columns when a URL is longer than the others', () => {
    configureColor(false);
    const purpose = (en: string) => ({ en, ko: en });
    const lab = {
      id: 'day5',
      title: { en: 'Pipeline', ko: '파이프라인' },
      ports: [
        {
          port: 8888,
          url: 'http://localhost:{port}/unified-console.html#ingestion',
          service: 'druid',
          purpose: purpose('Druid console'),
        },
        { port: 9091, url: 'http://localhost:{port}/', service: 'turnilo', purpose: purpose('dashboards') },
        { port: 19092, service: 'kafka', purpose: purpose('Kafka from the host') },
      ],
      services: [{ name: 'kafka', internal: 'kafka:9092' }, { name: 'spark' }],
    } as unknown as Lab;
    const lines = endpointCard(lab, { alreadyRunning: false } as StartResult).split('\n');
    const rows = lines.filter((line) => /druid|turnilo|kafka/.test(line) && !line.includes('de-lab'));
    expect(rows, lines.join('\n')).toHaveLength(4);
    const column = (line: string, word: string) => line.lastIndexOf(` ${word}`);
    const at = column(rows[0]!, 'druid');
    expect(column(rows[1]!, 'turnilo')).toBe(at);
    expect(column(rows[2]!, 'kafka')).toBe(at);
    expect(column(rows[3]!, 'kafka')).toBe(at);
    expect(rows[0]).toMatch(/#ingestion {2}druid {4}Druid console$/);
  });
});
