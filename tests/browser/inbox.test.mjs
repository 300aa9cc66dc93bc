// Browser test of the inbox (issue 18), as a customer and then an agent use
// it: the customer searches, opens an article, then writes through /contact
// (the e-mail is required: the browser itself refuses the form without it)
// and gets a request number; an agent signs in, opens /agent/messages, opens
// the message (what the visit searched and opened, suggested articles), and
// marks it answered. Screenshots at desktop and phone width. Debian's
// chromium, driven by playwright-core.
//
//   node inbox.test.mjs HELPDEX_BINARY CONTENT_DIR SCREENSHOT_DIR
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { startHelpCentre, testArguments } from './harness.mjs';

const { helpdex, contentDir, screenshotDir } = testArguments('inbox.test.mjs');

mkdirSync(screenshotDir, { recursive: true });
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
let agent;
let centre;
const problems = [];
const watch = (page) => {
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
};
try {
  centre = await startHelpCentre({
    helpdex, contentDir, name: 'inbox',
    beforeServe: ({ run, dataDir }) => {
      agent = JSON.parse(run(['agent', 'add', 'ingrid', '--data', dataDir]));
    },
  });
  const { base: origin, browser } = centre;

  // The customer: a search, an article from its results, then the form.
  const customer = await browser.newContext({ viewport: DESKTOP });
  const page = await customer.newPage();
  watch(page);
  await page.goto(`${origin}/search?q=${encodeURIComponent('reset password')}&ui=en`);
  await Promise.all([page.waitForURL(/\/articles\//), page.locator('.result__title a').first().click()]);
  const openedTitle = (await page.locator('h1').first().innerText()).trim();

  await page.goto(`${origin}/contact?ui=en`);
  await page.fill('#contact-subject', 'The reset link never arrives');
  await page.keyboard.press('Escape');
  await page.fill('#contact-description', 'I asked for a new password twice.\nNothing came. <b>Help</b>');
  // Without an e-mail address the browser keeps the form (required, type=email).
  await page.locator('.contact__form button[type=submit]').click();
  assert.match(new URL(page.url()).pathname, /^\/contact$/);
  assert.equal(await page.locator('#contact-email').evaluate((input) => input.validity.valueMissing), true);
  await page.fill('#contact-email', 'kari@example.no');
  await Promise.all([page.waitForURL(/\/contact\?sent=\d+/), page.locator('.contact__form button[type=submit]').click()]);
  const number = (await page.locator('[data-request-number]').innerText()).trim();
  assert.match(number, /^#\d+$/, 'the thank-you page shows a request number');
  await page.screenshot({ path: join(screenshotDir, 'inbox-contact-sent.png'), fullPage: true });
  await customer.close();

  // The agent: sign in, the inbox, the message.
  const desk = await browser.newContext({ viewport: DESKTOP });
  const agentPage = await desk.newPage();
  watch(agentPage);
  await agentPage.goto(`${origin}/agent/messages?ui=en`);
  assert.match(new URL(agentPage.url()).pathname, /^\/agent\/login/);
  await agentPage.fill('#agent-name', 'ingrid');
  await agentPage.fill('#agent-password', agent.password);
  await Promise.all([agentPage.waitForURL(/\/agent\/messages/), agentPage.click('.agent-login__form button[type=submit]')]);
  const row = agentPage.locator('.inbox__row', { hasText: 'The reset link never arrives' });
  assert.equal(await row.count(), 1, 'the message is in the open messages');
  assert.equal((await row.locator('.inbox__number').innerText()).trim(), number);
  await agentPage.screenshot({ path: join(screenshotDir, 'inbox-list-desktop.png'), fullPage: true });

  await Promise.all([agentPage.waitForURL(/\/agent\/messages\/\d+/), row.locator('.inbox__subject a').click()]);
  const description = await agentPage.locator('.inbox-message__description').innerText();
  assert.ok(description.includes('<b>Help</b>'), `the description is plain text: ${description}`);
  assert.ok(description.includes('twice.\nNothing came.'), 'line breaks are kept');
  const visit = await agentPage.locator('.inbox-message__visit').innerText();
  assert.ok(visit.includes('reset password'), `the visit's search is shown: ${visit}`);
  assert.ok(visit.includes(openedTitle), `the article the visit opened is shown (${openedTitle}): ${visit}`);
  const suggested = agentPage.locator('.inbox-message__suggested .agent-result');
  assert.ok(await suggested.count() >= 1, 'articles are suggested');
  assert.ok(await suggested.first().locator('.copy-button').first().isVisible(), 'with copy buttons');
  await agentPage.screenshot({ path: join(screenshotDir, 'inbox-message-desktop.png'), fullPage: true });

  await agentPage.selectOption('#inbox-status', 'answered');
  await Promise.all([agentPage.waitForURL(/changed=1/), agentPage.locator('.inbox-message__status button').click()]);
  assert.match(await agentPage.locator('[role=status].notice--success').innerText(), /status was changed/);
  assert.equal(await agentPage.locator('#inbox-status').inputValue(), 'answered');

  // At phone width: the list and the message, nothing wider than the screen.
  await agentPage.setViewportSize(PHONE);
  await agentPage.screenshot({ path: join(screenshotDir, 'inbox-message-phone.png'), fullPage: true });
  await agentPage.goto(`${origin}/agent/messages?status=answered&ui=en`);
  assert.equal(await agentPage.locator('.inbox__row', { hasText: 'The reset link never arrives' }).count(), 1,
               'the message is now among the answered ones');
  const overflow = await agentPage.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the inbox fits a phone (${overflow} px too wide)`);
  await agentPage.screenshot({ path: join(screenshotDir, 'inbox-list-phone.png'), fullPage: true });

  assert.deepEqual(problems, []);
  console.log(`inbox browser test: passed (request ${number}; screenshots in ${screenshotDir})`);
} finally {
  if (centre) await centre.stop();
}
