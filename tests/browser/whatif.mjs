// The "What if?" pages in headless Chromium, against the native core.
//
//   node whatif.mjs SITE_DIR STATIC_DIR SHOT_DIR      the test
//   node whatif.mjs --bench SITE_DIR SHOT_DIR         timings only (make bench)
//
// SITE_DIR is `make site` with the wasm core, STATIC_DIR the same inputs
// built without it.  Fails on:
//  - a page whose numbers, recomputed by the wasm core for the printed
//    scenarios, differ from the printed text (every number of every page);
//  - any of >= 200 scenarios drawn deterministically from the data (chip,
//    model, precisions, batch, context, chips) where a recomputed number
//    differs from the native evaluator's (native-eval: the lesson loader
//    and expr_eval of the native binary), or where one side refuses the
//    scenario and the other does not, or with another message;
//  - the calculator's output differing from `inferbook calc` (text, JSON,
//    CSV and a refusal), or its URL not encoding the scenario;
//  - with JavaScript off, a page whose content differs from the static
//    page (the HTML minus the what-if block must be byte-identical, and
//    the rendered text identical);
//  - a page opened from file:// that does not get its core (it must fall
//    back from fetch to inferbook-wasm.js);
//  - an axe-core violation of impact serious or critical on any page, a
//    console error, horizontal overflow of the panel at 360 px.
// Writes SHOT_DIR/whatif-bench.json (wasm size, re-evaluation times).
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const bench = process.argv[2] === '--bench';
const args = bench ? process.argv.slice(3) : process.argv.slice(2);
const siteDir = path.resolve(args[0] || 'out');
const staticDir = bench ? null : path.resolve(args[1]);
const shotDir = path.resolve(bench ? args[1] : args[2]);
const nativeEval = process.env.NATIVE_EVAL || path.join(root, 'build/tools/native-eval');
const inferbook = process.env.INFERBOOK || path.join(root, 'build/inferbook');
const dataDir = process.env.DATA_DIR || path.join(root, 'data');
const SCENARIOS = Number(process.env.WHATIF_SCENARIOS || 200);

let failures = 0;
const fail = (msg) => { failures++; console.error(`FAIL: ${msg}`); };
fs.mkdirSync(shotDir, { recursive: true });

const types = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.csv': 'text/csv; charset=utf-8', '.pdf': 'application/pdf' };
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  const file = path.join(siteDir, path.normalize(decodeURIComponent(url.pathname)));
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

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'inferbook-whatif-'));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });

const all = fs.readdirSync(siteDir).filter((f) => f.endsWith('.html')).sort();
const live = all.filter((f) => f !== 'calc.html' &&
  fs.readFileSync(path.join(siteDir, f), 'utf8').includes('id="whatif-data"'));
if (live.length === 0) fail('no page carries a what-if block: was the site built with the wasm core?');

async function open(url, ctx = context) {
  const page = await ctx.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url, { waitUntil: 'load' });
  if (await page.evaluate(() => !!document.getElementById('whatif-data')))
    await page.waitForFunction(() => document.documentElement.hasAttribute('data-whatif'),
      null, { timeout: 20000 });
  return { page, errors };
}

// ---- bench: re-evaluation time per page ----
async function timings() {
  const out = { wasm_bytes: fs.statSync(path.join(siteDir, 'inferbook.wasm')).size, pages: {} };
  for (const f of live) {
    const { page } = await open(base + f);
    out.pages[f] = await page.evaluate(() => {
      // A reader's change re-evaluates the numbers of one scenario: the
      // slowest scenario of the page; and, for reference, every number.
      const w = window.inferbookWhatif, per = {}, full = [];
      const med = (a) => a.slice().sort((x, y) => x - y)[a.length >> 1];
      let numbers = 0;
      w.groups.forEach((g) => { numbers += g.nums.length; });
      for (let i = 0; i < 15; i++) {
        let ms = 0;
        w.groups.forEach((g, gi) => g.g.scen.forEach((s) => {
          w.recompute(gi, s.name);
          (per[gi + ':' + s.name] = per[gi + ':' + s.name] || []).push(w.lastMs);
        }));
        w.groups.forEach((g, gi) => { w.recompute(gi); ms += w.lastMs; });
        full.push(ms);
      }
      // The slowest scenario's median, and the slowest single run.
      const meds = Object.values(per).map(med);
      const runs = [Math.max(...meds)], worst = Math.max(...Object.values(per).flat());
      return { numbers, median_ms: runs[0], max_ms: worst, all_numbers_ms: med(full) };
    });
    await page.close();
  }
  const med = Object.values(out.pages).map((p) => p.median_ms).sort((a, b) => a - b);
  out.worst_page_median_ms = med[med.length - 1];
  fs.writeFileSync(path.join(shotDir, 'whatif-bench.json'), JSON.stringify(out, null, 1) + '\n');
  return out;
}

