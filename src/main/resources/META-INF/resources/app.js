// RemoteMedia page: WHIP publish of the microphone, events over the "events" data channel.
// Plain browser JavaScript (no build step); works in Chromium and Firefox.
'use strict';
const $ = (id) => document.getElementById(id);
let pc = null, whipUrl = null, etag = null, stream = null, pendingRow = null, restarting = false, lostTimer = null;
let audioCtx = null, meterTimer = null, peakDb = -Infinity;
const rows = new Map(); // segment id -> <tr>
const firstAudio = new Map(); // segment id -> ms to the first synthesized audio (tts events may come first)
const inferences = []; // camera frames' results, newest last: {frame, labels, boxes, endpoint, latencyMs}
const frameLatency = new Map(); // frame id -> total ms (latency events may come after the result)
const frameErrors = [];

function setState(text, cls) { $('state').textContent = text; $('state').className = 'state ' + cls; }
function showError(message) { $('error').textContent = message; $('error').hidden = !message; }

// Plain words for the error kinds the server sends.
const KIND_WORDS = {
  AllEndpointsFailed: 'No processing server could take this utterance',
  RemoteTimeout: 'The processing server took too long',
  CircuitBreakerOpen: 'The processing server is temporarily switched off after repeated failures',
  RemoteExecutionFailed: 'The processing server failed on this utterance',
  Unauthenticated: 'The processing server refused our credentials',
  ManifestFetchFailed: 'The processing server could not load its pipeline',
  ModelUnavailable: 'A model is not available on the server',
  CapacityExceeded: 'The server is full; try again in a few seconds',
};

function row(segment) {
  if (rows.has(segment)) return rows.get(segment);
  let tr = pendingRow;
  pendingRow = null;
  if (!tr) tr = newRow();
  tr.dataset.segment = segment;
  tr.cells[0].textContent = segment;
  rows.set(segment, tr);
  return tr;
}

function newRow() {
  const tr = document.createElement('tr');
  tr.className = 'utterance pending';
  for (let i = 0; i < 5; i++) tr.appendChild(document.createElement('td'));
  tr.cells[0].textContent = '…';
  tr.cells[1].textContent = 'speaking…';
  tr.cells[2].className = 'result';
  tr.cells[2].textContent = 'waiting';
  $('utterances').tBodies[0].prepend(tr);
  return tr;
}

function describeResult(e) {
  if (e.type === 'transcript' || e.text !== undefined) return e.text || '(no speech recognised)';
  if (e.kind === 'audio_stats') return `${e.duration_ms} ms of speech, RMS ${e.rms_dbfs} dBFS, peak ${e.peak_dbfs} dBFS`;
  const { type, t_ms, node, endpoint, segment, ...rest } = e;
  return JSON.stringify(rest);
}

function detail(e) {
  if (e.type !== 'transcript') return '';
  const model = String(e.model || '').split(/[\\/]/).filter(Boolean).pop() || 'whisper';
  return `${model} · ${e.language || ''} · ${e.inference_ms} ms inference · batch ${e.batch_size} · ${e.tokens} tokens`;
}

function setResult(tr, text, sub) {
  const td = tr.cells[2];
  td.textContent = text;
  if (sub) {
    const small = document.createElement('span');
    small.className = 'detail';
    small.textContent = sub;
    td.appendChild(small);
  }
}

// Per-utterance waterfall from the `latency` event (ms after speech end): to the remote, network +
// queue (round trip minus the worker's processing), the model, the rest to the final result, and
// the first synthesized audio when a `tts` event reports it.
function waterfall(tr, e) {
  const parts = [
    ['send', e.sent_ms, 'to the remote'],
    ['net', Math.max(0, e.round_trip_ms - e.processing_ms), 'network + queue'],
    ['model', e.processing_ms, 'model (on the worker)'],
    ['rest', Math.max(0, e.final_ms - e.sent_ms - e.round_trip_ms), 'to the final result'],
  ];
  tr.dataset.totalMs = e.total_ms;
  const td = tr.cells[3];
  td.textContent = `${e.total_ms} ms` + (e.attempts > 1 ? ` (${e.attempts} tries)` : '');
  const bar = document.createElement('div');
  bar.className = 'waterfall';
  const scale = 12 * 16 / Math.max(e.total_ms, 1); // 12rem
  for (const [cls, ms, what] of parts) {
    const w = document.createElement('span');
    w.className = 'w ' + cls;
    w.style.width = Math.max(2, ms * scale) + 'px';
    w.title = `${what}: ${ms} ms`;
    bar.appendChild(w);
  }
  td.appendChild(bar);
  if (firstAudio.has(e.segment)) audioMark(bar, firstAudio.get(e.segment));
}

