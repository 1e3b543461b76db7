// Camera end to end: Debian's chromium with a fake camera playing a generated video of solid
// colours (and a fake microphone playing speech) publishes audio + video over WHIP; a colour model
// on a remote worker names each sampled frame. Midway the worker serving the frames is killed
// (SIGKILL): later frames are served by the other one. Writes video-result.json for the Java test.
// Usage: KILL_PID=pid node video-e2e.mjs URL WAV Y4M OUT_DIR
import { launchChromium } from './chromium.mjs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [url, wav, y4m, outDir] = process.argv.slice(2);
const browser = await launchChromium(`--use-file-for-fake-audio-capture=${wav}`, `--use-file-for-fake-video-capture=${y4m}`);
let code = 1;
const count = (page) => page.evaluate(() => window.remotemedia.inferences().length);
try {
  const page = await browser.newPage();
  page.on('console', (m) => console.log('[page]', m.text()));
  await page.goto(url);
  await page.check('#camera');
  await page.click('#start');
  await page.waitForFunction(() => window.remotemedia.inferences().length >= 8, null, { timeout: 60000 });
  const beforeKill = await count(page);
  process.kill(Number(process.env.KILL_PID), 'SIGKILL');
  const killedAt = Date.now();
  console.log(`killed worker ${process.env.KILL_PID} after ${beforeKill} frame results`);
  await page.waitForFunction((n) => window.remotemedia.inferences().length >= n, beforeKill + 14, { timeout: 60000 });
  const inferences = await page.evaluate(() => window.remotemedia.inferences());
  const errors = await page.evaluate(() => window.remotemedia.frameErrors());
  const vision = await page.textContent('#vision');
  const overlayDrawn = await page.evaluate(() => { // the latest labels are painted over the preview
    const c = document.getElementById('overlay');
    return c.width > 0 && c.getContext('2d').getImageData(6, 6, 40, 18).data.some((v, i) => i % 4 === 3 && v > 0);
  });
  const previewShown = await page.evaluate(() => !document.getElementById('cameraBox').hidden
    && document.getElementById('preview').videoWidth > 0);
  writeFileSync(join(outDir, 'video-result.json'), JSON.stringify({ beforeKill, afterKillMs: Date.now() - killedAt, inferences, errors, vision, previewShown, overlayDrawn }, null, 2));
  writeFileSync(join(outDir, 'metrics.txt'), await (await fetch(new URL('q/metrics', url))).text());
  await page.screenshot({ path: join(outDir, 'video-page.png'), fullPage: true });
  console.log(`ok: ${inferences.length} frame results, ${errors.length} errors`);
  await page.click('#stop');
  code = 0;
} catch (e) {
  console.error('video e2e failed:', e.message);
  try { await (await browser.contexts()[0]?.pages()[0])?.screenshot({ path: join(outDir, 'video-failed.png') }); } catch { /* ignore */ }
} finally {
  await browser.close();
}
process.exit(code);
