// The stage: a tile per person on stage, a shared screen as the main content tile with the others
// in a strip, a local pin, the moderator's spotlight, and the audio of everyone on stage.
import { h, $, initials, hueOf, ROLE_LABELS } from './dom.js';
import { applySpeaker } from './devices.js';
import { icon } from './icons.js';
import { ViewportReporter } from './viewports.js';

const SPEAKING_LEVEL = 0.02; // RTCInboundRtpStreamStats.audioLevel, linear 0..1

export class StageView {
  constructor(root, state, { onMenu, trackIdOf = () => null, onViewports = null }) {
    this.root = root;
    this.state = state;
    this.onMenu = onMenu;
    this.trackIdOf = trackIdOf;
    this.viewports = onViewports ? new ViewportReporter(onViewports) : null;
    this.dominant = null;
    this.main = h('div.stage-main');
    this.strip = h('div.stage-strip');
    this.grid = h('div.stage-grid');
    this.empty = h('div.stage-empty', {}, h('div.empty-icon', {}, icon('stage')), h('p', {}, 'Nobody is on stage yet.'));
    this.audio = h('div.audio-sinks', { hidden: true });
    root.append(this.grid, this.main, this.strip, this.empty, this.audio);
    this.tiles = new Map(); // key ("<participantId>" or "screen:<participantId>") -> tile
    this.audios = new Map();
    this.remote = new Map();
    this.local = { stream: null, screen: null };
    this.levels = new Map();
    this.pinned = null;
    this.scheduled = false;
    new ResizeObserver(() => this.layoutGrid()).observe(root);
    for (const topic of ['participants', 'spotlight', 'you']) state.on(topic, () => this.render());
  }

  setRemoteTracks(tracks) {
    this.remote = tracks;
    this.render();
  }

  setLocal(stream, screen = null) {
    this.local = { stream, screen };
    this.render();
  }

  setLevels(levels) {
    this.levels = levels;
    for (const [key, tile] of this.tiles) {
      if (key.startsWith('screen:')) continue;
      const person = this.state.participants.get(key);
      const micOn = person ? person.microphoneOn : true;
      tile.el.classList.toggle('speaking', micOn && (levels.get(key) || 0) > SPEAKING_LEVEL);
    }
  }

  /** The dominant speaker (speaker.dominant): their camera tile is highlighted. */
  setDominant(participantId) {
    this.dominant = participantId ?? null;
    for (const [key, tile] of this.tiles) {
      const on = !key.startsWith('screen:') && key === this.dominant;
      tile.el.classList.toggle('dominant', on);
      if (on) tile.el.dataset.dominant = 'true';
      else delete tile.el.dataset.dominant;
    }
  }

  pin(key) {
    this.pinned = this.pinned === key ? null : key;
    this.render();
  }

