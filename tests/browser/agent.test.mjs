// Browser test of the agent console, as a new agent would use it: the sample
// help centre (content/ with its tickets) is indexed, an agent is created with
// `helpdex agent add`, signs in with the password it printed, searches
// "site is slow after installing a banner", finds a ticket and an article,
// copies the vetted answer as Markdown, then switches the reply language and
// copies again. Debian's chromium, driven by playwright-core.
//
//   node agent.test.mjs HELPDEX_BINARY CONTENT_DIR SCREENSHOT_DIR
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { startHelpCentre, testArguments } from './harness.mjs';

const { helpdex, contentDir, screenshotDir } = testArguments('agent.test.mjs');

mkdirSync(screenshotDir, { recursive: true });
const ticketsDir = join(contentDir, 'tickets');
const tickets = readdirSync(ticketsDir).filter((name) => /\.(jsonl|csv|json)$/.test(name))
  .map((name) => join(ticketsDir, name));
let agent;
let centre;
const problems = [];
try {
  centre = await startHelpCentre({
    helpdex, contentDir, name: 'agent', tickets,
    beforeServe: ({ run, dataDir }) => {
      agent = JSON.parse(run(['agent', 'add', 'kari', '--data', dataDir]));
      assert.ok(agent.token.length > 20 && agent.password.length >= 12, 'agent add prints a token and a password');
    },
  });
  const { base: origin, browser } = centre;
  const context = await browser.newContext();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  const page = await context.newPage();
  page.on('dialog', (dialog) => { problems.push(`dialog: ${dialog.message()}`); dialog.dismiss(); });
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));

  // Not signed in: the console sends the agent to the sign-in page.
  await page.goto(`${origin}/agent`);
  assert.match(new URL(page.url()).pathname, /^\/agent\/login/);
  await page.fill('#agent-name', 'kari');
  await page.fill('#agent-password', agent.password);
  await Promise.all([page.waitForURL(`${origin}/agent`), page.click('.agent-login__form button[type=submit]')]);

  await page.fill('#agent-q', 'site is slow after installing a banner');
  await Promise.all([page.waitForURL(/\/agent\?/), page.click('.agent-search .search-form__button')]);
  await page.screenshot({ path: join(screenshotDir, 'agent-results.png'), fullPage: true });

  const results = page.locator('.agent-result');
  const count = await results.count();
  assert.ok(count >= 2, `expected results, got ${count}`);
  const firstFive = [];
  for (let i = 0; i < Math.min(count, 5); i++) {
    firstFive.push({
      href: await results.nth(i).locator('.result__title a').getAttribute('href'),
      hasTicket: await results.nth(i).locator('.ticket-view').count() > 0,
      hasAnswer: await results.nth(i).locator('.answer-variant').count() > 0,
    });
  }
  assert.ok(firstFive.some((r) => r.hasTicket && r.href.startsWith('/agent/tickets/')),
            `a ticket among the first five: ${JSON.stringify(firstFive)}`);
  assert.ok(firstFive.some((r) => r.hasAnswer && r.href.startsWith('/agent/articles/')),
            `an article with its answer among the first five: ${JSON.stringify(firstFive)}`);

  // The first article's answer, copied as Markdown with one click.
  const article = results.filter({ has: page.locator('.answer-variant') }).first();
  const articleUrl = await article.locator('.result__title a').getAttribute('href');
  const visible = article.locator('.answer-variant:not([hidden])');
  const expectedMarkdown = await visible.locator('textarea[id$="-md"]').inputValue();
  assert.ok(expectedMarkdown.length > 20, 'the Markdown form of the answer is on the page');
  await visible.locator('.copy-button[data-copy-from$="-md"]').click();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, expectedMarkdown);
  const slug = articleUrl.split('#')[0].split('?')[0].split('/').pop();
  assert.ok(copied.includes(`/articles/${slug}`), `the copy links to the customer's article page: ${copied}`);
  await page.locator('[aria-live]').filter({ hasText: /./ }).first().waitFor({ timeout: 5000 });

  // The reply in Norwegian: the picker shows the translation's answer, and
  // that is what the next copy takes.
  const picker = article.locator('.reply-picker__select');
  if (await picker.locator('option[value="nb"]').count() > 0) {
    await picker.selectOption('nb');
    const norwegian = article.locator('.answer-variant[data-lang="nb"]');
    assert.equal(await norwegian.isVisible(), true, 'the Norwegian answer is shown');
    const norwegianMarkdown = await norwegian.locator('textarea[id$="-md"]').inputValue();
    await norwegian.locator('.copy-button[data-copy-from$="-md"]').click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), norwegianMarkdown);
    assert.notEqual(norwegianMarkdown, expectedMarkdown);
  } else {
    problems.push('the first article has no Norwegian translation to pick');
  }
  await page.screenshot({ path: join(screenshotDir, 'agent-copied.png'), fullPage: true });

  // Tickets are compact (issue 18): the resolution's first lines, the whole
  // conversation folded until the agent opens it.
  const ticket = results.filter({ has: page.locator('.ticket-view') }).first();
  const thread = ticket.locator('details.ticket-thread');
  assert.equal(await thread.evaluate((details) => details.open), false, 'the conversation starts folded');
  assert.equal(await ticket.locator('.ticket-message').first().isVisible(), false, 'messages hidden while folded');
  await thread.locator('summary').click();
  assert.equal(await thread.evaluate((details) => details.open), true, 'a click unfolds the conversation');
  const messages = ticket.locator('.ticket-message');
  assert.ok(await messages.count() >= 2, 'a customer and an agent message');
  assert.equal(await messages.first().isVisible(), true);
  assert.match(await messages.first().locator('.ticket-message__meta').innerText(), /Customer/);
  for (const body of await ticket.locator('.ticket-markdown').allInnerTexts()) {
    assert.ok(!body.includes('**'), `no raw Markdown in an agent message: ${body}`);
  }
  // The resolution copies like an answer.
  const resolution = ticket.locator('.ticket-resolution');
  const resolutionMarkdown = await resolution.locator('textarea[id$="-md"]').inputValue();
  assert.ok(resolutionMarkdown.length > 10, 'the resolution as written is on the page');
  await resolution.locator('.copy-button[data-copy-from$="-md"]').click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), resolutionMarkdown);
  const resolutionText = await resolution.locator('textarea[id$="-text"]').inputValue();
  await resolution.locator('.copy-button[data-copy-from$="-text"]').click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), resolutionText);
  await thread.locator('summary').click();  // folded again for the screenshots

  // The same search at desktop and phone width, tickets folded.
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  console.log(`agent search page: ${height} px tall at 1280 px wide`);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: join(screenshotDir, 'agent-tickets-desktop.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(screenshotDir, 'agent-tickets-phone.png'), fullPage: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `nothing wider than a phone screen (${overflow} px too wide)`);
  await page.setViewportSize({ width: 1280, height: 720 });

  // The ticket page shows the redacted ticket.
  const ticketHref = firstFive.find((r) => r.hasTicket).href;
  await page.goto(`${origin}${ticketHref}`);
  const ticketText = await page.locator('main').innerText();
  assert.ok(!/@example\.(com|no)/.test(ticketText), 'no e-mail address on the ticket page');

  // Signing out ends the session.
  await page.goto(`${origin}/agent`);
  const signOut = page.locator('form.agent-header__sign-out button');
  await Promise.all([page.waitForURL(/\/agent\/login/), signOut.click()]);
  await page.goto(`${origin}/agent`);
  assert.match(new URL(page.url()).pathname, /^\/agent\/login/);

  assert.deepEqual(problems, []);
  console.log(`agent browser test: passed (${count} results; screenshots in ${screenshotDir})`);
} finally {
  if (centre) await centre.stop();
}
