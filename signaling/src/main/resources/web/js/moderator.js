// The moderator's room panel: session, lock, stage access, capacity, room options, actions for
// everyone at once, and invitation links.
import { h } from './dom.js';
import { failed, toast } from './notices.js';

const MODES = [
  ['open', 'Everyone on stage', 'Anyone can join the stage directly.'],
  ['request', 'Join by request', 'Attendees ask; a moderator brings them on stage.'],
  ['invite', 'Invite only', 'Only people a moderator invites come on stage.'],
  ['closed', 'Closed', 'No stage access for attendees.'],
];

export class ModeratorPanel {
  constructor(root, state, signaling, { onEnd }) {
    this.state = state;
    this.signaling = signaling;
    const req = (type, body, done) => () => signaling.request(type, body).then(() => done && toast(done)).catch(failed);
    this.sessionLine = h('p.session-line');
    this.startButton = h('button.primary#start-session', { type: 'button', onclick: req('session.start', {}, 'The session has started') }, 'Start the session');
    this.endButton = h('button.danger#end-session', {
      type: 'button',
      onclick: () => {
        if (confirm('End the session for everyone? Everybody will leave the room.')) onEnd();
      },
    }, 'End for everyone');
    this.lock = h('input#lock-room', { type: 'checkbox', onchange: () => this.settings({ locked: this.lock.checked }) });
    this.mode = h('select#access-mode', { 'aria-label': 'Stage access', onchange: () => this.settings({ accessMode: this.mode.value }) },
      ...MODES.map(([value, label]) => h('option', { value }, label)));
    this.modeHint = h('p.hint');
    this.capacity = h('input#capacity', { type: 'number', min: 1, max: 100, onchange: () => this.settings({ capacity: Number(this.capacity.value) }) });
    const toggle = (id, field, label) => {
      const input = h('input#' + id, { type: 'checkbox', onchange: () => this.settings({ [field]: input.checked }) });
      this[field] = input;
      return h('label.check', {}, input, label);
    };
    const linkButton = (role, label) => h('button.secondary', { type: 'button', dataset: { invite: role }, onclick: () => this.copyLink(role) }, label);
    this.linkOut = h('input.link-out', { type: 'text', readOnly: true, hidden: true, 'aria-label': 'Invitation link', onfocus: (e) => e.target.select() });
    root.append(
      h('section.panel-section', {}, h('h3', {}, 'Session'), this.sessionLine, h('div.button-row', {}, this.startButton, this.endButton),
        h('label.check', {}, this.lock, 'Lock the room (nobody new can enter)')),
      h('section.panel-section', {}, h('h3', {}, 'Stage access'), this.mode, this.modeHint,
        h('label.inline', {}, 'Stage capacity', this.capacity)),
      h('section.panel-section', {}, h('h3', {}, 'Room options'),
        toggle('chat-enabled', 'chatEnabled', 'Chat'), toggle('reactions-enabled', 'reactionsEnabled', 'Reactions'),
        toggle('polls-enabled', 'pollsEnabled', 'Polls and quizzes'), toggle('qa-enabled', 'qaEnabled', 'Q&A'),
        toggle('strong-mute', 'strongMute', 'Strong mute (people muted by a moderator stay muted until allowed)')),
      h('section.panel-section', {}, h('h3', {}, 'Everyone at once'), h('div.button-row', {},
        h('button.secondary#mute-all', { type: 'button', onclick: req('media.forceOffAll', { kind: 'microphone' }, 'Microphones on stage are off') }, 'Mute all'),
        h('button.secondary#cameras-off', { type: 'button', onclick: req('media.forceOffAll', { kind: 'camera' }, 'Cameras on stage are off') }, 'All cameras off'),
        h('button.secondary#lower-hands', { type: 'button', onclick: req('hand.lowerAll', {}, 'All hands lowered') }, 'Lower all hands'),
        h('button.secondary#clear-chat', { type: 'button', onclick: () => confirm('Delete every chat message?') && req('chat.clear', {})() }, 'Clear chat'))),
      h('section.panel-section', {}, h('h3', {}, 'Invitation links'), h('p.hint', {}, 'Send a link to bring in a speaker or another moderator.'),
        h('div.button-row', {}, linkButton('speaker', 'Copy speaker link'), linkButton('moderator', 'Copy moderator link')), this.linkOut));
    for (const topic of ['settings', 'session']) state.on(topic, () => this.draw());
    this.draw(); // the room as it is now: the snapshot came before this panel
  }

  settings(change) {
    this.signaling.request('room.settings', change).catch((e) => {
      failed(e);
      this.draw();
    });
  }

  async copyLink(role) {
    try {
      const { url } = await this.signaling.request('invite.link', { role });
      this.linkOut.value = url;
      this.linkOut.hidden = false;
      try {
        await navigator.clipboard.writeText(url);
        toast(`The ${role} link is copied: paste it to the person you invite.`);
      } catch {
        this.linkOut.focus();
        toast(`Copy the ${role} link below and send it to the person you invite.`);
      }
    } catch (e) {
      failed(e);
    }
  }

  draw() {
    const s = this.state.settings;
    const session = this.state.session;
    const waiting = this.state.lobbyWaiting;
    this.sessionLine.textContent = session === 'lobby'
      ? `Not started yet. ${waiting ? waiting + ' waiting in the lobby.' : 'Attendees wait in the lobby until you start.'}`
      : session === 'live' ? 'The session is live.' : 'The session has ended.';
    this.startButton.hidden = session !== 'lobby';
    this.lock.checked = !!s.locked;
    this.mode.value = s.accessMode;
    this.modeHint.textContent = (MODES.find((m) => m[0] === s.accessMode) || [])[2] || '';
    if (document.activeElement !== this.capacity) this.capacity.value = s.capacity;
    for (const field of ['chatEnabled', 'reactionsEnabled', 'pollsEnabled', 'qaEnabled', 'strongMute']) this[field].checked = !!s[field];
  }
}
