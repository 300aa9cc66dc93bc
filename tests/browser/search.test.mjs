// Browser test: a real chromium (Debian's /usr/bin/chromium, driven by
// playwright-core; no browser is downloaded) searches the help centre served
// by the real `helpdex serve` over the integration fixtures.
//
//   node search.test.mjs HELPDEX_BINARY FIXTURES_KB_DIR SCREENSHOT_DIR
//
// Checks: the home page search form works without JavaScript of ours, results
// show <mark> highlights, the first result opens its article, no page raises
// a dialog (XSS) or a CSP violation. Screenshots go to SCREENSHOT_DIR.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { startHelpCentre, testArguments } from './harness.mjs';

const { helpdex, contentDir: fixturesKb, screenshotDir } = testArguments('search.test.mjs', 'FIXTURES_KB_DIR');

let centre;
try {
  centre = await startHelpCentre({ helpdex, contentDir: fixturesKb, name: 'search' });
  const { base, browser } = centre;
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1100, height: 800 } });
  const page = await context.newPage();
  const problems = [];
  page.on('dialog', async (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    await dialog.dismiss();
  });
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));

  // Home: a labelled search box; submit with Enter.
  await page.goto(`${base}/`);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  const searchBox = page.getByLabel('Search the help centre');
  await searchBox.fill('websites slow');
  await Promise.all([page.waitForURL(/\/search\?/), searchBox.press('Enter')]);

  // Results: highlighted snippets, the slow-site article first.
  const marks = page.locator('.result__snippet mark');
  assert.ok(await marks.count() > 0, 'no <mark> in the result snippets');
  const firstResult = page.locator('.result__title a').first();
  assert.equal((await firstResult.textContent()).trim(), 'My website is slow');
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, 'search-results.png'), fullPage: true });

  // The first result opens its article (at the matched section's anchor).
  await Promise.all([page.waitForURL(/\/articles\/website-slow/), firstResult.click()]);
  assert.equal((await page.locator('h1').textContent()).trim(), 'My website is slow');
  assert.match(await page.title(), /My website is slow/);
  assert.ok(await page.locator('.answer').isVisible(), 'the answer box is not visible');
  await page.screenshot({ path: join(screenshotDir, 'article.png'), fullPage: true });

  // A phone-sized viewport still shows the search box and results.
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto(`${base}/search?q=IMAP&ui=nb`);
  assert.equal(await page.getAttribute('html', 'lang'), 'nb');
  assert.ok(await page.locator('.result').count() > 0);
  await page.screenshot({ path: join(screenshotDir, 'search-phone-nb.png'), fullPage: true });

  // Hostile content and queries never run script.
  await page.goto(`${base}/articles/unsafe-markdown?lang=en`);
  await page.goto(`${base}/search?q=${encodeURIComponent('"><img src=x onerror=alert(1)>')}`);
  await page.goto(`${base}/search?q=${encodeURIComponent('<script>alert(1)</script>')}`);
  assert.deepEqual(problems, []);

  console.log(`browser test passed; screenshots in ${screenshotDir}`);
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  if (centre) await centre.stop();
}
