// Peer connections: one to publish (while on stage), one the server offers to receive the stage.
// The server names each received track "<kind>-<producerId>" in its msid, with the publisher's
// participant id as the stream id (docs/protocol.md), so tiles know whose video is a screen share.

const SIMULCAST_LAYERS = [
  { rid: 'q', scaleResolutionDownBy: 4 },
  { rid: 'h', scaleResolutionDownBy: 2 },
  { rid: 'f' },
];

/** Sends camera, microphone and screen; every change is a new `publish` offer on the same connection. */
export class Publisher {
  constructor(signaling, { simulcast = false, iceServers = [] } = {}) {
    this.signaling = signaling;
    this.simulcast = simulcast;
    // iceServers: the TURN servers of the join response, for networks that block UDP to the node.
    this.pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', iceServers });
    this.kinds = new Map(); // transceiver -> microphone | camera | screen
    this.queue = Promise.resolve();
    this.closed = false;
  }

  /** Adds the stream's tracks and publishes them; rejects with the server's RequestError. */
  async start(stream) {
    for (const track of stream.getTracks()) this.add(track, stream, track.kind === 'audio' ? 'microphone' : 'camera');
    await this.negotiate();
  }

  add(track, stream, kind) {
    const init = { direction: 'sendonly', streams: [stream] };
    if (kind === 'camera' && this.simulcast) init.sendEncodings = SIMULCAST_LAYERS;
    const transceiver = this.pc.addTransceiver(track, init);
    this.kinds.set(transceiver, kind);
    return transceiver;
  }

  async shareScreen(stream) {
    const [track] = stream.getVideoTracks();
    this.add(track, stream, 'screen');
    await this.negotiate();
  }

  async stopScreen() {
    for (const [transceiver, kind] of this.kinds) {
      if (kind !== 'screen') continue;
      transceiver.sender.track?.stop();
      transceiver.stop();
      this.kinds.delete(transceiver);
    }
    await this.negotiate();
  }

  /** Swaps the camera or microphone for another device without renegotiating. */
  async replace(kind, track) {
    for (const [transceiver, k] of this.kinds) {
      if (k === kind) await transceiver.sender.replaceTrack(track);
    }
  }

  track(kind) {
    for (const [transceiver, k] of this.kinds) if (k === kind) return transceiver.sender.track;
    return null;
  }

  /**
   * media.layers (docs/protocol.md): the server says which simulcast layers of the m-section `mid`
   * some viewer needs; the others stop being encoded (saving uplink and CPU) until one is needed
   * again. Runs in the negotiation queue: setParameters must not race a renegotiation.
   */
  setLayers({ mid, active }) {
    const run = async () => {
      if (this.closed || !active) return;
      const transceiver = this.pc.getTransceivers().find((t) => t.mid === mid && !t.stopped);
      if (!transceiver) return;
      const params = transceiver.sender.getParameters();
      let changed = false;
      for (const encoding of params.encodings || []) {
        if (!encoding.rid || !Object.prototype.hasOwnProperty.call(active, encoding.rid)) continue;
        const on = active[encoding.rid] === true;
        if (encoding.active !== on) {
          encoding.active = on;
          changed = true;
        }
      }
      if (changed) await transceiver.sender.setParameters(params);
    };
    this.queue = this.queue.catch(() => {}).then(run);
    return this.queue;
  }

  /** For tests: every sending encoding as {mid, kind, rid, active}. */
  encodings() {
    const out = [];
    for (const [transceiver, kind] of this.kinds) {
      if (transceiver.stopped) continue;
      for (const e of transceiver.sender.getParameters().encodings || []) {
        out.push({ mid: transceiver.mid, kind, rid: e.rid ?? null, active: e.active !== false });
      }
    }
    return out;
  }

  negotiate() {
    const run = async () => {
      if (this.closed) return;
      await this.pc.setLocalDescription(await this.pc.createOffer());
      const tracks = {};
      for (const [transceiver, kind] of this.kinds) {
        if (transceiver.mid !== null && !transceiver.stopped) tracks[transceiver.mid] = kind;
      }
      const { sdp } = await this.signaling.request('publish', { sdp: this.pc.localDescription.sdp, tracks });
      if (!this.closed) await this.pc.setRemoteDescription({ type: 'answer', sdp });
    };
    this.queue = this.queue.catch(() => {}).then(run);
    return this.queue;
  }

