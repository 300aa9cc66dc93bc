// Browser test: no dead ends for customers (issue 18), in a real chromium
// against the real `helpdex serve` over the sample help centre (content/).
//
//   node home.test.mjs HELPDEX_BINARY CONTENT_DIR SCREENSHOT_DIR
//
// At desktop width in English: the home page's categories, a category's
// listing, an article with its breadcrumbs and related articles, a tag chip's
// listing, "Did this help? – No" then the reason (in place, with JavaScript),
// and the article read now under "Most read". At phone width in Norwegian:
// the categories in one column without sideways scrolling, and an article.
// Without JavaScript: "No" leads to the reasons form, which posts. Then
// `helpdex events` shows each visit's reason.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { startHelpCentre, testArguments } from './harness.mjs';

const { helpdex, contentDir, screenshotDir } = testArguments('home.test.mjs');

// Fails the test on a script error or a dialog.
function watch(page, problems) {
  page.on('dialog', async (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    await dialog.dismiss();
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
}

// No element is wider than the page: nothing to scroll sideways.
async function assertNoSidewaysScroll(page, what) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.scrollingElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  assert.ok(scrollWidth <= innerWidth, `${what}: ${scrollWidth} px wide in a ${innerWidth} px window`);
}

let centre;
try {
  centre = await startHelpCentre({ helpdex, contentDir, name: 'home' });
  const { base, browser, dataDir } = centre;
  mkdirSync(screenshotDir, { recursive: true });
  const problems = [];

  // --- Desktop, English, with JavaScript --------------------------------
  const desktop = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
  const page = await desktop.newPage();
  watch(page, problems);
  await page.goto(`${base}/?ui=en`);
  const categories = page.getByRole('region', { name: 'Browse by category' });
  await categories.waitFor();
  for (const title of ['Website problems', 'Editing your website', 'Domains & SSL', 'E-mail', 'Account & sign-in',
                       'Billing', 'Data & privacy']) {
    assert.equal(await categories.getByRole('link', { name: title, exact: true }).count(), 1, title);
  }
  assert.equal(await page.getByRole('region', { name: 'Most read' }).count(), 0, 'no most read before any view');
  const contact = page.getByRole('region', { name: 'Still need help?' });
  assert.equal(await contact.getByRole('link', { name: 'Contact support' }).getAttribute('href'), '/contact?ui=en');
  await page.screenshot({ path: join(screenshotDir, 'home-desktop-en.png'), fullPage: true });

  // A category's listing, then one of its articles.
  await Promise.all([page.waitForURL(/category=domain/),
                     categories.getByRole('link', { name: 'Domains & SSL', exact: true }).click()]);
  await page.getByRole('heading', { level: 1, name: /Domains & SSL/ }).waitFor();
  const listed = page.locator('.result__title a');
  assert.equal(await listed.count(), 2, 'the domain category lists its two articles');
  assert.equal(await listed.first().textContent(), 'Connecting a domain and setting up DNS records',
               'in the order the category file gives');
  await page.screenshot({ path: join(screenshotDir, 'home-category-listing.png'), fullPage: true });
  await Promise.all([page.waitForURL(/\/articles\/connect-domain-dns/), listed.first().click()]);

  // Breadcrumbs: Help Centre › Domains & SSL › the article; related articles.
  const breadcrumb = page.getByRole('navigation', { name: 'Breadcrumb' });
  await breadcrumb.waitFor();
  assert.equal(await breadcrumb.getByRole('link', { name: 'Help Centre' }).count(), 1);
  assert.match(await breadcrumb.getByRole('link', { name: 'Domains & SSL' }).getAttribute('href'), /category=domain/);
  assert.equal(await breadcrumb.locator('[aria-current="page"]').textContent(),
               'Connecting a domain and setting up DNS records');
  const related = page.getByRole('region', { name: 'Related articles' });
  assert.ok(await related.getByRole('link').count() > 0, 'related articles are listed');
  for (const href of await related.getByRole('link').evaluateAll((links) => links.map((a) => a.getAttribute('href')))) {
    assert.match(href, /^\/articles\/[a-z0-9-]+\?lang=en$/, href);
  }
  await page.screenshot({ path: join(screenshotDir, 'home-article-breadcrumbs.png'), fullPage: true });

  // A tag chip lists its tag's articles (no "Type a question").
  await Promise.all([page.waitForURL(/tag=dns/), page.locator('a.tag', { hasText: 'dns' }).first().click()]);
  await page.getByRole('heading', { level: 1, name: /dns/i }).waitFor();
  assert.equal(await page.getByText('Type a question to search the articles.').count(), 0);
  assert.ok(await page.locator('.result__title a').count() > 0, 'the tag lists articles');
  await page.screenshot({ path: join(screenshotDir, 'home-tag-listing.png'), fullPage: true });

  // "Did this help? – No", then the reason, in place.
  const articleUrl = `${base}/articles/email-setup?lang=en`;
  await page.goto(articleUrl);
  const feedback = page.locator('#feedback');
  assert.equal(await feedback.getByText('What was wrong?').isVisible(), false, 'no reasons before the answer');
  await feedback.getByRole('button', { name: 'No', exact: true }).click();
  await feedback.getByText('We are sorry the article did not help.').waitFor();
  assert.equal(page.url(), articleUrl, 'the script asks in place');
  assert.ok(await feedback.getByRole('link', { name: 'Contact support' }).isVisible());
  await feedback.getByLabel('It is out of date').check();
  await page.screenshot({ path: join(screenshotDir, 'home-feedback-no-reason.png'), fullPage: true });
  await feedback.getByRole('button', { name: 'Send feedback' }).click();
  await feedback.getByText('Thank you for your feedback.').waitFor();
  assert.equal(await feedback.getByText('What was wrong?').isVisible(), false);

  // The articles this visit read are now the most read.
  let mostRead;
  for (let attempt = 0; attempt < 50; attempt++) {
    await page.goto(`${base}/?ui=en`);
    mostRead = page.getByRole('region', { name: 'Most read' });
    if (await mostRead.count() > 0) break;
    await page.waitForTimeout(100);
  }
  assert.equal(await mostRead.count(), 1, 'most read shows after views');
  const mostReadTitles = await mostRead.getByRole('link').allTextContents();
  assert.ok(mostReadTitles.includes('Connecting a domain and setting up DNS records'), mostReadTitles.join(' | '));
  await page.screenshot({ path: join(screenshotDir, 'home-most-read.png'), fullPage: true });

  // --- Phone, Norwegian ---------------------------------------------------
  const phone = await browser.newContext({ locale: 'nb-NO', viewport: { width: 390, height: 844 }, isMobile: true,
                                           hasTouch: true });
  const small = await phone.newPage();
  watch(small, problems);
  await small.goto(`${base}/?ui=nb`);
  const kategorier = small.getByRole('region', { name: 'Bla etter kategori' });
  await kategorier.waitFor();
  const cards = kategorier.locator('.category-card');
  assert.equal(await cards.count(), 7);
  const boxes = await cards.evaluateAll((elements) => elements.map((e) => e.getBoundingClientRect().toJSON()));
  assert.ok(boxes.every((box) => Math.abs(box.left - boxes[0].left) < 1), 'one column on a phone');
  assert.ok(boxes[0].width > 300, `a card is ${boxes[0].width} px wide`);
  await assertNoSidewaysScroll(small, 'the phone home page');
  await small.screenshot({ path: join(screenshotDir, 'home-phone-nb.png'), fullPage: true });
  await Promise.all([small.waitForURL(/\/articles\/tilbakestille-passord/),
                     kategorier.getByRole('link', { name: 'Tilbakestille passordet eller når du ikke får logget inn' }).click()]);
  await small.getByRole('navigation', { name: 'Brødsmulesti' }).getByRole('link', { name: 'Konto og innlogging' }).waitFor();
  await assertNoSidewaysScroll(small, 'the phone article page');
  await small.screenshot({ path: join(screenshotDir, 'home-phone-article-nb.png'), fullPage: true });

  // --- Without JavaScript: "No" posts, then the reasons form posts -------
  const plain = await browser.newContext({ locale: 'en-US', javaScriptEnabled: false });
  const noScript = await plain.newPage();
  await noScript.goto(`${base}/articles/reset-password?lang=en`);
  await Promise.all([noScript.waitForURL(/feedback=no/), noScript.getByRole('button', { name: 'No', exact: true }).click()]);
  await noScript.getByText('We are sorry the article did not help.').waitFor();
  await noScript.getByLabel('Something else').check();
  await noScript.getByLabel('Comment (optional)').fill('I use a security key');
  await Promise.all([noScript.waitForURL(/feedback=thanks/), noScript.getByRole('button', { name: 'Send feedback' }).click()]);
  await noScript.getByText('Thank you for your feedback.').waitFor();
  await noScript.screenshot({ path: join(screenshotDir, 'home-feedback-no-script.png'), fullPage: true });
  assert.deepEqual(problems, []);

  // What was stored: each visit's "no", then its reason.
  await centre.stopServer();  // SIGTERM writes every queued event
  const events = spawnSync(helpdex, ['events', '--data', dataDir, '--type', 'feedback', '--json'], { encoding: 'utf8' });
  assert.equal(events.status, 0, events.stderr);
  const answers = JSON.parse(events.stdout);
  const reasons = answers.filter((answer) => answer.helpful === 0 && answer.reason).map((answer) => answer.reason).sort();
  assert.deepEqual(reasons, ['other', 'outdated'], events.stdout);
  console.log('browser_home: ok');
} finally {
  if (centre) await centre.stop();
}
