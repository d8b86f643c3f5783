// The client's copy of the room (the stage protocol's snapshot plus the deltas pushed after it).
// Views subscribe to topics and redraw what changed; nothing here touches the DOM.

export class RoomState {
  constructor() {
    this.listeners = new Map();
    this.reset();
  }

  reset() {
    this.room = '';
    this.session = 'lobby';
    this.settings = { accessMode: 'request', capacity: 25, chatEnabled: true, reactionsEnabled: true, pollsEnabled: true, qaEnabled: true, strongMute: false, locked: false };
    this.you = null;
    this.participants = new Map();
    this.spotlight = null;
    this.chat = [];
    this.pinnedMessageId = null;
    this.polls = new Map();
    this.quizResults = new Map();
    this.questions = new Map(); // in asking order
    this.pinnedQuestionId = null;
    this.upvoted = new Set(); // the questions we upvoted: events to everyone carry nobody's vote
    this.backchannel = []; // moderators and speakers on stage only
    this.lobbyWaiting = 0;
    this.requests = new Map(); // participantId -> name, moderators only
  }

  on(topic, listener) {
    if (!this.listeners.has(topic)) this.listeners.set(topic, []);
    this.listeners.get(topic).push(listener);
  }

  emit(...topics) {
    for (const topic of topics) {
      for (const listener of this.listeners.get(topic) || []) listener(this);
    }
  }

  get isModerator() {
    return this.you?.role === 'moderator';
  }

  get onStage() {
    return this.you?.place === 'stage';
  }

  /** Who reads the moderators' backchannel: moderators, and speakers while on stage (never attendees). */
  get backstage() {
    return this.isModerator || (this.onStage && this.you?.role === 'speaker');
  }

  applySnapshot(s) {
    this.room = s.room || this.room;
    this.session = s.session || 'live';
    if (s.settings) this.settings = s.settings;
    this.participants = new Map();
    for (const p of s.participants || []) this.participants.set(p.id, p);
    if (s.you) {
      this.you = s.you;
      if (s.you.place !== 'lobby') this.participants.set(s.you.id, s.you);
    }
    this.spotlight = s.spotlight ?? null;
    this.chat = s.chat || [];
    this.pinnedMessageId = s.pinnedMessageId ?? null;
    this.polls = new Map((s.polls || []).map((p) => [p.id, p]));
    this.questions = new Map((s.questions || []).map((q) => [q.id, q]));
    this.upvoted = new Set((s.questions || []).filter((q) => q.upvoted).map((q) => q.id));
    this.pinnedQuestionId = s.pinnedQuestionId ?? null;
    this.backchannel = s.backchannel || [];
    this.requests = new Map();
    for (const p of this.participants.values()) if (p.stageRequested) this.requests.set(p.id, p.name);
    this.emit('session', 'settings', 'you', 'participants', 'spotlight', 'chat', 'polls', 'qa', 'backchannel');
  }

  upsert(p) {
    this.participants.set(p.id, p);
    if (p.stageRequested) this.requests.set(p.id, p.name);
    else this.requests.delete(p.id);
    const topics = ['participants'];
    if (this.you && p.id === this.you.id) {
      this.you = p;
      topics.push('you');
    }
    this.emit(...topics);
  }

  remove(id) {
    if (!this.participants.delete(id)) return;
    this.requests.delete(id);
    if (this.spotlight === id) {
      this.spotlight = null;
      this.emit('spotlight');
    }
    this.emit('participants');
  }

  name(id) {
    if (id === '@server') return 'The organizer';
    return this.participants.get(id)?.name || 'Someone';
  }

  lowerAllHands() {
    for (const [id, p] of this.participants) {
      if (p.hand) this.participants.set(id, { ...p, hand: null });
    }
    if (this.you?.hand) this.you = { ...this.you, hand: null };
    this.emit('participants', 'you');
  }

  addChat(message) {
    this.chat.push(message);
    if (this.chat.length > 200) this.chat.shift();
    this.emit('chat');
  }

  deleteChat(messageId) {
    this.chat = this.chat.filter((m) => m.id !== messageId);
    if (this.pinnedMessageId === messageId) this.pinnedMessageId = null;
    this.emit('chat');
  }

  setLikes(messageId, likes) {
    const m = this.chat.find((x) => x.id === messageId);
    if (m) m.likes = likes;
    this.emit('chat');
  }

  setQuestion(q) {
    const known = this.questions.get(q.id);
    this.questions.set(q.id, known ? { ...known, ...q } : q);
    this.emit('qa');
  }

  setUpvotes(questionId, upvotes) {
    const q = this.questions.get(questionId);
    if (q) this.questions.set(questionId, { ...q, upvotes });
    this.emit('qa');
  }

  removeQuestion(questionId) {
    this.questions.delete(questionId);
    this.upvoted.delete(questionId);
    if (this.pinnedQuestionId === questionId) this.pinnedQuestionId = null;
    this.emit('qa');
  }

  addBackchannel(message) {
    this.backchannel.push(message);
    if (this.backchannel.length > 100) this.backchannel.shift();
    this.emit('backchannel');
  }

  setPoll(poll) {
    const known = this.polls.get(poll.id);
    // poll.opened for everyone carries no answer of ours; keep what we already know.
    if (known && poll.yourAnswer == null && known.yourAnswer != null) poll = { ...poll, yourAnswer: known.yourAnswer };
    this.polls.set(poll.id, poll);
    this.emit('polls');
  }

  setTally(pollId, counts, answers) {
    const poll = this.polls.get(pollId);
    if (!poll) return;
    this.polls.set(pollId, { ...poll, counts, answers });
    this.emit('polls');
  }
}