  close() {
    this.closed = true;
    for (const transceiver of this.kinds.keys()) transceiver.sender.track?.stop();
    this.kinds.clear();
    this.pc.close();
  }
}

/** What one m-section of the server's offer carries. */
function describeOffer(sdp) {
  const sections = sdp.split(/\r?\nm=/).slice(1);
  const out = new Map();
  for (const section of sections) {
    const media = section.startsWith('audio') ? 'audio' : 'video';
    const mid = (section.match(/\r?\na=mid:(\S+)/) || [])[1];
    if (mid === undefined) continue;
    const active = !/\r?\na=(inactive|recvonly)/.test(section) && !/^\S+ 0 /.test(section);
    const msid = section.match(/\r?\na=msid:(\S+) (\S+)/) || section.match(/\r?\na=ssrc:\d+ msid:(\S+) (\S+)/);
    const trackId = msid ? msid[2] : '';
    const prefix = trackId.split('-')[0];
    const kind = ['microphone', 'camera', 'screen'].includes(prefix) ? prefix : (media === 'audio' ? 'microphone' : 'camera');
    out.set(mid, { mid, media, active, participantId: msid ? msid[1] : '', kind, trackId });
  }
  return out;
}

/**
 * Answers the server's subscriberOffers and keeps, per publisher, the live tracks by kind.
 * `onchange(map)` gets participantId -> {microphone, camera, screen} after every negotiation.
 */
export class Receiver {
  constructor(signaling, onchange) {
    this.signaling = signaling;
    this.onchange = onchange;
    this.pc = null;
    this.sections = new Map();
    this.queue = Promise.resolve();
    this.tracks = new Map();
    this.trackIds = new WeakMap(); // MediaStreamTrack -> the server's track id (its msid, docs/protocol.md)
    this.onerror = () => {};
    this.iceServers = []; // set from the join response
  }

  /** The server's id of a received track ("camera-<producerId>"): what media.viewport names. */
  trackIdOf(track) {
    return (track && this.trackIds.get(track)) || null;
  }

  offer(msg) {
    this.queue = this.queue.then(() => this.answer(msg)).catch((e) => this.onerror(e));
  }

  async answer({ sdp, revision }) {
    if (!this.pc) {
      this.pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', iceServers: this.iceServers });
      this.pc.ontrack = () => {}; // tracks are read from the transceivers once the offer is applied
    }
    await this.pc.setRemoteDescription({ type: 'offer', sdp });
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    this.sections = describeOffer(sdp);
    this.collect();
    await this.signaling.request('answer', { sdp: answer.sdp, revision });
  }

  collect() {
    const tracks = new Map();
    for (const transceiver of this.pc.getTransceivers()) {
      const info = this.sections.get(transceiver.mid);
      if (!info || !info.active || !info.participantId) continue;
      if (!tracks.has(info.participantId)) tracks.set(info.participantId, {});
      tracks.get(info.participantId)[info.kind] = transceiver.receiver.track;
      // Browsers need not keep the msid's track id as MediaStreamTrack.id: remember it ourselves.
      this.trackIds.set(transceiver.receiver.track, info.trackId);
    }
    this.tracks = tracks;
    this.onchange(tracks);
  }

  /** participantId -> audio level 0..1 of its microphone, from the receiver's stats. */
  async audioLevels() {
    const levels = new Map();
    if (!this.pc) return levels;
    const report = await this.pc.getStats();
    report.forEach((s) => {
      if (s.type !== 'inbound-rtp' || s.kind !== 'audio') return;
      const info = this.sections.get(s.mid);
      if (info?.active) levels.set(info.participantId, s.audioLevel || 0);
    });
    return levels;
  }

  /** Starts over after a reconnect: the server offers the stage again from scratch. */
  reset() {
    if (this.pc) this.pc.close();
    this.pc = null;
    this.sections = new Map();
    this.queue = Promise.resolve();
    this.tracks = new Map();
    this.onchange(this.tracks);
  }

  async inboundStats() {
    const out = { framesDecoded: 0, audioPacketsReceived: 0, videoPacketsReceived: 0, tracks: 0 };
    if (!this.pc) return out;
    const report = await this.pc.getStats();
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
  }
}
