// Browser end to end: Debian's chromium opens the page, its fake microphone plays a speech WAV,
// the page publishes over WHIP; we wait for utterances with results and save a screenshot.
// Usage: node e2e.mjs URL WAV OUT_DIR EXPECTED_UTTERANCES
import { launchChromium } from './chromium.mjs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [url, wav, outDir, expected = '3'] = process.argv.slice(2);
const want = Number(expected);
const browser = await launchChromium(`--use-file-for-fake-audio-capture=${wav}`);
let code = 1;
try {
  const page = await browser.newPage();
  page.on('console', (m) => console.log('[page]', m.text()));
  await page.goto(url);
  await page.click('#start');
  // one utterance, then an ICE restart (what the page does when the network changes), then the rest
  await page.waitForFunction(() => document.querySelectorAll('tr.utterance.done').length >= 1, null, { timeout: 60000 });
  const restart = await page.evaluate(() => window.remotemedia.restartIce());
  const rowsAtRestart = await page.$$eval('tr.utterance.done', (trs) => trs.length);
  console.log(`ICE restart answered ${restart} after ${rowsAtRestart} utterance(s)`);
  await page.waitForFunction((n) => document.querySelectorAll('tr.utterance.done').length >= n,
    Math.max(want, rowsAtRestart + 2), { timeout: 60000 });
  await page.evaluate(() => window.remotemedia.refreshStatus());
  await page.waitForFunction(() => document.querySelectorAll('#endpoints tbody tr.up').length >= 1, null, { timeout: 10000 });
  const rows = await page.$$eval('tr.utterance.done', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  const state = await page.textContent('#state');
  const reply = await page.textContent('#reply');
  const endpoints = await page.$$eval('#endpoints tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  const waterfalls = await page.$$eval('.waterfall', (w) => w.length);
  const pipelines = await page.$$eval('#pipeline option', (o) => o.map((x) => x.value));
  const level = await page.evaluate(() => window.remotemedia.peakDb());
  writeFileSync(join(outDir, 'e2e-result.json'), JSON.stringify({ state, rows, restart, rowsAtRestart, reply, endpoints, waterfalls, pipelines, level }, null, 2));
  await page.screenshot({ path: join(outDir, 'page.png'), fullPage: true });
  console.log(`ok: ${rows.length} utterances with results, state ${state}`);
  await page.click('#stop');
  code = 0;
} catch (e) {
  console.error('e2e failed:', e.message);
  try { await (await browser.contexts()[0]?.pages()[0])?.screenshot({ path: join(outDir, 'page-failed.png') }); } catch { /* ignore */ }
} finally {
  await browser.close();
}
process.exit(code);
