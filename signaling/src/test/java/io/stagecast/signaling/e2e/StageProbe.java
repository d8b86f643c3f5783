package io.stagecast.signaling.e2e;

/**
 * Scripts a test puts into the room web app's pages: before the app loads, a recorder of the
 * WebSocket (every socket the app opens, in {@code __sc.sockets}; every event the server pushes and
 * every request the app sends, with the time), an
 * optional style sheet (a tile of a fixed size) and an optional replacement of the camera and
 * microphone (a smaller capture; a WebAudio tone or silence instead of the fake microphone's beeps,
 * so RFC 6464 audio levels say who speaks); after, what the viewer decodes per track and what the
 * publisher encodes per simulcast layer, read from getStats.
 */
final class StageProbe {
    private StageProbe() {
    }

    /** How a page is set up before the app runs. */
    record Setup(String css, int videoWidth, int videoHeight, boolean webAudioMicrophone) {
        static Setup plain() {
            return new Setup("", 0, 0, false);
        }

        /** Every stage tile (and its video) exactly {@code width} CSS pixels wide, 16:9. */
        static Setup tileWidth(int width) {
            int height = width * 9 / 16;
            return new Setup(".tile { width: " + width + "px !important; height: " + height + "px !important;"
                    + " flex: none !important; } .tile video { width: " + width + "px !important; height: "
                    + height + "px !important; }", 0, 0, false);
        }

        /** A camera of {@code width}x{@code height} at 15 fps and a WebAudio microphone, silent until {@code __sc.speak(true)}. */
        static Setup speaker(int width, int height) {
            return new Setup("", width, height, true);
        }

        private String json() {
            return "{css: " + quote(css) + ", videoWidth: " + videoWidth + ", videoHeight: " + videoHeight
                    + ", webAudioMicrophone: " + webAudioMicrophone + "}";
        }
    }

    /** Runs before the app's modules: they open the WebSocket and the devices after it. */
    static String beforeApp(Setup setup) {
        return "(() => {"
                + "if (window.__sc) return;"
                + "const cfg = " + setup.json() + ";"
                + "const sc = window.__sc = {events: [], sent: [], sockets: [], gains: [], speaking: false, speakAt: 0};"
                + "const Native = window.WebSocket;"
                + "class RecordingWebSocket extends Native {"
                + "  constructor(...args) { super(...args); sc.sockets.push(this);"
                + "    this.addEventListener('message', (e) => { try { const m = JSON.parse(e.data);"
                + "      if (m.type === 'event') sc.events.push({at: Date.now(), event: m.event,"
                + "        data: m.event === 'subscriberOffer' ? null : JSON.stringify(m)}); } catch (_) {} }); }"
                + "  send(data) { try { const m = JSON.parse(data);"
                + "      if (m.type !== 'publish' && m.type !== 'answer') sc.sent.push({at: Date.now(), type: m.type, data: JSON.stringify(m)});"
                + "    } catch (_) {} return super.send(data); }"
                + "}"
                + "window.WebSocket = RecordingWebSocket;"
                + "if (cfg.css) { const add = () => { const st = document.createElement('style'); st.id = 'sc-test-style';"
                + "  st.textContent = cfg.css; document.head.append(st); };"
                + "  if (document.head) add(); else document.addEventListener('DOMContentLoaded', add); }"
                + "sc.speak = (on) => { sc.speaking = on; sc.speakAt = Date.now();"
                + "  for (const g of sc.gains) g.gain.value = on ? 0.6 : 0; return sc.speakAt; };"
                + "if (!cfg.videoWidth && !cfg.webAudioMicrophone) return;"
                + "const md = navigator.mediaDevices; const original = md.getUserMedia.bind(md);"
                + "md.getUserMedia = async (constraints) => {"
                + "  const c = Object.assign({}, constraints || {});"
                + "  if (cfg.videoWidth && c.video) c.video = Object.assign({}, typeof c.video === 'object' ? c.video : {},"
                + "    {width: {ideal: cfg.videoWidth}, height: {ideal: cfg.videoHeight}, frameRate: {ideal: 15}});"
                + "  const stream = await original(c);"
                + "  if (cfg.webAudioMicrophone && c.audio) {"
                + "    const ctx = sc.ctx || (sc.ctx = new AudioContext()); if (ctx.state !== 'running') ctx.resume();"
                + "    const osc = ctx.createOscillator(); osc.type = 'sawtooth'; osc.frequency.value = 220;"
                + "    const gain = ctx.createGain(); gain.gain.value = sc.speaking ? 0.6 : 0;"
                + "    const dest = ctx.createMediaStreamDestination(); osc.connect(gain); gain.connect(dest); osc.start();"
                + "    sc.gains.push(gain);"
                + "    for (const t of stream.getAudioTracks()) { stream.removeTrack(t); t.stop(); }"
                + "    stream.addTrack(dest.stream.getAudioTracks()[0]);"
                + "  }"
                + "  return stream;"
                + "};"
                + "})();";
    }

