import { expect } from 'vitest';
import { docker, dockerOk } from './smoke-docker.js';

/**
 * The mariadb + tools smoke check, shared by image-smoke.test.ts (the engine's own platform) and
 * arm64-smoke.test.ts (linux/arm64 under emulation): a MariaDB container made as day 1 makes it,
 * then SQL from the tools container's mysql client, as the app user and as root.
 */

/** Starts `image` on `network` as `name`, with day 1's database, user and passwords; `extra` before the image. */
export async function startMariadb(image: string, name: string, network: string, extra: string[] = []): Promise<void> {
  await dockerOk([
    'run',
    '-d',
    '--name',
    name,
    ...extra,
    '--network',
    network,
    '--label',
    'de-lab.test=smoke',
    '-e',
    'MARIADB_ROOT_PASSWORD=smoke-root-pw',
    '-e',
    'MARIADB_DATABASE=shop',
    '-e',
    'MARIADB_USER=learner',
    '-e',
    'MARIADB_PASSWORD=smoke-learner-pw',
    image,
  ]);
}

/** 100 rows in, exact sums and a utf8mb4 round trip out, through `tools` on `network`. */
export async function expectSqlRoundTrip(tools: string, mariadb: string, network: string): Promise<void> {
  const rows = Array.from(
    { length: 100 },
    (_, i) => `(${i + 1}, 'item-${i + 1}', ${(i + 1) * 25}, '${i % 2 === 0 ? '서울' : 'Busan'}')`,
  );
  const sql = [
    'CREATE TABLE orders (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, cents INT NOT NULL, city VARCHAR(20) NOT NULL);',
    `INSERT INTO orders VALUES ${rows.join(', ')};`,
    'SELECT COUNT(*), SUM(id), SUM(cents), MIN(name), MAX(id) FROM orders;',
    'SELECT city, COUNT(*), SUM(cents) FROM orders GROUP BY city ORDER BY city;',
    'SELECT @@character_set_server, CURRENT_USER(), DATABASE();',
  ].join('\n');
  const client = await docker(
    [
      'run',
      '--rm',
      '-i',
      '--network',
      network,
      '--label',
      'de-lab.test=smoke',
      tools,
      'mysql',
      '-h',
      mariadb,
      '-u',
      'learner',
      '-psmoke-learner-pw',
      'shop',
      '--batch',
      '--skip-column-names',
    ],
    { input: sql, stdin: undefined },
  );
  expect(client.exitCode, client.stderr).toBe(0);
  expect(client.stdout.trim().split('\n')).toEqual([
    '100\t5050\t126250\titem-1\t100',
    'Busan\t50\t63750',
    '서울\t50\t62500',
    'utf8mb4\tlearner@%\tshop',
  ]);

  // The rows are really in the server (a second connection, as root, over the network).
  const again = await docker([
    'run',
    '--rm',
    '--network',
    network,
    '--label',
    'de-lab.test=smoke',
    tools,
    'mysql',
    '-h',
    mariadb,
    '-u',
    'root',
    '-psmoke-root-pw',
    '--batch',
    '--skip-column-names',
    '-e',
    'SELECT COUNT(*) FROM shop.orders WHERE city = "서울"',
  ]);
  expect(again.exitCode, again.stderr).toBe(0);
  expect(again.stdout.trim()).toBe('50');
}
