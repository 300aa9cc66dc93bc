// Browser test: the help centre on a phone (360 x 740), on the sample help
// centre (content/), in Debian's chromium driven by playwright-core against
// the real `helpdex serve`.
//
//   node contact_phone.test.mjs HELPDEX_BINARY CONTENT_DIR SCREENSHOT_DIR
//
// Checks: on the contact form, a customer who types a subject and then taps
// the description lands in the description (nothing covers it, nothing
// navigates) and the answer cards under it use the width; in the search
// popup the answer cards use the width and "This answered my question" sits
// below the text; leaving the search box closes the popup; the placeholder
// fits in every language; the focus ring is the dark amber. Screenshots of
// the home page at phone width in all six languages.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { startHelpCentre, testArguments } from './harness.mjs';

const { helpdex, contentDir, screenshotDir } = testArguments('contact_phone.test.mjs', 'CONTENT_DIR');
const PHONE = { width: 360, height: 740 };
const LANGUAGES = ['en', 'nb', 'tr', 'cs', 'ru', 'el'];

let centre;
try {
  centre = await startHelpCentre({ helpdex, contentDir, name: 'contact-phone' });
  const { base, browser } = centre;
  mkdirSync(screenshotDir, { recursive: true });
  const context = await browser.newContext({ locale: 'en-US', viewport: PHONE, hasTouch: true, isMobile: true });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));

  // The contact form: type a subject, then tap the description.
  await page.goto(`${base}/contact?ui=en`);
  const subject = page.locator('#contact-subject');
  const description = page.locator('#contact-description');
  await subject.click();
  await subject.pressSequentially('I forgot my password', { delay: 30 });
  const cards = page.locator('#contact-cards');
  await cards.waitFor({ state: 'visible', timeout: 10000 });
  const before = page.url();
  await description.click();
  assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.id), 'contact-description',
               'the tap meant for the description went elsewhere');
  await description.pressSequentially('The reset e-mail never arrives.', { delay: 10 });
  assert.equal(page.url(), before, 'the tap on the description navigated away');
  assert.equal(await subject.inputValue(), 'I forgot my password', 'the subject was lost');
  assert.equal(await description.inputValue(), 'The reset e-mail never arrives.');
  const cardBoxes = await page.locator('#contact-cards .contact__card').evaluateAll(
      (nodes) => nodes.map((node) => node.getBoundingClientRect().width));
  assert.ok(cardBoxes.length > 0, 'no answer cards under the description');
  for (const width of cardBoxes) assert.ok(width >= 280, `a contact card is ${width} px wide at 360 px`);
  await page.screenshot({ path: join(screenshotDir, 'contact-phone-en.png'), fullPage: true });

  // The search popup: cards as wide as the popup, the button under the text.
  await page.goto(`${base}/?ui=en`);
  await page.waitForFunction(() => document.getElementById('search-q').getAttribute('role') === 'combobox');
  const box = page.locator('#search-q');
  await box.click();
  await box.pressSequentially('reset password', { delay: 30 });
  const card = page.locator('#search-q-suggest-grid .suggest__card').first();
  await card.waitFor({ state: 'visible', timeout: 10000 });
  const layout = await page.evaluate(() => {
    const cell = document.querySelector('#search-q-suggest-grid .suggest__card');
    const button = cell.parentElement.querySelector('.suggest__answered');
    const panel = document.getElementById('search-q-suggest');
    return { card: cell.getBoundingClientRect().toJSON(), button: button.getBoundingClientRect().toJSON(),
             panel: panel.getBoundingClientRect().toJSON() };
  });
  assert.ok(layout.card.width >= layout.panel.width - 40,
            `the answer card is ${layout.card.width} px wide in a ${layout.panel.width} px popup`);
  assert.ok(layout.card.height < 300, `the answer card is ${layout.card.height} px tall`);
  assert.ok(layout.button.top >= layout.card.bottom - 1, 'the "answered" button is not below the text');
  await page.screenshot({ path: join(screenshotDir, 'suggest-phone-en.png'), fullPage: true });
  // Leaving the box closes the popup.
  await page.locator('h1').click();
  await page.waitForFunction(() => document.getElementById('search-q-suggest').hidden, null, { timeout: 5000 });

  // The focus ring: the dark amber (3:1 and more against white and its neighbours).
  await page.keyboard.press('Tab');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineColor);
  assert.equal(outline, 'rgb(179, 92, 0)', `focus ring colour ${outline}`);

  // Every language's home page: the placeholder fits in the box.
  for (const language of LANGUAGES) {
    await page.goto(`${base}/?ui=${language}`);
    const fit = await page.evaluate(() => {
      const input = document.getElementById('search-q');
      const style = getComputedStyle(input);
      const canvas = document.createElement('canvas').getContext('2d');
      canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const text = canvas.measureText(input.placeholder).width;
      const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      return { text, room, placeholder: input.placeholder };
    });
    assert.ok(fit.text <= fit.room,
              `${language}: the placeholder "${fit.placeholder}" needs ${fit.text} px, the box has ${fit.room}`);
    await page.screenshot({ path: join(screenshotDir, `home-phone-${language}.png`), fullPage: true });
  }
  assert.deepEqual(problems, []);
  console.log(`browser test passed; screenshots in ${screenshotDir}`);
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  if (centre) await centre.stop();
}