  render() {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.draw();
    });
  }

  /** Who is on stage: the room's list, plus any publisher the list does not know (WHIP). */
  entries() {
    const you = this.state.you;
    const list = [];
    for (const p of this.state.participants.values()) {
      if (p.place === 'stage') list.push(p);
    }
    for (const id of this.remote.keys()) {
      if (!this.state.participants.has(id)) list.push({ id, name: 'Guest', role: 'speaker', microphoneOn: true, cameraOn: true, place: 'stage' });
    }
    list.sort((a, b) => (b.role === 'moderator') - (a.role === 'moderator') || a.name.localeCompare(b.name));
    const entries = [];
    for (const p of list) {
      const mine = you && p.id === you.id;
      const media = mine ? { camera: this.local.stream?.getVideoTracks()[0], screen: this.local.screen } : (this.remote.get(p.id) || {});
      entries.push({ key: p.id, person: p, track: media.camera, audio: mine ? null : media.microphone, mine, screen: false });
      if (media.screen) entries.push({ key: 'screen:' + p.id, person: p, track: media.screen, mine, screen: true });
    }
    return entries;
  }

  draw() {
    const entries = this.entries();
    const keys = new Set(entries.map((e) => e.key));
    for (const [key, tile] of this.tiles) {
      if (!keys.has(key)) {
        this.viewports?.unobserve(tile.el);
        tile.el.remove();
        this.tiles.delete(key);
      }
    }
    for (const entry of entries) this.drawTile(entry);
    this.drawAudio(entries);

    // The main view: my pin, else the moderator's spotlight, else a shared screen.
    const screenKey = entries.find((e) => e.screen)?.key;
    const spotlight = this.state.spotlight;
    const spotKey = spotlight && (keys.has('screen:' + spotlight) ? 'screen:' + spotlight : spotlight);
    let mainKey = [this.pinned, spotKey, screenKey].find((k) => k && keys.has(k)) || null;
    if (this.pinned && !keys.has(this.pinned)) this.pinned = null;
    if (entries.length < 2 && !entries.some((e) => e.screen)) mainKey = null;

    this.root.classList.toggle('focus', !!mainKey);
    this.empty.hidden = entries.length > 0;
    for (const entry of entries) {
      const tile = this.tiles.get(entry.key);
      tile.el.classList.toggle('main', entry.key === mainKey);
      tile.el.classList.toggle('pinned', entry.key === this.pinned);
      tile.el.classList.toggle('spotlit', !!spotlight && entry.person.id === spotlight);
      const parent = !mainKey ? this.grid : entry.key === mainKey ? this.main : this.strip;
      if (tile.el.parentNode !== parent) {
        parent.append(tile.el);
        tile.video.play().catch(() => {});
      }
    }
    // Keep DOM order equal to entry order inside each container.
    for (const container of [this.grid, this.strip]) {
      const wanted = entries.map((e) => this.tiles.get(e.key).el).filter((el) => el.parentNode === container);
      wanted.forEach((el, i) => {
        if (container.children[i] !== el) container.insertBefore(el, container.children[i] || null);
      });
    }
    this.layoutGrid();
    this.setLevels(this.levels);
    this.setDominant(this.dominant);
  }

  drawTile(entry) {
    let tile = this.tiles.get(entry.key);
    if (!tile) {
      const video = h('video', { autoplay: true, playsInline: true, muted: true });
      const avatar = h('div.avatar');
      const name = h('span.name');
      const mic = h('span.mic', { 'aria-label': 'microphone' });
      const badges = h('span.badges');
      const pin = h('button.tile-button.pin-button', { type: 'button', title: 'Pin to my main view', onclick: () => this.pin(entry.key) }, icon('pin'));
      const more = h('button.tile-button.more-button', { type: 'button', title: 'Moderator actions', onclick: (e) => this.onMenu(entry.person.id, e.currentTarget) }, icon('more'));
      const el = h('div.tile', { dataset: { participant: entry.person.id, kind: entry.screen ? 'screen' : 'camera' } },
        video, avatar, h('div.tile-info', {}, mic, name, badges), h('div.tile-actions', {}, pin, more));
      tile = { el, video, avatar, name, mic, badges, more, track: null };
      this.tiles.set(entry.key, tile);
    }
    const p = entry.person;
    const track = entry.track || null;
    if (tile.track !== track) {
      tile.track = track;
      tile.video.srcObject = track ? new MediaStream([track]) : null;
      if (track) tile.video.play().catch(() => {});
    }
    // Test hooks and the viewport report: whose tile this is and which received track it shows.
    tile.el.dataset.participantId = p.id;
    const trackId = entry.mine ? null : this.trackIdOf(track);
    if (trackId) {
      tile.el.dataset.trackId = trackId;
      this.viewports?.observe(tile.el, trackId);
    } else {
      delete tile.el.dataset.trackId;
      this.viewports?.unobserve(tile.el);
    }
    const videoOn = !!track && (entry.screen || p.cameraOn !== false);
    tile.el.classList.toggle('video-off', !videoOn);
    tile.el.classList.toggle('mine', entry.mine);
    tile.el.classList.toggle('screen', entry.screen);
    tile.avatar.textContent = initials(p.name);
    tile.avatar.style.setProperty('--hue', hueOf(p.id));
    tile.name.textContent = entry.screen ? `${p.name}'s screen` : p.name + (entry.mine ? ' (you)' : '');
    const micIcon = entry.screen ? 'screen' : p.microphoneOn ? 'mic' : 'micOff';
    if (tile.mic.dataset.icon !== micIcon) {
      tile.mic.dataset.icon = micIcon;
      tile.mic.replaceChildren(icon(micIcon));
    }
    tile.mic.classList.toggle('off', !entry.screen && !p.microphoneOn);
    tile.mic.title = p.microphoneOn ? 'Microphone on' : p.microphoneForcedOff ? 'Muted by a moderator' : 'Microphone off';
    const badges = [];
    if (p.role !== 'attendee') badges.push(ROLE_LABELS[p.role]);
    if (p.hand) badges.push('hand raised');
    if (p.connected === false) badges.push('reconnecting…');
    tile.badges.textContent = badges.join(' · ');
    tile.more.hidden = !this.state.isModerator || entry.mine || entry.screen;
  }

  drawAudio(entries) {
    const wanted = new Map(entries.filter((e) => e.audio).map((e) => [e.key, e.audio]));
    for (const [key, el] of this.audios) {
      if (!wanted.has(key)) {
        el.remove();
        this.audios.delete(key);
      }
    }
    for (const [key, track] of wanted) {
      let el = this.audios.get(key);
      if (!el) {
        el = h('audio', { autoplay: true });
        applySpeaker(el);
        this.audios.set(key, el);
        this.audio.append(el);
      }
      if (el.srcObject?.getTracks()[0] !== track) {
        el.srcObject = new MediaStream([track]);
        el.play().catch(() => {});
      }
    }
  }

  /** Picks the column count that gives the biggest 16:9 tiles in the space we have. */
  layoutGrid() {
    const n = this.grid.children.length;
    if (!n) return;
    const width = this.grid.clientWidth;
    const height = this.grid.clientHeight;
    if (!width || !height) return;
    let best = { cols: 1, size: 0 };
    for (let cols = 1; cols <= n; cols++) {
      const rows = Math.ceil(n / cols);
      const tileWidth = Math.min((width - (cols - 1) * 8) / cols, ((height - (rows - 1) * 8) / rows) * 16 / 9);
      if (tileWidth > best.size) best = { cols, size: tileWidth };
    }
    this.grid.style.setProperty('--cols', best.cols);
    this.grid.style.setProperty('--tile-width', Math.max(120, Math.floor(best.size)) + 'px');
  }

  /** For tests and the speaking indicator: is the first tile's video really playing? */
  firstVideo() {
    return $('.tile video', this.root);
  }
}
