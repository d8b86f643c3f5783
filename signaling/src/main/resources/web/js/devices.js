// The device check: camera, microphone and speaker pickers, a live preview and a level meter.
// Used before entering and again ("Get ready to join the stage") before going live.
import { h } from './dom.js';
import { icon } from './icons.js';

const STORE_KEY = 'stagecast.devices';

export function savedDevices() {
  try {
    return JSON.parse(localStorage.getItem(STORE_KEY)) || {};
  } catch {
    return {};
  }
}

function saveDevices(choice) {
  try {
    localStorage.setItem(STORE_KEY, JSON.stringify(choice));
  } catch {
    // private mode: the choice just is not remembered
  }
}

/**
 * Why camera, microphone and screen are missing on this page: browsers give them only to secure
 * pages (https, or localhost), and without one `navigator.mediaDevices` does not even exist.
 */
export function insecureOriginText() {
  return `Camera, microphone and screen sharing only work on a secure page, and this one was opened over plain HTTP (${location.origin}). ` +
    'Open it with https:// instead (the server\'s operator turns HTTPS on with tls.certificate-file), ' +
    'or, on the computer that runs the server, as http://localhost. Watching and chat work as they are.';
}

function requireMediaDevices() {
  if (!navigator.mediaDevices) throw Object.assign(new Error(insecureOriginText()), { name: 'InsecureContextError' });
}

/** A person-readable sentence for a getUserMedia failure. */
export function mediaErrorText(e) {
  switch (e?.name) {
    case 'InsecureContextError':
      return insecureOriginText();
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Camera and microphone access is blocked. Allow it in your browser (the icon in the address bar), then try again.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No camera or microphone was found. Plug one in, or join as a viewer.';
    case 'NotReadableError':
    case 'AbortError':
      return 'Your camera or microphone is in use by another app. Close it, then try again.';
    default:
      return 'Camera and microphone could not be started' + (e?.message ? ': ' + e.message : '.');
  }
}

/** Opens camera and microphone with the remembered devices; falls back to any device. */
export async function openDevices({ audio = true, video = true } = {}) {
  requireMediaDevices();
  const saved = savedDevices();
  const constraints = (id, extra) => (id ? { deviceId: { ideal: id }, ...extra } : { ...extra });
  return navigator.mediaDevices.getUserMedia({
    audio: audio && constraints(saved.microphone, {}),
    video: video && constraints(saved.camera, { width: { ideal: 1280 }, height: { ideal: 720 } }),
  });
}

/** Applies the remembered speaker to an audio or video element, where the browser can. */
export function applySpeaker(element) {
  const { speaker } = savedDevices();
  if (speaker && typeof element.setSinkId === 'function') element.setSinkId(speaker).catch(() => {});
}

export class DeviceCheck {
  /** withCamera=false skips the preview (viewers on phones). */
  constructor({ withCamera = true } = {}) {
    this.withCamera = withCamera;
    this.stream = null;
    this.audioContext = null;
    this.meterTimer = 0;
    const saved = savedDevices();
    this.micOn = saved.micOn !== false;
    this.camOn = saved.camOn !== false;
    this.video = h('video.preview', { autoplay: true, playsInline: true, muted: true });
    this.placeholder = h('div.preview-off', {}, 'Camera is off');
    this.meter = h('div.meter', { role: 'meter', 'aria-label': 'Microphone level' }, h('div.meter-fill'));
    this.error = h('p.device-error', { role: 'alert', hidden: true });
    this.cameraSelect = h('select#camera-select', { onchange: () => this.restart() });
    this.micSelect = h('select#microphone-select', { onchange: () => this.restart() });
    this.speakerSelect = h('select#speaker-select', { onchange: () => this.remember() });
    this.micToggle = h('button.toggle#check-mic', { type: 'button', onclick: () => this.toggle('mic') });
    this.camToggle = h('button.toggle#check-camera', { type: 'button', onclick: () => this.toggle('cam') });
    this.element = h('div.device-check', {},
      h('div.preview-box', {}, this.video, this.placeholder, h('div.preview-controls', {}, this.micToggle, this.camToggle)),
      this.meter,
      this.error,
      h('div.device-pickers', {},
        h('label.camera-label', {}, 'Camera', this.cameraSelect),
        h('label', {}, 'Microphone', this.micSelect),
        h('label.speaker-label', {}, 'Speaker', this.speakerSelect)));
    if (!withCamera) this.element.classList.add('no-camera');
    this.drawToggles();
  }

