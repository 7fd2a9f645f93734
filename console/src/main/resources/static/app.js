// The Userstream console page: plain JavaScript, no build step. Live data arrives as server-sent events from
// /api/v1/live (servers, topics, runs, dead-letters, each once a second); the rest is asked for over REST.
// Every request carries the browser's HTTP Basic login (the console asks for one); /api/v1/me says who that is:
// what only an operator may do (dead letters, re-drive, resume) is offered to operators only.
'use strict';

const $ = selector => document.querySelector(selector);
const esc = value => String(value ?? '').replace(/[&<>"']/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'})[c]);
const fmt = n => n == null || n < 0 ? 'unknown' : Number(n).toLocaleString('en-US');
const time = iso => iso ? new Date(iso).toLocaleTimeString('en-GB') : '–';
const dateTime = iso => iso ? new Date(iso).toLocaleString('en-GB') : '–';
const slug = text => String(text).replace(/[^A-Za-z0-9_-]/g, '_');
const PALETTE = ['#1f5fbf', '#c0392b', '#1e8449', '#8e44ad', '#b9770e', '#117a8b', '#6c3483', '#555'];

function bytes(n) {
  if (n == null || n < 0) return 'unknown';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? n : n.toFixed(1)) + ' ' + units[i];
}

/** Replaces a region's markup only when it changed, and gives focus back to the element with the same id. */
const rendered = new WeakMap();
function render(el, html) {
  if (rendered.get(el) === html) return;
  rendered.set(el, html);
  const active = document.activeElement;
  const keep = active && active !== el && el.contains(active) ? active.id : null;
  el.innerHTML = html;
  if (keep && document.getElementById(keep)) document.getElementById(keep).focus();
}

/** Fills a region from an answer, marked aria-busy while it waits; a failure shows as the region's text. */
async function fill(el, waiting, produce) {
  el.setAttribute('aria-busy', 'true');
  el.innerHTML = `<p>${esc(waiting)}</p>`;
  try {
    el.innerHTML = await produce();
  } catch (e) {
    el.innerHTML = `<p class="error">${esc(e.message)}</p>`;
  }
  el.setAttribute('aria-busy', 'false');
}

function show(el, text) {
  el.hidden = !text;
  el.textContent = text || '';
}

/** fetch, with the console's problem+json turned into an Error saying which server did not answer. */
async function api(path, options) {
  let response;
  try {
    response = await fetch(path, options);
  } catch (e) {
    throw Object.assign(new Error('The console did not answer: ' + e.message), {status: 0});
  }
  const type = response.headers.get('content-type') || '';
  const body = type.includes('json') ? await response.json().catch(() => null) : await response.text();
  if (!response.ok) {
    const detail = body && body.detail ? body.detail : response.statusText;
    const text = response.status === 503 && body && body.server ? `${body.server} is unavailable: ${detail}`
      : response.status === 400 ? `Invalid request${body && body.parameter ? ' (' + body.parameter + ')' : ''}: ${detail}`
      : response.status === 403 ? `Not allowed for ${caller.name || 'this login'} (this needs the operator role): ${detail}`
      : response.status === 401 ? `Not logged in (reload the page to log in): ${detail}`
      : `HTTP ${response.status}: ${detail}`;
    throw Object.assign(new Error(text), {status: response.status, body});
  }
  return body;
}

const table = (caption, head, rows, empty) => rows.length === 0 ? `<p>${esc(empty)}</p>`
  : `<div class="scroll"><table><caption>${caption}</caption><thead><tr>${head.map(h => `<th scope="col">${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;

// ---- Who is logged in ----
const caller = {name: '', roles: [], operator: false};

async function loadCaller() {
  try {
    Object.assign(caller, await api('/api/v1/me'));
  } catch (e) {
    // Shown as a reader: the live feed still works, and the operator's views would only answer 403.
  }
  $('#caller').textContent = caller.name ? `· logged in as ${caller.name} (${caller.roles.join(', ') || 'no role'})` : '';
  const signedIn = caller.name ? `you are logged in as ${caller.name} (${caller.roles.join(', ') || 'no role'}).` : 'you are not logged in as an operator.';
  $('#dl-signed-in-as').textContent = signedIn;
  $('#dl-needs-operator').hidden = caller.operator;
  $('#dl-operator').hidden = !caller.operator;
  $('#redrive-as').hidden = !caller.operator;
  $('#redrive-as').textContent = `Re-drives are recorded in the audit log as ${caller.name}, the login of this page.`;
  if (dl.summary) showDeadLetterSummary(dl.summary);
  if (lastRuns) showRuns(lastRuns);
  if (currentView === 'dead-letters') { loadDeadLetters(); loadAudit(); }
}

// ---- Tabs (WAI-ARIA tabs, automatic activation) ----
const tabs = [...document.querySelectorAll('[role=tab]')];
const onShow = {};
let currentView = 'overview';

function selectTab(tab, focus) {
  for (const t of tabs) {
    const selected = t === tab;
    t.setAttribute('aria-selected', String(selected));
    t.tabIndex = selected ? 0 : -1;
    document.getElementById(t.getAttribute('aria-controls')).hidden = !selected;
  }
  if (focus) tab.focus();
  currentView = tab.dataset.view;
  history.replaceState(null, '', '#' + currentView);
  if (onShow[currentView]) onShow[currentView]();
}

$('#tabs').addEventListener('click', e => { const tab = e.target.closest('[role=tab]'); if (tab) selectTab(tab, true); });
$('#tabs').addEventListener('keydown', e => {
  const i = tabs.indexOf(document.activeElement);
  if (i < 0) return;
  const next = {ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1}[e.key];
  if (next === undefined) return;
  e.preventDefault();
  selectTab(tabs[(next + tabs.length) % tabs.length], true);
});
const tabOf = view => tabs.find(t => t.dataset.view === view);
window.addEventListener('hashchange', () => { const tab = tabOf(location.hash.slice(1)); if (tab) selectTab(tab, false); });

// ---- Live feed ----
const live = {source: null, last: 0, state: ''};

function setLiveState(text) {
  if (live.state !== text) { live.state = text; $('#live-state').textContent = text; }
  document.body.dataset.live = text.startsWith('live') ? 'live' : 'stale';
}

function connect() {
  const source = live.source = new EventSource('/api/v1/live');
  source.onopen = () => setLiveState('live');
  source.onerror = () => {
    setLiveState('reconnecting… (showing the last data received' + (live.last ? ' at ' + new Date(live.last).toLocaleTimeString('en-GB') : '') + ')');
    // EventSource retries by itself unless the answer was not an event stream; then start over.
    if (source.readyState === EventSource.CLOSED) setTimeout(connect, 3000);
  };
  const handlers = {servers: showServers, topics: showTopics, runs: showRuns, 'dead-letters': showDeadLetterSummary};
  for (const [name, handle] of Object.entries(handlers)) {
    source.addEventListener(name, e => {
      live.last = Date.now();
      $('#live-updated').textContent = 'updated ' + new Date(live.last).toLocaleTimeString('en-GB');
      handle(JSON.parse(e.data));
    });
  }
}

setInterval(() => {
  const silent = (Date.now() - live.last) / 1000;
  if (live.last && silent > 5 && live.state === 'live') setLiveState('live, but no update for ' + Math.round(silent) + ' s');
  else if (silent <= 5 && live.state.startsWith('live, but')) setLiveState('live');
}, 1000);

// ---- Servers ----
function showServers(servers) {
  if (servers.length === 0) { render($('#servers'), '<li>Not probed yet.</li>'); return; }
  render($('#servers'), servers.map(s => `<li class="server s-${s.status}" data-testid="server" data-name="${esc(s.name)}" data-status="${s.status}"${s.detail ? ` title="${esc(s.detail)}"` : ''}>
    <span class="name">${esc(s.name)}</span> <span class="status">${s.status}</span>${s.status === 'UP' ? '' : ` <span class="detail">${esc(s.detail)}</span>`}</li>`).join(''));
  render($('#overview-servers'), table('Servers, as the console last probed them', ['Server', 'Status', 'Answered in', 'Detail', 'Address'],
    servers.map(s => `<tr class="s-${s.status}"><th scope="row">${esc(s.name)}</th><td class="status">${s.status}</td>
      <td class="num">${s.millis < 0 ? '–' : s.millis + ' ms'}</td><td>${esc(s.detail)}</td><td>${s.url && s.name === 'airflow' ? `<a href="${esc(s.url)}">${esc(s.url)}</a>` : esc(s.url)}</td></tr>`), ''));
}

// ---- Topics: table, groups, rate chart ----
const rates = {t: [], byTopic: new Map(), chart: null, topics: ''};
let topicNames = [];

function showTopics(snapshot) {
  show($('#topics-error'), snapshot.error
    ? (snapshot.sampledAt ? `Showing the last good sample, of ${time(snapshot.sampledAt)}. ` : 'No sample yet. ') + snapshot.error : '');
  render($('#topics-table'), table(`Topics${snapshot.sampledAt ? ', sampled ' + time(snapshot.sampledAt) : ''}`,
    ['Topic', 'Partitions', 'End offsets by partition', 'Messages', 'Messages/s', 'Size'],
    snapshot.topics.map(t => `<tr data-testid="topic" data-topic="${esc(t.name)}"><th scope="row">${esc(t.name)}</th>
      <td class="num">${t.partitions.length}</td><td>${t.partitions.map(p => `${p.partition}: ${fmt(p.endOffset)}`).join(' · ')}</td>
      <td class="num">${fmt(t.messages)}</td><td class="num">${t.messagesPerSecond.toFixed(1)}</td><td class="num">${bytes(t.bytes)}</td></tr>`),
    snapshot.error ? 'No topics known yet.' : 'No topics yet.'));
  render($('#groups-table'), table('Consumer groups (STREAMS: the stream processor) and their lag', ['Group', 'Kind', 'State', 'Lag', 'Lag by partition (committed / end)'],
    snapshot.groups.map(g => `<tr data-testid="group" data-group="${esc(g.groupId)}"><th scope="row">${esc(g.groupId)}</th><td>${g.kind === 'STREAMS' ? 'Streams application' : 'consumer group'}</td>
      <td>${esc(g.state)}</td><td class="num">${fmt(g.lag)}</td>
      <td>${g.partitions.map(p => `${esc(p.topic)}/${p.partition}: <strong>${fmt(p.lag)}</strong> (${fmt(p.committed)} / ${fmt(p.end)})`).join('<br>')}</td></tr>`),
    'No consumer groups yet.'));
  const names = snapshot.topics.map(t => t.name);
  if (names.join() !== topicNames.join()) { topicNames = names; fillTopicSelect(); }
  if (!snapshot.error && snapshot.sampledAt) {
    addRates(Date.parse(snapshot.sampledAt) / 1000, new Map(snapshot.topics.map(t => [t.name, t.messagesPerSecond])));
  }
}

function addRates(at, values) {
  if (rates.t.length && at <= rates.t[rates.t.length - 1]) return;
  for (const name of values.keys()) if (!rates.byTopic.has(name)) rates.byTopic.set(name, rates.t.map(() => null));
  rates.t.push(at);
  for (const [name, series] of rates.byTopic) series.push(values.has(name) ? values.get(name) : null);
  while (rates.t.length && rates.t[0] < at - 600) { rates.t.shift(); for (const s of rates.byTopic.values()) s.shift(); }
  drawRates();
}

async function loadRateHistory() {
  try {
    const history = await api('/api/v1/topics/history');
    const byTime = new Map();
    for (const s of history.series) for (const p of s.points) {
      const at = Date.parse(p.at) / 1000;
      if (!byTime.has(at)) byTime.set(at, new Map());
      byTime.get(at).set(s.topic, p.messagesPerSecond);
    }
    for (const at of [...byTime.keys()].sort((a, b) => a - b)) addRates(at, byTime.get(at));
  } catch (e) {
    // The live samples fill the chart from now on; the table says what is wrong with Kafka.
  }
}

/** A uPlot line chart in el, made again when its series change; drawn only while visible (uPlot needs a width). */
function lineChart(holder, el, labels, data, yLabel, xRange) {
  if (!window.uPlot) { el.textContent = 'The chart library did not load.'; return holder; }
  const width = el.clientWidth;
  if (width === 0) return holder;
  const key = labels.join('\n') + width;
  if (holder && holder.key === key) { holder.chart.setData(data); return holder; }
  if (holder) holder.chart.destroy();
  el.textContent = '';
  const chart = new uPlot({
    width, height: 220,
    series: [{}, ...labels.map((label, i) => ({label, stroke: PALETTE[i % PALETTE.length], width: 2, points: {show: false}}))],
    axes: [{}, {label: yLabel, size: 60}],
    // A fixed window: one sample alone would otherwise stretch the time axis over years.
    scales: {x: {time: true, range: () => xRange()}, y: {range: (u, min, max) => [0, Math.max(5, max * 1.1)]}},
  }, data, el);
  return {key, chart};
}

function drawRates() {
  if (currentView !== 'topics') return;
  const names = [...rates.byTopic.keys()].sort();
  const last = () => rates.t.length ? rates.t[rates.t.length - 1] : Date.now() / 1000;
  rates.chart = lineChart(rates.chart, $('#rate-chart'), names, [rates.t, ...names.map(n => rates.byTopic.get(n))], 'messages/s',
    () => [last() - 600, last()]);
}

function fillTopicSelect() {
  const select = $('#browse-topic');
  const chosen = select.value;
  select.innerHTML = topicNames.map(n => `<option${n === chosen ? ' selected' : ''}>${esc(n)}</option>`).join('');
}

// ---- Message browser ----
$('#browse-form').addEventListener('submit', async e => {
  e.preventDefault();
  const form = new FormData(e.target);
  const out = $('#browse-result');
  const button = $('#browse-submit');
  button.disabled = true;
  const query = new URLSearchParams({partition: form.get('partition'), offset: form.get('offset').trim(), limit: form.get('limit')});
  await fill(out, 'Reading…', async () => {
    if (!form.get('topic')) throw new Error('No topic to read: Kafka has not listed any yet.');
    const records = await api(`/api/v1/topics/${encodeURIComponent(form.get('topic'))}/messages?${query}`);
    return records.length === 0 ? '<p>No records there.</p>'
      : `<p>${records.length} record(s) of ${esc(form.get('topic'))}, partition ${esc(form.get('partition'))}.</p>` + records.map(recordHtml).join('');
  });
  button.disabled = false;
});

function recordHtml(r) {
  const headers = Object.entries(r.headers || {});
  const h = r.headers || {};
  const schema = r.schemaId == null ? 'not in the registry’s wire format'
    : `id ${r.schemaId}${r.schemaSubject ? `, ${esc(r.schemaSubject)} version ${r.schemaVersion}` : ' (the registry did not name its subject)'}`;
  return `<article class="record" data-testid="record" data-offset="${r.offset}">
    <h3>Offset ${r.offset} <span class="meta">partition ${r.partition} · ${dateTime(r.timestamp)} · key <code>${esc(r.key ?? 'null')}</code> · ${fmt(r.valueBytes)} bytes</span></h3>
    ${h['dlq.reason'] ? `<p class="dead-letter" data-testid="record-reason">Dead letter: <strong>${esc(h['dlq.reason'])}</strong> at stage ${esc(h['dlq.stage'] || '?')} — ${esc(h['dlq.error'] || '')}</p>` : ''}
    <div class="columns"><div>
      <p data-testid="record-schema">Schema: ${schema}</p>
      ${headers.length ? table('Headers', ['Header', 'Value'], headers.map(([k, v]) => `<tr${k.startsWith('dlq.') ? ' class="dlq"' : ''}><th scope="row">${esc(k)}</th><td>${esc(v)}</td></tr>`), '') : '<p>No headers.</p>'}
    </div><div>
      ${r.error ? `<p class="error">Not decoded: ${esc(r.error)}</p>` : ''}
      ${r.value != null ? `<pre aria-label="Value">${esc(JSON.stringify(r.value, null, 2))}</pre>` : r.error ? '' : '<p>No value (tombstone).</p>'}
    </div></div>
  </article>`;
}

// ---- Runs ----
const runNotes = {};
let lastRuns = null; // none until the first sample

function showRuns(runs) {
  lastRuns = runs;
  show($('#runs-error'), runs.error ? 'The runs may be out of date: ' + runs.error : '');
  render($('#runs-list'), runs.runs.length ? runs.runs.map(r => runHtml(r, 'run-')).join('') : '<p>No ingestion runs yet.</p>');
  render($('#overview-runs'), (runs.error ? `<p class="warning">${esc(runs.error)}</p>` : '')
    + (runs.runs.length ? runs.runs.slice(0, 3).map(r => runHtml(r, 'ov-')).join('') : '<p>No ingestion runs yet.</p>'));
}

function runHtml(run, prefix) {
  const id = prefix + run.runId;
  const max = Math.max(run.requested, 1);
  const stages = [['requested', run.requested], ['fetched', run.fetched], ['published', run.published],
    ['processed', run.processed], ['stored', run.stored], ['dead-lettered', run.deadLettered]]
    .concat(run.erased > 0 ? [['erased', run.erased]] : []);
  const running = run.state === 'RUNNING' || run.state === 'PENDING' || !run.complete;
  const rows = stages.map(([stage, value]) => `<tr data-stage="${stage}"><th scope="row" id="${id}-${stage}">${stage}</th>
    <td>${value < 0 ? '' : `<progress max="${max}" value="${Math.min(value, max)}" aria-labelledby="${id}-${stage}"></progress>`}</td>
    <td class="num" data-testid="count" data-value="${value}">${value < 0 ? 'unknown (user-store-service did not answer)' : fmt(value) + ' of ' + fmt(run.requested)}</td></tr>`);
  return `<article class="run state-${esc(run.state)}" data-testid="run" data-run-id="${esc(run.runId)}" aria-labelledby="${id}-title">
    <h3 id="${id}-title">Run <code>${esc(run.runId)}</code> <span class="badge" data-testid="run-state">${esc(run.state)}</span>
      ${run.complete ? '<span class="badge done" title="stored + dead-lettered = published">all delivered</span>' : ''}</h3>
    <p class="meta">${esc(run.source)} · started ${dateTime(run.createdAt)}${run.finishedAt ? ' · ingest finished ' + dateTime(run.finishedAt) : ''}
      ${running && run.usersPerSecond > 0 ? ` · <span data-testid="run-rate">${run.usersPerSecond.toFixed(1)} users/s</span>` : ''}
      ${running && run.etaSeconds >= 0 ? ` · <span data-testid="run-eta">about ${run.etaSeconds} s to go</span>` : ''}
      ${run.failed > 0 ? ` · ${fmt(run.failed)} failed to fetch or publish` : ''}</p>
    <table class="funnel"><caption class="visually-hidden">Funnel of run ${esc(run.runId)}</caption>
      <thead class="visually-hidden"><tr><th scope="col">Stage</th><th scope="col">Progress</th><th scope="col">Users</th></tr></thead>
      <tbody>${rows.join('')}</tbody></table>
    ${run.error ? `<p class="error" data-testid="run-error">${esc(run.error)}</p>` : ''}
    <p class="actions">${run.state === 'FAILED' && caller.operator ? `<button type="button" id="${id}-resume" data-action="resume" data-run="${esc(run.runId)}">Resume run</button>` : ''}
      ${run.deadLettered > 0 ? `<button type="button" id="${id}-dead-letters" data-action="run-dead-letters" class="secondary" data-run="${esc(run.runId)}">Show its ${fmt(run.deadLettered)} dead letter(s)</button>` : ''}
      ${runNotes[run.runId] ? `<span role="status">${esc(runNotes[run.runId])}</span>` : ''}</p>
  </article>`;
}

async function resume(runId) {
  runNotes[runId] = 'Resuming…';
  showRuns(lastRuns);
  try {
    const run = await api(`/api/v1/runs/${encodeURIComponent(runId)}/resume`, {method: 'POST'});
    runNotes[runId] = 'Resumed: ' + (run && run.status ? run.status : 'accepted');
  } catch (e) {
    runNotes[runId] = 'Not resumed: ' + e.message;
  }
  showRuns(lastRuns);
}

// ---- Dead letters and re-drive ----
const selected = new Set();
// The default userstream.topics.dead-letter: a dead letter's record is shown from there.
const dlqTopic = 'users_dlq';
const dl = {summary: null, chart: null, loading: false, again: false};

function showDeadLetterSummary(summary) {
  dl.summary = summary;
  const groups = summary.byReason;
  $('#dl-reasons').innerHTML = [...new Set(groups.map(g => g.reason))].map(r => `<option value="${esc(r)}">`).join('');
  // A reader's live feed has the counts only (no samples): the samples and actions columns are an operator's.
  const operator = caller.operator;
  render($('#dl-summary'), table(`Dead letters not resolved, by reason and stage: ${fmt(summary.total)} in all`,
    ['Reason', 'Stage', 'Not resolved', 'Records, last hour', ...(operator ? ['Latest samples', 'Actions'] : [])],
    groups.map(g => `<tr data-testid="dl-group" data-reason="${esc(g.reason)}" data-stage="${esc(g.stage)}">
      <th scope="row">${esc(g.reason)}</th><td>${esc(g.stage)}</td><td class="num" data-testid="dl-group-count">${fmt(g.count)}</td><td class="num">${fmt(g.records)}</td>
      ${operator ? `<td><ul class="samples">${g.samples.map(s => `<li data-testid="dl-sample">key <code>${esc(s.key)}</code> · ${time(s.failedAt)} · ${esc(s.status)}<br><span class="error-text">${esc(s.error.slice(0, 160))}</span></li>`).join('')}</ul></td>
      <td><button type="button" id="dl-list-${slug(g.reason)}-${slug(g.stage)}" data-action="list-reason" class="secondary" data-reason="${esc(g.reason)}">List them</button>
        ${g.count > 0 ? `<button type="button" id="redrive-${slug(g.reason)}-${slug(g.stage)}" data-action="redrive-reason" data-testid="redrive-reason" data-reason="${esc(g.reason)}">Re-drive all “${esc(g.reason)}”</button>` : ''}</td>` : ''}</tr>`),
    'No dead letters.'));
  if (currentView === 'dead-letters') drawDeadLetterChart();
}

function drawDeadLetterChart() {
  if (!dl.summary) return;
  const groups = dl.summary.byReason;
  // Every minute of the last hour, so a minute without dead letters shows as 0.
  const now = Math.floor(Date.now() / 60000) * 60;
  const minutes = Array.from({length: 61}, (_, i) => now - (60 - i) * 60);
  const data = [minutes, ...groups.map(g => {
    const counts = new Map(g.perMinute.map(m => [Date.parse(m.at) / 1000, m.count]));
    return minutes.map(at => counts.get(at) ?? 0);
  })];
  dl.chart = lineChart(dl.chart, $('#dl-chart'), groups.map(g => `${g.reason} (${g.stage})`), data, 'per minute',
    () => [minutes[0], minutes[minutes.length - 1]]);
}

async function loadDeadLetters() {
  if (!caller.operator) return;
  // One request at a time; asked again meanwhile (the filter was changed), it loads once more when this one is done.
  if (dl.loading) { dl.again = true; return; }
  dl.loading = true;
  const form = new FormData($('#dl-filter'));
  const query = new URLSearchParams({limit: 200});
  for (const name of ['reason', 'runId', 'status']) if (form.get(name).trim()) query.set(name, form.get(name).trim());
  try {
    const letters = await api('/api/v1/dead-letters?' + query);
    render($('#dl-list'), table(`Dead letters${query.size > 1 ? ' matching the filter' : ''}, newest first (at most 200)`,
      ['Select', 'Key', 'Run', 'Reason', 'Stage', 'Error', 'Failed at', 'Re-drives', 'Status'],
      letters.map(d => `<tr data-testid="dl-row" data-id="${esc(d.id)}" data-status="${d.status}">
        <td><input type="checkbox" id="dl-check-${slug(d.id)}" data-id="${esc(d.id)}" aria-label="Select dead letter ${esc(d.id)}"${selected.has(d.id) ? ' checked' : ''}${d.redrivable ? '' : ' disabled'}></td>
        <td><code>${esc(d.key)}</code><br><button type="button" id="dl-show-${slug(d.id)}" class="secondary" data-action="browse" data-topic="${esc(dlqTopic)}"
          data-partition="${d.dlqPartition}" data-offset="${d.dlqOffset}" aria-label="Show the dead-letter record of ${esc(d.key)}">Show record</button></td><td><code>${esc((d.runId || '').slice(0, 8))}</code></td><td>${esc(d.reason)}</td><td>${esc(d.stage)}</td>
        <td class="error-text">${esc(d.error)}</td><td>${dateTime(d.failedAt)}</td><td class="num">${d.redriveCount}</td>
        <td class="status" data-testid="dl-status">${d.status}${d.redrivable ? '' : ' (not re-drivable)'}</td></tr>`),
      'No dead letters match.'));
  } catch (e) {
    render($('#dl-list'), `<p class="error">${esc(e.message)}</p>`);
  } finally {
    dl.loading = false;
    if (dl.again) { dl.again = false; loadDeadLetters(); }
  }
}

async function loadAudit() {
  if (!caller.operator) return;
  try {
    const redrives = await api('/api/v1/redrives?limit=20');
    render($('#redrive-audit'), table('The latest re-drives (newest first)', ['At', 'By', 'Selection', 'Sent', 'Skipped', 'Re-drive id'],
      redrives.map(r => `<tr data-testid="audit-row"><td>${dateTime(r.at)}</td><td>${esc(r.by)}</td><td>${selectionText(r.selection)}</td>
        <td class="num">${r.sent.length}</td><td class="num">${r.skipped.length}</td><td><code>${esc(r.id)}</code></td></tr>`),
      'No re-drives yet.'));
  } catch (e) {
    render($('#redrive-audit'), `<p class="error">${esc(e.message)}</p>`);
  }
}

function selectionText(s) {
  return s.reason ? `every dead letter with reason “${esc(s.reason)}”` : s.runId ? `every dead letter of run <code>${esc(s.runId)}</code>`
    : `${(s.ids || []).length} selected` + (s.correctedFields ? ` with ${esc(s.correctedFields.join(', '))} corrected` : '');
}

async function redrive(selection) {
  const out = $('#redrive-answer');
  out.innerHTML = `<p>Re-driving ${selectionText(selection)}…</p>`;
  try {
    // Who re-drives is the login of this page: the console records it, the request does not say it.
    const r = await api('/api/v1/dead-letters/redrive', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(selection)});
    const list = (items, html) => items.length ? `<ul>${items.slice(0, 20).map(html).join('')}${items.length > 20 ? `<li>and ${items.length - 20} more</li>` : ''}</ul>` : '';
    out.innerHTML = `<p>Re-drive of ${selectionText(r.selection)} by ${esc(r.by)}: <strong data-testid="redrive-sent-count">${r.sent.length}</strong> sent back to validation,
        <strong data-testid="redrive-skipped-count">${r.skipped.length}</strong> skipped. Whether each passes shows in its status below.</p>`
      + list(r.sent, s => `<li data-testid="redrive-sent" data-id="${esc(s.deadLetterId)}">sent <code>${esc(s.deadLetterId)}</code> (key <code>${esc(s.key)}</code>) as re-drive ${s.redriveCount}, to partition ${s.partition} offset ${s.offset}</li>`)
      + list(r.skipped, s => `<li data-testid="redrive-skipped" data-id="${esc(s.deadLetterId)}">skipped <code>${esc(s.deadLetterId)}</code>: ${esc(s.why)}</li>`);
    selected.clear();
  } catch (e) {
    out.innerHTML = `<p class="error">Not re-driven: ${esc(e.message)}</p>`;
  }
  loadDeadLetters();
  loadAudit();
}

$('#dl-filter').addEventListener('submit', e => { e.preventDefault(); loadDeadLetters(); });
$('#dl-list').addEventListener('change', e => {
  if (e.target.dataset.id) e.target.checked ? selected.add(e.target.dataset.id) : selected.delete(e.target.dataset.id);
});
// The list's statuses and the audit log (read back from Kafka after a re-drive) are not in the live feed.
setInterval(() => { if (currentView === 'dead-letters') { loadDeadLetters(); loadAudit(); } }, 2000);

// ---- Schemas ----
function loadSchemas() {
  return fill($('#schemas-list'), 'Asking the registry…', async () => {
    const subjects = await api('/api/v1/schemas');
    const pretty = text => { try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return text; } };
    return table('Subjects in the schema registry', ['Subject', 'Compatibility rule', 'Versions (open one for its schema)'],
      subjects.map(s => `<tr data-testid="schema" data-subject="${esc(s.subject)}"><th scope="row">${esc(s.subject)}</th><td>${esc(s.compatibility)}</td>
        <td>${s.versions.map(v => `<details><summary>version ${v.version} (registry id ${v.id})</summary><pre>${esc(pretty(v.schema))}</pre></details>`).join('')}</td></tr>`),
      'No subjects registered yet.');
  });
}

