// Browser test: the customer's own language, on the sample help centre
// (content/, the one tools/run serves), in Debian's chromium driven by
// playwright-core against the real `helpdex serve`.
//
//   node language.test.mjs HELPDEX_BINARY CONTENT_DIR SCREENSHOT_DIR
//
// Checks: on the English page, typing "banner" offers the English article
// (not the Turkish or Greek one) and searching it shows the English article
// first and once, its other languages listed on it; choosing Czech is kept
// for the next page; the footer's language on an article opens its
// translation and the choice is kept, result links keep it, topics are
// named in it; an off-topic question shows no results and a way to contact
// support; at phone width too.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { startHelpCentre, testArguments } from './harness.mjs';

const { helpdex, contentDir, screenshotDir } = testArguments('language.test.mjs', 'CONTENT_DIR');

let centre;
try {
  centre = await startHelpCentre({ helpdex, contentDir, name: 'language' });
  const { base, browser } = centre;
  mkdirSync(screenshotDir, { recursive: true });

  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1100, height: 800 } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));

  // Typing "banner" on the English home page: the English card first.
  await page.goto(`${base}/?ui=en`);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.waitForFunction(() => document.getElementById('search-q').getAttribute('role') === 'combobox');
  const searchBox = page.locator('#search-q');
  await searchBox.pressSequentially('banner', { delay: 40 });
  await page.waitForFunction(() => /\d+ answers?/.test(document.getElementById('search-q-suggest-status').textContent),
                             null, { timeout: 10000 });
  const firstCard = page.locator('#search-q-suggest-grid .suggest__card-title').first();
  await firstCard.waitFor();
  assert.match((await firstCard.textContent()).trim(), /banner/i);
  assert.equal(await page.locator('#search-q-suggest-grid [lang="tr"], #search-q-suggest-grid [lang="el"]').count(), 0,
               'a Turkish or Greek card on the English page');
  await page.screenshot({ path: join(screenshotDir, 'language-suggest-en.png'), fullPage: true });

  // Searching it: the English article first and once, its languages listed.
  await Promise.all([page.waitForURL(/\/search\?/), searchBox.press('Enter')]);
  const results = page.locator('.result');
  assert.ok(await results.count() > 0, 'no results for banner');
  assert.equal(await results.first().getAttribute('lang'), 'en');
  const titles = await page.locator('.result__title a').allTextContents();
  const bannerArticles = (await page.locator('.result__title a').evaluateAll(
      (links) => links.map((a) => a.getAttribute('href')))).filter((href) => /banner/.test(href));
  assert.equal(bannerArticles.length, 1, `the banner article more than once: ${titles.join(' | ')}`);
  const languages = results.first().locator('.result__languages a');
  assert.equal(await languages.count(), 5, 'the other five languages are not listed on the result');
  await page.screenshot({ path: join(screenshotDir, 'language-results-en.png'), fullPage: true });

  // Choosing Czech is remembered: the next page without ui= is Czech.
  await page.goto(`${base}/?ui=cs`);
  await page.goto(`${base}/search?q=ssl`);
  assert.equal(await page.getAttribute('html', 'lang'), 'cs');
  assert.equal(await page.locator('.result').first().getAttribute('lang'), 'cs');

  // The footer's language on an article opens its translation, in that
  // language; the choice is kept for the next pages, and result links keep it.
  await page.goto(`${base}/articles/reset-password?lang=en&ui=en`);
  await Promise.all([page.waitForURL(/tilbakestille-passord/),
                     page.locator('.site-footer a[hreflang="nb"]').click()]);
  assert.equal(await page.getAttribute('html', 'lang'), 'nb');
  assert.equal(await page.getAttribute('article', 'lang'), 'nb');
  await page.screenshot({ path: join(screenshotDir, 'language-article-nb.png'), fullPage: true });
  await page.goto(`${base}/search?q=ssl`);
  assert.equal(await page.getAttribute('html', 'lang'), 'nb', 'the chosen language was not kept');
  const englishResult = `${base}/search?q=ssl&lang=en`;
  await page.goto(englishResult);
  await Promise.all([page.waitForURL(/\/articles\//), page.locator('.result__title a').first().click()]);
  assert.equal(await page.getAttribute('html', 'lang'), 'nb', 'a result link lost the page language');
  assert.equal(await page.getAttribute('article', 'lang'), 'en');
  // The topics under the article are named in Norwegian.
  const topics = await page.locator('.article-meta a.tag').allTextContents();
  assert.ok(topics.includes('Sikkerhet'), `topics not in Norwegian: ${topics.join(', ')}`);

  // Off-topic: no results, a way to contact support; at phone width.
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto(`${base}/search?q=${encodeURIComponent('host a minecraft server')}&ui=en`);
  assert.equal(await page.locator('.result').count(), 0);
  assert.ok(await page.locator('a.contact-way-out').isVisible(), 'no way to contact support');
  await page.screenshot({ path: join(screenshotDir, 'language-off-topic-phone.png'), fullPage: true });
  assert.deepEqual(problems, []);
  console.log(`browser test passed; screenshots in ${screenshotDir}`);
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  if (centre) await centre.stop();
}
