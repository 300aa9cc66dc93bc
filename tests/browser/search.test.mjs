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
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const [helpdex, fixturesKb, screenshotDir] = process.argv.slice(2);
if (!helpdex || !fixturesKb || !screenshotDir) {
  console.error('usage: node search.test.mjs HELPDEX_BINARY FIXTURES_KB_DIR SCREENSHOT_DIR');
  process.exit(2);
}
if (!existsSync(join(here, 'node_modules', 'playwright-core'))) {
  console.error(`browser test: ${join(here, 'node_modules')} is missing; run \`npm ci\` in ${here} ` +
                '(tools/test does this)');
  process.exit(1);
}
const { chromium } = await import('playwright-core');

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                       '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// A free loopback port: listen on port 0, read the port, close.
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

// Starts `helpdex serve` and resolves once it prints that it is serving.
function startServer(indexDir, dataDir, port) {
  const server = spawn(helpdex, ['serve', '--index', indexDir, '--data', dataDir, '--port', String(port),
                                 '--address', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  server.stderr.on('data', (chunk) => { stderr = (stderr + chunk).slice(-4000); });
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`helpdex serve did not start in 20 s:\n${stderr}`)), 20000);
    let stdout = '';
    server.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes('helpdex serving')) {
        clearTimeout(timer);
        resolve();
      }
    });
    server.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`helpdex serve exited with ${code}:\n${stderr}`));
    });
  });
  return { server, ready };
}

function stopServer(server) {
  if (server.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => { server.kill('SIGKILL'); }, 5000);
    server.once('exit', () => { clearTimeout(timer); resolve(); });
    server.kill('SIGTERM');
  });
}

const work = mkdtempSync(join(tmpdir(), 'helpdex-browser-'));
let server;
let browser;
try {
  const indexDir = join(work, 'index');
  const indexed = spawnSync(helpdex, ['index', '--content', fixturesKb, '--index', indexDir], { encoding: 'utf8' });
  assert.equal(indexed.status, 0, `helpdex index failed:\n${indexed.stdout}\n${indexed.stderr}`);

  const port = await freePort();
  const started = startServer(indexDir, join(work, 'data'), port);
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
  if (browser) await browser.close();
  if (server) await stopServer(server);
  rmSync(work, { recursive: true, force: true });
}
