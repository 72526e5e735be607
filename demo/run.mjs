#!/usr/bin/env node
// The main job on the bundled demo: serve the demo sites, open Chromium with the built
// extension (dist/extension-testing: the shipped build plus the test hooks), visit each demo
// site, and print what the panel shows (cookies with purpose, expiry and status; what is
// blocked), with screenshots in dist/demo/.
// Headless where there is no display; with a display the browser stays open until Ctrl-C.
import fs from 'node:fs';
import path from 'node:path';
import { launch, ROOT } from '../tests/e2e/chromium.mjs';
import { startDemoServer, HOSTS } from './server.mjs';

const headless = !process.env.DISPLAY || process.argv.includes('--headless');
const out = path.join(ROOT, 'dist', 'demo');
fs.mkdirSync(out, { recursive: true });

const server = await startDemoServer({ port: Number(process.env.DEMO_PORT || 0) });
const browser = await launch({ headless });
const page = await browser.context.newPage();

const settle = async (url) => {
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForLoadState('networkidle').catch(() => {});
};

const sites = [
  ['kaltiot.test', HOSTS.kaltiot, 'The seed site (Kaltiot): a published policy, linked from the page'],
  ['nopolicy.test', HOSTS.nopolicy, 'A site that publishes nothing: Cookie Warden guesses from known cookies'],
  ['tcf-shop.test', HOSTS.tcf, 'A shop that publishes a TCF disclosure file through a Link header'],
  ['kaltiot-ot.test', HOSTS.kaltiotOt, 'The seed site behind a self-hosted OneTrust banner: no policy of its own, its consent platform declares the cookies'],
];

console.log(`Demo sites served at http://<site>:${server.port}/ (every *.test name maps to 127.0.0.1)`);
console.log(`Chromium ${headless ? 'headless' : 'with a window'}, extension ${browser.extensionId}\n`);

for (const [site, host, about] of sites) {
  const url = server.url(host);
  // The first visit finds the policy; the second shows a visit with it known.
  await settle(url);
  await page.waitForTimeout(500);
  server.clearLog();
  await settle(url);
  await page.waitForTimeout(300);
  const reached = [...new Set(server.log.map((e) => e.host))].filter((h) => !h.endsWith(site)).sort();
  const answer = await browser.request({ type: 'getSiteText', site });
  const shot = path.join(out, `${site}.png`);
  await page.screenshot({ path: shot, fullPage: true });
  const panel = await browser.openPanel(`*://${host}/*`);
  const panelShots = [];
  for (const scheme of ['light', 'dark']) {
    await panel.emulateMedia({ colorScheme: scheme });
    const file = path.join(out, `${site}-panel-${scheme}.png`);
    await panel.screenshot({ path: file, fullPage: true });
    panelShots.push(path.relative(ROOT, file));
  }
  await panel.close();

  console.log('='.repeat(100));
  console.log(`${url}\n${about}\n`);
  console.log(answer.type === 'text' ? answer.text : JSON.stringify(answer));
  console.log(`Third-party hosts that received requests on the second visit: ${reached.join(', ') || 'none'}`);
  console.log(`Screenshots: ${path.relative(ROOT, shot)} (page), ${panelShots.join(', ')} (panel)\n`);
}

const options = await browser.context.newPage();
await options.goto(`chrome-extension://${browser.extensionId}/options.html`);
await options.waitForSelector('body[data-ready="true"]', { timeout: 15000 }).catch(() => {});
await options.screenshot({ path: path.join(out, 'options.png'), fullPage: true });
console.log(`Options page: ${path.relative(ROOT, path.join(out, 'options.png'))}`);

if (headless) {
  await browser.close();
  await server.close();
} else {
  console.log('The browser stays open: browse the demo sites, then press Ctrl-C to stop.');
  const stop = async () => {
    await browser.close().catch(() => {});
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  browser.context.on('close', stop);
}