if (bench) {
  const t = await timings();
  console.log(`wasm core: ${(t.wasm_bytes / 1024).toFixed(1)} KiB (${t.wasm_bytes} bytes; target <= 150 KB)`);
  for (const [f, p] of Object.entries(t.pages))
    console.log(`  ${f.padEnd(26)} ${String(p.numbers).padStart(4)} numbers  ` +
      `a change re-evaluated in ${p.median_ms.toFixed(2)} ms (median of 15, max ` +
      `${p.max_ms.toFixed(2)}); all numbers ${p.all_numbers_ms.toFixed(2)} ms`);
  console.log(`worst page: ${t.worst_page_median_ms.toFixed(2)} ms (target <= 16 ms)`);
  await browser.close();
  server.close();
  process.exit(0);
}

// ---- 1. every printed number, recomputed for the printed scenarios ----
let checked = 0;
const pages = {};
for (const f of live) {
  const { page, errors } = await open(base + f);
  const st = await page.evaluate(() => document.documentElement.getAttribute('data-whatif'));
  if (st !== 'ready') { fail(`${f}: what-if is ${st}`); continue; }
  const how = await page.evaluate(() => window.inferbookWhatif.how);
  if (how !== 'fetch') fail(`${f}: over http the core came by ${how}, not fetch`);
  const bad = await page.evaluate(() => {
    const w = window.inferbookWhatif, out = [];
    let n = 0;
    w.groups.forEach((g, gi) => {
      const r = w.recompute(gi), got = w.numbers(gi);
      if (Object.keys(r.refused).some((k) => k[0] !== '?')) out.push(`group ${gi} refused: ${JSON.stringify(r.refused)}`);
      g.nums.forEach((x) => {
        n++;
        const want = x.els[0].getAttribute('data-static');
        if (got[x.id] !== want) out.push(`${x.id} {{ ${x.expr} }}: printed '${want}', wasm '${got[x.id]}'`);
      });
      if (r.changed !== 0) out.push(`group ${gi}: ${r.changed} numbers marked changed`);
    });
    return { n, out };
  });
  checked += bad.n;
  bad.out.slice(0, 5).forEach((m) => fail(`${f}: ${m}`));
  errors.forEach((e) => fail(`${f}: console: ${e}`));
  pages[f] = page;
}
const T0 = Date.now();
const took = () => `(${((Date.now() - T0) / 1000).toFixed(0)} s)`;
console.log(`what-if: ${checked} printed numbers on ${live.length} pages recomputed by the wasm core, identical`);

// ---- 1b. the panel driven as a reader would: keyboard, selects, reset ----
if (pages['batching.html']) {
  const p = pages['batching.html'];
  await p.focus('#whatif summary');
  await p.keyboard.press('Enter');
  await p.selectOption('#whatif-scenario', '0:real');
  await p.selectOption('#whatif-hardware', 'b200');
  await p.fill('#whatif-batch', '16');
  await p.press('#whatif-batch', 'Tab');
  const ui = await p.evaluate(() => ({ open: document.getElementById('whatif').open,
    nums: window.inferbookWhatif.numbers(0), status: document.getElementById('whatif-status').textContent,
    marked: document.querySelectorAll('.prose a.wi-changed').length }));
  const api = await p.evaluate(() => {
    const w = window.inferbookWhatif;
    w.apply(0, 'real', { hardware: 'b200', batch: '16' });
    return w.numbers(0);
  });
  if (!ui.open) fail('batching.html: Enter on the summary does not open the panel');
  if (JSON.stringify(ui.nums) !== JSON.stringify(api)) fail('batching.html: the controls and apply() disagree');
  if (!(ui.marked > 0) || !/\d+ numbers? on this page differ/.test(ui.status))
    fail(`batching.html: changes not marked or announced (${ui.marked}, '${ui.status}')`);
  await p.click('#whatif-reset');
  const back = await p.evaluate(() => ({ marked: document.querySelectorAll('.prose a.wi-changed').length,
    same: [...document.querySelectorAll('a[data-static]')].every((a) => a.textContent === a.dataset.static) }));
  if (back.marked !== 0 || !back.same) fail('batching.html: reset does not restore the printed numbers');
  console.log(`panel: keyboard, controls and reset work; ${ui.marked} numbers marked for real on a B200 at batch 16`);
}

