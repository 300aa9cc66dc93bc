// Browser test: an article reads well, on the sample help centre (content/),
// in Debian's chromium driven by playwright-core against the real `helpdex serve`.
//
//   node article.test.mjs HELPDEX_BINARY CONTENT_DIR SCREENSHOT_DIR
//
// Checks, on the e-mail setup article: the server settings show as a table
// (not pipes) at desktop and phone width, and at phone width the table stays
// inside the page (it scrolls in its own box; the page never gets wider than
// the screen); a link of the table of contents scrolls to its section; a
// heading's anchor link is named by its heading and shows when focused. The
// Greek article at phone width too.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { startHelpCentre, testArguments } from './harness.mjs';

const { helpdex, contentDir, screenshotDir } = testArguments('article.test.mjs', 'CONTENT_DIR');

// The page's and the settings table's geometry, as the reader sees it.
async function layout(page) {
  return page.evaluate(() => {
    const table = document.querySelector('.article-body .table-scroll table');
    const box = table.closest('.table-scroll');
    const rect = box.getBoundingClientRect();
    return {
      pageWidth: document.documentElement.scrollWidth,
      viewportWidth: window.innerWidth,
      tableDisplay: getComputedStyle(table).display,
      rows: table.querySelectorAll('tr').length,
      headerCells: table.querySelectorAll('th').length,
      boxLeft: rect.left,
      boxRight: rect.right,
      boxOverflow: getComputedStyle(box).overflowX,
      pipes: document.querySelector('.article-body').textContent.includes('|---|'),
    };
  });
}

function assertTableInsidePage(geometry, where) {
  assert.equal(geometry.tableDisplay, 'table', `${where}: the settings are not laid out as a table`);
  assert.ok(geometry.rows >= 5, `${where}: ${geometry.rows} rows`);
  assert.equal(geometry.headerCells, 2, `${where}: ${geometry.headerCells} header cells`);
  assert.equal(geometry.pipes, false, `${where}: raw Markdown pipes on the page`);
  assert.ok(geometry.pageWidth <= geometry.viewportWidth,
            `${where}: the page is ${geometry.pageWidth}px wide on a ${geometry.viewportWidth}px screen`);
  assert.ok(geometry.boxLeft >= 0 && geometry.boxRight <= geometry.viewportWidth,
            `${where}: the table's box runs from ${geometry.boxLeft} to ${geometry.boxRight}px`);
  assert.equal(geometry.boxOverflow, 'auto', `${where}: a wider table would not scroll in its box`);
}

let centre;
try {
  centre = await startHelpCentre({ helpdex, contentDir, name: 'article' });
  const { base, browser } = centre;
  mkdirSync(screenshotDir, { recursive: true });

  const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1100, height: 800 } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));

  // Desktop: the table, the table of contents, the date.
  await page.goto(`${base}/articles/email-setup?lang=en`);
  const table = page.locator('.article-body table');
  assert.ok(await table.isVisible(), 'the settings table is not visible');
  assertTableInsidePage(await layout(page), 'desktop');
  const toc = page.getByRole('navigation', { name: 'On this page' });
  assert.ok(await toc.isVisible(), 'no table of contents');
  assert.equal(await toc.getByRole('link').count(), 3);
  assert.equal((await page.locator('time[datetime="2026-07-14"]').textContent()).trim(), '14 July 2026');
  await page.screenshot({ path: join(screenshotDir, 'article-desktop.png'), fullPage: true });

  // The heading's anchor link: named by its heading (the TOC's link has the
  // same name), hidden until focused, then shown.
  assert.equal(await page.getByRole('link', { name: 'Troubleshooting', exact: true }).count(), 2);
  const anchor = page.locator('#troubleshooting .heading-anchor');
  assert.equal(await anchor.evaluate((a) => getComputedStyle(a).opacity), '0');
  await anchor.focus();
  assert.equal(await anchor.evaluate((a) => getComputedStyle(a).opacity), '1');

  // The table of contents' link scrolls to its section.
  await page.evaluate(() => window.scrollTo(0, 0));
  await Promise.all([page.waitForURL(/#troubleshooting$/), toc.getByRole('link', { name: 'Troubleshooting' }).click()]);
  await page.waitForFunction(() => {
    const top = document.getElementById('troubleshooting').getBoundingClientRect().top;
    return top >= 0 && top < 100;
  }, null, { timeout: 5000 });
  assert.ok(await page.evaluate(() => window.scrollY) > 0, 'the page did not scroll');
  await page.screenshot({ path: join(screenshotDir, 'article-toc-jump.png') });

  // Phone: the table stays inside the screen; the page does not get wider.
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(`${base}/articles/email-setup?lang=en`);
  assert.ok(await table.isVisible(), 'the settings table is not visible on a phone');
  assertTableInsidePage(await layout(page), 'phone');
  await page.screenshot({ path: join(screenshotDir, 'article-phone.png'), fullPage: true });

  // The Greek article on a phone.
  await page.goto(`${base}/articles/rythmisi-email?lang=el`);
  assert.ok(await page.locator('.article-body table').isVisible(), 'the Greek settings table is not visible');
  assertTableInsidePage(await layout(page), 'Greek phone');
  assert.ok(await page.getByRole('navigation', { name: 'Σε αυτή τη σελίδα' }).isVisible(), 'no Greek table of contents');
  await page.screenshot({ path: join(screenshotDir, 'article-phone-el.png'), fullPage: true });

  assert.deepEqual(problems, []);
  console.log(`browser test passed; screenshots in ${screenshotDir}`);
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  if (centre) await centre.stop();
}
