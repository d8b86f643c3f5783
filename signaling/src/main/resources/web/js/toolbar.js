// The bottom toolbar: what a person can do now, from their place (viewer or stage), role and the
// room's stage access mode.
import { h } from './dom.js';
import { icon } from './icons.js';

export class Toolbar {
  constructor(root, state, actions) {
    this.state = state;
    this.live = { micOn: false, camOn: false, sharing: false, hasMic: false, hasCamera: false };
    const button = (id, onclick, cls = 'tool') => h(`button.${cls}#${id}`, { type: 'button', onclick });
    this.b = {
      mic: button('mic-toggle', () => actions.toggleMicrophone()),
      camera: button('camera-toggle', () => actions.toggleCamera()),
      screen: button('screen-toggle', () => actions.toggleScreen()),
      joinStage: button('join-stage-button', () => actions.joinStage(), 'tool.accent'),
      ask: button('ask-stage', () => actions.askToJoin(), 'tool.accent'),
      cancel: button('cancel-request', () => actions.cancelRequest()),
      leaveStage: button('leave-stage', () => actions.leaveStage()),
      hand: button('hand-toggle', () => actions.toggleHand()),
      react: button('reactions-button', (e) => actions.react(e.currentTarget)),
      chat: button('chat-button', () => actions.panel('chat')),
      polls: button('polls-button', () => actions.panel('polls')),
      people: button('participants-button', () => actions.panel('participants')),
      room: button('room-button', () => actions.panel('room')),
      leave: button('leave-room', () => actions.leaveRoom(), 'tool.danger'),
    };
    this.badges = { chat: h('span.badge', { hidden: true }), polls: h('span.badge', { hidden: true }) };
    root.append(
      h('div.tool-group.stage-tools', {}, this.b.mic, this.b.camera, this.b.screen, this.b.joinStage, this.b.ask, this.b.cancel, this.b.leaveStage),
      h('div.tool-group.audience-tools', {}, this.b.hand, this.b.react),
      h('div.tool-group.panel-tools', {}, this.b.chat, this.b.polls, this.b.people, this.b.room, this.b.leave));
    for (const topic of ['you', 'settings', 'session']) state.on(topic, () => this.draw());
    // A burst of joins is one redraw a frame, not one per join (1,000 joins cost ~1.6 s drawn one by one).
    this.scheduled = false;
    state.on('participants', () => {
      if (this.scheduled) return;
      this.scheduled = true;
      requestAnimationFrame(() => {
        this.scheduled = false;
        this.draw();
      });
    });
    this.draw();
  }

  setLive(live) {
    Object.assign(this.live, live);
    this.draw();
  }

  setBadge(name, count) {
    const badge = this.badges[name];
    badge.hidden = !count;
    badge.textContent = count > 9 ? '9+' : String(count);
  }

  setActivePanel(name) {
    for (const key of ['chat', 'polls', 'people', 'room']) {
      const panel = key === 'people' ? 'participants' : key;
      this.b[key].classList.toggle('active', panel === name);
      this.b[key].setAttribute('aria-pressed', String(panel === name));
    }
  }

  draw() {
    const s = this.state;
    const you = s.you;
    if (!you) return;
    const onStage = you.place === 'stage';
    const role = you.role;
    const mode = s.settings.accessMode;
    const mayStage = !s.viewOnly;
    const label = (el, name, text, title) => {
      el.replaceChildren(h('span.tool-icon', {}, icon(name)), h('span.tool-label', {}, text));
      el.title = title || text;
      el.setAttribute('aria-label', title || text);
    };
    const show = (el, visible) => { el.hidden = !visible; };

    show(this.b.mic, onStage);
    show(this.b.camera, onStage);
    show(this.b.screen, onStage && role !== 'attendee');
    const micForced = you.microphoneForcedOff;
    label(this.b.mic, you.microphoneOn ? 'mic' : 'micOff', you.microphoneOn ? 'Mute' : 'Unmute',
      you.microphoneOn ? 'Turn your microphone off' : micForced ? 'A moderator muted you: turn your microphone back on' : 'Turn your microphone on');
    this.b.mic.classList.toggle('off', !you.microphoneOn);
    label(this.b.camera, you.cameraOn ? 'camera' : 'cameraOff', you.cameraOn ? 'Stop video' : 'Start video',
      you.cameraOn ? 'Turn your camera off' : 'Turn your camera on');
    this.b.camera.classList.toggle('off', !you.cameraOn);
    label(this.b.screen, 'screen', you.screenSharing || this.live.sharing ? 'Stop sharing' : 'Share screen');
    this.b.screen.classList.toggle('active', !!(you.screenSharing || this.live.sharing));

    const staff = role === 'moderator' || role === 'speaker';
    const live = s.session === 'live' || staff;
    show(this.b.joinStage, !onStage && mayStage && live && (staff || mode === 'open'));
    label(this.b.joinStage, 'up', 'Join stage', 'Go on stage with your camera and microphone');
    show(this.b.ask, !onStage && mayStage && !staff && mode === 'request' && !you.stageRequested && !you.invited);
    label(this.b.ask, 'ask', 'Ask to join stage', 'Ask the moderators to bring you on stage');
    show(this.b.cancel, !onStage && !staff && !!you.stageRequested);
    label(this.b.cancel, 'close', 'Cancel request', 'Cancel your request to join the stage');
    show(this.b.leaveStage, onStage && role === 'moderator');
    label(this.b.leaveStage, 'down', 'Leave stage', 'Leave the stage and watch as a viewer');

    label(this.b.hand, 'hand', you.hand ? 'Lower hand' : 'Raise hand');
    this.b.hand.classList.toggle('active', !!you.hand);
    show(this.b.react, s.settings.reactionsEnabled);
    label(this.b.react, 'smile', 'React');
    label(this.b.chat, 'chat', 'Chat');
    this.b.chat.append(this.badges.chat);
    label(this.b.polls, 'poll', 'Polls');
    this.b.polls.append(this.badges.polls);
    label(this.b.people, 'people', `People ${s.participants.size}`, 'Participants');
    show(this.b.room, s.isModerator);
    label(this.b.room, 'gear', 'Room', 'Room controls');
    label(this.b.leave, 'leave', 'Leave', 'Leave the room');
  }
}