function audioMark(bar, ms) {
  const w = document.createElement('span');
  w.className = 'w audio';
  w.style.width = '6px';
  w.title = `first synthesized audio ${ms} ms after the text`;
  bar.appendChild(w);
}

// Outputs of an `inference` event: lists of {label, score[, box]} are classes or detections; the rest are numbers
function summarize(outputs) {
  const labels = [], boxes = [];
  for (const value of Object.values(outputs || {})) {
    if (!Array.isArray(value)) continue;
    for (const v of value) if (v.box) boxes.push(v); else if (v.label !== undefined) labels.push(v);
  }
  return { labels, boxes };
}

// Results drawn over the preview: the top labels in a corner, boxes (normalised to 0..1 of the picture)
function drawOverlay(labels, boxes) {
  const canvas = $('overlay'), video = $('preview');
  canvas.width = video.clientWidth;
  canvas.height = video.clientHeight;
  const g = canvas.getContext('2d');
  g.clearRect(0, 0, canvas.width, canvas.height);
  g.lineWidth = 2;
  g.font = '14px system-ui';
  labels.slice(0, 3).forEach((l, i) => {
    const text = `${l.label} ${Number(l.score).toFixed(2)}`;
    g.fillStyle = 'rgba(0,0,0,.6)';
    g.fillRect(6, 6 + i * 20, g.measureText(text).width + 10, 18);
    g.fillStyle = '#fff';
    g.fillText(text, 11, 20 + i * 20);
  });
  g.font = '12px system-ui';
  for (const b of boxes) {
    const [x0, y0, x1, y1] = b.box.map((v, i) => v * (i % 2 ? canvas.height : canvas.width));
    g.strokeStyle = g.fillStyle = '#ffd400';
    g.strokeRect(x0, y0, x1 - x0, y1 - y0);
    g.fillText(`${b.label} ${Number(b.score).toFixed(2)}`, x0 + 3, Math.max(12, y0 - 3));
  }
}

function showInference(e) {
  const { labels, boxes } = summarize(e.outputs);
  const entry = { frame: e.frame, labels: labels.map((l) => l.label), boxes: boxes.length,
    endpoint: e.endpoint || 'local', latencyMs: frameLatency.get(e.frame) };
  inferences.push(entry);
  if (inferences.length > 500) inferences.shift();
  drawOverlay(labels, boxes);
  $('vision').classList.remove('muted');
  const text = labels.map((l) => `${l.label} ${Number(l.score).toFixed(2)}`).join(', ');
  $('vision').textContent = `frame ${e.frame}: ${text || '(no classes)'}${boxes.length ? ` · ${boxes.length} box(es)` : ''}`
    + ` · ${e.inference_ms} ms model · ${entry.endpoint}`;
}

