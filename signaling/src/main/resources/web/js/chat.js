// The chat panel: messages, replies, likes, delete; pin, clear and block for moderators.
import { h, timeOf } from './dom.js';
import { failed } from './notices.js';

export class ChatPanel {
  constructor(root, state, signaling, { onUnread }) {
    this.state = state;
    this.signaling = signaling;
    this.onUnread = onUnread;
    this.visible = false;
    this.unread = 0;
    this.replyTo = null;
    this.liked = new Set();
    this.pinned = h('div.pinned', { hidden: true });
    this.list = h('ol.messages', { 'aria-live': 'polite' });
    this.replyBar = h('div.reply-bar', { hidden: true });
    this.input = h('textarea#chat-input', { rows: 1, maxLength: 1000, placeholder: 'Write a message', 'aria-label': 'Message' });
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        this.send();
      }
    });
    this.sendButton = h('button.primary#chat-send', { type: 'button', onclick: () => this.send() }, 'Send');
    this.disabledNote = h('p.muted-note', { hidden: true });
    root.append(this.pinned, this.list, this.replyBar, this.disabledNote, h('div.composer', {}, this.input, this.sendButton));
    this.count = 0;
    state.on('chat', () => this.draw());
    state.on('settings', () => this.drawComposer());
    state.on('you', () => this.drawComposer());
    // The history already in the room (the snapshot came before this panel); it is not unread.
    this.count = state.chat.length;
    this.draw();
    this.drawComposer();
  }

  setVisible(visible) {
    this.visible = visible;
    if (visible) {
      this.unread = 0;
      this.onUnread(0);
      this.list.scrollTop = this.list.scrollHeight;
    }
  }

  send() {
    const text = this.input.value.trim();
    if (!text) return;
    const body = { text };
    if (this.replyTo) body.replyTo = this.replyTo.id;
    this.sendButton.disabled = true;
    this.signaling.request('chat.send', body).then(() => {
      this.input.value = '';
      this.setReply(null);
    }).catch(failed).finally(() => { this.sendButton.disabled = false; this.input.focus(); });
  }

  setReply(message) {
    this.replyTo = message;
    this.replyBar.hidden = !message;
    if (message) {
      this.replyBar.replaceChildren(h('span', {}, `Replying to ${message.senderName}: ${message.text.slice(0, 60)}`),
        h('button.ghost.small', { type: 'button', onclick: () => this.setReply(null), 'aria-label': 'Cancel reply' }, '✕'));
      this.input.focus();
    }
  }

  drawComposer() {
    const you = this.state.you;
    const enabled = this.state.settings.chatEnabled || this.state.isModerator;
    const blocked = you?.chatBlocked;
    this.input.disabled = !enabled || blocked;
    this.sendButton.disabled = !enabled || blocked;
    this.disabledNote.hidden = enabled && !blocked;
    this.disabledNote.textContent = blocked ? 'A moderator has turned off chat for you.' : 'Chat is turned off for this room.';
  }

  draw() {
    const atBottom = this.list.scrollTop + this.list.clientHeight >= this.list.scrollHeight - 40;
    const byId = new Map(this.state.chat.map((m) => [m.id, m]));
    const grown = this.state.chat.length > this.count;
    this.count = this.state.chat.length;
    this.list.replaceChildren(...this.state.chat.map((m) => this.message(m, byId)));
    const pinned = byId.get(this.state.pinnedMessageId);
    this.pinned.hidden = !pinned;
    if (pinned) {
      this.pinned.replaceChildren(h('span.pin-label', {}, 'Pinned'), h('span', {}, `${pinned.senderName}: ${pinned.text}`),
        this.state.isModerator ? h('button.ghost.small', { type: 'button', onclick: () => this.signaling.request('chat.pin', { messageId: null }).catch(failed) }, 'Unpin') : null);
    }
    if (atBottom || !this.visible) this.list.scrollTop = this.list.scrollHeight;
    if (grown && !this.visible) {
      this.unread++;
      this.onUnread(this.unread);
    }
  }

  message(m, byId) {
    const mine = m.senderId === this.state.you?.id;
    const moderator = this.state.isModerator;
    const parent = m.replyTo && byId.get(m.replyTo);
    const liked = this.liked.has(m.id);
    const like = h('button.ghost.small.like' + (liked ? '.on' : ''), {
      type: 'button',
      'aria-pressed': String(liked),
      onclick: () => {
        this.signaling.request('chat.like', { messageId: m.id, like: !liked }).then(() => {
          if (liked) this.liked.delete(m.id);
          else this.liked.add(m.id);
          this.draw();
        }).catch(failed);
      },
    }, m.likes ? `Like · ${m.likes}` : 'Like');
    const actions = [like, h('button.ghost.small.reply', { type: 'button', onclick: () => this.setReply(m) }, 'Reply')];
    if (mine || moderator) actions.push(h('button.ghost.small.delete', { type: 'button', onclick: () => this.signaling.request('chat.delete', { messageId: m.id }).catch(failed) }, 'Delete'));
    if (moderator) actions.push(h('button.ghost.small.pin', { type: 'button', onclick: () => this.signaling.request('chat.pin', { messageId: m.id }).catch(failed) }, 'Pin'));
    return h('li.message' + (mine ? '.mine' : ''), { dataset: { message: m.id } },
      parent ? h('div.quote', {}, `↪ ${parent.senderName}: ${parent.text.slice(0, 80)}`) : null,
      h('div.meta', {}, h('strong', {}, m.senderName), h('time', {}, timeOf(m.sentAt))),
      h('div.text', {}, m.text),
      h('div.message-actions', {}, ...actions));
  }
}
