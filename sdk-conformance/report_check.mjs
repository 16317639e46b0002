// Loads a verdict report in headless Chromium with the network cut off, fails on any console error,
// page error or request that leaves the file, and saves a screenshot.
// Usage: node report_check.mjs REPORT.html SCREENSHOT.png [CHROMIUM]
import { chromium } from 'playwright-core';

const [report, screenshot, executable = '/usr/bin/chromium'] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: executable,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const errors = [];
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  page.on('console', (m) => { if (m.type() === 'error') errors.push('console: ' + m.text()); });
  page.on('pageerror', (e) => errors.push('page: ' + e));
  await page.route('**/*', (route) => {
    if (route.request().url().startsWith('file://')) {
      return route.continue();
    }
    errors.push('network request: ' + route.request().url());
    return route.abort();
  });
  await page.goto('file://' + report, { waitUntil: 'load' });
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(JSON.stringify({ title: await page.title(), svgs: await page.locator('svg').count(),
    heading: await page.locator('h1').innerText(), errors }));
} finally {
  await browser.close();
}
process.exit(errors.length ? 1 : 0);