function handle(e) {
  if (e.frame) return handleFrame(e);
  switch (e.type) {
    case 'vad_start':
      $('vad').classList.add('speaking');
      $('vadLabel').textContent = 'speaking';
      pendingRow = pendingRow || newRow();
      break;
    case 'vad_end':
      $('vad').classList.remove('speaking');
      $('vadLabel').textContent = 'silence';
      break;
    case 'vad_prob':
      $('vadProb').hidden = false;
      $('vadProb').textContent = `p(speech) ${Number(e.probability ?? e.prob ?? 0).toFixed(2)}`;
      break;
    case 'segment': {
      const tr = row(e.segment);
      tr.cells[1].textContent = `${(e.start_ms / 1000).toFixed(2)}–${(e.end_ms / 1000).toFixed(2)} s`;
      break;
    }
    case 'result':
    case 'transcript': {
      const tr = row(e.segment);
      if (e.type === 'result' && tr.dataset.transcript) break; // the transcript is the better summary
      tr.classList.remove('pending');
      tr.classList.add('done');
      if (e.type === 'transcript') tr.dataset.transcript = '1';
      setResult(tr, describeResult(e), detail(e));
      if (e.endpoint) tr.cells[4].textContent = e.endpoint;
      break;
    }
    case 'tts': {
      $('reply').classList.remove('muted');
      $('reply').textContent = `▶ ${e.text || 'reply'} — ${e.audio_ms} ms of audio, first audio after ${e.first_audio_ms} ms (${e.voice})`;
      if (e.segment) {
        const bar = rows.has(e.segment) && rows.get(e.segment).querySelector('.waterfall');
        if (bar) audioMark(bar, e.first_audio_ms);
        else firstAudio.set(e.segment, e.first_audio_ms);
      }
      break;
    }
    case 'latency': {
      const tr = row(e.segment);
      waterfall(tr, e);
      tr.cells[4].textContent = e.endpoint + (e.server ? ` (${e.server})` : '');
      break;
    }
    case 'draining':
      showError('The server is shutting down (' + Math.round(e.deadline_ms / 1000) + ' s left): press Stop and Start to continue on another instance.');
      break;
    case 'error': {
      const words = (KIND_WORDS[e.kind] || 'Something went wrong') + '.';
      if (e.segment) {
        const tr = row(e.segment);
        tr.classList.remove('pending');
        tr.classList.add('failed');
        setResult(tr, words, e.message || '');
      } else {
        showError(words + ' ' + (e.message || ''));
      }
      break;
    }
  }
}

// Events about camera frames (results, their latency, their errors) go to the camera panel, not the utterance table
function handleFrame(e) {
  switch (e.type) {
    case 'inference': showInference(e); break;
    case 'latency': {
      frameLatency.set(e.frame, e.total_ms);
      if (frameLatency.size > 500) frameLatency.delete(frameLatency.keys().next().value);
      const last = inferences[inferences.length - 1];
      if (last && last.frame === e.frame) last.latencyMs = e.total_ms;
      break;
    }
    case 'error':
      frameErrors.push({ frame: e.frame, kind: e.kind, message: e.message });
      $('vision').textContent = `frame ${e.frame}: ${(KIND_WORDS[e.kind] || 'failed')} — ${e.message || ''}`;
      break;
  }
}

// A looping recorded sample as the "microphone" (machines without one, demos, tests)
async function sampleStream() {
  audioCtx = audioCtx || new AudioContext();
  const buffer = await audioCtx.decodeAudioData(await (await fetch('sample.wav')).arrayBuffer());
  const source = audioCtx.createBufferSource();
  source.buffer = buffer;
  source.loop = true;
  const out = audioCtx.createMediaStreamDestination();
  source.connect(out);
  source.start();
  return out.stream;
}

// Input level (RMS, dBFS) of what is sent, measured here with an AnalyserNode
function startMeter(s) {
  audioCtx = audioCtx || new AudioContext();
  const analyser = audioCtx.createAnalyser();
  analyser.fftSize = 1024;
  audioCtx.createMediaStreamSource(s).connect(analyser);
  const data = new Float32Array(analyser.fftSize);
  meterTimer = setInterval(() => {
    analyser.getFloatTimeDomainData(data);
    let sum = 0;
    for (const v of data) sum += v * v;
    const db = 10 * Math.log10(sum / data.length + 1e-12);
    $('level').style.width = Math.max(0, Math.min(100, (db + 60) / 60 * 100)) + '%';
    $('levelDb').textContent = (db < -99 ? '–' : db.toFixed(0)) + ' dBFS';
    peakDb = Math.max(peakDb, db);
  }, 100);
}

