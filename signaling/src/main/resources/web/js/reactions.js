// Reactions: a picker in the toolbar, and emoji that float up over the stage for everyone.
import { h } from './dom.js';
import { failed } from './notices.js';

export const EMOJI = ['👍', '❤️', '😂', '😮', '👏', '🎉', '🙌', '🤔'];
const MAX_FLOATING = 30;

export class Reactions {
  constructor(layer, signaling) {
    this.layer = layer;
    this.signaling = signaling;
    this.picker = h('div.reaction-picker#reaction-picker', { hidden: true, role: 'menu' },
      ...EMOJI.map((emoji) => h('button.emoji', { type: 'button', 'aria-label': 'React ' + emoji, onclick: () => this.send(emoji) }, emoji)));
  }

  toggle(anchor) {
    this.picker.hidden = !this.picker.hidden;
    if (!this.picker.hidden) {
      const r = anchor.getBoundingClientRect();
      this.picker.style.left = Math.max(8, Math.min(innerWidth - 340, r.left - 100)) + 'px';
      this.picker.style.bottom = (innerHeight - r.top + 8) + 'px';
    }
  }

  send(emoji) {
    this.signaling.request('reaction.send', { emoji }).catch(failed);
  }

  /** Shows one reaction; old ones are dropped so a burst cannot flood the page. */
  show(emoji, name) {
    while (this.layer.children.length >= MAX_FLOATING) this.layer.firstChild.remove();
    const item = h('div.floating', { style: `left:${10 + Math.random() * 70}%` }, h('span.emoji-big', {}, emoji), h('span.who', {}, name));
    item.addEventListener('animationend', () => item.remove());
    this.layer.append(item);
  }
}
