import { execFileSync, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Day 4's warm driver (gen/warm.py) runs one drive.py request after another, each job in a process
 * of its own whose output is pumped to that request's client. A job process that outlives its
 * request (it left its process group, so the kill missed it) must never write into the next
 * request's stream: each request's Output is bound when its job starts (warm.Request), not read
 * from the serve loop's variables. Run with the host's python3 (warm.py imports only the standard
 * library until it serves); the job processes are plain python3 -c scripts.
 */
const GEN = resolve('labs/day4/gen');
const python = spawnSync('python3', ['--version']).status === 0;

const SCRIPT = `
import json, os, socket, sys, time
sys.path.insert(0, ${JSON.stringify(GEN)})
import warm

def request(job):
    mine, client = socket.socketpair()
    return warm.Request(mine, [], runner=[sys.executable, "-u", "-c", job]), client

def drive(argv, spawn):  # stands for drive.main: starts the job, waits a little, returns
    spawn(dict(os.environ))
    time.sleep(0.3)

first, first_client = request("import time; print('first job'); time.sleep(1.0); print('late output of the first job')")
first.work(drive)
first.out.open = False  # the serve loop ends request 1; its job process is still running
second, second_client = request("import time; time.sleep(1.5); print('second job')")
second.work(drive)
sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
for proc in first.spawned + second.spawned:
    proc.wait(10)
time.sleep(0.3)

def received(client):
    client.setblocking(False)
    data = b""
    while True:
        try:
            chunk = client.recv(65536)
        except BlockingIOError:
            break
        if not chunk:
            break
        data += chunk
    return "".join(json.loads(line)["o"] for line in data.decode().splitlines() if line)

print(json.dumps({"first": received(first_client), "second": received(second_client), "exits": [first.exit, second.exit]}))
`;

describe.skipIf(!python)("day 4's warm driver: each job's output goes to its own request", () => {
  it('a job that outlives its request never writes into the next request', () => {
    const out = JSON.parse(execFileSync('python3', ['-c', SCRIPT], { encoding: 'utf8', timeout: 30_000 })) as {
      first: string;
      second: string;
      exits: number[];
    };
    expect(out.first).toBe('first job\n');
    expect(out.second).toBe('second job\n');
    expect(out.exits).toEqual([0, 0]);
  }, 30_000);
});
