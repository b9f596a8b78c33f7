// The page of `ivsrt open`: publishes this browser's camera and microphone into a local stage over the
// emulator's WHIP route, plays every other publisher through the subscribe route, keeps a roster, and shows
// the stage's events as they happen from the stage event channel (a WebSocket at <events_url>/<topic> on
// this page's origin, the token as its subprotocol; src/emulator/http/stage-socket.ts).
// Its one credential is the participant token in the URL fragment (#token=...), which no server sees
// in a request line. Every request goes to this page's own origin (the Content-Security-Policy allows
// no other), at the path of the token's whip_url.
'use strict';

/** The roster is fetched when the event channel says something changed; this often besides (a dropped channel, a token expiring on a clock nobody moves). */
const FALLBACK_POLL_MS = 2000;
const STATS_MS = 1000;
const RECONNECT_MS = 2000;
/** Entries the event feed keeps. */
const FEED_MAX = 100;

const $ = (id) => document.getElementById(id);
const state = {
  token: '',
  whipPath: '',
  self: undefined,
  /** The local publication: { pc, stream, location, muted }. */
  publication: undefined,
  /** Subscriptions by publisher participant id: { pc, location, tile, lastBytes, lastAt }. */
  subscriptions: new Map(),
  /** Publishers whose subscription is being set up (so a poll does not start a second one). */
  pending: new Set(),
  stopped: false,
  /** Composition tiles by composition id: { tile, player, hls, starting }. */
  compositions: new Map(),
  /** User ids by participant id, from the roster (the feed names participants by them). */
  names: new Map(),
  /** The stage event channel, while open. */
  socket: undefined,
};

/** Plain words for the stage's refusals; `code` as the subscribe and participants routes send it. */
const PROBLEMS = {
  TOKEN_EXPIRED: 'Your participant token has expired. Run `ivsrt open <stage>` again for a new page.',
  TOKEN_REVOKED: 'You were disconnected from this stage and your token was revoked. Run `ivsrt open <stage>` again to rejoin.',
  TOKEN_MALFORMED: 'The token in this page\'s address is not a participant token. Open the page with `ivsrt open <stage>`.',
  TOKEN_BAD_SIGNATURE: 'The token in this page\'s address is not signed by this emulator (was it made by another one?). Run `ivsrt open <stage>` again.',
  TOKEN_UNKNOWN_KEY: 'The token is signed with a public key this emulator does not have. Run `ivsrt open <stage>` again.',
  TOKEN_INVALID_CLAIMS: 'The token is for another stage or emulator. Run `ivsrt open <stage>` again.',
  ACCESS_DENIED: 'The emulator refused this page\'s event channel (the address is not one of its names).',
  INSUFFICIENT_CAPABILITIES: 'Your token lacks the capability for this. Run `ivsrt open <stage> --capabilities publish,subscribe`.',
  NOT_FOUND: 'The stage of this token no longer exists (it was deleted?).',
};

function showError(message) {
  const box = $('error');
  box.textContent = message;
  box.hidden = false;
}

function setStatus(text) {
  $('status').textContent = text;
}

/** Ends everything: the token no longer works. */
function fail(message) {
  state.stopped = true;
  state.socket?.close();
  setFeedStatus('closed', false);
  showError(message);
  stopPublishing();
  for (const id of [...state.subscriptions.keys()]) unsubscribe(id);
  for (const id of [...state.compositions.keys()]) removeComposition(id);
  for (const button of ['publish', 'mute', 'stop']) $(button).disabled = true;
}

/** The payload of a JWT, without checking it (the emulator does that). */
function claimsOf(token) {
  const part = token.split('.')[1] || '';
  const json = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
  return JSON.parse(json);
}

/** A refusal from the emulator as plain words: the JSON code when there is one, else the text. */
async function refusal(res) {
  const text = await res.text();
  let code;
  let message = text.trim();
  try {
    const body = JSON.parse(text);
    code = body.code;
    message = body.message || message;
  } catch {
    const match = /^(expired|revoked|malformed|bad-signature|unknown-key|invalid-claims):/.exec(message);
    if (match) code = `TOKEN_${match[1].toUpperCase().replace('-', '_')}`;
  }
  return { code, message, fatal: typeof code === 'string' && code.startsWith('TOKEN_'), words: PROBLEMS[code] || message || `HTTP ${res.status}` };
}

