// Shared by the browser tests: the real `helpdex serve` on a free loopback
// port, and Debian's chromium through playwright-core (never a downloaded
// browser).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                              '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// playwright-core's chromium, or exit 1 with what to do when `npm ci` has not run.
export async function loadChromium() {
  if (!existsSync(join(here, 'node_modules', 'playwright-core'))) {
    console.error(`browser test: ${join(here, 'node_modules')} is missing; run \`npm ci\` in ${here} ` +
                  '(tools/test does this)');
    process.exit(1);
  }
  const { chromium } = await import('playwright-core');
  return chromium;
}

// A free loopback port: listen on port 0, read the port, close.
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

// Starts `helpdex serve`; `ready` resolves once it prints that it is serving.
export function startServer(helpdex, indexDir, dataDir, port) {
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

// SIGTERM, then SIGKILL after 5 s.
export function stopServer(server) {
  if (server.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => { server.kill('SIGKILL'); }, 5000);
    server.once('exit', () => { clearTimeout(timer); resolve(); });
    server.kill('SIGTERM');
  });
}

// The command line every browser test takes, or exit 2 with its usage:
//   node NAME.test.mjs HELPDEX_BINARY CONTENT_DIR SCREENSHOT_DIR
export function testArguments(script, contentLabel = 'CONTENT_DIR') {
  const [helpdex, contentDir, screenshotDir] = process.argv.slice(2);
  if (!helpdex || !contentDir || !screenshotDir) {
    console.error(`usage: node ${script} HELPDEX_BINARY ${contentLabel} SCREENSHOT_DIR`);
    process.exit(2);
  }
  return { helpdex, contentDir, screenshotDir };
}

// The help centre every browser test starts from: CONTENT_DIR (and the ticket
// files) indexed with `helpdex index` into a new temporary directory, then
// `beforeServe({ run, work, indexDir, dataDir })` (e.g. `helpdex agent add`),
// then `helpdex serve` on a free loopback port with its own data directory,
// and Debian's chromium launched. Throws (after cleaning up) when any step
// fails. `run(args)` runs a helpdex subcommand that must succeed and returns
// its stdout. `stopServer()` stops the server only (SIGTERM writes every
// queued event, for `helpdex events`); `stop()` closes the browser, stops the
// server and removes the temporary directory; both may be called again.
export async function startHelpCentre({ helpdex, contentDir, name, tickets = [], beforeServe }) {
  const chromium = await loadChromium();
  const work = mkdtempSync(join(tmpdir(), `helpdex-browser-${name}-`));
  const indexDir = join(work, 'index');
  const dataDir = join(work, 'data');
  let server;
  let browser;
  const stopHelpdex = async () => {
    if (server) await stopServer(server);
    server = undefined;
  };
  const stop = async () => {
    if (browser) await browser.close();
    browser = undefined;
    await stopHelpdex();
    rmSync(work, { recursive: true, force: true });
  };
  const run = (args) => {
    const result = spawnSync(helpdex, args, { encoding: 'utf8' });
    if (result.status !== 0) {
      throw new Error(`helpdex ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
    }
    return result.stdout;
  };
  try {
    run(['index', '--content', contentDir, ...tickets.flatMap((file) => ['--tickets', file]), '--index', indexDir]);
    if (beforeServe) await beforeServe({ run, work, indexDir, dataDir });
    const port = await freePort();
    const started = startServer(helpdex, indexDir, dataDir, port);
    server = started.server;
    await started.ready;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    return { base: `http://127.0.0.1:${port}`, port, work, indexDir, dataDir, browser, run,
             stopServer: stopHelpdex, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
