/*
 * whatif.js -- "What if?": the site's calculation core, compiled to
 * WebAssembly (src/wasm/core.c), recomputing a lesson page's numbers in
 * the reader's browser; and the calculator page (calc.html).
 *
 * Progressive enhancement: the page is complete without this file.  It
 * reads the page's JSON block (src/site/whatif.c), loads inferbook.wasm
 * (fetch, or inferbook-wasm.js where file:// forbids fetch), and adds a
 * panel per scenario.  It never computes or formats a number itself: each
 * number is the core's expr_eval() of the expression the page was built
 * from, the scenario the core's data_scenario_parse() of the lesson's
 * front matter with the reader's changes, every message the core's own.
 *
 * A classic script (not an ES module: Chromium refuses module scripts
 * from file://), no framework, no build step.
 */
(function () {
  'use strict';

  var dataEl = document.getElementById('whatif-data');
  var here = document.currentScript ? document.currentScript.src : location.href;
  if (!dataEl || typeof WebAssembly !== 'object' || typeof TextDecoder !== 'function') return;
  var D = JSON.parse(dataEl.textContent);
  if (D.v !== 1) return;

  /* ---- the core ---- */

  var ENOSYS = 52, EBADF = 8, ESPIPE = 70, ENOENT = 44;

  function Exit(code) { this.code = code; }

  // The few WASI calls wasi-libc makes for stdio; fd 1 and 2 are captured.
  function wasiImports(module, core) {
    var impl = {
      fd_write: function (fd, iovs, n, nwritten) {
        var mem = core.mem(), dv = new DataView(mem.buffer), total = 0;
        for (var i = 0; i < n; i++) {
          var p = dv.getUint32(iovs + 8 * i, true), len = dv.getUint32(iovs + 8 * i + 4, true);
          if (fd === 1 || fd === 2) core.out[fd].push(mem.slice(p, p + len));
          total += len;
        }
        dv.setUint32(nwritten, total, true);
        return 0;
      },
      fd_fdstat_get: function (fd, p) {
        if (fd > 2) return EBADF;
        var u8 = core.mem();
        u8.fill(0, p, p + 24);
        u8[p] = 2;  // a character device: line-buffered like a terminal
        return 0;
      },
      fd_seek: function () { return ESPIPE; },
      fd_close: function () { return 0; },
      fd_prestat_get: function () { return EBADF; },
      path_filestat_get: function () { return ENOENT; },
      proc_exit: function (code) { throw new Exit(code); }
    };
    var wasi = {};
    WebAssembly.Module.imports(module).forEach(function (im) {
      if (im.module !== 'wasi_snapshot_preview1' || im.kind !== 'function') return;
      wasi[im.name] = impl[im.name] || function () { return ENOSYS; };
    });
    return { wasi_snapshot_preview1: wasi };
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement('script');
      s.src = src;
      s.onload = resolve;
      s.onerror = function () { reject(new Error('cannot load ' + src)); };
      document.head.appendChild(s);
    });
  }

  function wasmBytes() {
    var url = new URL('inferbook.wasm', here).href;
    // Chromium refuses fetch() from file:// (tests/browser/whatif.mjs
    // checks both ways), so a page opened from disk goes to the script.
    var get = location.protocol === 'file:' ? Promise.reject(new Error('file://')) : fetch(url);
    return get.then(function (r) {
      if (!r.ok) throw new Error(url + ': ' + r.status);
      return r.arrayBuffer();
    }).then(function (b) { return { bytes: b, how: 'fetch' }; }, function () {
      // file:// (Chromium: no fetch there): the same bytes as a script.
      return loadScript(new URL('inferbook-wasm.js', here).href).then(function () {
        var bin = atob(window.inferbookWasm), u8 = new Uint8Array(bin.length);
        for (var i = 0; i < bin.length; i++) u8[i] = bin.charCodeAt(i);
        return { bytes: u8.buffer, how: 'script' };
      });
    });
  }

  // The instance's exports, its captured output, and string passing.
  function Core(instance, out) {
    var self = this, x = instance.exports, enc = new TextEncoder(), dec = new TextDecoder();
    this.x = x;
    this.out = out;
    this.mem = function () { return new Uint8Array(x.memory.buffer); };
    this.drain = function (fd) {
      var parts = self.out[fd], n = 0, off = 0;
      parts.forEach(function (p) { n += p.length; });
      var all = new Uint8Array(n);
      parts.forEach(function (p) { all.set(p, off); off += p.length; });
      self.out[fd] = [];
      return dec.decode(all);
    };
    this.put = function (bytes) {
      var p = x.ib_alloc(bytes.length + 1), m = self.mem();
      m.set(bytes, p);
      m[p + bytes.length] = 0;
      return p;
    };
    this.str = function (s) { return self.put(enc.encode(s == null ? '' : String(s))); };
    this.cstr = function (p) {
      if (!p) return null;
      var m = self.mem(), e = p;
      while (m[e] !== 0) e++;
      return dec.decode(m.subarray(p, e));
    };
    // Calls export fn with string arguments (numbers pass as they are).
    this.call = function (fn) {
      var args = [], ptrs = [];
      for (var i = 1; i < arguments.length; i++) {
        var a = arguments[i];
        if (typeof a === 'string') { a = self.str(a); ptrs.push(a); }
        args.push(a);
      }
      try {
        return x[fn].apply(null, args);
      } finally {
        ptrs.forEach(function (p) { x.ib_free(p); });
      }
    };
    if (x._initialize) x._initialize();
  }

  function hexBytes(h) {
    var u8 = new Uint8Array(h.length / 2);
    for (var i = 0; i < u8.length; i++) u8[i] = parseInt(h.substr(2 * i, 2), 16);
    return u8;
  }

  function num(v) { return v === null ? NaN : v; }

  function loadCore() {
    return wasmBytes().then(function (w) {
      var module = new WebAssembly.Module(w.bytes), out = { 1: [], 2: [] }, instance;
      instance = new WebAssembly.Instance(module, wasiImports(module, {
        mem: function () { return new Uint8Array(instance.exports.memory.buffer); },
        out: out
      }));
      var c = new Core(instance, out);
      c.how = w.how;
      c.size = w.bytes.byteLength;
      D.hw.forEach(function (h) {
        var raw = hexBytes(h.raw), p = c.put(raw);
        c.call('ib_hw_add', h.id, h.name, p, raw.length);
        c.x.ib_free(p);
      });
      D.models.forEach(function (m) {
        var raw = hexBytes(m.raw), p = c.put(raw);
        c.call('ib_model_add', m.id, m.name, p, raw.length);
        c.x.ib_free(p);
      });
      (D.prices || []).forEach(function (p) {
        c.call('ib_price_add', p.id, p.provider, p.model, p.date, p.source);
        p.tiers.forEach(function (t) {
          c.x.ib_tier_add(num(t[0]), num(t[1]), num(t[2]), num(t[3]));
        });
      });
      var err = c.drain(2);
      if (err) throw new Error(err);
      c.precisions = c.cstr(c.x.ib_precisions()).split(' ');
      return c;
    });
  }

  // "what-if:3:1: error: msg" -> "error: msg" (the reader has no file).
  function message(line) { return line.replace(/^[^:\s]*(:\d+)*: /, ''); }

  /* ---- one group of scenarios (a lesson's) in the core ---- */

  // Flattens a front-matter mapping into ib_scen_key pairs.
  function keys(map, prefix, out) {
    Object.keys(map).forEach(function (k) {
      var v = map[k];
      if (v !== null && typeof v === 'object') keys(v, prefix + k + '.', out);
      else out.push([prefix + k, v]);
    });
    return out;
  }

  // Loads scenarios (name -> mapping) into the core: {} or name -> message.
  function loadScenarios(core, scen, maps) {
    var refused = {};
    core.x.ib_scen_clear();
    scen.forEach(function (s) {
      core.call('ib_scen_begin', s.name);
      keys(maps[s.name], '', []).forEach(function (kv) {
        core.call('ib_scen_key', kv[0], kv[1]);
      });
      var rc = core.x.ib_scen_end(), msg = core.drain(2).trim();
      if (rc !== 0) refused[s.name] = msg.split('\n').map(message).join('\n');
      else if (msg) refused['?' + s.name] = msg.split('\n').map(message).join('\n');
    });
    return refused;
  }

  function evaluate(core, text) {
    var p = core.call('ib_eval', text), v = core.cstr(p), err = core.drain(2).trim();
    return v === null ? { err: err.split('\n').map(message).join('\n') } : { text: v };
  }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text != null) e.textContent = text;
    return e;
  }

  function clone(o) { return JSON.parse(JSON.stringify(o)); }

  // Appends <option>s: entries {id, name} of the data, or plain names.
  function options(select, list) {
    list.forEach(function (o) {
      var id = typeof o === 'string' ? o : o.id, name = typeof o === 'string' ? o : o.name;
      select.appendChild(el('option', { value: id }, name));
    });
  }

  /* ---- lesson pages: a "What if?" panel per scenario ---- */

  // The controls: front-matter key, label, kind.
  var FIELDS = [
    ['model', 'Model', 'models'], ['hardware', 'Chip', 'hw'], ['chips', 'Chips', 'int'],
    ['batch', 'Batch (users)', 'int'], ['context', 'Context (tokens)', 'int'],
    ['weights', 'Weights', 'prec'], ['kv', 'KV cache', 'prec'], ['compute', 'Compute', 'compute']
  ];

  function nameOf(list, id) {
    for (var i = 0; i < list.length; i++) if (list[i].id === id) return list[i].name;
    return id;
  }

  // "real: Llama 3.1 70B on 8 x H100 SXM, weights fp8", from the front matter.
  function label(s) {
    var m = s.map, t = s.name + ': ' + nameOf(D.models, m.model) + ' on ' +
      (m.chips && m.chips !== '1' ? m.chips + ' \u00d7 ' : '') + nameOf(D.hw, m.hardware);
    if (m.weights) t += ', weights ' + m.weights;
    if (m.override) t += ', with overrides';
    return t;
  }

  function lessonPage(core) {
    var main = document.querySelector('.lesson') || document.body;
    var groups = D.groups.filter(function (g) { return g.scen.length > 0; });
    if (groups.length === 0) return null;
    var state = { groups: [], lastMs: 0, core: core,
      refused: function (gs) { return gs.lastRefused || {}; } };
    var uid = 0;

    // Numbers: the links to derivations.html#n-ID, with their text as built.
    groups.forEach(function (g) {
      var gs = { g: g, maps: {}, orig: {}, nums: [], panel: null };
      g.scen.forEach(function (s) { gs.maps[s.name] = clone(s.map); gs.orig[s.name] = s.map; });
      g.nums.forEach(function (n) {
        var els = Array.prototype.slice.call(
          document.querySelectorAll('a[href="derivations.html#n-' + n[0] + '"]'));
        els.forEach(function (a) {
          if (!a.hasAttribute('data-static')) a.setAttribute('data-static', a.textContent);
        });
        if (els.length) gs.nums.push({ id: n[0], expr: n[1], els: els });
      });
      state.groups.push(gs);
    });

    // A closed <details>: the lesson reads as printed until the reader asks.
    var box = el('details', { 'class': 'whatif', id: 'whatif' });
    var sum = el('summary', {});
    sum.appendChild(el('h2', { id: 'whatif-title' }, 'What if?'));
    sum.appendChild(el('span', {},
      ' Another chip, model, batch or context: recompute this page.'));
    box.appendChild(sum);
    box.appendChild(el('p', {}, 'Change a scenario of this page: every number computed from it ' +
      'is ' +
      'recomputed here, in your browser, by the same calculation core that wrote the page, ' +
      'and marked until you reset.'));
    var calcLink = el('p', {});
    calcLink.appendChild(el('a', { href: 'calc.html' },
      'All quantities of one scenario: the calculator'));
    var pick = el('select', { id: 'whatif-scenario' });
    var pickLabel = el('label', { 'for': 'whatif-scenario', 'class': 'wide' }, 'Scenario');
    var form = el('form', { 'class': 'whatif-form', id: 'whatif-form' });
    form.addEventListener('submit', function (e) { e.preventDefault(); });
    pickLabel.appendChild(pick);
    form.appendChild(pickLabel);
    state.groups.forEach(function (gs, gi) {
      var parent = pick;
      if (state.groups.length > 1) {
        parent = el('optgroup', { label: gs.g.title });
        pick.appendChild(parent);
      }
      gs.g.scen.forEach(function (s) {
        parent.appendChild(el('option', { value: gi + ':' + s.name }, label(s)));
      });
    });
    var ctl = {};
    FIELDS.forEach(function (f) {
      var id = 'whatif-' + f[0], lab = el('label', { 'for': id }, f[1]), input;
      if (f[2] === 'int') {
        input = el('input', { id: id, type: 'number', inputmode: 'numeric', step: '1',
          min: f[0] === 'context' ? '0' : '1' });
      } else {
        input = el('select', { id: id });
        var list = f[2] === 'models' ? D.models : f[2] === 'hw' ? D.hw : null;
        if (f[2] === 'compute') input.appendChild(el('option', { value: '' }, 'as the weights'));
        options(input, list ? list : core.precisions);
      }
      lab.appendChild(input);
      form.appendChild(lab);
      ctl[f[0]] = input;
    });
    var buttons = el('div', { 'class': 'buttons' });
    var reset = el('button', { type: 'button', id: 'whatif-reset' }, 'Reset this scenario');
    var resetAll = el('button', { type: 'button', id: 'whatif-reset-all' }, 'Reset all');
    buttons.appendChild(reset);
    buttons.appendChild(resetAll);
    form.appendChild(buttons);
    box.appendChild(form);
    var errBox = el('p', { 'class': 'whatif-error', id: 'whatif-error', 'aria-live': 'polite' });
    var status = el('p', { 'class': 'whatif-status', id: 'whatif-status', role: 'status',
      'aria-live': 'polite' });
    box.appendChild(errBox);
    box.appendChild(status);
    box.appendChild(calcLink);
    var head = main.querySelector('.lesson-head');
    if (head && head.parentNode) head.parentNode.insertBefore(box, head.nextSibling);
    else main.insertBefore(box, main.firstChild);

    function current() {
      var v = pick.value.split(':');
      return { gs: state.groups[+v[0]], name: v.slice(1).join(':') };
    }

    // The controls show the scenario as the core reads it (defaults too).
    function show() {
      var c = current(), map = c.gs.maps[c.name];
      loadScenarios(core, c.gs.g.scen, c.gs.maps);
      FIELDS.forEach(function (f) {
        var k = f[0], v = map[k];
        if (v === undefined || v === null) {
          if (k === 'compute') v = '';
          else {
            var r = evaluate(core, c.name + '.' + k);
            v = r.text !== undefined ? r.text.replace(/,/g, '') : '';
          }
        }
        ctl[k].value = v;
      });
      // Offer only the compute precisions the chip has FLOPs for (asked
      // of the core: the input flops_per_s_PREC is null otherwise).
      var ok = !(c.name in state.refused(c.gs));
      Array.prototype.forEach.call(ctl.compute.options, function (o) {
        o.disabled = ok && o.value !== '' &&
          evaluate(core, c.name + '.flops_per_s_' + o.value).text === 'n/a';
      });
    }

    // Re-evaluates the numbers of group gs that read scenario `only` (all
    // of them when only is null) with its current scenarios; the count of
    // changed numbers is the group's.
    function recompute(gs, announce, only) {
      var t0 = performance.now();
      var refused = loadScenarios(core, gs.g.scen, gs.maps), changed = 0, failed = 0;
      gs.nums.forEach(function (n) {
        if (only && n.reads && n.reads.indexOf(' ' + only + ' ') < 0) {
          n.els.forEach(function (a) { if (a.classList.contains('wi-changed')) changed++; });
          return;
        }
        var r = evaluate(core, n.expr);
        // Which scenarios it reads (as printed: the core's own terms).
        if (!n.reads && r.text !== undefined) n.reads = core.cstr(core.x.ib_eval_reads());
        n.els.forEach(function (a) {
          var orig = a.getAttribute('data-static');
          if (r.text === undefined) {
            a.classList.add('wi-stale');
            failed++;
            return;
          }
          a.classList.remove('wi-stale');
          if (a.textContent !== r.text) a.textContent = r.text;
          var ch = r.text !== orig;
          a.classList.toggle('wi-changed', ch);
          if (ch) a.setAttribute('data-whatif', '1'); else a.removeAttribute('data-whatif');
          if (ch) changed++;
        });
      });
      state.lastMs = performance.now() - t0;
      var msgs = Object.keys(refused).map(function (k) { return refused[k]; });
      errBox.textContent = msgs.join(' ');
      gs.refused = refused;
      gs.lastRefused = refused;
      if (announce) {
        var what = msgs.length && failed ? 'The core refused this scenario; ' + failed +
          ' numbers could not be recomputed. ' : '';
        status.textContent = what + changed + (changed === 1 ? ' number' : ' numbers') +
          ' on this page differ from the printed ones.';
      }
      placeMarkers();
      return { changed: changed, failed: failed, refused: refused };
    }

    function onChange(e) {
      var c = current(), map = c.gs.maps[c.name], k = e.target.id.replace(/^whatif-/, '');
      var v = e.target.value.trim();
      if (v === '') delete map[k]; else map[k] = v;
      recompute(c.gs, true, c.name);
    }
    FIELDS.forEach(function (f) { ctl[f[0]].addEventListener('change', onChange); });
    pick.addEventListener('change', function () { show(); });
    reset.addEventListener('click', function () {
      var c = current();
      c.gs.maps[c.name] = clone(c.gs.orig[c.name]);
      recompute(c.gs, true);
      show();
    });
    resetAll.addEventListener('click', function () {
      state.groups.forEach(function (gs) {
        gs.g.scen.forEach(function (s) { gs.maps[s.name] = clone(s.map); });
        recompute(gs, false);
      });
      status.textContent = 'Every scenario is back as printed.';
      show();
    });
    // Each number once as printed: which scenarios it reads.
    state.groups.forEach(function (gs) { recompute(gs, false); });
    show();

    // The reader's point on the page's figures: a marker placed by the
    // axis transform the chart wrote (whatif-figs.js, the same numbers as
    // the data-plot/data-x/data-y of each SVG), at the values the core
    // gives for the axes' keys when they name a quantity or an input.
    var figs = null;
    loadScript(new URL('whatif-figs.js', here).href).then(function () {
      figs = window.inferbookFigs || {};
      placeMarkers();
    }, function () { figs = {}; });
    function frac(ax, v) {
      var t = ax[0] === 'log' ? Math.log10 : ax[0] === 'log2' ? Math.log2 :
        ax[0] === 'linear' ? function (u) { return u; } : null;
      if (!t || !(v > 0 || ax[0] === 'linear')) return NaN;
      return (t(v) - t(ax[1])) / (t(ax[2]) - t(ax[1]));
    }
    function placeMarkers() {
      if (!figs) return;
      state.groups.forEach(function (gs) {
        var loaded = false;
        (gs.g.figs || []).forEach(function (fg) {
          var fig = document.getElementById('fig-' + fg[0]), T = figs[fg[0]];
          if (!fig || !T) return;
          var old = fig.querySelector('.wi-marker');
          if (old) old.parentNode.removeChild(old);
          if (JSON.stringify(gs.maps[fg[1]]) === JSON.stringify(gs.orig[fg[1]])) return;
          if (!loaded) { loadScenarios(core, gs.g.scen, gs.maps); loaded = true; }
          var xy = [T.x, T.y].map(function (ax) {
            if (evaluate(core, fg[1] + '.' + ax[3]).text === undefined) return NaN;
            return frac(ax, core.x.ib_eval_num());
          });
          if (!(xy[0] >= 0 && xy[0] <= 1 && xy[1] >= 0 && xy[1] <= 1)) return;
          var img = fig.querySelector('img');
          if (!img) return;
          var sx = img.clientWidth / 640, sy = img.clientHeight / 400;
          var m = el('span', { 'class': 'wi-marker', 'aria-hidden': 'true',
            title: 'Your what-if for ' + fg[1] });
          m.style.left = (img.offsetLeft + (T.plot[0] + xy[0] * T.plot[2]) * sx) + 'px';
          m.style.top = (img.offsetTop + (T.plot[1] + (1 - xy[1]) * T.plot[3]) * sy) + 'px';
          fig.appendChild(m);
        });
      });
    }
    window.addEventListener('resize', placeMarkers);

    // For tests and benchmarks: the group as printed but for `changes` to
    // one scenario, applied as the controls would; and the numbers back.
    state.apply = function (gi, name, changes) {
      var gs = state.groups[gi];
      gs.g.scen.forEach(function (s) { gs.maps[s.name] = clone(s.map); });
      Object.keys(changes).forEach(function (k) {
        if (changes[k] === null) delete gs.maps[name][k];
        else gs.maps[name][k] = String(changes[k]);
      });
      pick.value = gi + ':' + name;
      // Every number: the reset may have changed other scenarios too.
      var r = recompute(gs, true);
      show();
      return r;
    };
    state.numbers = function (gi) {
      var out = {};
      state.groups[gi].nums.forEach(function (n) {
        out[n.id] = n.els.map(function (a) {
          return a.classList.contains('wi-stale') ? null : a.textContent;
        })[0];
      });
      return out;
    };
    state.recompute = function (gi, only) { return recompute(state.groups[gi], false, only); };
    state.data = D;
    state.precisions = core.precisions;
    return state;
  }

  /* ---- the calculator page ---- */

  // Every option of `inferbook calc`, with its input kind.
  var CALC = [
    ['model', 'Model', 'models'], ['hardware', 'Chip', 'hw'], ['chips', 'Chips', 'text'],
    ['batch', 'Batch', 'text'], ['context', 'Context (tokens)', 'text'],
    ['prompt', 'Prompt (tokens)', 'text'], ['weights', 'Weights', 'prec'],
    ['kv', 'KV cache', 'prec'], ['compute', 'Compute', 'prec'], ['mbu', 'MBU (0-1]', 'text'],
    ['mfu', 'MFU (0-1]', 'text'], ['link-latency', 'Link latency (s)', 'text'],
    ['scale-out-latency', 'Scale-out latency (s)', 'text'],
    ['prefill-tokens', 'Prefill tokens per pass', 'text'],
    ['draft', 'Draft model', 'drafts'], ['draft-tokens', 'Draft tokens', 'text'],
    ['acceptance', 'Acceptance [0-1]', 'text'],
    ['price-ratio', 'Price ratio (output/input)', 'text'], ['format', 'Format', 'format']
  ];

  function calcPage(core) {
    var form = document.getElementById('calc-form'), out = document.getElementById('calc-out');
    var status = document.getElementById('calc-status'), cmd = document.getElementById('calc-cmd');
    var link = document.getElementById('calc-link');
    var ctl = {}, q = new URLSearchParams(location.search);
    CALC.forEach(function (f) {
      var id = 'calc-' + f[0], lab = el('label', { 'for': id }, f[1]), input;
      if (f[2] === 'text') {
        input = el('input', { id: id, type: 'text', inputmode: 'decimal', autocomplete: 'off',
          spellcheck: 'false', placeholder: 'default' });
      } else {
        input = el('select', { id: id });
        var list = f[2] === 'models' || f[2] === 'drafts' ? D.models : f[2] === 'hw' ? D.hw : null;
        if (f[2] === 'prec' || f[2] === 'format') options(input, [{ id: '', name: 'default' }]);
        if (f[2] === 'drafts') options(input, [{ id: '', name: 'none' }]);
        if (f[2] === 'format') list = ['text', 'json', 'csv'];
        options(input, list || core.precisions);
      }
      if (q.has(f[0])) input.value = q.get(f[0]);
      input.addEventListener('change', run);
      lab.appendChild(input);
      form.insertBefore(lab, form.lastElementChild);
      ctl[f[0]] = input;
    });
    var go = el('div', { 'class': 'buttons' });
    go.appendChild(el('button', { type: 'submit', id: 'calc-run' }, 'Compute'));
    form.insertBefore(go, form.lastElementChild);
    form.addEventListener('submit', function (e) { e.preventDefault(); run(); });
    form.hidden = false;
    out.hidden = false;
    document.getElementById('calc-share').hidden = false;

    function run() {
      var argv = ['calc'], params = new URLSearchParams();
      CALC.forEach(function (f) {
        var v = ctl[f[0]].value.trim();
        if (v === '') return;
        argv.push('--' + f[0], v);
        params.set(f[0], v);
      });
      var ptrs = argv.map(function (a) { return core.str(a); });
      var vec = core.x.ib_alloc(4 * argv.length + 4), dv = new DataView(core.x.memory.buffer);
      ptrs.forEach(function (p, i) { dv.setUint32(vec + 4 * i, p, true); });
      dv.setUint32(vec + 4 * argv.length, 0, true);
      var t0 = performance.now(), rc;
      try {
        rc = core.x.ib_calc(argv.length, vec);
      } catch (e) {
        rc = e instanceof Exit ? e.code : 1;
      }
      var ms = performance.now() - t0;
      ptrs.forEach(function (p) { core.x.ib_free(p); });
      core.x.ib_free(vec);
      var text = core.drain(1), err = core.drain(2);
      out.textContent = rc === 0 ? text : err;
      out.classList.toggle('whatif-error', rc !== 0);
      out.setAttribute('data-rc', String(rc));
      cmd.textContent = 'inferbook ' + argv.map(function (a) {
        return /^[A-Za-z0-9_.,:\/=-]+$/.test(a) ? a : "'" + a.replace(/'/g, "'\\''") + "'";
      }).join(' ');
      var search = params.toString();
      link.href = 'calc.html' + (search ? '?' + search : '');
      if (history.replaceState && location.protocol !== 'file:') {
        try { history.replaceState(null, '', link.href); } catch (e) { /* no matter */ }
      }
      status.textContent = rc === 0 ? 'Computed in ' + ms.toFixed(1) + ' ms.' :
        'The core refused this scenario (exit status ' + rc + ').';
      return { rc: rc, text: out.textContent };
    }
    if (!ctl.model.value && D.models.length) ctl.model.value = D.models[0].id;
    if (!q.has('hardware') && D.hw.length) ctl.hardware.value = D.hw[0].id;
    var r = run();
    return { run: run, ctl: ctl, last: r, core: core };
  }

  /* ---- start ---- */

  var css = el('link', { rel: 'stylesheet', href: new URL('whatif.css', here).href });
  document.head.appendChild(css);
  var ready = loadCore().then(function (core) {
    var api = document.getElementById('calc-form') ? calcPage(core) : lessonPage(core);
    window.inferbookWhatif = api;
    if (api) api.how = core.how, api.wasmBytes = core.size;
    document.documentElement.setAttribute('data-whatif', api ? 'ready' : 'none');
    return api;
  }).catch(function (e) {
    document.documentElement.setAttribute('data-whatif', 'failed');
    if (window.console) console.warn('What if? is off: ' + (e && e.message ? e.message : e));
  });
  window.inferbookWhatifReady = ready;
})();