function authorized(init = {}) {
  return { ...init, headers: { ...(init.headers || {}), Authorization: `Bearer ${state.token}` } };
}

/** Posts the offer of `pc` (all candidates gathered: the emulator does no trickle ICE); returns the Location. */
async function offer(pc, url) {
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
  });
  const res = await fetch(url, authorized({ method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: pc.localDescription.sdp }));
  if (res.status !== 201) throw await refusal(res);
  const location = res.headers.get('Location');
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  return location;
}

/** Ends a WHIP session on the emulator (best effort: it also ends when the connection drops). */
function release(location) {
  if (location) fetch(new URL(location).pathname, authorized({ method: 'DELETE' })).catch(() => {});
}

// --- tiles ---------------------------------------------------------------------------------------

/** A tile: a participant's (`data-participant-id`) or, with `kind` 'composition', a composition's output (`data-composition-id`). */
function makeTile(id, label, kind = 'participant') {
  const tile = document.createElement('figure');
  tile.className = 'tile';
  tile.dataset.testid = kind;
  if (kind === 'participant') tile.dataset.participantId = id;
  else tile.dataset.compositionId = id;
  const video = document.createElement('video');
  video.autoplay = true;
  video.playsInline = true;
  const caption = document.createElement('figcaption');
  const name = document.createElement('div');
  name.className = 'name';
  name.textContent = label;
  const attrs = document.createElement('div');
  attrs.className = 'attrs';
  const stats = document.createElement('div');
  stats.className = 'stats';
  stats.dataset.testid = 'stats';
  caption.append(name, attrs, stats);
  tile.append(video, caption);
  $('tiles').append(tile);
  return tile;
}

function describeAttributes(attributes) {
  const entries = Object.entries(attributes || {});
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(', ') : '';
}

/** Resolution, fps, bitrate and loss from one RTP stream's stats, against the previous sample. */
async function sampleStats(pc, direction, previous) {
  const report = await pc.getStats();
  let video;
  let audioBytes = 0;
  for (const s of report.values()) {
    if (s.type !== direction) continue;
    if (s.kind === 'video') video = s;
    else if (s.kind === 'audio') audioBytes = s.bytesReceived || s.bytesSent || 0;
  }
  if (!video) return { text: 'no video yet', previous };
  const bytes = (video.bytesReceived || video.bytesSent || 0) + audioBytes;
  const at = performance.now();
  const kbps = previous ? Math.round(((bytes - previous.bytes) * 8) / (at - previous.at)) : 0;
  const received = video.packetsReceived || 0;
  const lost = video.packetsLost || 0;
  const loss = received + lost > 0 ? ((100 * lost) / (received + lost)).toFixed(1) : '0.0';
  const size = video.frameWidth ? `${video.frameWidth}x${video.frameHeight}` : 'no frames yet';
  const fps = video.framesPerSecond !== undefined ? `${Math.round(video.framesPerSecond)} fps` : '';
  const parts = [size, fps, `${kbps} kbps`];
  if (direction === 'inbound-rtp') parts.push(`${loss}% loss`);
  return { text: parts.filter(Boolean).join(' · '), previous: { bytes, at } };
}

async function refreshStats() {
  for (const entry of state.compositions.values()) {
    const video = entry.tile.querySelector('video');
    if (entry.player && video.videoWidth) entry.tile.querySelector('.stats').textContent = `${video.videoWidth}x${video.videoHeight} · live output · ${entry.player}`;
  }
  const all = [...state.subscriptions.values()].filter((entry) => entry.pc);
  if (state.publication) all.push(state.publication);
  await Promise.all(
    all.map(async (entry) => {
      try {
        const { text, previous } = await sampleStats(entry.pc, entry === state.publication ? 'outbound-rtp' : 'inbound-rtp', entry.previousStats);
        entry.previousStats = previous;
        entry.tile.querySelector('.stats').textContent = text;
      } catch {
        // a connection closed while sampling: its tile is going away
      }
    }),
  );
}

// --- publishing ----------------------------------------------------------------------------------

async function listDevices() {
  const devices = await navigator.mediaDevices.enumerateDevices();
  for (const [kind, select] of [['videoinput', $('camera')], ['audioinput', $('microphone')]]) {
    const chosen = select.value;
    select.replaceChildren(
      ...devices
        .filter((d) => d.kind === kind)
        .map((d, i) => {
          const option = new Option(d.label || `${kind === 'videoinput' ? 'Camera' : 'Microphone'} ${i + 1}`, d.deviceId);
          option.selected = d.deviceId === chosen;
          return option;
        }),
    );
  }
}