  async start() {
    this.stop();
    this.error.hidden = true;
    try {
      this.stream = await openDevices({ audio: true, video: this.withCamera });
    } catch (e) {
      // Try the microphone alone: many people have no camera.
      try {
        if (!this.withCamera) throw e;
        this.stream = await openDevices({ audio: true, video: false });
        this.showError('No camera is available; you can still use your microphone. ' + mediaErrorText(e));
      } catch (e2) {
        this.showError(mediaErrorText(e2));
        this.stream = null;
      }
    }
    await this.listDevices();
    if (this.stream) {
      this.video.srcObject = this.stream;
      this.applyToggles();
      this.startMeter();
    }
    return this.stream;
  }

  showError(text) {
    this.error.textContent = text;
    this.error.hidden = false;
  }

  async restart() {
    this.remember();
    await this.start();
  }

  async listDevices() {
    let devices = [];
    try {
      devices = navigator.mediaDevices ? await navigator.mediaDevices.enumerateDevices() : [];
    } catch {
      return;
    }
    const current = (kind) => this.stream?.getTracks().find((t) => t.kind === kind)?.getSettings().deviceId;
    const fill = (select, kind, selected, noun) => {
      const list = devices.filter((d) => d.kind === kind);
      select.replaceChildren(...list.map((d, i) => h('option', { value: d.deviceId }, d.label || `${noun} ${i + 1}`)));
      if (!list.length) select.append(h('option', { value: '' }, `No ${noun.toLowerCase()} found`));
      if (selected) select.value = selected;
    };
    const saved = savedDevices();
    fill(this.cameraSelect, 'videoinput', current('video') || saved.camera, 'Camera');
    fill(this.micSelect, 'audioinput', current('audio') || saved.microphone, 'Microphone');
    fill(this.speakerSelect, 'audiooutput', saved.speaker, 'Speaker');
    this.element.querySelector('.speaker-label').hidden = !devices.some((d) => d.kind === 'audiooutput');
  }

  remember() {
    saveDevices({
      camera: this.cameraSelect.value || undefined,
      microphone: this.micSelect.value || undefined,
      speaker: this.speakerSelect.value || undefined,
      micOn: this.micOn,
      camOn: this.camOn,
    });
  }

  toggle(which) {
    if (which === 'mic') this.micOn = !this.micOn;
    else this.camOn = !this.camOn;
    this.applyToggles();
    this.remember();
  }

  applyToggles() {
    this.stream?.getAudioTracks().forEach((t) => { t.enabled = this.micOn; });
    this.stream?.getVideoTracks().forEach((t) => { t.enabled = this.camOn; });
    this.drawToggles();
  }

  drawToggles() {
    const hasVideo = !!this.stream?.getVideoTracks().length;
    this.micToggle.replaceChildren(icon(this.micOn ? 'mic' : 'micOff'), this.micOn ? ' Mic on' : ' Mic off');
    this.micToggle.classList.toggle('off', !this.micOn);
    this.camToggle.replaceChildren(icon(this.camOn ? 'camera' : 'cameraOff'), this.camOn ? ' Camera on' : ' Camera off');
    this.camToggle.classList.toggle('off', !this.camOn);
    this.placeholder.hidden = this.camOn && hasVideo;
    this.camToggle.hidden = !this.withCamera;
  }

  startMeter() {
    const [track] = this.stream.getAudioTracks();
    if (!track || !window.AudioContext) return;
    this.audioContext = new AudioContext();
    const analyser = this.audioContext.createAnalyser();
    analyser.fftSize = 512;
    this.audioContext.createMediaStreamSource(new MediaStream([track])).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const fill = this.meter.firstChild;
    this.meterTimer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      const level = this.micOn ? Math.min(1, Math.sqrt(sum / samples.length) * 4) : 0;
      fill.style.width = Math.round(level * 100) + '%';
    }, 100);
  }

  /** Hands the opened stream to the caller (who now owns it) and stops the preview. */
  takeStream() {
    const stream = this.stream;
    this.stream = null;
    this.stop();
    return stream;
  }

  stop() {
    clearInterval(this.meterTimer);
    if (this.audioContext) this.audioContext.close().catch(() => {});
    this.audioContext = null;
    this.stream?.getTracks().forEach((t) => t.stop());
    this.stream = null;
    this.video.srcObject = null;
  }
}
