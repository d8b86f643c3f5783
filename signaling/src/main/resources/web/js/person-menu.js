// A moderator's actions on one person, opened from a tile or a participants row.
import { h } from './dom.js';
import { failed, toast } from './notices.js';

export class PersonMenu {
  constructor(state, signaling) {
    this.state = state;
    this.signaling = signaling;
    this.el = h('div.menu#person-menu', { role: 'menu', hidden: true });
    document.body.append(this.el);
    document.addEventListener('click', (e) => {
      if (!this.el.hidden && !this.el.contains(e.target) && !e.target.closest('.more-button')) this.close();
    });
    document.addEventListener('keydown', (e) => { if (e.key === 'Escape') this.close(); });
  }

  /** The actions that make sense for this person now; the server still decides. */
  actions(p) {
    const s = this.state;
    const send = (type, body, done) => () => this.signaling.request(type, { participantId: p.id, ...body }).then(() => done && toast(done)).catch(failed);
    const list = [];
    if (p.place === 'stage') {
      list.push(['Remove from stage', send('stage.remove', {}, `${p.name} is back in the audience`), 'danger']);
      if (p.microphoneOn) list.push(['Mute microphone', send('media.forceOff', { kind: 'microphone' })]);
      if (p.cameraOn) list.push(['Turn camera off', send('media.forceOff', { kind: 'camera' })]);
      if (s.settings.strongMute && p.microphoneForcedOff) list.push(['Allow microphone', send('media.allow', { kind: 'microphone' })]);
      if (s.settings.strongMute && p.cameraForcedOff) list.push(['Allow camera', send('media.allow', { kind: 'camera' })]);
      list.push(s.spotlight === p.id
        ? ['Remove spotlight', () => this.signaling.request('stage.spotlight', { participantId: null }).catch(failed)]
        : ['Spotlight for everyone', send('stage.spotlight', {})]);
    } else if (p.stageRequested) {
      list.push(['Bring to stage', send('stage.approve', {}, `${p.name} was invited to the stage`), 'primary']);
      list.push(['Decline request', send('stage.decline', {})]);
    } else if (p.invited) {
      list.push(['Revoke invitation', send('stage.revokeInvitation', {})]);
    } else if (p.place === 'viewer') {
      list.push(['Invite to stage', send('stage.invite', {}, `Invitation sent to ${p.name}`), 'primary']);
    }
    if (p.hand) list.push(['Lower hand', send('hand.lower', {})]);
    for (const role of ['attendee', 'speaker', 'moderator']) {
      if (role !== p.role) list.push([`Make ${role}`, send('participant.role', { role }, `${p.name} is now ${role === 'attendee' ? 'an' : 'a'} ${role}`)]);
    }
    if (p.role !== 'moderator') {
      list.push(p.chatBlocked
        ? ['Allow chat', send('chat.block', { blocked: false })]
        : ['Block from chat', send('chat.block', { blocked: true })]);
    }
    return list;
  }

  open(participantId, anchor) {
    const p = this.state.participants.get(participantId);
    if (!p || !this.state.isModerator) return;
    this.el.replaceChildren(h('div.menu-title', {}, p.name),
      ...this.actions(p).map(([label, run, kind]) => h('button.menu-item' + (kind ? '.' + kind : ''), {
        type: 'button',
        role: 'menuitem',
        onclick: () => {
          this.close();
          run();
        },
      }, label)));
    this.el.hidden = false;
    const r = anchor.getBoundingClientRect();
    const width = this.el.offsetWidth;
    const height = this.el.offsetHeight;
    this.el.style.left = Math.max(8, Math.min(innerWidth - width - 8, r.right - width)) + 'px';
    this.el.style.top = (r.bottom + height + 8 < innerHeight ? r.bottom + 4 : Math.max(8, r.top - height - 4)) + 'px';
  }

  close() {
    this.el.hidden = true;
  }
}
