import type { Check } from '../schema.js';
import { commandKind, httpKind } from './command.js';
import { dockerContainerKind, dockerImageKind } from './docker.js';
import { fileKind } from './file.js';
import { kafkaTopicKind } from './kafka.js';
import { moduleKind } from './module.js';
import { sparkMetricsKind } from './spark.js';
import { sqlKind } from './sql.js';
import { publishedPortKind } from './ports.js';
import { graderKind } from './grader.js';
import type { CheckKind } from './types.js';

const kinds: Record<Check['kind'], CheckKind<any>> = {
  command: commandKind,
  http: httpKind,
  file: fileKind,
  'kafka-topic': kafkaTopicKind,
  sql: sqlKind,
  'spark-metrics': sparkMetricsKind,
  'docker-image': dockerImageKind,
  'docker-container': dockerContainerKind,
  module: moduleKind,
  'published-port': publishedPortKind,
  grader: graderKind,
};

export function kindOf(check: Check): CheckKind<Check> {
  return kinds[check.kind];
}
