// Browser test: "Did this help?" at the end of an article, in a real chromium
// against the real `helpdex serve` over the integration fixtures.
//
//   node feedback.test.mjs HELPDEX_BINARY FIXTURES_KB_DIR SCREENSHOT_DIR
//
// With JavaScript: answer "No", then (asked only now) pick a reason, write a
// comment with an e-mail address in it, send: the thanks appears in place
// (the page does not leave the article). Without JavaScript: "Yes" posts the
// form and the server's thank-you page replaces it. Then `helpdex events`
// shows both answers under their visits, with the comment redacted.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { startHelpCentre, testArguments } from './harness.mjs';

const { helpdex, contentDir: fixturesKb, screenshotDir } = testArguments('feedback.test.mjs', 'FIXTURES_KB_DIR');

let centre;
try {
  centre = await startHelpCentre({ helpdex, contentDir: fixturesKb, name: 'feedback' });
  const { base, browser, dataDir } = centre;
  mkdirSync(screenshotDir, { recursive: true });

  // With JavaScript: the answer is sent in place.
  const scripted = await browser.newContext({ locale: 'en-US' });
  const page = await scripted.newPage();
  const problems = [];
  page.on('dialog', async (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    await dialog.dismiss();
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  const articleUrl = `${base}/articles/password-reset?lang=en`;
  await page.goto(articleUrl);
  await page.getByRole('heading', { name: 'Did this help?' }).or(page.getByText('Did this help?')).first().waitFor();
  assert.equal(await page.getByText('What was wrong?').isVisible(), false, 'the reason is asked after the answer');
  await page.getByRole('button', { name: 'No', exact: true }).click();
  await page.getByLabel('It is about my question but did not answer it').check();
  await page.getByLabel('Comment (optional)').fill('The link never came, write to kari@example.no');
  await page.getByRole('button', { name: 'Send feedback' }).click();
  await page.getByText('Thank you for your feedback.').waitFor();
  assert.equal(page.url(), articleUrl, 'the script answers in place, without leaving the article');
  assert.equal(await page.locator('form[data-feedback-form]').isVisible(), false, 'the form is gone');
  assert.equal(await page.locator('form[data-feedback-reason-form]').isVisible(), false, 'the reasons are gone');
  await page.screenshot({ path: join(screenshotDir, 'feedback-thanks-in-place.png'), fullPage: true });

  // Without JavaScript: the form posts and the server answers with the thank-you page.
  const plain = await browser.newContext({ locale: 'en-US', javaScriptEnabled: false });
  const noScript = await plain.newPage();
  await noScript.goto(articleUrl);
  await Promise.all([noScript.waitForURL(/feedback=thanks/), noScript.getByRole('button', { name: 'Yes' }).click()]);
  await noScript.getByText('Thank you for your feedback.').waitFor();
  assert.equal(await noScript.getByRole('button', { name: 'Yes' }).count(), 0, 'the thanks replaces the form');
  await noScript.screenshot({ path: join(screenshotDir, 'feedback-thanks-page.png'), fullPage: true });
  assert.deepEqual(problems, []);

  // What was stored: the "no" at once, then its reason, and the "yes" under
  // another visit; the comment redacted.
  await centre.stopServer();  // SIGTERM writes every queued event
  const listed = spawnSync(helpdex, ['events', '--data', dataDir, '--type', 'feedback', '--json'], { encoding: 'utf8' });
  assert.equal(listed.status, 0, listed.stderr);
  const answers = JSON.parse(listed.stdout);
  assert.equal(answers.length, 3, listed.stdout);
  const no = answers.find((answer) => answer.helpful === 0 && answer.reason);
  assert.ok(answers.some((answer) => answer.helpful === 0 && !answer.reason && answer.visit === no.visit),
            'the bare "no" came first');
  const yes = answers.find((answer) => answer.helpful === 1);
  assert.ok(no && yes, listed.stdout);
  assert.equal(no.article, 'en-password-reset');
  assert.equal(no.reason, 'didnt_answer');
  assert.equal(no.lang, 'en');
  assert.ok(no.revision.length > 0, 'the article revision is recorded');
  assert.ok(no.comment.startsWith('The link never came'), no.comment);
  assert.ok(!no.comment.includes('kari@example.no'), `comment not redacted: ${no.comment}`);
  assert.notEqual(no.visit, yes.visit);
  console.log('browser_feedback: ok');
} finally {
  if (centre) await centre.stop();
}
