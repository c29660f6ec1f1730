#!/usr/bin/env node
// Tiny launcher: parses nothing and loads the CLI lazily, so `de-lab --version` starts fast.
import('../dist/cli/main.js').then((m) => m.main(process.argv)).catch((error) => {
  process.stderr.write(`de-lab: could not start (${error?.message ?? error}). Run \`npm install\` in the de-lab folder to build it.\n`);
  process.exitCode = 1;
});