// Endpoints, their health and breakers, and the pipelines a session may pick: GET /status
async function refreshStatus() {
  try {
    const r = await fetch('status');
    if (!r.ok) return;
    const st = await r.json();
    $('instance').textContent = `(${st.role} instance, ${st.sessions} session${st.sessions === 1 ? '' : 's'}${st.draining ? ', draining' : ''})`;
    const select = $('pipeline');
    if (select.options.length === 1) {
      for (const name of st.pipelines) select.add(new Option(name, name));
    }
    const body = $('endpoints').tBodies[0];
    body.replaceChildren(...st.endpoints.map((e) => {
      const tr = document.createElement('tr');
      const usable = e.state === 'ACTIVE' && e.healthy && e.breaker !== 'OPEN';
      tr.className = usable ? 'up' : 'down';
      tr.title = e.problem || e.target;
      for (const v of [e.address, e.state + (e.healthy ? '' : ' (unhealthy)'), e.breaker, `${e.latency_ms} ms`, e.inflight]) {
        const td = document.createElement('td');
        td.textContent = v;
        tr.appendChild(td);
      }
      return tr;
    }));
    if (!st.endpoints.length) body.innerHTML = '<tr><td colspan="5" class="muted">no remote endpoint used yet</td></tr>';
  } catch (e) { /* the server is restarting: try again next time */ }
}
setInterval(refreshStatus, 2000);
refreshStatus();

async function start(useSample) {
  showError('');
  $('start').disabled = true;
  $('sample').disabled = true;
  setState('connecting', 'connecting');
  try {
    stream = useSample ? await sampleStream() : await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
    if ($('camera').checked) { // opt-in: the camera goes to the server only when asked
      const cam = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
      cam.getVideoTracks().forEach((t) => stream.addTrack(t));
      $('preview').srcObject = new MediaStream(stream.getVideoTracks());
      $('cameraBox').hidden = false;
    }
    startMeter(stream);
    pc = new RTCPeerConnection();
    stream.getTracks().forEach((t) => pc.addTrack(t, stream));
    const dc = pc.createDataChannel('events', { ordered: true });
    dc.onmessage = (m) => String(m.data).split('\n').filter(Boolean).forEach((l) => handle(JSON.parse(l)));
    pc.ontrack = (ev) => { if (ev.track.kind === 'audio') $('remoteAudio').srcObject = ev.streams[0] || new MediaStream([ev.track]); };
    // the network changed (Wi-Fi to cellular, a VPN): an ICE restart keeps the session (RFC 9725 §4.3.2)
    pc.oniceconnectionstatechange = () => {
      const s = pc && pc.iceConnectionState;
      clearTimeout(lostTimer);
      if (s === 'failed') restartIce();
      if (s === 'disconnected') lostTimer = setTimeout(restartIce, 2000);
    };
    pc.onconnectionstatechange = () => {
      const s = pc.connectionState;
      setState(s, s === 'connected' ? 'connected' : s === 'failed' ? 'failed' : 'connecting');
      if (s === 'failed') showError('The connection to the server failed (UDP blocked? see the README troubleshooting).');
    };
    await pc.setLocalDescription(await pc.createOffer());
    await gatheringComplete(pc, 2000);
    const pipeline = $('pipeline').value;
    const headers = authHeaders({ 'Content-Type': 'application/sdp' });
    const r = await fetch('whip' + (pipeline ? '?pipeline=' + encodeURIComponent(pipeline) : ''),
      { method: 'POST', headers, body: pc.localDescription.sdp });
    if (r.status !== 201) throw new Error(`server answered ${r.status}: ${(await r.text()).trim()}`);
    whipUrl = new URL(r.headers.get('Location'), location.href).href;
    etag = r.headers.get('ETag');
    await pc.setRemoteDescription({ type: 'answer', sdp: await r.text() });
    $('stop').disabled = false;
  } catch (err) {
    showError('Could not start: ' + (err.message || err));
    await stop();
  }
}

function authHeaders(h) {
  if ($('token').value) h.Authorization = 'Bearer ' + $('token').value;
  return h;
}

