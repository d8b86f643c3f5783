// The participants panel: "Requests", "Raised hands", "On stage" and "Viewers" with counts, a
// search box, and rows drawn only where the list is scrolled to, so 1,000 viewers stay fast.
import { h, initials, hueOf, ROLE_LABELS } from './dom.js';
import { icon } from './icons.js';

const ROW_HEIGHT = 44;
const OVERSCAN = 6;

export class ParticipantsPanel {
  constructor(root, state, { onMenu, onApprove, onDecline }) {
    this.state = state;
    this.onMenu = onMenu;
    this.onApprove = onApprove;
    this.onDecline = onDecline;
    this.query = '';
    this.collapsed = new Set();
    this.rows = [];
    this.dirty = true;
    this.search = h('input#participant-search', { type: 'search', placeholder: 'Search people', 'aria-label': 'Search people', oninput: () => { this.query = this.search.value.trim().toLowerCase(); this.refresh(); } });
    this.spacer = h('div.list-spacer');
    this.viewport = h('div.list-viewport', { onscroll: () => this.drawVisible() }, this.spacer);
    root.append(h('div.panel-search', {}, this.search), this.viewport);
    this.pool = [];
    this.scheduled = false;
    state.on('participants', () => this.refresh());
    state.on('you', () => this.refresh());
    new ResizeObserver(() => this.drawVisible()).observe(this.viewport);
    this.refresh(); // the people already in the room: the snapshot came before this panel
  }

  refresh() {
    this.dirty = true;
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.rebuild();
      this.drawVisible();
    });
  }

  /** Flattens the groups into rows (headers and people): O(n log n) per batch of changes. */
  rebuild() {
    const moderator = this.state.isModerator;
    const groups = { requests: [], hands: [], stage: [], viewers: [] };
    for (const p of this.state.participants.values()) {
      if (this.query && !p.name.toLowerCase().includes(this.query)) continue;
      if (p.place === 'stage') groups.stage.push(p);
      else if (moderator && p.stageRequested) groups.requests.push(p);
      else if (p.hand) groups.hands.push(p);
      else groups.viewers.push(p);
    }
    const byName = (a, b) => a.name.localeCompare(b.name);
    const byRole = (a, b) => rank(a) - rank(b) || byName(a, b);
    groups.hands.sort((a, b) => a.hand.order - b.hand.order);
    groups.stage.sort(byRole);
    groups.viewers.sort(byRole);
    groups.requests.sort(byName);
    const rows = [];
    const add = (key, title, people) => {
      if (key === 'requests' && !people.length) return;
      const collapsed = this.collapsed.has(key);
      rows.push({ header: true, key, title, count: people.length, collapsed });
      if (!collapsed) for (const p of people) rows.push({ person: p, group: key });
    };
    add('requests', 'Requests to join the stage', groups.requests);
    add('hands', 'Raised hands', groups.hands);
    add('stage', 'On stage', groups.stage);
    add('viewers', 'Viewers', groups.viewers);
    this.rows = rows;
    this.dirty = false;
    this.spacer.style.height = rows.length * ROW_HEIGHT + 'px';
  }

  drawVisible() {
    if (this.dirty) return;
    const top = this.viewport.scrollTop;
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.rows.length, Math.ceil((top + this.viewport.clientHeight) / ROW_HEIGHT) + OVERSCAN);
    let used = 0;
    for (let i = first; i < last; i++) {
      const el = this.pool[used] || this.spacer.appendChild(h('div.row'));
      this.pool[used++] = el;
      el.hidden = false;
      el.style.transform = `translateY(${i * ROW_HEIGHT}px)`;
      this.fill(el, this.rows[i]);
    }
    for (let i = used; i < this.pool.length; i++) this.pool[i].hidden = true;
  }

  fill(el, row) {
    if (row.header) {
      el.className = 'row group-header';
      el.dataset.group = row.key;
      delete el.dataset.participant;
      el.replaceChildren(h('button.group-toggle', {
        type: 'button',
        'aria-expanded': String(!row.collapsed),
        onclick: () => {
          if (this.collapsed.has(row.key)) this.collapsed.delete(row.key);
          else this.collapsed.add(row.key);
          this.refresh();
        },
      }, (row.collapsed ? '▸ ' : '▾ ') + row.title, h('span.count', {}, String(row.count))));
      return;
    }
    const p = row.person;
    const you = this.state.you?.id === p.id;
    el.className = 'row person' + (p.connected === false ? ' away' : '');
    el.dataset.participant = p.id;
    el.dataset.group = row.group;
    const icons = [];
    if (p.hand) icons.push(h('span.icon.hand', { title: 'Hand raised' }, icon('hand')));
    if (p.place === 'stage') icons.push(h('span.icon' + (p.microphoneOn ? '' : '.off'), { title: p.microphoneOn ? 'Microphone on' : 'Microphone off' }, icon(p.microphoneOn ? 'mic' : 'micOff')));
    if (p.place === 'stage') icons.push(h('span.icon' + (p.cameraOn ? '' : '.off'), { title: p.cameraOn ? 'Camera on' : 'Camera off' }, icon(p.cameraOn ? 'camera' : 'cameraOff')));
    if (p.invited) icons.push(h('span.tag', {}, 'invited'));
    if (p.stageRequested && row.group !== 'requests') icons.push(h('span.tag', {}, 'asked to join'));
    if (p.chatBlocked) icons.push(h('span.tag', {}, 'chat blocked'));
    const actions = [];
    if (row.group === 'requests') {
      actions.push(h('button.small.primary.approve', { type: 'button', title: 'Bring to stage', onclick: () => this.onApprove(p.id) }, 'Approve'));
      actions.push(h('button.small.secondary.decline', { type: 'button', onclick: () => this.onDecline(p.id) }, 'Decline'));
    }
    if (this.state.isModerator && !you) {
      actions.push(h('button.small.ghost.more-button', { type: 'button', title: 'Actions', 'aria-label': 'Actions for ' + p.name, onclick: (e) => this.onMenu(p.id, e.currentTarget) }, icon('more')));
    }
    el.replaceChildren(
      h('span.avatar.small', { style: `--hue:${hueOf(p.id)}` }, initials(p.name)),
      h('span.person-name', {}, p.name + (you ? ' (you)' : ''), p.role !== 'attendee' ? h('span.role', {}, ROLE_LABELS[p.role]) : null),
      h('span.icons', {}, ...icons),
      h('span.row-actions', {}, ...actions));
  }
}

function rank(p) {
  return p.role === 'moderator' ? 0 : p.role === 'speaker' ? 1 : 2;
}
