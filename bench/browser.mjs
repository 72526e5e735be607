// Browser measurements for `./run bench`, in real Chromium with the built extension against the
// local demo sites (never the internet). Writes dist/bench/browser.json; bench/report.mjs turns
// it into the table. Usage: node bench/browser.mjs [--writes N] [--cold N] [--panels N]
//
//   deletion, warm worker     document.cookie write -> gone from document.cookie (N writes)
//   deletion, worker stopped  the same, each write after ServiceWorker.stopAllWorkers
//   worker start -> ...       marks the background bootstrap takes (ms since the worker started):
//                             wasm instantiated, engine started, first cookie decided
//   panel                     popup page opened -> panel rendered (data-render-ms)
//   heap                      the worker's JS heap (CDP Runtime.getHeapUsage) and wasm memory
//                             after visiting the three demo sites
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { launch, ROOT } from '../tests/e2e/chromium.mjs';
import { measureDeletion, summary, visit } from '../tests/e2e/helpers.mjs';
import { startDemoServer, HOSTS } from '../demo/server.mjs';

const { values: opts } = parseArgs({
  options: {
    writes: { type: 'string', default: '500' },
    cold: { type: 'string', default: '500' },
    panels: { type: 'string', default: '20' },
  },
});
const writes = Number(opts.writes);
const coldWrites = Number(opts.cold);
const panels = Number(opts.panels);
const out = path.join(ROOT, 'dist/bench/browser.json');
const log = (...a) => console.log('[bench:browser]', ...a);

/** Runtime.getHeapUsage in the extension's service worker, through a page's CDP session. */
async function workerHeap(browser) {
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const cdp = await browser.context.newCDPSession(page);
  try {
    const { targetInfos } = await cdp.send('Target.getTargets');
    const worker = targetInfos.find(
      (t) => t.type === 'service_worker' && t.url.startsWith(`chrome-extension://${browser.extensionId}/`),
    );
    if (!worker) throw new Error('the extension has no running service worker');
    const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: worker.targetId, flatten: false });
    const reply = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer to Runtime.getHeapUsage')), 10000);
      cdp.on('Target.receivedMessageFromTarget', (event) => {
        const message = JSON.parse(event.message);
        if (message.id !== 1) return;
        clearTimeout(timer);
        if (message.error) reject(new Error(message.error.message));
        else resolve(message.result);
      });
    });
    await cdp.send('Target.sendMessageToTarget', {
      sessionId,
      message: JSON.stringify({ id: 1, method: 'Runtime.getHeapUsage' }),
    });
    const heap = await reply;
    await cdp.send('Target.detachFromTarget', { sessionId }).catch(() => {});
    return heap;
  } finally {
    await cdp.detach().catch(() => {});
  }
}

const server = await startDemoServer();
const browser = await launch();
const results = { browser: 'chromium', version: browser.context.browser()?.version() ?? null };
try {
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());

  // The three demo sites, each twice (the first visit finds the policy).
  for (const host of [HOSTS.kaltiot, HOSTS.nopolicy, HOSTS.tcf]) {
    await visit(page, server.url(host));
    await visit(page, server.url(host));
  }
  const heap = await workerHeap(browser);
  const wasmMemory = await browser.inWorker(() => globalThis.cookieWarden.wasmMemoryBytes());
  results.heapAfterDemoSites = { jsUsedBytes: heap.usedSize, jsTotalBytes: heap.totalSize, wasmMemoryBytes: wasmMemory };
  log('heap', JSON.stringify(results.heapAfterDemoSites));

  await visit(page, server.url(HOSTS.kaltiot));
  await measureDeletion(page, '_ga', 5); // warm up
  const warm = await measureDeletion(page, '_ga', writes);
  if (warm.some((t) => t < 0)) throw new Error(`${warm.filter((t) => t < 0).length} warm writes were never deleted`);
  results.deletionWarmMs = summary(warm);
  log('deletion, warm', JSON.stringify(results.deletionWarmMs));

  const cold = [];
  const marks = { wasmReady: [], started: [], firstCookieDecided: [] };
  for (let i = 0; i < coldWrites; i++) {
    await browser.stopWorker();
    const [t] = await measureDeletion(page, '_ga', 1);
    if (t < 0) throw new Error(`cold write ${i} was never deleted`);
    cold.push(t);
    const m = await browser.inWorker(() => globalThis.cookieWarden.marks());
    for (const key of Object.keys(marks)) if (typeof m[key] === 'number') marks[key].push(m[key]);
    if ((i + 1) % 100 === 0) log(`cold ${i + 1}/${coldWrites}`);
  }
  results.deletionColdMs = summary(cold);
  results.workerStartMs = Object.fromEntries(Object.entries(marks).map(([k, v]) => [k, summary(v)]));
  log('deletion, worker stopped', JSON.stringify(results.deletionColdMs));
  log('worker start ->', JSON.stringify(results.workerStartMs));

  const renders = [];
  const opens = [];
  for (let i = 0; i < panels; i++) {
    const panel = await browser.openPanel('*://www.kaltiot.test/*');
    renders.push(Number(await panel.getAttribute('body', 'data-render-ms')));
    const open = await panel.getAttribute('body', 'data-open-ms');
    if (open != null) opens.push(Number(open));
    await panel.close();
  }
  results.panelRenderMs = summary(renders);
  if (opens.length) results.panelOpenMs = summary(opens);
  log('panel', JSON.stringify(results.panelRenderMs));
  if (results.panelOpenMs) log('panel, from the page opening', JSON.stringify(results.panelOpenMs));
} finally {
  await browser.close();
  await server.close();
}
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
log(`wrote ${path.relative(ROOT, out)}`);
