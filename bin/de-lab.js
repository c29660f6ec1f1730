#!/usr/bin/env node
// Tiny launcher. `--version` is answered here, from package.json, without loading the CLI (so it
// costs little more than starting node); everything else loads the CLI lazily.
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  const { readFileSync } = await import('node:fs');
  process.stdout.write(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version + '\n');
} else {
  // `de-lab … | head` closes the pipe early: the rest of the output has nowhere to go, but the
  // command still finishes and cleans up (a grade run removes its stacks) instead of dying with
  // an EPIPE stack trace.
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (error) => {
      if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
      throw error;
    });
  // Node 22.1+ keeps compiled code of de-lab's modules between runs (a no-op on Node 20).
  const { enableCompileCache } = await import('node:module');
  try {
    enableCompileCache?.();
  } catch {
    // No cache folder: runs as before.
  }
  import('../dist/cli/main.js')
    .then((m) => m.main(process.argv))
    .catch((error) => {
      process.stderr.write(
        `de-lab: could not start (${error?.message ?? error}). Run \`npm install\` in the de-lab folder to build it.\n`,
      );
      process.exitCode = 1;
    });
}