function cameraProblem(error) {
  if (error && (error.name === 'NotAllowedError' || error.name === 'SecurityError')) {
    return 'The browser was denied the camera or microphone. Allow them for this page (the camera icon in the address bar), then press Publish again.';
  }
  if (error && error.name === 'NotFoundError') return 'No camera or microphone was found. Connect one, then press Publish again.';
  if (error && error.name === 'NotReadableError') return 'The camera or microphone is in use by another program. Close it, then press Publish again.';
  return `Could not start the camera or microphone: ${error && error.message ? error.message : error}`;
}

async function startPublishing() {
  if (state.publication || state.stopped) return;
  $('publish').disabled = true;
  setStatus('Starting the camera...');
  let stream;
  try {
    const camera = $('camera').value;
    const microphone = $('microphone').value;
    stream = await navigator.mediaDevices.getUserMedia({
      video: { width: { ideal: 640 }, height: { ideal: 480 }, ...(camera ? { deviceId: { exact: camera } } : {}) },
      audio: microphone ? { deviceId: { exact: microphone } } : true,
    });
  } catch (error) {
    showError(cameraProblem(error));
    setStatus('');
    $('publish').disabled = false;
    return;
  }
  listDevices().catch(() => {});
  const pc = new RTCPeerConnection();
  for (const track of stream.getTracks()) pc.addTransceiver(track, { direction: 'sendonly' });
  const tile = makeTile(state.self.participantId, `${state.self.userId || state.self.participantId} (you)`);
  tile.dataset.self = 'true';
  const video = tile.querySelector('video');
  video.muted = true;
  video.srcObject = stream;
  state.publication = { pc, stream, tile, location: undefined, muted: false };
  setStatus('Publishing...');
  try {
    state.publication.location = await offer(pc, `${state.whipPath}/publish/${encodeURIComponent(state.self.participantId)}`);
  } catch (problem) {
    stopPublishing();
    if (problem.fatal) return fail(problem.words);
    showError(`Could not publish: ${problem.words || problem.message || problem}`);
    return;
  }
  $('error').hidden = true;
  $('mute').disabled = false;
  $('stop').disabled = false;
  setStatus('Publishing');
}

function toggleMute() {
  const publication = state.publication;
  if (!publication) return;
  publication.muted = !publication.muted;
  for (const track of publication.stream.getTracks()) track.enabled = !publication.muted;
  $('mute').textContent = publication.muted ? 'Unmute' : 'Mute';
  setStatus(publication.muted ? 'Publishing (muted)' : 'Publishing');
}

function stopPublishing() {
  const publication = state.publication;
  if (!publication) return;
  state.publication = undefined;
  release(publication.location);
  publication.pc.close();
  for (const track of publication.stream.getTracks()) track.stop();
  publication.tile.remove();
  $('mute').disabled = true;
  $('mute').textContent = 'Mute';
  $('stop').disabled = true;
  $('publish').disabled = state.stopped || !state.self.publish;
  setStatus('');
}

// --- subscribing ---------------------------------------------------------------------------------

/** Polls to wait before trying a refused subscription again (a publisher with no media yet, say). */
const RETRY_POLLS = 2;

async function subscribeTo(publisher) {
  const id = publisher.participantId;
  state.pending.add(id);
  const pc = new RTCPeerConnection();
  pc.addTransceiver('audio', { direction: 'recvonly' });
  pc.addTransceiver('video', { direction: 'recvonly' });
  const previous = state.subscriptions.get(id);
  const tile = previous ? previous.tile : makeTile(id, publisher.userId || id);
  tile.querySelector('.attrs').textContent = describeAttributes(publisher.attributes);
  const stream = new MediaStream();
  const video = tile.querySelector('video');
  pc.ontrack = (event) => {
    stream.addTrack(event.track);
    video.srcObject = stream;
  };
  const entry = { pc, tile, location: undefined };
  state.subscriptions.set(id, entry);
  try {
    entry.location = await offer(pc, `${state.whipPath}/subscribe/${encodeURIComponent(id)}`);
  } catch (problem) {
    pc.close();
    if (problem.fatal) return fail(problem.words);
    // Not subscribable now (a simulated publisher sends no media): the tile says why, a later poll tries again.
    entry.pc = undefined;
    entry.retryIn = RETRY_POLLS;
    tile.querySelector('.stats').textContent = problem.words || String(problem);
  } finally {
    state.pending.delete(id);
  }
}

