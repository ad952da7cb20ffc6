// The web view of the local playground: polls the stack's JSON API (local/view/server.ts) and
// draws the window grid, the timeline of plays and faults, the job panel and, with
// `up --view-actions`, the play buttons. Plain DOM, no framework and nothing from another host.

const REFRESH_MS = 2_000;
/** The grid shows at most this many windows (20 minutes); the legend counts every window of the range. */
const MAX_COLUMNS = 80;
const VERDICTS = ['exact', 'wrong', 'missing', 'incomplete', 'pending'];

const $ = (id) => document.getElementById(id);

function el(tag, attributes = {}, text) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

async function getJson(path) {
  const response = await fetch(path, { cache: 'no-store' });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error ?? `${path}: HTTP ${response.status}`);
  return body;
}

const time = (iso) => (iso ? new Date(iso).toISOString().slice(11, 19) : '–');
const ms = (value) => (value === null || value === undefined ? '–' : value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${value} ms`);
const rate = (value) => (value === undefined ? '–' : `${value < 10 ? value.toFixed(1) : value.toFixed(0)}/s`);

// ---- the window grid --------------------------------------------------------------------------

const columns = new Map(); // windowStart → column element
let selected;
let shown = { from: 0, to: 0 };

function cellTitle(window, cell) {
  const lines = [`${cell.page}  ${time(window.windowStart)}–${time(window.windowEnd)}  ${cell.verdict}`];
  lines.push(cell.count === null ? 'no result yet' : `count ${cell.count}${window.expected !== null ? ` of ${window.expected}` : ''}`);
  if (cell.latencyMs !== null) lines.push(`latency ${ms(cell.latencyMs)}, arrived ${time(cell.arrivedAt)}`);
  if (cell.duplicates > 0) lines.push(`${cell.duplicates} duplicate(s)`);
  return lines.join('\n');
}

function showDetail(window) {
  const detail = $('detail');
  detail.replaceChildren();
  detail.append(
    el('div', {}, `window ${window.windowStart} – ${time(window.windowEnd)}: ${window.verdict.toUpperCase()} — ${window.reason}`),
  );
  const table = el('table');
  const head = el('tr');
  for (const title of ['page', 'verdict', 'count', 'expected', 'latency', 'arrived', 'duplicates']) head.append(el('th', {}, title));
  table.append(head);
  for (const cell of window.cells) {
    const row = el('tr');
    for (const value of [cell.page, cell.verdict, cell.count ?? '–', window.expected ?? '–', ms(cell.latencyMs), time(cell.arrivedAt), cell.duplicates]) {
      row.append(el('td', {}, String(value)));
    }
    table.append(row);
  }
  detail.append(table);
}

function drawColumn(column, window) {
  column.dataset.verdict = window.verdict;
  column.title = `${time(window.windowStart)} ${window.verdict}: ${window.reason}`;
  column.window = window;
  window.cells.forEach((cell, i) => {
    const node = column.children[i] ?? column.appendChild(el('div'));
    node.className = `cell v-${cell.verdict}${selected === `${window.windowStart}${cell.page}` ? ' selected' : ''}`;
    node.dataset.page = cell.page;
    node.dataset.verdict = cell.verdict;
    node.title = cellTitle(window, cell);
  });
}

function drawGrid(answer) {
  const grid = $('grid');
  grid.dataset.now = answer.now; // when the audit the grid shows was read
  if (!grid.querySelector('.labels')) {
    const labels = el('div', { class: 'labels' });
    for (const page of answer.pages) labels.append(el('div', {}, page));
    grid.append(labels);
  }
  const windows = answer.windows.slice(-MAX_COLUMNS);
  const keep = new Set(windows.map((w) => w.windowStart));
  for (const [start, column] of columns) {
    if (!keep.has(start)) {
      column.remove();
      columns.delete(start);
    }
  }
  for (const window of windows) {
    let column = columns.get(window.windowStart);
    if (!column) {
      column = el('div', { class: 'column', 'data-window-start': window.windowStart });
      columns.set(window.windowStart, column);
      grid.append(column); // the API lists windows oldest first, so a new one is the newest
    }
    drawColumn(column, window);
  }
  const legend = $('legend');
  legend.replaceChildren(
    ...VERDICTS.map((verdict) => {
      const item = el('span', { 'data-verdict': verdict });
      item.append(el('i', { class: `v-${verdict}` }), `${verdict} ${answer.summary[verdict]}`);
      return item;
    }),
    el('span', { class: 'muted' }, `duplicates ${answer.duplicates}; latency p50 ${ms(answer.latencyMs.p50)}, p99 ${ms(answer.latencyMs.p99)}`),
  );
  const first = windows[0];
  const last = windows.at(-1);
  shown = first ? { from: Date.parse(first.windowStart), to: Date.parse(last.windowEnd) } : { from: 0, to: 0 };
  $('axis').replaceChildren(el('span', {}, first ? time(first.windowStart) : ''), el('span', {}, last ? time(last.windowEnd) : ''));
  drawLatency(windows);
}

$('grid').addEventListener('click', (event) => {
  const cell = event.target.closest('.cell');
  if (!cell) return;
  const window = cell.parentElement.window;
  selected = `${window.windowStart}${cell.dataset.page}`;
  for (const other of document.querySelectorAll('.cell.selected')) other.classList.remove('selected');
  cell.classList.add('selected');
  showDetail(window);
});

$('grid').addEventListener('mouseover', (event) => {
  const cell = event.target.closest('.cell');
  if (cell && !selected) showDetail(cell.parentElement.window);
});

// ---- the timeline and the event log -------------------------------------------------------------

function drawEvents(answer) {
  const timeline = $('timeline');
  const columnWidth = columns.size > 0 ? [...columns.values()][0].getBoundingClientRect().width + 2 : 18;
  const width = columns.size * columnWidth;
  timeline.style.width = `${width}px`;
  $('axis').style.width = `${Math.max(width, 120)}px`;
  timeline.replaceChildren();
  for (const event of answer.events) {
    const at = Date.parse(event.at);
    if (shown.to <= shown.from || at < shown.from || at > shown.to) continue;
    const x = ((at - shown.from) / (shown.to - shown.from)) * width;
    timeline.append(el('div', { class: `marker k-${event.kind}`, style: `left:${x.toFixed(1)}px`, 'data-kind': event.kind, title: `${time(event.at)} ${event.kind}: ${event.message}` }));
  }
  const list = $('events');
  list.replaceChildren(
    ...[...answer.events].reverse().map((event) => {
      const item = el('li', { 'data-kind': event.kind });
      item.append(el('time', { datetime: event.at }, time(event.at)), el('span', { class: 'kind' }, event.kind), event.message);
      return item;
    }),
  );
  if (answer.events.length === 0) list.append(el('li', { class: 'muted' }, 'nothing has happened to the stack yet'));
}

// ---- the job ------------------------------------------------------------------------------------

function drawJob(job) {
  $('app').textContent = `${job.application} (local, ${job.streams})`;
  const status = $('status');
  status.textContent = job.status;
  status.className = `badge ${job.status === 'RUNNING' ? 'ok' : ''}`;
  const health = $('health');
  health.textContent = job.health.healthy ? 'health OK' : `DEGRADED (${job.health.problems.length})`;
  health.className = `badge ${job.health.healthy ? 'ok' : 'bad'}`;
  const checkpoint = job.lastCheckpoint
    ? `#${job.lastCheckpoint.id}, ${Math.round(job.lastCheckpoint.ageMs / 1000)} s ago, took ${job.lastCheckpoint.durationMs} ms`
    : 'none yet';
  const rates = job.ratesPerSecond;
  const facts = [
    ['Flink job', `${job.job.state}${job.job.uptimeMs !== undefined ? `, up ${Math.round(job.job.uptimeMs / 1000)} s` : ''}`],
    ['TaskManagers', `${job.taskManagers} (${job.slots.total} slots, ${job.slots.available} free)`],
    ['restarts', job.job.restarts ?? '–'],
    ['last checkpoint', checkpoint],
    ['input', rate(rates.in)],
    ['output', rate(rates.out)],
  ];
  if (rates.in === undefined && rates.reason) facts.push(['rates', rates.reason]);
  const list = $('job');
  list.replaceChildren();
  for (const [name, value] of facts) list.append(el('dt', {}, name), el('dd', { 'data-fact': name }, String(value)));
  $('problems').replaceChildren(...job.health.problems.map((p) => el('div', {}, `• ${p}`)));
  const links = $('links');
  links.replaceChildren();
  for (const [label, href] of [
    ['Flink Web UI', job.links.webUi],
    ['job', job.links.job],
    ['checkpoints', job.links.checkpoints],
    ['exceptions', job.links.exceptions],
    ['TaskManagers', job.links.taskManagers],
  ]) {
    if (href) links.append(el('a', { href, target: '_blank', rel: 'noopener' }, label));
  }
  if (job.actions) $('plays-section').hidden = false;
}

