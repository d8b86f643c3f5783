'use strict';
// The minimal stagecast client: join a room over WebSocket, publish camera and microphone when the
// token allows it, and show every stage track. Protocol: docs/protocol.md.

const params = new URLSearchParams(location.search);
const roomName = decodeURIComponent((location.pathname.match(/^\/room\/([^/]+)/) || [])[1] || 'demo');
const token = params.get('token');
const $ = (id) => document.getElementById(id);

class Signaling {
  constructor(url) {
    this.nextId = 1;
    this.pending = new Map();
    this.handlers = {};
    this.ws = new WebSocket(url);
    this.opened = new Promise((resolve, reject) => {
      this.ws.onopen = resolve;
      this.ws.onerror = () => reject(new Error('cannot reach the server'));
    });
    this.ws.onmessage = (e) => this.onMessage(JSON.parse(e.data));
    this.ws.onclose = (e) => (this.handlers.close || (() => {}))(e);
  }
  onMessage(msg) {
    if (msg.type === 'response') {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      msg.ok ? p.resolve(msg.data) : p.reject(Object.assign(new Error(msg.error.message), { code: msg.error.code }));
    } else if (msg.type === 'event') {
      (this.handlers[msg.event] || (() => {}))(msg);
    }
  }
  on(event, handler) { this.handlers[event] = handler; }
  request(type, body = {}) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ id, type, ...body }));
    });
  }
}

const state = { me: null, names: new Map(), pub: null, sub: null, subQueue: Promise.resolve(), localStream: null };
window.stagecast = state; // tests read peer connections and stats through this

function showError(text) {
  const box = $('error');
  box.textContent = text;
  box.hidden = false;
}

function setStatus(text) { $('status').textContent = text; }

function tileFor(streamId, name, local) {
  let tile = document.querySelector(`.tile[data-stream="${CSS.escape(streamId)}"]`);
  if (!tile) {
    tile = document.createElement('div');
    tile.className = 'tile' + (local ? ' local' : '');
    tile.dataset.stream = streamId;
    const video = document.createElement('video');
    video.autoplay = true;
    video.playsInline = true;
    video.muted = !!local;
    const label = document.createElement('span');
    label.className = 'name';
    tile.append(video, label);
    $('stage').append(tile);
  }
  tile.querySelector('.name').textContent = name || 'Guest';
  $('empty-stage').hidden = true;
  return tile;
}

function removeEmptyTiles() {
  for (const tile of document.querySelectorAll('.tile:not(.local)')) {
    const stream = tile.querySelector('video').srcObject;
    if (!stream || stream.getTracks().length === 0) tile.remove();
  }
  $('empty-stage').hidden = document.querySelectorAll('.tile').length > 0;
}

async function onSubscriberOffer(msg) {
  if (!state.sub) {
    state.sub = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
    state.sub.ontrack = (e) => {
      const stream = e.streams[0];
      if (!stream) return;
      const tile = tileFor(stream.id, state.names.get(stream.id), false);
      const video = tile.querySelector('video');
      if (video.srcObject !== stream) video.srcObject = stream;
      stream.onremovetrack = removeEmptyTiles;
      video.play().catch(() => {});
    };
    state.sub.onconnectionstatechange = () => setStatus('receiving: ' + state.sub.connectionState);
  }
  await state.sub.setRemoteDescription({ type: 'offer', sdp: msg.sdp });
  const answer = await state.sub.createAnswer();
  await state.sub.setLocalDescription(answer);
  await signaling.request('answer', { sdp: answer.sdp, revision: msg.revision });
  removeEmptyTiles();
}

async function publish({ simulcast = false } = {}) {
  if (state.pub) return;
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 1280, height: 720 } });
  state.localStream = stream;
  const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
  state.pub = pc;
  for (const track of stream.getTracks()) {
    const init = { direction: 'sendonly', streams: [stream] };
    if (simulcast && track.kind === 'video') {
      init.sendEncodings = [
        { rid: 'q', scaleResolutionDownBy: 4 },
        { rid: 'h', scaleResolutionDownBy: 2 },
        { rid: 'f' },
      ];
    }
    pc.addTransceiver(track, init);
  }
  await pc.setLocalDescription(await pc.createOffer());
  const tracks = {};
  for (const t of pc.getTransceivers()) tracks[t.mid] = t.sender.track.kind === 'audio' ? 'microphone' : 'camera';
  const { sdp } = await signaling.request('publish', { sdp: pc.localDescription.sdp, tracks });
  await pc.setRemoteDescription({ type: 'answer', sdp });
  // On stage, microphone and camera start off: turn them on, as a person would.
  await signaling.request('media.microphone', { on: true });
  await signaling.request('media.camera', { on: true });
  const tile = tileFor('local', 'You', true);
  tile.querySelector('video').srcObject = stream;
  $('publish').hidden = true;
  $('unpublish').hidden = false;
}

async function unpublish() {
  await signaling.request('unpublish');
  if (state.pub) state.pub.close();
  state.pub = null;
  if (state.localStream) state.localStream.getTracks().forEach((t) => t.stop());
  const local = document.querySelector('.tile.local');
  if (local) local.remove();
  $('publish').hidden = !state.me.mayPublish;
  $('unpublish').hidden = true;
}

state.publish = publish;
state.unpublish = unpublish;

/** What the tests poll: totals over every inbound RTP stream of the receive connection. */
state.inboundStats = async () => {
  const out = { framesDecoded: 0, audioPacketsReceived: 0, videoPacketsReceived: 0, tracks: 0 };
  if (!state.sub) return out;
  const report = await state.sub.getStats();
  report.forEach((s) => {
    if (s.type !== 'inbound-rtp') return;
    out.tracks++;
    if (s.kind === 'video') {
      out.framesDecoded += s.framesDecoded || 0;
      out.videoPacketsReceived += s.packetsReceived || 0;
    } else if (s.kind === 'audio') {
      out.audioPacketsReceived += s.packetsReceived || 0;
    }
  });
  return out;
};

let signaling;
async function start() {
  $('room-name').textContent = roomName;
  if (!token) {
    setStatus('no token');
    showError('This link has no token. Ask the room\'s host for an invitation link.');
    return;
  }
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  signaling = new Signaling(`${scheme}://${location.host}/ws`);
  signaling.on('subscriberOffer', (msg) => {
    state.subQueue = state.subQueue.then(() => onSubscriberOffer(msg)).catch((e) => showError('media negotiation failed: ' + e.message));
  });
  signaling.on('participant.added', (msg) => state.names.set(msg.participant.id, msg.participant.name));
  signaling.on('close', () => { setStatus('disconnected'); });
  try {
    await signaling.opened;
    const autopublish = params.get('autopublish') === '1';
    const me = await signaling.request('join', { room: roomName, token, stage: autopublish, mobile: false });
    if (params.get('autostart') === '1' && me.role === 'moderator' && me.session === 'lobby') {
      await signaling.request('session.start');
    }
    state.me = me;
    for (const p of me.participants) state.names.set(p.id, p.name);
    $('who').textContent = `${me.name} (${me.role})`;
    setStatus('joined');
    $('publish').hidden = !me.mayPublish;
    if (me.mayPublish && autopublish) {
      await publish({ simulcast: params.get('simulcast') === '1' });
    }
  } catch (e) {
    setStatus('not joined');
    showError(e.message);
  }
}

$('publish').onclick = () => publish({ simulcast: params.get('simulcast') === '1' }).catch((e) => showError('cannot publish: ' + e.message));
$('unpublish').onclick = () => unpublish().catch((e) => showError(e.message));
start();