/** A simulated publisher sends no media: its tile says so instead of subscribing. */
function showSimulated(publisher) {
  const id = publisher.participantId;
  const tile = makeTile(id, publisher.userId || id);
  tile.dataset.simulated = 'true';
  tile.querySelector('.attrs').textContent = describeAttributes(publisher.attributes);
  tile.querySelector('.stats').textContent = 'simulated participant: publishes no media';
  state.subscriptions.set(id, { tile, simulated: true });
}

function unsubscribe(id) {
  const entry = state.subscriptions.get(id);
  if (!entry) return;
  state.subscriptions.delete(id);
  release(entry.location);
  entry.pc?.close();
  entry.tile.remove();
}

// --- composition output ---------------------------------------------------------------------------

/** hls.js, loaded the first time a browser without native HLS needs it (it is 390 KB). */
let hlsLoading;
function loadHls() {
  hlsLoading ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = 'hls.js';
    script.onload = () => resolve(window.Hls);
    script.onerror = () => reject(new Error('could not load the HLS player (hls.js)'));
    document.head.append(script);
  });
  return hlsLoading;
}

/** Plays a composition's live output in its tile: natively where the browser plays HLS, else through hls.js. */
async function playComposition(entry, path) {
  const video = entry.tile.querySelector('video');
  const stats = entry.tile.querySelector('.stats');
  // Its playlist appears with the first segment, a moment after the destination starts.
  const head = await fetch(path, { method: 'HEAD', cache: 'no-store' });
  if (!head.ok) {
    stats.textContent = 'waiting for the first segment...';
    return;
  }
  // Muted: it mixes everyone's audio, your own microphone included (its button unmutes it).
  video.muted = true;
  if (!entry.tile.querySelector('button.sound')) {
    const sound = document.createElement('button');
    sound.type = 'button';
    sound.className = 'sound';
    sound.textContent = 'Unmute';
    sound.addEventListener('click', () => {
      video.muted = !video.muted;
      sound.textContent = video.muted ? 'Unmute' : 'Mute';
    });
    entry.tile.querySelector('figcaption').append(sound);
  }
  // hls.js wherever Media Source Extensions exist: Chromium's own HLS player (156) stops with
  // DEMUXER_ERROR_COULD_NOT_PARSE on this live output, whose renderer restarts start a discontinuity.
  // The browser's own player where hls.js cannot run (iOS Safari has no MSE, and plays HLS itself).
  const Hls = window.MediaSource || window.ManagedMediaSource ? await loadHls() : undefined;
  if (Hls && Hls.isSupported()) {
    // No worker: the Content-Security-Policy allows none, and one stream needs none.
    const hls = new Hls({ enableWorker: false });
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (!data.fatal) return;
      hls.destroy();
      entry.hls = undefined;
      entry.player = undefined;
      stats.textContent = `playback stopped (${data.details}); trying again`;
    });
    hls.loadSource(path);
    hls.attachMedia(video);
    entry.hls = hls;
    entry.player = 'hls.js';
  } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = path;
    entry.player = 'native HLS';
  } else {
    stats.textContent = 'this browser cannot play HLS (no Media Source Extensions, no native HLS)';
    return;
  }
  entry.tile.dataset.player = entry.player;
  stats.textContent = `live output · ${entry.player}`;
  video.play().catch(() => {});
}

function removeComposition(id) {
  const entry = state.compositions.get(id);
  if (!entry) return;
  state.compositions.delete(id);
  entry.hls?.destroy();
  entry.tile.remove();
}

/** A tile per running composition with a channel destination (the roster lists them), playing its output. */
function syncCompositions(compositions) {
  const running = new Set(compositions.map((c) => c.compositionId));
  for (const id of [...state.compositions.keys()]) if (!running.has(id)) removeComposition(id);
  for (const c of compositions) {
    let entry = state.compositions.get(c.compositionId);
    if (!entry) {
      entry = { tile: makeTile(c.compositionId, `Composition ${c.compositionId} (channel output)`, 'composition') };
      state.compositions.set(c.compositionId, entry);
    }
    if (entry.player || entry.starting) continue;
    entry.starting = true;
    playComposition(entry, c.playbackPath)
      .catch((error) => (entry.tile.querySelector('.stats').textContent = String(error.message || error)))
      .finally(() => (entry.starting = false));
  }
}