// ---- 2. random scenarios against the native evaluator ----
function mulberry32(a) {
  return () => {
    a |= 0; a = (a + 0x6D2B79F5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = mulberry32(17);
const pickOf = (a) => a[Math.floor(rnd() * a.length)];

// Lesson pages only (the answers page repeats their groups).
const candidates = [];
for (const f of live) {
  if (!pages[f]) continue;
  const info = await pages[f].evaluate(() => {
    const w = window.inferbookWhatif;
    return { slug: w.groups[0].g.slug, scen: w.groups[0].g.scen, hw: w.data.hw.map((h) => h.id),
      models: w.data.models.map((m) => m.id), precisions: w.precisions };
  });
  if (info.slug + '.html' === f && info.scen.length > 0) candidates.push({ f, ...info });
}

function yamlScalar(v) { return /^[A-Za-z0-9_.+-]+$/.test(v) ? v : JSON.stringify(v); }
function yamlMap(map, indent) {
  return Object.entries(map).map(([k, v]) => (v !== null && typeof v === 'object') ?
    `${indent}${k}:\n${yamlMap(v, indent + '  ')}` : `${indent}${k}: ${yamlScalar(String(v))}`).join('\n');
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'inferbook-whatif-lessons-'));
const draws = [];
let accepted = 0;
for (let i = 0; candidates.length && accepted < SCENARIOS && i < SCENARIOS * 3; i++) {
  const c = pickOf(candidates), s = pickOf(c.scen);
  const changes = {
    hardware: pickOf(c.hw), model: pickOf(c.models),
    weights: pickOf(c.precisions), kv: pickOf(c.precisions),
    compute: rnd() < 0.8 ? null : pickOf(c.precisions),
    batch: rnd() < 0.7 ? pickOf([1, 2, 4, 8, 16, 32, 64, 128, 256, 1024]) : 1 + Math.floor(rnd() * 3000),
    context: rnd() < 0.7 ? pickOf([0, 128, 1024, 4096, 32768, 131072]) : Math.floor(rnd() * 200000),
    chips: pickOf([1, 1, 2, 4, 8]),
  };
  // Keep some keys as the lesson wrote them, so defaults are drawn too.
  for (const k of Object.keys(changes)) if (rnd() < 0.15) delete changes[k];
  const r = await pages[c.f].evaluate(([name, ch]) => {
    const w = window.inferbookWhatif, t0 = performance.now();
    const res = w.apply(0, name, ch);
    return { res, nums: w.numbers(0), maps: w.groups[0].maps, ms: performance.now() - t0,
      shown: document.getElementById('whatif-error').textContent };
  }, [s.name, changes]);
  const refused = Object.keys(r.res.refused).filter((k) => k[0] !== '?');
  if (refused.length === 0) accepted++;
  const file = path.join(tmp, `${String(i).padStart(3, '0')}.md`);
  const scen = Object.entries(r.maps).map(([n, m]) => `  ${n}:\n${yamlMap(m, '    ')}`).join('\n');
  const ids = Object.keys(r.nums);
  const exprs = Object.fromEntries(c.scen.length ? (await pages[c.f].evaluate(() =>
    window.inferbookWhatif.groups[0].nums.map((n) => [n.id, n.expr]))) : []);
  fs.writeFileSync(file, `---\ntitle: t\norder: 1\nsummary: s\nscenarios:\n${scen}\n---\n` +
    ids.map((id) => `${id}\t${exprs[id]}\n`).join(''));
  draws.push({ file, page: c.f, scen: s.name, changes, r, refused });
}
await Promise.all(Object.values(pages).map((p) => p.evaluate(() => {
  const w = window.inferbookWhatif;
  w.groups.forEach((g, gi) => { g.g.scen.forEach((s) => { g.maps[s.name] = JSON.parse(JSON.stringify(s.map)); }); w.recompute(gi); });
})));

const nat = spawnSync(nativeEval, [dataDir, ...draws.map((d) => d.file)], { encoding: 'utf8', maxBuffer: 1 << 28 });
if (nat.status !== 0) fail(`native-eval: exit ${nat.status}: ${nat.stderr}`);
const native = {};
let cur = null;
for (const line of nat.stdout.split('\n')) {
  if (line.startsWith('@')) { cur = native[line.slice(1)] = { nums: {}, msgs: [] }; continue; }
  if (!cur || line === '') continue;
  if (line.startsWith('!')) { cur.msgs.push(line.slice(1)); continue; }
  const tab = line.indexOf('\t'), v = line.slice(tab + 1);
  cur.nums[line.slice(0, tab)] = v === '!' ? null : v;
}
let compared = 0, refusedSeen = 0;
for (const d of draws) {
  const n = native[d.file], what = `${d.page} ${d.scen} ${JSON.stringify(d.changes)}`;
  if (!n) { fail(`${what}: no native result`); continue; }
  const nativeErrors = n.msgs.filter((m) => m.startsWith('error: '));
  if (d.refused.length || nativeErrors.length) {
    refusedSeen++;
    const pageErrors = d.refused.map((k) => d.r.res.refused[k]).join('\n').split('\n')
      .filter((m) => m.startsWith('error: '));
    if (pageErrors.join('\n') !== nativeErrors.join('\n'))
      fail(`${what}: refusal differs: page '${pageErrors.join(' | ')}', native '${nativeErrors.join(' | ')}'`);
    if (!d.r.shown.includes(nativeErrors[0] || '\u0000'))
      fail(`${what}: the page does not show the core's message '${nativeErrors[0]}'`);
    continue;
  }
  for (const [id, v] of Object.entries(d.r.nums)) {
    compared++;
    if (n.nums[id] !== v) fail(`${what}: ${id}: wasm '${v}', native '${n.nums[id]}'`);
  }
}
if (accepted < SCENARIOS) fail(`only ${accepted} accepted scenarios drawn (want ${SCENARIOS})`);
const why = {};
draws.forEach((d) => d.refused.forEach((k) => { const m = d.r.res.refused[k].replace(/'[^']*'/g, "'*'"); why[m] = (why[m] || 0) + 1; }));
console.log(`refusals drawn: ${Object.entries(why).map(([m, k]) => `${k} x ${m}`).join('; ')}`);
if (refusedSeen === 0) fail('no refused scenario was drawn: the refusal path went untested');
console.log(`what-if: ${accepted} random scenarios (${refusedSeen} more refused, same message ` +
  `as native), ${compared} numbers equal to the native evaluator's ${took()}`);
fs.rmSync(tmp, { recursive: true, force: true });

// ---- 3. the calculator against `inferbook calc` ----
const calcCases = [
  { model: 'llama-3.1-70b', hardware: 'h100-sxm' },
  { model: 'llama-3.1-70b', hardware: 'h100-sxm', weights: 'fp8', batch: '64', format: 'json' },
  { model: 'deepseek-v3', hardware: 'h200-sxm', chips: '8', context: '32768', format: 'csv' },
  { model: 'llama-3.1-405b', hardware: 'b200', chips: '8', batch: '32', context: '8192',
    prompt: '4096', kv: 'fp8', mbu: '0.8', mfu: '0.5', 'link-latency': '0.00001', 'price-ratio': '4' },
  { model: 'llama-3.1-70b', hardware: 'a100-80gb-sxm', compute: 'fp8' },
  { model: 'llama-3.1-70b', hardware: 'h100-sxm', batch: '0' },
  { model: 'llama-3.1-70b', hardware: 'h100-sxm', chips: '16', weights: 'fp8',
    'scale-out-latency': '0.00001', 'prefill-tokens': '4096', draft: 'llama-3.1-8b',
    'draft-tokens': '4', acceptance: '0.7' },
];
const calcRnd = mulberry32(42);
const first = candidates[0];
for (let i = 0; first && i < 8; i++) {
  const p = (a) => a[Math.floor(calcRnd() * a.length)];
  calcCases.push({ model: p(first.models), hardware: p(first.hw), weights: p(first.precisions),
    batch: String(p([1, 8, 64, 256])), context: String(p([0, 4096, 65536])), chips: String(p([1, 2, 8])),
    format: p(['text', 'json', 'csv']) });
}
for (const cs of calcCases) {
  const q = new URLSearchParams(cs).toString();
  const { page, errors } = await open(`${base}calc.html?${q}`);
  const got = await page.evaluate(() => ({ text: document.getElementById('calc-out').textContent,
    rc: document.getElementById('calc-out').getAttribute('data-rc'), search: location.search,
    link: document.getElementById('calc-link').getAttribute('href') }));
  const argv = ['calc', '--data', dataDir];
  for (const [k, v] of Object.entries(cs)) argv.push(`--${k}`, v);
  const cli = spawnSync(inferbook, argv, { encoding: 'utf8' });
  const want = cli.status === 0 ? cli.stdout : cli.stderr;
  if (String(cli.status) !== got.rc) fail(`calc ${q}: exit ${got.rc}, inferbook calc ${cli.status}`);
  if (got.text !== want) fail(`calc ${q}: output differs:\n--- page\n${got.text}\n--- inferbook calc\n${want}`);
  const back = new URLSearchParams(got.link.replace(/^calc\.html\??/, ''));
  for (const [k, v] of Object.entries(cs)) if (back.get(k) !== v) fail(`calc ${q}: link lost ${k}=${v}`);
  if (new URLSearchParams(got.search).get('model') !== cs.model) fail(`calc ${q}: URL not kept`);
  errors.forEach((e) => fail(`calc ${q}: console: ${e}`));
  await page.close();
}
console.log(`calculator: ${calcCases.length} scenarios, output identical to inferbook calc ${took()}`);

// ---- 4. JavaScript off: the static page ----
const block = /<script type="application\/json" id="whatif-data">[\s\S]*?<\/script>\n<script defer src="whatif\.js"><\/script>\n/;
const noJs = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
for (const f of all) {
  if (f === 'calc.html') continue;
  const a = fs.readFileSync(path.join(siteDir, f), 'utf8'), b = fs.readFileSync(path.join(staticDir, f), 'utf8');
  if (a.replace(block, '') !== b) { fail(`${f}: the page minus its what-if block is not the static page`); continue; }
  if (!live.includes(f)) continue;
  const texts = [];
  for (const dir of [siteDir, staticDir]) {
    const p = await noJs.newPage();
    await p.goto('file://' + path.join(dir, f));
    texts.push(await p.evaluate(() => document.body.innerText));
    await p.close();
  }
  if (texts[0] !== texts[1]) fail(`${f}: with JavaScript off the text differs from the static page`);
}
await noJs.close();
console.log(`JavaScript off: ${all.length - 1} pages identical in content to the static build ${took()}`);

// ---- 5. file://: fetch is refused there, the script fallback is used ----
{
  const f = live.find((x) => x !== 'answers.html') || live[0];
  const { page, errors } = await open('file://' + path.join(siteDir, f));
  const how = await page.evaluate(() => window.inferbookWhatif && window.inferbookWhatif.how);
  if (how !== 'script') fail(`file://${f}: the core came by ${how}, not the script fallback`);
  errors.forEach((e) => fail(`file://${f}: console: ${e}`));
  const fetchable = await page.evaluate(() => fetch('inferbook.wasm').then(() => 'fetched', () => 'refused'));
  console.log(`file://: fetch of the wasm is ${fetchable} by Chromium; the page loaded it by ${how}`);
  await page.close();
}

// ---- 6. figures: the transform in each SVG and in whatif-figs.js agree;
// the reader's point is marked on a figure whose axes name quantities ----
{
  const js = fs.readFileSync(path.join(siteDir, 'whatif-figs.js'), 'utf8');
  const figs = JSON.parse(js.slice(js.indexOf('{'), js.lastIndexOf('}') + 1));
  let n = 0;
  for (const [file, T] of Object.entries(figs)) {
    const svg = fs.readFileSync(path.join(siteDir, 'charts', file + '.svg'), 'utf8');
    const root = svg.slice(svg.indexOf('<svg'), svg.indexOf('>', svg.indexOf('<svg')));
    const attr = (k) => (root.match(new RegExp(` ${k}="([^"]*)"`)) || [])[1];
    const want = [T.plot.join(' '), [T.x[0], T.x[1], T.x[2], T.x[3]].join(' '),
      [T.y[0], T.y[1], T.y[2], T.y[3]].join(' ')];
    const got = [attr('data-plot'), attr('data-x'), attr('data-y')].map((v) =>
      (v || '').split(' ').map((w) => (isNaN(Number(w)) ? w : String(Number(w)))).join(' '));
    if (JSON.stringify(got) !== JSON.stringify(want)) fail(`${file}.svg: axes ${got} vs whatif-figs.js ${want}`);
    n++;
  }
  const f = 'batching.html';
  if (pages[f]) {
    const m = await pages[f].evaluate(() => {
      const w = window.inferbookWhatif;
      w.apply(0, 'real', { hardware: 'b200', batch: '16' });
      const fig = document.getElementById('fig-batching-frontier-real');
      const mk = fig && fig.querySelector('.wi-marker'), img = fig && fig.querySelector('img');
      if (!mk) return 'no marker';
      const a = mk.getBoundingClientRect(), b = img.getBoundingClientRect();
      const cx = a.left + a.width / 2, cy = a.top + a.height / 2;
      w.apply(0, 'real', {});
      const left = fig.querySelector('.wi-marker');
      return cx > b.left && cx < b.right && cy > b.top && cy < b.bottom ?
        (left ? 'marker kept after reset' : 'ok') : 'marker outside the figure';
    });
    if (m !== 'ok') fail(`${f}: figure marker: ${m}`);
  }
  console.log(`figures: ${n} SVG axis transforms match whatif-figs.js; the reader's point is marked`);
}

// ---- 7. axe-core on every page (what-if panels open), and 360 px ----
const axe = fs.readFileSync(path.join(here, 'node_modules/axe-core/axe.min.js'), 'utf8');
for (const width of [1280, 360]) {
  const ctx = await browser.newContext({ viewport: { width, height: 800 } });
  for (const f of all) {
    if (width === 360 && f !== live[0] && f !== 'calc.html') continue;
    const { page } = await open(base + f + (f === 'calc.html' ? '?model=llama-3.1-70b&hardware=h100-sxm' : ''), ctx);
    await page.addScriptTag({ content: axe });
    const v = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')
        .map((x) => `${x.id} (${x.impact}): ${x.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
    });
    v.forEach((m) => fail(`axe ${f} @${width}: ${m}`));
    const over = await page.evaluate(() => {
      const w = document.querySelector('.whatif, #calc-form');
      return w ? w.getBoundingClientRect().right - document.documentElement.clientWidth : 0;
    });
    if (over > 1) fail(`${f} @${width}: the panel overflows by ${over.toFixed(0)} px`);
    if (width === 360 && (f === 'calc.html' || f === live[0]))
      await page.screenshot({ path: path.join(shotDir, `whatif-${f.replace('.html', '')}-360.png`), fullPage: true });
    await page.close();
  }
  await ctx.close();
}
console.log(`axe-core: ${all.length} pages at 1280 px, a lesson and the calculator at 360 px ${took()}`);

const t = await timings();
console.log(`bench: wasm ${t.wasm_bytes} bytes; slowest page re-evaluated in ${t.worst_page_median_ms.toFixed(2)} ms (median)`);

await browser.close();
server.close();
fs.rmSync(profile, { recursive: true, force: true });
if (failures) { console.error(`what-if browser test: ${failures} failure(s)`); process.exit(1); }
console.log('what-if browser test: ok');