// ---- Users ----
const userName = u => u && u.name ? [u.name.first, u.name.last].join(' ') : '';

function loadUsers() {
  return fill($('#users-latest'), 'Reading users_processed…', async () => {
    const users = await api('/api/v1/users/latest?limit=20');
    return table('The latest users the processor passed on, and whether user-store-service has them', ['Id', 'Name', 'Username', 'E-mail', 'Country', 'Processed at', 'Stored'],
      users.map(u => `<tr data-testid="latest-user"><td><code>${esc(u.id)}</code></td><td>${esc(userName(u.user))}</td><td>${esc(u.user && u.user.username)}</td>
        <td>${esc(u.user && u.user.email)}</td><td>${esc(u.user && u.user.country)}</td><td>${dateTime(u.processedAt)}</td><td>${u.stored ? 'yes' : 'not (yet)'}</td></tr>`),
      'No processed users yet.');
  });
}

$('#lookup-form').addEventListener('submit', async e => {
  e.preventDefault();
  const form = new FormData(e.target);
  await fill($('#lookup-result'), 'Asking user-store-service…', async () => {
    try {
      const user = await api('/api/v1/users/lookup?' + new URLSearchParams({[form.get('by')]: form.get('value').trim()}));
      return `<p>Found <strong>${esc(userName(user))}</strong> (${esc(user.username)}, ${esc(user.email)}).</p><pre>${esc(JSON.stringify(user, null, 2))}</pre>`;
    } catch (err) {
      if (err.status === 404) return `<p>No stored user with that ${esc($('#lookup-by').selectedOptions[0].text)}.</p>`;
      throw err;
    }
  });
});