// --- the roster ----------------------------------------------------------------------------------

function renderRoster(participants) {
  for (const p of participants) if (p.userId) state.names.set(p.participantId, p.userId);
  const items = participants.map((p) => {
    const li = document.createElement('li');
    li.dataset.participantId = p.participantId;
    li.dataset.state = p.state;
    li.dataset.publishing = String(p.publishing);
    const name = document.createElement('span');
    name.textContent = `${p.userId || p.participantId}${p.participantId === state.self.participantId ? ' (you)' : ''}`;
    const status = document.createElement('span');
    status.className = 'mark';
    status.textContent = p.state === 'CONNECTED' ? 'connected' : 'left';
    li.append(name, status);
    if (p.simulated) li.append(mark('simulated', 'mark sim'));
    if (p.publishing) li.append(mark('publishing', 'mark pub'));
    else if (p.published) li.append(mark('published', 'mark'));
    if (p.subscriptions.length) li.append(mark(`subscribed ×${p.subscriptions.length}`, 'mark'));
    return li;
  });
  $('roster').replaceChildren(...items);
}

function mark(text, className) {
  const span = document.createElement('span');
  span.className = className;
  span.textContent = text;
  return span;
}

async function poll() {
  if (state.stopped) return;
  let roster;
  try {
    const res = await fetch(`${state.whipPath}/participants`, authorized({ cache: 'no-store' }));
    if (res.status !== 200) {
      const problem = await refusal(res);
      if (problem.fatal || res.status === 404) return fail(problem.words);
      showError(problem.words);
      return;
    }
    roster = await res.json();
  } catch {
    showError('The local emulator does not answer. Is it still running? (`ivsrt local status`)');
    return;
  }
  if (!$('error').hidden && !state.stopped && /does not answer/.test($('error').textContent)) $('error').hidden = true;
  state.self = roster.self;
  $('stage-name').textContent = roster.stageName || roster.stageArn;
  const caps = [roster.self.publish && 'publish', roster.self.subscribe && 'subscribe'].filter(Boolean).join(' and ') || 'nothing';
  $('whoami').textContent = `You are ${roster.self.userId || 'participant'} (${roster.self.participantId}); your token may ${caps}.`;
  if (!roster.self.publish && !state.publication) {
    $('publish').disabled = true;
    $('publish').title = 'This token has no PUBLISH capability (run ivsrt open with --capabilities publish,subscribe)';
  }
  renderRoster(roster.participants);
  syncCompositions(roster.compositions || []);
  const publishing = new Map(roster.participants.filter((p) => p.publishing && p.participantId !== roster.self.participantId).map((p) => [p.participantId, p]));
  for (const id of [...state.subscriptions.keys()]) if (!publishing.has(id) && !state.pending.has(id)) unsubscribe(id);
  if (roster.self.subscribe) {
    for (const [id, publisher] of publishing) {
      if (state.pending.has(id)) continue;
      let entry = state.subscriptions.get(id);
      if (entry && Boolean(entry.simulated) !== Boolean(publisher.simulated)) {
        unsubscribe(id);
        entry = undefined;
      }
      if (!entry) {
        if (publisher.simulated) showSimulated(publisher);
        else subscribeTo(publisher);
      } else if (!entry.pc && !entry.simulated && --entry.retryIn <= 0) subscribeTo(publisher);
    }
  }
}

/** Fetches the roster now, or once more after the fetch under way (events come in bursts). */
let rosterBusy = false;
let rosterAgain = false;
async function refreshRoster() {
  if (rosterBusy) {
    rosterAgain = true;
    return;
  }
  rosterBusy = true;
  try {
    do {
      rosterAgain = false;
      await poll();
    } while (rosterAgain && !state.stopped);
  } finally {
    rosterBusy = false;
  }
}

// --- the event channel and feed ------------------------------------------------------------------

function clock(iso) {
  const at = iso ? new Date(iso) : new Date();
  return Number.isNaN(at.getTime()) ? '' : at.toISOString().slice(11, 19);
}