function drawLatency(windows) {
  const svg = $('latency');
  const points = windows.map((w, i) => [i, w.latencyMs]).filter(([, value]) => value !== null);
  const max = Math.max(1_000, ...points.map(([, value]) => value));
  const n = Math.max(1, windows.length - 1);
  const ns = 'http://www.w3.org/2000/svg';
  const line = document.createElementNS(ns, 'polyline');
  line.setAttribute('points', points.map(([i, value]) => `${((i / n) * 600).toFixed(1)},${(115 - (value / max) * 105).toFixed(1)}`).join(' '));
  svg.replaceChildren(line);
  $('latency-scale').textContent = points.length > 0 ? `(0 to ${ms(max)})` : '(no results yet)';
}

// ---- the plays ----------------------------------------------------------------------------------

let playsDrawn = false;

async function runPlay(name, body) {
  const response = await fetch(`/api/plays/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) $('play-output').textContent = `${answer.error ?? `HTTP ${response.status}`}`;
  await refreshPlays();
}

function drawPlays(answer) {
  if (!answer.actions) return;
  if (!playsDrawn) {
    playsDrawn = true;
    const box = $('plays');
    for (const play of answer.plays) {
      const button = el('button', { 'data-play': play.name }, play.label);
      if (play.name === 'scale') {
        const input = el('input', { type: 'number', min: '1', max: '64', value: '2', 'aria-label': 'parallelism' });
        button.addEventListener('click', () => runPlay('scale', { parallelism: Number(input.value) }));
        box.append(button, input);
      } else {
        button.addEventListener('click', () => runPlay(play.name, {}));
        box.append(button);
      }
    }
  }
  const last = answer.last;
  const busy = last && last.exitCode === undefined;
  for (const button of document.querySelectorAll('#plays button')) button.disabled = Boolean(busy);
  if (last) {
    const end = last.exitCode === undefined ? '… running' : `exit ${last.exitCode}`;
    $('play-output').textContent = `$ ${last.command}\n${last.lines.join('\n')}\n${end}`;
  }
}

async function refreshPlays() {
  drawPlays(await getJson('/api/plays'));
}

// ---- refresh ------------------------------------------------------------------------------------

async function refresh() {
  // Each part is drawn as soon as its answer comes: a slow one (the job, when Flink is busy) does not hold up the grid.
  const results = await Promise.allSettled([
    getJson('/api/windows').then(drawGrid),
    getJson('/api/events').then(drawEvents),
    getJson('/api/job').then(async (job) => {
      drawJob(job);
      if (job.actions) await refreshPlays().catch(() => undefined);
    }),
  ]);
  const failed = results.filter((r) => r.status === 'rejected').map((r) => r.reason.message);
  $('updated').textContent = failed.length > 0 ? `not reachable: ${failed.join('; ')}` : `updated ${time(new Date().toISOString())}`;
  document.body.dataset.loaded = 'true';
}

async function loop() {
  await refresh().catch(() => undefined);
  setTimeout(loop, REFRESH_MS);
}

loop();