// ---- Actions (buttons in regions that are drawn again every second) ----
document.addEventListener('click', e => {
  const button = e.target.closest('[data-action]');
  if (!button) return;
  const action = button.dataset.action;
  if (action === 'resume') resume(button.dataset.run);
  else if (action === 'redrive-reason') redrive({reason: button.dataset.reason});
  else if (action === 'redrive-selected') {
    if (selected.size === 0) $('#redrive-answer').innerHTML = '<p class="error">Select dead letters in the list first.</p>';
    else redrive({ids: [...selected]});
  } else if (action === 'redrive-run') {
    const runId = $('#dl-filter-run').value.trim();
    if (!runId) { $('#redrive-answer').innerHTML = '<p class="error">Enter a run id in the filter first.</p>'; $('#dl-filter-run').focus(); }
    else redrive({runId});
  } else if (action === 'list-reason' || action === 'run-dead-letters') {
    $('#dl-filter-reason').value = button.dataset.reason || '';
    $('#dl-filter-run').value = button.dataset.run || '';
    $('#dl-filter-status').value = '';
    selectTab(tabOf('dead-letters'), false);
    $('#dl-list-title').scrollIntoView();
  } else if (action === 'browse') {
    selectTab(tabOf('messages'), false);
    if (![...$('#browse-topic').options].some(o => o.value === button.dataset.topic)) $('#browse-topic').add(new Option(button.dataset.topic));
    $('#browse-topic').value = button.dataset.topic;
    $('#browse-partition').value = button.dataset.partition;
    $('#browse-offset').value = button.dataset.offset;
    $('#browse-limit').value = 1;
    $('#browse-form').requestSubmit();
    $('#browse-result').focus();
  } else if (action === 'load-schemas') loadSchemas();
  else if (action === 'load-users') loadUsers();
});

onShow.topics = () => drawRates();
onShow['dead-letters'] = () => { drawDeadLetterChart(); loadDeadLetters(); loadAudit(); };
onShow.schemas = () => { if (!$('#schemas-list').innerHTML) loadSchemas(); };
onShow.users = () => { if (!$('#users-latest').innerHTML) loadUsers(); };
window.addEventListener('resize', () => { if (currentView === 'topics') drawRates(); if (currentView === 'dead-letters') drawDeadLetterChart(); });

// Who is logged in and the history first: live samples older than the history's last point would be dropped.
Promise.allSettled([loadCaller(), loadRateHistory()]).finally(connect);
selectTab(tabOf(location.hash.slice(1)) || tabs[0], false);