/** One line of the feed: what happened, to whom, and where it came from. */
function feedEntry(source, time, what, who) {
  const li = document.createElement('li');
  li.dataset.source = source;
  const stamp = document.createElement('time');
  stamp.textContent = clock(time);
  if (time) stamp.dateTime = time;
  const text = document.createElement('span');
  text.className = 'what';
  text.textContent = what;
  li.append(stamp, text);
  if (who) li.append(` ${who}`);
  const feed = $('feed');
  feed.prepend(li);
  while (feed.children.length > FEED_MAX) feed.lastChild.remove();
}

function nameOf(participantId, userId) {
  return userId || participantId || '';
}

function showEvent(message) {
  const event = message.payload || {};
  if (message.type === 'IVSRT_PARTICIPANT_EVENT') {
    const remote = event.remoteParticipantId ? ` → ${state.names.get(event.remoteParticipantId) || event.remoteParticipantId}` : '';
    const error = event.errorCode ? ` (${event.errorCode})` : '';
    feedEntry('participant', event.eventTime, `${event.name}${error}`, `${nameOf(event.participantId, event.userId)}${remote}`);
  } else if (message.type === 'IVSRT_EVENTBRIDGE') {
    const detail = event.detail || {};
    const who = nameOf(detail.participant_id, detail.user_id);
    feedEntry('eventbridge', event.time, `${event['detail-type']}: ${detail.event_name || ''}`, who);
  }
}

function setFeedStatus(text, live) {
  $('feed-status').textContent = text;
  $('feed-status').dataset.live = String(live);
}

function connectEvents(claims) {
  if (state.stopped) return;
  const path = new URL(claims.events_url).pathname.replace(/\/$/, '');
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}/${encodeURIComponent(claims.topic)}`;
  const socket = new WebSocket(url, [state.token]);
  state.socket = socket;
  let opened = false;
  socket.addEventListener('open', () => {
    opened = true;
    // The channel sends the session's recent events first: after a reconnect they replace what was shown.
    $('feed').replaceChildren();
    setFeedStatus('live', true);
  });
  socket.addEventListener('message', (message) => {
    let parsed;
    try {
      parsed = JSON.parse(message.data);
    } catch {
      return;
    }
    showEvent(parsed);
    if (parsed.type !== 'PONG') refreshRoster();
  });
  socket.addEventListener('close', (closed) => {
    state.socket = undefined;
    if (state.stopped) return;
    // The emulator closes with the reason's code when the token stops admitting this page.
    if (closed.code === 4403 || closed.code === 4404) return fail(PROBLEMS[closed.reason] || closed.reason);
    setFeedStatus(opened ? 'reconnecting...' : 'not connected', false);
    // A refused handshake says nothing to a page: the roster route says why (and fails the page if it must).
    refreshRoster();
    setTimeout(() => connectEvents(claims), RECONNECT_MS);
  });
}

async function loop(step, every) {
  while (!state.stopped) {
    await step();
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}

function start() {
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  if (!token) return showError('This page needs a participant token in its address (#token=...). Open it with `ivsrt open <stage>`.');
  let claims;
  try {
    claims = claimsOf(token);
  } catch {
    return showError(PROBLEMS.TOKEN_MALFORMED);
  }
  if (typeof claims.whip_url !== 'string' || typeof claims.events_url !== 'string' || typeof claims.topic !== 'string') return showError(PROBLEMS.TOKEN_MALFORMED);
  // `ivsrt open` sent the browser here with a launch id (src/open/browser.ts); it has done its work.
  if (location.search) history.replaceState(null, '', location.pathname + location.hash);
  state.token = token;
  state.whipPath = new URL(claims.whip_url).pathname.replace(/\/$/, '');
  state.self = { participantId: claims.jti, userId: claims.user_id, publish: true, subscribe: true };
  $('publish').addEventListener('click', startPublishing);
  $('mute').addEventListener('click', toggleMute);
  $('stop').addEventListener('click', stopPublishing);
  window.addEventListener('pagehide', () => {
    stopPublishing();
    for (const id of [...state.subscriptions.keys()]) unsubscribe(id);
  });
  listDevices().catch(() => {});
  connectEvents(claims);
  loop(refreshRoster, FALLBACK_POLL_MS);
  loop(refreshStats, STATS_MS);
}

start();
