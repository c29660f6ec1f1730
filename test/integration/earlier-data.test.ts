import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Dockerode from 'dockerode';
import { findLab } from '../../src/course/labs.js';
import { findEarlierData, earlierDataNotice } from '../../src/stack/earlier-data.js';
import { requireEngine } from '../../src/stack/engine.js';
import { PROJECT_LABEL, SERVICE_LABEL } from '../../src/stack/project.js';

/**
 * `start` and `gen` list what a day's stack holds from earlier runs with the day's own probes,
 * run in its services. A real container of the kafka image, labelled as day 5's kafka service of
 * a project of this test's own, holds two topics' folders; day 5's Druid probe has no druid
 * service to run in and is left out, not an error. A few seconds; the container is removed after.
 */
const project = `de-lab-earlier-${process.pid}`;
let docker: Dockerode;
let container: Dockerode.Container | undefined;

beforeAll(async () => {
  ({ docker } = await requireEngine());
  container = await docker.createContainer({
    Image: 'de-lab/kafka:3.9.2',
    Entrypoint: ['sh', '-c'],
    Cmd: [
      'mkdir -p /var/lib/kafka/data/ratings-raw-0 /var/lib/kafka/data/ratings-raw-1 /var/lib/kafka/data/__consumer_offsets-0 /var/lib/kafka/data/turnilo-cube-learner-ab12-0 && sleep 120',
    ],
    Labels: { [PROJECT_LABEL]: project, [SERVICE_LABEL]: 'kafka' },
    HostConfig: { AutoRemove: false },
  });
  await container.start();
  // The folders exist once the container's first command ran.
  for (let i = 0; i < 50; i++) {
    const probe = await container.exec({ Cmd: ['test', '-d', '/var/lib/kafka/data/ratings-raw-1'] });
    await probe.start({});
    await new Promise((resolve) => setTimeout(resolve, 200));
    if ((await probe.inspect()).ExitCode === 0) break;
  }
});

afterAll(async () => {
  await container?.remove({ force: true }).catch(() => undefined);
});

describe('earlier data in a running stack', () => {
  it('lists the topics the kafka service holds and leaves out a probe with no service', async () => {
    const found = await findEarlierData(docker, findLab('day5'), project);
    expect(found.map((f) => f.what.en)).toEqual(['Kafka topics']);
    expect(found[0]!.names).toEqual(['ratings-raw', 'turnilo-cube-learner-ab12']);
    expect(earlierDataNotice('day5', found)).toContain('de-lab stop day5 --purge --yes');
  });

  it('finds nothing in a project that has no containers', async () => {
    expect(await findEarlierData(docker, findLab('day5'), `${project}-none`)).toEqual([]);
  });
});
