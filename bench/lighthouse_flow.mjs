// A Lighthouse user flow for a page that answers a form (the new personal code): fill the form
// in the browser, clear the HTTP cache, and let Lighthouse measure the navigation the submit starts.
// Usage: node bench/lighthouse_flow.mjs BASE_URL booking|request|selftest FORM_PATH OUT.json PROFILE_DIR
// with NODE_PATH pointing at the node_modules that holds lighthouse@12 (bench/lighthouse.py does).
import {createRequire} from 'node:module';
import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';

const [base, kind, formPath, outPath, profile] = process.argv.slice(2);
const modules = process.env.NODE_PATH;
const require = createRequire(join(modules, 'noop.js'));
const puppeteer = require('puppeteer-core');
const {startFlow} = await import(pathToFileURL(join(modules, 'lighthouse', 'core', 'index.js')).href);

const browser = await puppeteer.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`],
});
try {
  const page = await browser.newPage();
  const flow = await startFlow(page, {
    config: {extends: 'lighthouse:default',
             settings: {onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo']}},
  });
  await page.goto(base + formPath, {waitUntil: 'load'});
  const submit = 'form.form button[type=submit]';
  if (kind === 'booking') {
    for (const id of ['#who-self', '#age-30plus', '#identity-anonymous']) await page.click(id);
    await page.type('#nickname', 'Kim');
  } else if (kind === 'selftest') {
    await page.evaluate(() => document.querySelectorAll('form fieldset').forEach(
      (set) => { set.querySelector('input[type=radio]').checked = true; }));
  } else {
    for (const id of ['#area-alcohol', '#for_whom-self', '#age-30_plus', '#anonymity-anonymous']) await page.click(id);
    await Promise.all([page.waitForNavigation(), page.click(submit)]);
    await page.type('#display_name', 'Kim');
  }
  // A first visit: the answer page's CSS and JS come over the network, as on a fresh phone.
  const cdp = await page.createCDPSession();
  await cdp.send('Network.clearBrowserCache');
  await flow.navigate(async () => { await page.click(submit); }, {name: kind});
  const result = await flow.createFlowResult();
  writeFileSync(outPath, JSON.stringify(result.steps[0].lhr));
} finally {
  await browser.close();
}
