// Debian's chromium for the browser tests: headless, fake media devices fed from files, loopback
// WebRTC allowed. playwright gives it a fresh temporary profile.
import { chromium } from 'playwright-core';

/** @param fakeMedia extra flags, e.g. `--use-file-for-fake-audio-capture=FILE` */
export function launchChromium(...fakeMedia) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
      ...fakeMedia, '--allow-loopback-in-peer-connection', '--autoplay-policy=no-user-gesture-required'],
  });
}
