// Loads every page of a built site in headless Chromium at desktop and
// phone widths and fails on: a console error or page error, a failed
// request, a broken link (missing page or missing #anchor) or image, and
// horizontal overflow (the page wider than the window).  Saves a
// full-page screenshot of each page and width, plus dark-mode ones.
//
//   node check.mjs SITE_DIR SHOT_DIR
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const siteDir = path.resolve(process.argv[2] || 'out');
const shotDir = path.resolve(process.argv[3] || 'build/browser');
const widths = [1280, 360];
const types = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.csv': 'text/csv; charset=utf-8', '.tsv': 'text/tab-separated-values',
  '.pdf': 'application/pdf' };

let failures = 0;
const fail = (msg) => { failures++; console.error(`FAIL: ${msg}`); };

// A static server over the site folder (no directory listings, no escapes).
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  let rel = decodeURIComponent(url.pathname);
  if (rel.endsWith('/')) rel += 'index.html';
  const file = path.join(siteDir, path.normalize(rel));
  if (!file.startsWith(siteDir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
    return;
  }
  res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/`;

const pages = fs.readdirSync(siteDir).filter((f) => f.endsWith('.html')).sort();
if (pages.length === 0) fail(`no pages in ${siteDir}`);
fs.mkdirSync(shotDir, { recursive: true });

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'inferbook-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 900 },
});

// ids of each page, for checking #anchors of links
const idCache = new Map();
function idsOf(file) {
  if (!idCache.has(file)) {
    const html = fs.readFileSync(path.join(siteDir, file), 'utf8');
    idCache.set(file, new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1])));
  }
  return idCache.get(file);
}

const checkedLinks = new Set();
let loads = 0;

async function visit(file, width) {
    const page = await context.newPage();
    const problems = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
    page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
    await page.setViewportSize({ width, height: 900 });
    await page.goto(base + file, { waitUntil: 'load' });
    loads++;
    const info = await page.evaluate(() => {
      const de = document.documentElement;
      const wide = [];
      // What sticks out of the window (outside scroll boxes) names the culprit.
      for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.right > de.clientWidth + 1 && !el.closest('.table-scroll')) {
          wide.push(`${el.tagName.toLowerCase()}${el.className ? '.' + el.className : ''} right=${Math.round(r.right)}`);
          if (wide.length > 4) break;
        }
      }
      return {
        scrollWidth: de.scrollWidth,
        clientWidth: de.clientWidth,
        wide,
        badImages: [...document.images].filter((i) => !i.complete || i.naturalWidth === 0).map((i) => i.src),
        noAlt: [...document.images].filter((i) => !i.hasAttribute('alt')).map((i) => i.src),
        links: [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href')),
        h1: document.querySelectorAll('h1').length,
        height: de.scrollHeight,
        title: document.title,
      };
    });
    if (info.scrollWidth > info.clientWidth)
      problems.push(`horizontal overflow at ${width}px: ${info.scrollWidth} > ${info.clientWidth} (${info.wide.join('; ')})`);
    for (const src of info.badImages) problems.push(`broken image: ${src}`);
    for (const src of info.noAlt) problems.push(`image without alt text: ${src}`);
    if (info.h1 !== 1) problems.push(`${info.h1} <h1> elements (want 1)`);
    if (!info.title) problems.push('empty <title>');
    for (const href of info.links) {
      if (/^(https?:|mailto:)/.test(href) || checkedLinks.has(file + ' ' + href)) continue;
      checkedLinks.add(file + ' ' + href);
      const [target, frag] = href.split('#');
      // calc.html?model=...: the query is the page's own (a scenario).
      const tpath = target.split('?')[0];
      const tfile = tpath === '' ? file : path.normalize(tpath);
      if (!fs.existsSync(path.join(siteDir, tfile))) { problems.push(`broken link: ${href}`); continue; }
      if (frag && tfile.endsWith('.html') && !idsOf(tfile).has(decodeURIComponent(frag)))
        problems.push(`broken anchor: ${href}`);
    }
    const shot = path.join(shotDir, `${file.replace(/\.html$/, '')}-${width}.png`);
    // The top of a long page is enough to look at (very tall captures are
    // slow and can time out).
    await page.screenshot({ path: shot, fullPage: true, timeout: 120000,
      clip: { x: 0, y: 0, width, height: Math.min(info.height, 6000) } });
    if (width === 1280 && (file === 'index.html' || pages.indexOf(file) === 1)) {
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.screenshot({ path: shot.replace(/\.png$/, '-dark.png'), fullPage: false });
      await page.emulateMedia({ colorScheme: 'light' });
    }
    for (const p of problems) fail(`${file} @${width}px: ${p}`);
    await page.close();
}

// A few pages at a time: full-page screenshots are the slow part.
const jobs = pages.flatMap((file) => widths.map((width) => [file, width]));
const workers = Array.from({ length: Math.min(4, os.cpus().length || 1) }, async () => {
  for (let job; (job = jobs.shift()) !== undefined;) await visit(...job);
});
await Promise.all(workers);
await context.close();
server.close();
fs.rmSync(profile, { recursive: true, force: true });
console.log(`browser: ${pages.length} pages x ${widths.length} widths (${loads} loads), ` +
  `${checkedLinks.size} links checked, screenshots in ${path.relative(process.cwd(), shotDir) || '.'}: ` +
  `${failures === 0 ? 'ok' : failures + ' failures'}`);
process.exit(failures === 0 ? 0 : 1);
