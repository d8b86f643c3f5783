// What this viewer shows of each received video track, for the server's per-viewer allocation
// (docs/protocol.md, media.viewport): whether the tile is on screen and its size in device pixels,
// so a 320-px tile is never sent the 1280-px layer and a hidden one gets no video at all.

const DEBOUNCE_MS = 300;
const SIZE_CHANGE = 0.1; // report a size only when it changed by more than 10 %
const MAX_PER_REQUEST = 64; // the server's cap per media.viewport
const RETRY_MS = 1000;

/** Watches remote tiles (IntersectionObserver, ResizeObserver, page visibility) and reports changes. */
export class ViewportReporter {
  /** @param send (tracks) => Promise: one media.viewport request */
  constructor(send) {
    this.send = send;
    this.tiles = new Map(); // element -> { trackId, intersecting }
    this.sent = new Map(); // trackId -> { visible, width, height } as the server last accepted it
    this.timer = 0;
    this.io = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        const tile = this.tiles.get(entry.target);
        if (tile) tile.intersecting = entry.isIntersecting;
      }
      this.schedule();
    });
    this.ro = new ResizeObserver(() => this.schedule());
    // A hidden page (another tab, minimised) shows nothing: every tile is hidden.
    document.addEventListener('visibilitychange', () => this.schedule());
    addEventListener('resize', () => this.schedule()); // devicePixelRatio changes with zoom
  }

  /** `el` shows the track `trackId` (the server's id, e.g. camera-<producerId>). */
  observe(el, trackId) {
    const tile = this.tiles.get(el);
    if (tile && tile.trackId === trackId) return;
    if (tile) {
      this.sent.delete(tile.trackId);
      tile.trackId = trackId;
    } else {
      this.tiles.set(el, { trackId, intersecting: false });
      this.io.observe(el);
      this.ro.observe(el);
    }
    this.schedule();
  }

  unobserve(el) {
    const tile = this.tiles.get(el);
    if (!tile) return;
    this.tiles.delete(el);
    this.io.unobserve(el);
    this.ro.unobserve(el);
    this.sent.delete(tile.trackId); // it left: a later track with this id starts afresh
  }

  /** Forgets what was sent (a new connection: the server knows nothing yet). */
  reset() {
    this.sent.clear();
    this.schedule();
  }

  schedule(delay = DEBOUNCE_MS) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), delay);
  }

  /** What each tile shows now. */
  measure() {
    const pageVisible = document.visibilityState === 'visible';
    const dpr = window.devicePixelRatio || 1;
    const out = [];
    for (const [el, tile] of this.tiles) {
      const rect = el.getBoundingClientRect();
      const width = Math.min(8192, Math.round(rect.width * dpr));
      const height = Math.min(8192, Math.round(rect.height * dpr));
      const visible = pageVisible && tile.intersecting && el.isConnected && width > 0 && height > 0;
      out.push({ trackId: tile.trackId, visible, width, height });
    }
    return out;
  }

  flush() {
    const changed = this.measure().filter((now) => {
      const last = this.sent.get(now.trackId);
      return !last || last.visible !== now.visible
        || differs(last.width, now.width) || differs(last.height, now.height);
    });
    for (let i = 0; i < changed.length; i += MAX_PER_REQUEST) {
      const tracks = changed.slice(i, i + MAX_PER_REQUEST);
      for (const t of tracks) this.sent.set(t.trackId, t);
      this.send(tracks).catch((e) => {
        for (const t of tracks) if (this.sent.get(t.trackId) === t) this.sent.delete(t.trackId);
        // rate_limited (or a hiccup): try again; a lost connection resets us anyway.
        if (e.code !== 'disconnected') this.schedule(RETRY_MS);
      });
    }
  }

  /** For tests: trackId -> what the server was last told. */
  snapshot() {
    return Object.fromEntries(this.sent);
  }
}

function differs(before, now) {
  if (before === now) return false;
  if (!before || !now) return true;
  return Math.abs(now - before) / before > SIZE_CHANGE;
}
