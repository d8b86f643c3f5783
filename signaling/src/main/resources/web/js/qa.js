// Q&A: everyone asks and upvotes other people's questions; moderators answer in text, mark
// answered, dismiss and pin. Pinned first, then the most upvoted, answered ones last.
import { h, timeOf } from './dom.js';
import { failed } from './notices.js';

export class QaPanel {
  constructor(root, state, signaling, { onNew }) {
    this.state = state;
    this.signaling = signaling;
    this.onNew = onNew;
    this.answering = null; // the question a moderator is writing an answer to
    this.list = h('ol.questions#qa-list', { 'aria-live': 'polite' });
    this.emptyNote = h('p.muted-note', {}, 'No questions yet. Ask the speakers something.');
    this.offNote = h('p.muted-note#qa-off', { hidden: true }, 'Q&A is turned off for this room.');
    this.input = h('textarea#qa-input', { rows: 2, maxLength: 300, placeholder: 'Ask a question', 'aria-label': 'Question' });
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        this.ask();
      }
    });
    this.askButton = h('button.primary#qa-ask', { type: 'button', onclick: () => this.ask() }, 'Ask');
    root.append(this.offNote, this.emptyNote, this.list, h('div.composer', {}, this.input, this.askButton));
    this.count = state.questions.size;
    state.on('qa', () => this.draw());
    state.on('settings', () => this.draw());
    state.on('you', () => this.draw());
    this.draw(); // the questions already asked: the snapshot came before this panel
  }

  ask() {
    const text = this.input.value.trim();
    if (!text) return;
    this.askButton.disabled = true;
    this.signaling.request('qa.ask', { text }).then(() => { this.input.value = ''; })
      .catch(failed).finally(() => { this.askButton.disabled = false; this.input.focus(); });
  }

  request(type, body, done) {
    this.signaling.request(type, body).then(() => done?.()).catch(failed);
  }

  sorted() {
    const pinned = this.state.pinnedQuestionId;
    return [...this.state.questions.values()].map((q, i) => ({ q, i })).sort((a, b) =>
      (b.q.id === pinned) - (a.q.id === pinned)
      || (a.q.status === 'answered') - (b.q.status === 'answered')
      || b.q.upvotes - a.q.upvotes || a.i - b.i).map(({ q }) => q);
  }

  draw() {
    const on = this.state.settings.qaEnabled !== false;
    this.offNote.hidden = on;
    this.input.disabled = !on || !!this.state.you?.chatBlocked;
    this.askButton.disabled = this.input.disabled;
    const questions = this.sorted();
    this.emptyNote.hidden = questions.length > 0 || !on;
    if (questions.length > this.count) this.onNew?.();
    this.count = questions.length;
    this.list.replaceChildren(...questions.map((q) => this.question(q, on)));
  }

  question(q, on) {
    const mine = q.askerId === this.state.you?.id;
    const moderator = this.state.isModerator;
    const voted = this.state.upvoted.has(q.id);
    const pinned = q.id === this.state.pinnedQuestionId;
    const upvote = h('button.ghost.small.upvote' + (voted ? '.on' : ''), {
      type: 'button',
      disabled: mine || !on,
      title: mine ? 'Others upvote your question' : voted ? 'Take back your upvote' : 'Upvote',
      'aria-pressed': String(voted),
      onclick: () => this.request('qa.upvote', { questionId: q.id, upvote: !voted }, () => {
        if (voted) this.state.upvoted.delete(q.id);
        else this.state.upvoted.add(q.id);
        this.draw();
      }),
    }, `▲ ${q.upvotes}`);
    const actions = [upvote];
    if (moderator && on) {
      actions.push(h('button.ghost.small.answer', { type: 'button', onclick: () => { this.answering = this.answering === q.id ? null : q.id; this.draw(); } }, 'Answer'));
      actions.push(q.status === 'answered'
        ? h('button.ghost.small.reopen', { type: 'button', onclick: () => this.request('qa.markAnswered', { questionId: q.id, answered: false }) }, 'Reopen')
        : h('button.ghost.small.mark-answered', { type: 'button', onclick: () => this.request('qa.markAnswered', { questionId: q.id, answered: true }) }, 'Mark answered'));
      actions.push(h('button.ghost.small.pin', { type: 'button', onclick: () => this.request('qa.pin', { questionId: pinned ? null : q.id }) }, pinned ? 'Unpin' : 'Pin'));
    }
    if ((moderator || mine) && on) {
      actions.push(h('button.ghost.small.dismiss', { type: 'button', onclick: () => this.request('qa.dismiss', { questionId: q.id }) }, mine && !moderator ? 'Withdraw' : 'Dismiss'));
    }
    let answerForm = null;
    if (this.answering === q.id) {
      const input = h('textarea.answer-input', { rows: 2, maxLength: 1000, placeholder: 'Your answer', 'aria-label': 'Answer', value: q.answer || '' });
      answerForm = h('div.composer.answer-form', {}, input, h('button.primary.small.answer-send', {
        type: 'button',
        onclick: () => this.request('qa.answer', { questionId: q.id, text: input.value.trim() }, () => { this.answering = null; this.draw(); }),
      }, 'Send'));
    }
    return h('li.question' + (pinned ? '.pinned-question' : '') + (q.status === 'answered' ? '.answered' : ''), { dataset: { question: q.id } },
      h('div.meta', {}, h('strong', {}, q.askerName), pinned ? h('span.pin-label', {}, 'Pinned') : null,
        q.status === 'answered' ? h('span.answered-label', {}, 'Answered') : null, h('time', {}, timeOf(q.askedAt))),
      h('div.text', {}, q.text),
      q.answer ? h('div.answer', {}, h('strong', {}, `${this.state.name(q.answeredBy)}: `), q.answer) : null,
      h('div.message-actions', {}, ...actions),
      answerForm);
  }
}