// RFC 8840 fragment of a full SDP: per media section its m-line, mid, ICE credentials and candidates
function sdpFragment(sdp) {
  let out = '', ufrag = '', pwd = '';
  for (const section of sdp.split(/\r?\nm=/).slice(1)) {
    const lines = ('m=' + section).split(/\r?\n/);
    ufrag = (lines.find((l) => l.startsWith('a=ice-ufrag:')) || 'a=ice-ufrag:' + ufrag).slice(12);
    pwd = (lines.find((l) => l.startsWith('a=ice-pwd:')) || 'a=ice-pwd:' + pwd).slice(10);
    out += lines[0] + '\r\n' + lines.filter((l) => l.startsWith('a=mid:')).join('') + '\r\n'
      + `a=ice-ufrag:${ufrag}\r\na=ice-pwd:${pwd}\r\n`
      + lines.filter((l) => l.startsWith('a=candidate:')).map((l) => l + '\r\n').join('') + 'a=end-of-candidates\r\n';
  }
  return out;
}

// ICE restart over WHIP: new credentials in a PATCH, the server's new ones and candidates in the 200
async function restartIce() {
  if (!pc || !whipUrl || restarting) return 0;
  restarting = true;
  try {
    await pc.setLocalDescription(await pc.createOffer({ iceRestart: true }));
    await gatheringComplete(pc, 2000);
    const r = await fetch(whipUrl, { method: 'PATCH', body: sdpFragment(pc.localDescription.sdp),
      headers: authHeaders({ 'Content-Type': 'application/trickle-ice-sdpfrag', 'If-Match': '*' }) });
    if (r.status !== 200) throw new Error(`ICE restart: server answered ${r.status}: ${(await r.text()).trim()}`);
    etag = r.headers.get('ETag') || etag;
    const frag = await r.text();
    const ufrag = frag.match(/a=ice-ufrag:(\S+)/)[1], pwd = frag.match(/a=ice-pwd:(\S+)/)[1];
    const remote = pc.remoteDescription.sdp.split(/\r?\n/).filter((l) => l && !l.startsWith('a=candidate:') && !l.startsWith('a=end-of-candidates'))
      .map((l) => l.startsWith('a=ice-ufrag:') ? 'a=ice-ufrag:' + ufrag : l.startsWith('a=ice-pwd:') ? 'a=ice-pwd:' + pwd : l).join('\r\n') + '\r\n';
    await pc.setRemoteDescription({ type: 'answer', sdp: remote });
    let mid = '0';
    for (const l of frag.split(/\r?\n/)) {
      if (l.startsWith('a=mid:')) mid = l.slice(6);
      if (l.startsWith('a=candidate:')) await pc.addIceCandidate({ candidate: l.slice(2), sdpMid: mid });
    }
    return r.status;
  } catch (err) {
    showError(err.message || String(err));
    return -1;
  } finally {
    restarting = false;
  }
}
window.remotemedia = { restartIce, refreshStatus, peakDb: () => peakDb, inferences: () => inferences.slice(), frameErrors: () => frameErrors.slice() };
window.addEventListener('online', () => restartIce());
if (navigator.connection) navigator.connection.addEventListener('change', () => restartIce());

function gatheringComplete(peer, ms) {
  if (peer.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => { if (peer.iceGatheringState === 'complete') resolve(); };
    peer.addEventListener('icegatheringstatechange', done);
    setTimeout(resolve, ms);
  });
}

async function stop() {
  if (whipUrl) { try { await fetch(whipUrl, { method: 'DELETE', headers: authHeaders({}) }); } catch (e) { /* server gone */ } }
  whipUrl = null;
  etag = null;
  clearTimeout(lostTimer);
  if (pc) pc.close();
  pc = null;
  if (stream) stream.getTracks().forEach((t) => t.stop());
  stream = null;
  clearInterval(meterTimer);
  $('level').style.width = '0';
  $('cameraBox').hidden = true;
  $('start').disabled = false;
  $('sample').disabled = false;
  $('stop').disabled = true;
  $('vad').classList.remove('speaking');
  $('vadLabel').textContent = 'silence';
  setState('disconnected', 'idle');
}

$('start').onclick = () => start(false);
$('sample').onclick = () => start(true);
$('stop').onclick = stop;
window.addEventListener('beforeunload', () => { if (whipUrl) fetch(whipUrl, { method: 'DELETE', keepalive: true, headers: authHeaders({}) }); });
