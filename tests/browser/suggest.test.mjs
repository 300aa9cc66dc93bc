// Browser test: as-you-type suggestions (templates/static/suggest.js) in a
// real chromium (Debian's /usr/bin/chromium via playwright-core) against the
// real `helpdex serve` over the integration fixtures.
//
//   node suggest.test.mjs HELPDEX_BINARY FIXTURES_KB_DIR SCREENSHOT_DIR
//
// Typing a question slowly into the home search box opens the ARIA combobox's
// panel, the live region announces the number of answers, the password
// article's card shows its vetted answer, ArrowDown moves the active option,
// Escape closes; no dialog (XSS) and no CSP violation or script error.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CHROMIUM, CHROMIUM_ARGS, freePort, loadChromium, startServer, stopServer } from './harness.mjs';

const [helpdex, fixturesKb, screenshotDir] = process.argv.slice(2);
if (!helpdex || !fixturesKb || !screenshotDir) {
  console.error('usage: node suggest.test.mjs HELPDEX_BINARY FIXTURES_KB_DIR SCREENSHOT_DIR');
  process.exit(2);
}
const chromium = await loadChromium();

const work = mkdtempSync(join(tmpdir(), 'helpdex-browser-suggest-'));
let server;
let browser;
try {
  const indexDir = join(work, 'index');
  const indexed = spawnSync(helpdex, ['index', '--content', fixturesKb, '--index', indexDir], { encoding: 'utf8' });
  assert.equal(indexed.status, 0, `helpdex index failed:\n${indexed.stdout}\n${indexed.stderr}`);

  const port = await freePort();
  const started = startServer(helpdex, indexDir, join(work, 'data'), port);
  server = started.server;
  await started.ready;
  const base = `http://127.0.0.1:${port}`;

  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
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

  await page.goto(`${base}/`);
  const box = page.locator('#search-q');
  // The script has made the plain search field a combobox.
  await page.waitForFunction(() => document.getElementById('search-q').getAttribute('role') === 'combobox');
  assert.equal(await box.getAttribute('aria-autocomplete'), 'list');
  assert.equal(await box.getAttribute('aria-expanded'), 'false');
  const listId = await box.getAttribute('aria-controls');
  assert.equal(await page.locator(`#${listId}`).getAttribute('role'), 'listbox');

  // Typed slowly, a key every 60 ms: typing never waits for the network.
  await box.click();
  await box.pressSequentially('how do I reset my pass', { delay: 60 });
  assert.equal(await box.inputValue(), 'how do I reset my pass');
  await page.waitForFunction(() => document.getElementById('search-q').getAttribute('aria-expanded') === 'true',
                             null, { timeout: 5000 });
  const status = page.locator('#search-q-suggest-status');
  assert.equal(await status.getAttribute('aria-live'), 'polite');
  await page.waitForFunction(() => /\d+ answers?/.test(document.getElementById('search-q-suggest-status').textContent),
                             null, { timeout: 5000 });

  // The password article's card shows its vetted answer as text.
  const card = page.locator('.suggest__card', { hasText: 'Reset your password' });
  await card.first().waitFor({ timeout: 5000 });
  assert.match(await card.first().locator('.suggest__card-answer').textContent(), /Forgot password/);
  assert.match(await card.first().locator('a').getAttribute('href'), /^\/articles\/password-reset/);
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, 'suggest-open.png'), fullPage: true });

  // ArrowDown makes the first completion active; focus stays in the input.
  const options = page.locator(`#${listId} [role="option"]`);
  if (await options.count() > 0) {
    await box.press('ArrowDown');
    const active = await box.getAttribute('aria-activedescendant');
    assert.ok(active, 'ArrowDown did not set aria-activedescendant');
    assert.equal(await page.locator(`#${active}`).getAttribute('aria-selected'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'search-q');
  } else {
    console.warn('suggest test: no completions for this text; ArrowDown not checked');
  }

  // Escape closes the panel and keeps what was typed.
  await box.press('Escape');
  assert.equal(await box.getAttribute('aria-expanded'), 'false');
  assert.equal(await box.getAttribute('aria-activedescendant'), null);
  assert.ok(await page.locator('#search-q-suggest').isHidden());
  assert.equal(await box.inputValue(), 'how do I reset my pass');

  // Nothing from the internal article is ever suggested.
  await box.fill('zqxjkvint');
  await page.waitForTimeout(600);
  assert.equal(await page.locator('.suggest').textContent().then((t) => /zqxjkv/i.test(t)), false);

  // Without a chosen option Enter still submits the plain GET form.
  await box.fill('reset password');
  await Promise.all([page.waitForURL(/\/search\?q=reset\+password/), box.press('Enter')]);
  assert.deepEqual(problems, []);

  console.log(`suggest browser test passed; screenshots in ${screenshotDir}`);
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  if (browser) await browser.close();
  if (server) await stopServer(server);
  rmSync(work, { recursive: true, force: true });
}
