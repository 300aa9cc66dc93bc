// Shared by the browser tests: the real `helpdex serve` on a free loopback
// port, and Debian's chromium through playwright-core (never a downloaded
// browser).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
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
