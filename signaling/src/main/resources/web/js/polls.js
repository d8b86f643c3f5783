// Polls and quizzes: moderators create, open and close them and see live counts; everyone
// answers open ones and sees the results (and their quiz result) once a poll is closed.
import { h } from './dom.js';
import { failed, toast } from './notices.js';

export class PollsPanel {
  constructor(root, state, signaling, { onNew }) {
    this.state = state;
    this.signaling = signaling;
    this.onNew = onNew;
    this.form = this.createForm();
    this.list = h('div.poll-list');
    this.emptyNote = h('p.muted-note', {}, 'No polls yet.');
    root.append(this.form, this.emptyNote, this.list);
    this.seenOpen = new Set();
    state.on('polls', () => this.draw());
    state.on('you', () => this.draw());
    state.on('settings', () => this.draw());
    this.draw(); // polls already open when we came in: the snapshot came before this panel
  }

  createForm() {
    const question = h('input#poll-question', { type: 'text', maxLength: 300, placeholder: 'Question', 'aria-label': 'Question' });
    const options = h('div.poll-options');
    const addOption = () => {
      if (options.children.length >= 10) return;
      const index = options.children.length;
      options.append(h('div.poll-option-edit', {},
        h('input.correct', { type: 'checkbox', title: 'Correct answer (makes it a quiz)', 'aria-label': `Option ${index + 1} is correct` }),
        h('input.option-text', { type: 'text', maxLength: 300, placeholder: `Option ${index + 1}`, 'aria-label': `Option ${index + 1}` })));
    };
    addOption();
    addOption();
    const form = h('form.poll-form', {
      onsubmit: (e) => {
        e.preventDefault();
        const rows = [...options.children].map((row) => ({ text: row.querySelector('.option-text').value.trim(), correct: row.querySelector('.correct').checked })).filter((r) => r.text);
        if (!question.value.trim() || rows.length < 2) {
          toast('A poll needs a question and at least two options.', 'error');
          return;
        }
        const correctOptions = rows.map((r, i) => (r.correct ? i : -1)).filter((i) => i >= 0);
        this.signaling.request('poll.create', { question: question.value.trim(), options: rows.map((r) => r.text), correctOptions })
          .then((data) => {
            question.value = '';
            options.replaceChildren();
            addOption();
            addOption();
            if (data?.poll) this.state.setPoll(data.poll);
            toast(correctOptions.length ? 'Quiz created: open it when you are ready.' : 'Poll created: open it when you are ready.');
          }).catch(failed);
      },
    }, h('strong', {}, 'New poll or quiz'), question, options,
    h('p.hint', {}, 'Tick the correct answers to make it a quiz.'),
    h('div.form-actions', {}, h('button.secondary', { type: 'button', onclick: addOption }, 'Add option'), h('button.primary#poll-create', { type: 'submit' }, 'Create')));
    return form;
  }

  draw() {
    const moderator = this.state.isModerator;
    this.form.hidden = !moderator;
    const polls = [...this.state.polls.values()].filter((p) => moderator || p.status !== 'draft').reverse();
    this.emptyNote.hidden = polls.length > 0;
    this.emptyNote.textContent = this.state.settings.pollsEnabled ? 'No polls yet.' : 'Polls are turned off for this room.';
    this.list.replaceChildren(...polls.map((p) => this.card(p)));
    for (const p of polls) {
      if (p.status === 'open' && !this.seenOpen.has(p.id)) {
        this.seenOpen.add(p.id);
        if (!moderator) this.onNew(p);
      }
    }
  }

  card(poll) {
    const moderator = this.state.isModerator;
    const closed = poll.status === 'closed';
    const counts = poll.counts;
    const total = counts ? counts.reduce((a, b) => a + b, 0) : 0;
    const correct = new Set(poll.correctOptions || []);
    const answered = poll.yourAnswer !== null && poll.yourAnswer !== undefined;
    const result = this.state.quizResults.get(poll.id);
    const options = poll.options.map((text, i) => {
      const count = counts ? counts[i] || 0 : null;
      const share = total ? Math.round((count / total) * 100) : 0;
      const canAnswer = poll.status === 'open' && !answered && !moderator;
      const classes = ['poll-option'];
      if (poll.yourAnswer === i) classes.push('chosen');
      if (closed && correct.has(i)) classes.push('correct');
      const label = h('span.option-label', {}, text, poll.yourAnswer === i ? ' (your answer)' : '', closed && correct.has(i) ? ' ✓' : '');
      const bar = count === null ? null : h('span.bar', {}, h('span.bar-fill', { style: `width:${share}%` }), h('span.bar-text', {}, `${count} · ${share}%`));
      return canAnswer
        ? h('button.' + classes.join('.'), { type: 'button', dataset: { option: i }, onclick: () => this.answer(poll, i) }, label)
        : h('div.' + classes.join('.'), { dataset: { option: i } }, label, bar);
    });
    const status = { draft: 'Draft', open: 'Open', closed: 'Closed' }[poll.status];
    const actions = [];
    if (moderator && poll.status === 'draft') actions.push(h('button.primary.small.open-poll', { type: 'button', onclick: () => this.signaling.request('poll.open', { pollId: poll.id }).catch(failed) }, 'Open'));
    if (moderator && poll.status === 'open') actions.push(h('button.secondary.small.close-poll', { type: 'button', onclick: () => this.signaling.request('poll.close', { pollId: poll.id }).catch(failed) }, 'Close and show results'));
    let footer = null;
    if (result) footer = h('p.quiz-result' + (result.correct ? '.right' : '.wrong'), {}, result.correct ? 'You got it right! 🎉' : 'Not quite: the right answer is marked ✓.');
    else if (answered && !closed) footer = h('p.hint', {}, 'Thanks, your answer is in. Results appear when the poll closes.');
    if (moderator && counts) footer = h('p.hint', {}, `${poll.answers ?? total} answer${(poll.answers ?? total) === 1 ? '' : 's'}`);
    return h('section.poll-card', { dataset: { poll: poll.id, status: poll.status } },
      h('div.poll-head', {}, h('span.tag', {}, poll.quiz ? 'Quiz' : 'Poll'), h('span.tag.status', {}, status)),
      h('h3', {}, poll.question), ...options, footer, h('div.form-actions', {}, ...actions));
  }

  answer(poll, option) {
    this.signaling.request('poll.answer', { pollId: poll.id, option })
      .then(() => this.state.setPoll({ ...poll, yourAnswer: option }))
      .catch(failed);
  }
}
