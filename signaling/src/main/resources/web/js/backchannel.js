// The moderators' backchannel: a chat of the moderators and the speakers on stage. The server
// sends it to nobody else, so this panel (and its tab) exists only for them.
import { h, timeOf } from './dom.js';
import { failed } from './notices.js';

export class BackchannelPanel {
  constructor(root, state, signaling) {
    this.state = state;
    this.signaling = signaling;
    this.list = h('ol.messages#backstage-list', { 'aria-live': 'polite' });
    this.input = h('textarea#backstage-input', { rows: 1, maxLength: 1000, placeholder: 'Only moderators and speakers on stage see this', 'aria-label': 'Backstage message' });
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        this.send();
      }
    });
    this.sendButton = h('button.primary#backstage-send', { type: 'button', onclick: () => this.send() }, 'Send');
    root.append(h('p.muted-note', {}, 'Backstage: moderators and speakers on stage only.'), this.list,
      h('div.composer', {}, this.input, this.sendButton));
    state.on('backchannel', () => this.draw());
    state.on('you', () => this.draw());
    this.draw();
  }

  send() {
    const text = this.input.value.trim();
    if (!text) return;
    this.sendButton.disabled = true;
    this.signaling.request('backchannel.send', { text }).then(() => { this.input.value = ''; })
      .catch(failed).finally(() => { this.sendButton.disabled = false; this.input.focus(); });
  }

  draw() {
    const you = this.state.you?.id;
    this.list.replaceChildren(...this.state.backchannel.map((m) => h('li.message' + (m.senderId === you ? '.mine' : ''), { dataset: { message: m.id } },
      h('div.meta', {}, h('strong', {}, m.senderName), h('time', {}, timeOf(m.sentAt))),
      h('div.text', {}, m.text),
      (m.senderId === you || this.state.isModerator)
        ? h('div.message-actions', {}, h('button.ghost.small.delete', { type: 'button', onclick: () => this.signaling.request('backchannel.delete', { messageId: m.id }).catch(failed) }, 'Delete'))
        : null)));
    this.list.scrollTop = this.list.scrollHeight;
  }
}
