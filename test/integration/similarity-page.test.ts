import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { deLab, isolatedEnv } from '../helpers/cli.js';
import { fixtureLabs, similarityClass } from '../helpers/similarity-class.js';

// No Docker: `grade similarity` reads a results.json and the submissions it names. A few seconds.
describe('similarity.html in a headless browser', () => {
  const made = similarityClass();
  afterAll(() => rmSync(made.root, { recursive: true, force: true }));

  it('lists the copied pair first and marks the matching lines on both sides', async () => {
    const run = await deLab(['--json', 'grade', 'similarity', made.out], {
      env: isolatedEnv({ DE_LAB_LABS_DIR: fixtureLabs }),
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect((JSON.parse(run.stdout) as { pairs: Array<{ left: string; right: string }> }).pairs[0]).toMatchObject({
      left: 'alice',
      right: 'bob',
    });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(pathToFileURL(join(made.out, 'similarity.html')).href);
      expect(await page.locator('#pairs tbody tr').first().innerText()).toMatch(/seeded-squares\s+alice ↔ bob/);
      const pair = page.locator('#pair-1 + .sbs');
      const sides = pair.locator(':scope > div');
      await expect(sides.count()).resolves.toBe(2);
      for (const side of [sides.nth(0), sides.nth(1)]) {
        const marked = await side.locator('mark.match').allInnerTexts();
        expect(marked.length).toBeGreaterThan(2);
        expect(marked.join('\n')).toContain('for pair in 39:1521');
        // The starter's own line (#!/bin/sh) is boilerplate: never marked.
        expect(marked.join('\n')).not.toContain('#!/bin/sh');
        expect(await side.locator('pre').first().innerText()).toContain('#!/bin/sh');
      }
      expect(await page.locator('.advice').innerText()).toContain('never a score');
    } finally {
      await browser.close();
    }
  });
});