    /** What the page shows and decodes: every stage tile, and every inbound video stream of the receiving connection. */
    static final String VIEWER_STATS = "const done = arguments[arguments.length - 1];"
            + "const tiles = [...document.querySelectorAll('.tile')].map(t => { const v = t.querySelector('video');"
            + "  const tr = v && v.srcObject && v.srcObject.getVideoTracks()[0]; const b = (v || t).getBoundingClientRect();"
            + "  return {participant: t.dataset.participantId || t.dataset.participant || '', trackId: t.dataset.trackId || '',"
            + "    track: tr ? tr.id : '', dominant: t.dataset.dominant || '', mine: t.classList.contains('mine'),"
            + "    shownWidth: Math.round(b.width), shownHeight: Math.round(b.height)}; });"
            + "const pc = window.stagecast && window.stagecast.sub;"
            + "if (!pc) { done({now: Date.now(), tracks: [], tiles}); return; }"
            + "pc.getStats().then(report => { const tracks = [];"
            + "  report.forEach(s => { if (s.type !== 'inbound-rtp' || s.kind !== 'video') return;"
            + "    tracks.push({track: s.trackIdentifier || '', mid: s.mid || '', width: s.frameWidth || 0, height: s.frameHeight || 0,"
            + "      framesDecoded: s.framesDecoded || 0, keyFrames: s.keyFramesDecoded || 0, packets: s.packetsReceived || 0,"
            + "      bytes: s.bytesReceived || 0, freezes: s.freezeCount || 0, freezeSeconds: s.totalFreezesDuration || 0,"
            + "      fps: s.framesPerSecond || 0, lost: s.packetsLost || 0, plis: s.pliCount || 0}); });"
            + "  done({now: Date.now(), tracks, tiles}); }, e => done({error: String(e)}));";

    /**
     * The audio level (0..1, from the decoded audio) this page receives per publisher: the mid of
     * each inbound audio stream, matched to the participant its m-section's msid names.
     */
    static final String VIEWER_AUDIO = "const done = arguments[arguments.length - 1];"
            + "const pc = window.stagecast && window.stagecast.sub;"
            + "if (!pc || !pc.remoteDescription) { done({}); return; }"
            + "const owner = {};"
            + "for (const section of pc.remoteDescription.sdp.split(/\\r?\\nm=/).slice(1)) {"
            + "  const mid = (section.match(/a=mid:(\\S+)/) || [])[1]; const msid = section.match(/a=msid:(\\S+) /);"
            + "  if (mid && msid) owner[mid] = msid[1]; }"
            + "pc.getStats().then(report => { const out = {};"
            + "  report.forEach(s => { if (s.type === 'inbound-rtp' && s.kind === 'audio' && owner[s.mid])"
            + "    out[owner[s.mid]] = Math.max(out[owner[s.mid]] || 0, s.audioLevel || 0); });"
            + "  done(out); }, e => done({error: String(e)}));";

    /** The publisher's simulcast layers: outbound-rtp per rid, and what the sender's parameters say is active. */
    static final String PUBLISHER_STATS = "const done = arguments[arguments.length - 1];"
            + "const pc = window.stagecast && window.stagecast.pub;"
            + "if (!pc) { done({now: Date.now(), layers: [], params: []}); return; }"
            + "const params = [];"
            + "for (const s of pc.getSenders()) { if (!s.track || s.track.kind !== 'video') continue;"
            + "  for (const e of s.getParameters().encodings || []) params.push({rid: e.rid || '', active: e.active !== false}); }"
            + "pc.getStats().then(report => { const layers = [];"
            + "  report.forEach(s => { if (s.type !== 'outbound-rtp' || s.kind !== 'video') return;"
            + "    layers.push({rid: s.rid || '', active: s.active !== false, bytes: s.bytesSent || 0, width: s.frameWidth || 0,"
            + "      height: s.frameHeight || 0, frames: s.framesEncoded || 0, fps: s.framesPerSecond || 0,"
            + "      limit: s.qualityLimitationReason || '', targetKbps: Math.round((s.targetBitrate || 0) / 1000)}); });"
            + "  done({now: Date.now(), layers, params}); }, e => done({error: String(e)}));";

    private static String quote(String s) {
        StringBuilder out = new StringBuilder("'");
        for (char c : s.toCharArray()) {
            if (c == '\'' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.append('\'').toString();
    }
}
