// The room page: device check, joining, lobby, stage, panels and every server event, wired
// together. Protocol: docs/protocol.md (media) and the stage section (rooms, stage, chat, polls).
import { h, $ } from './dom.js';
import { SignalingClient } from './signaling.js';
import { RoomState } from './room-state.js';
import { Publisher, Receiver } from './media.js';
import { DeviceCheck, openDevices, mediaErrorText, savedDevices, insecureOriginText } from './devices.js';
import { StageView } from './stage.js';
import { ParticipantsPanel } from './participants.js';
import { PersonMenu } from './person-menu.js';
import { ChatPanel } from './chat.js';
import { Reactions } from './reactions.js';
import { PollsPanel } from './polls.js';
import { QaPanel } from './qa.js';
import { BackchannelPanel } from './backchannel.js';
import { ModeratorPanel } from './moderator.js';
import { Toolbar } from './toolbar.js';
import { icon as iconSvg } from './icons.js';
import { toast, ask, dismiss, failed, explain, connectionBanner } from './notices.js';

const params = new URLSearchParams(location.search);
const roomName = decodeURIComponent((location.pathname.match(/^\/room\/([^/]+)/) || [])[1] || 'demo');
const token = params.get('token');
const flags = {
  autopublish: params.get('autopublish') === '1',
  autojoin: params.get('autojoin') === '1',
  autostart: params.get('autostart') === '1',
  // Simulcast on by default, so each viewer can get the layer it can take; ?simulcast=0 sends one.
  simulcast: params.get('simulcast') !== '0',
};
const mobile = navigator.userAgentData?.mobile ?? /Mobi|Android|iPhone|iPad/i.test(navigator.userAgent);
// Two 1 s steps early: in a cluster a killed node is listed for up to 3 s, so the take-over of its
// rooms is usually ready by the fourth attempt (4.5 s) rather than the fifth (7.5 s).
const RECONNECT_DELAYS_MS = [500, 1000, 1000, 2000, 4000, 8000, 8000, 8000, 8000];

/** What the token says about us, read without verifying (the server verifies). */
function readToken(jwt) {
  try {
    const payload = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(decodeURIComponent(escape(atob(payload))));
  } catch {
    return {};
  }
}

const claims = token ? readToken(token) : {};
// Opened over plain HTTP from another machine: say so at once, in words, and how to fix it (the
// browser would only fail later with "Cannot read properties of undefined").
if (!window.isSecureContext) {
  document.body.prepend(h('div.insecure-origin#insecure-origin', { role: 'status' }, insecureOriginText()));
}
const state = new RoomState();
const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
const signaling = new SignalingClient(`${scheme}://${location.host}/ws`);
const receiver = new Receiver(signaling, (tracks) => stage?.setRemoteTracks(tracks));
receiver.onerror = (e) => toast('The stage video could not be set up: ' + e.message, 'error');

let stage = null;
let toolbar = null;
let chat = null;
let polls = null;
let reactions = null;
let menu = null;
let publisher = null;
let localStream = null;
let screenStream = null;
let finished = false; // ended, left or refused: no reconnect
let iceServers = []; // TURN servers with this participant's credential, from the join response
let levelTimer = 0;
let invitation = null;
let activePanel = null;

// ---- screens -------------------------------------------------------------------------------

function screen(name) {
  for (const el of document.querySelectorAll('.screen')) el.hidden = el.id !== 'screen-' + name;
  document.body.dataset.screen = name;
}

function message({ title, text, icon = '', spinner = false, action = null }) {
  $('#message-icon').replaceChildren(...(icon ? [iconSvg(icon)] : []));
  $('#message-title').textContent = title;
  $('#message-text').textContent = text;
  $('#message-spinner').hidden = !spinner;
  const button = $('#message-action');
  button.hidden = !action;
  if (action) {
    button.textContent = action.label;
    button.onclick = action.onclick;
  }
  screen('message');
}

function finish(title, text, icon) {
  finished = true;
  stopLive();
  receiver.reset();
  signaling.close();
  clearInterval(levelTimer);
  message({ title, text, icon, action: { label: 'Enter again', onclick: () => location.reload() } });
}

// ---- device check and entering ---------------------------------------------------------------

function showSetup() {
  const mayStage = !claims.vo && !mobile;
  const check = new DeviceCheck({ withCamera: mayStage });
  $('#setup-room').textContent = roomName;
  $('#setup-name').textContent = 'You are joining';
  const nameInput = $('#setup-display-name');
  nameInput.value = localStorage.getItem(NAME_KEY) || (['Speaker', 'Moderator', 'Guest'].includes(claims.name) ? '' : claims.name || '');
  nameInput.oninput = () => localStorage.setItem(NAME_KEY, nameInput.value.trim());
  if (nameInput.value) localStorage.setItem(NAME_KEY, nameInput.value.trim());
  $('#setup-role').textContent = claims.role ? ` (${claims.role})` : '';
  $('#device-check').replaceChildren(check.element);
  const staff = claims.role === 'moderator' || claims.role === 'speaker';
  $('#join-stage').hidden = !mayStage;
  $('#join-stage-hint').textContent = !mayStage
    ? (mobile ? 'On a phone you join as a viewer; you can ask to come on stage later.' : '')
    : staff ? '' : 'Join stage works when the room lets everyone on stage; otherwise you join as a viewer.';
  $('#join-viewer').onclick = () => {
    check.stop();
    enter({ stage: false });
  };
  $('#join-stage').onclick = () => {
    const stream = check.takeStream();
    enter({ stage: true, stream });
  };
  screen('setup');
  check.start();
}

async function enter({ stage: wantsStage, stream = null }) {
  message({ title: 'Entering the room…', text: roomName, spinner: true });
  try {
    await signaling.connect();
  } catch (e) {
    stream?.getTracks().forEach((t) => t.stop());
    message({ title: 'The server cannot be reached', text: 'Check your connection, then try again.', icon: 'signal', action: { label: 'Try again', onclick: () => location.reload() } });
    return;
  }
  let data;
  try {
    data = await join(wantsStage);
  } catch (e) {
    if (wantsStage && (e.code === 'forbidden' || e.code === 'invalid_state')) {
      try {
        data = await join(false);
        toast(`You joined as a viewer: ${explain(e)}`, 'info', 8000);
        wantsStage = false;
      } catch (e2) {
        e = e2;
      }
    }
    if (!data) {
      stream?.getTracks().forEach((t) => t.stop());
      refused(e);
      return;
    }
  }
  if (!wantsStage) stream?.getTracks().forEach((t) => t.stop());
  admitted(data, wantsStage ? stream : null);
  if (flags.autostart && state.isModerator && state.session === 'lobby') {
    signaling.request('session.start').catch(failed);
  }
}

// After the first join the server hands back a token bound to who we became in the room, so a
// reconnect or a reload resumes that person (an invitation link alone names nobody).
const rejoinKey = `stagecast.rejoin:${roomName}:${token}`;
let joinToken = sessionStorage.getItem(rejoinKey) || token;
const NAME_KEY = 'stagecast.displayName';

async function join(wantsStage) {
  const name = (localStorage.getItem(NAME_KEY) || '').trim();
  const request = { room: roomName, token: joinToken, mobile, stage: wantsStage && !mobile };
  if (name) request.name = name;
  let data;
  try {
    data = await joinOnRoomNode(request);
  } catch (e) {
    if (joinToken === token || e.code !== 'unauthorized') throw e;
    // The saved identity expired: start over with the link itself.
    joinToken = token;
    sessionStorage.removeItem(rejoinKey);
    data = await joinOnRoomNode({ ...request, token });
  }
  iceServers = data.iceServers || [];
  receiver.iceServers = iceServers;
  signaling.setNodes(data.nodes);
  if (data.rejoinToken) {
    joinToken = data.rejoinToken;
    sessionStorage.setItem(rejoinKey, joinToken);
  }
  return data;
}

/**
 * Cluster mode (docs/protocol.md, wrong_node): the room is served by another node, so the join is
 * sent there with the same token. At most MAX_NODE_MOVES moves, so two nodes that disagree (one of
 * them just died) cannot bounce the page for ever: the last refusal is shown.
 */
const MAX_NODE_MOVES = 2;
async function joinOnRoomNode(request) {
  for (let moves = 0; ; moves++) {
    try {
      return await signaling.request('join', request);
    } catch (e) {
      if (e.code !== 'wrong_node' || !e.node || moves >= MAX_NODE_MOVES) throw e;
      await signaling.moveTo(e.node);
    }
  }
}

function refused(e) {
  finished = true;
  signaling.close();
  if (e.code === 'invalid_name') {
    // The name rule (docs/protocol.md): nothing visible was left of the name. Let them type another.
    message({ title: 'Choose another name', text: explain(e), icon: 'alert', action: { label: 'Change the name', onclick: () => { localStorage.removeItem(NAME_KEY); location.reload(); } } });
    return;
  }
  const locked = /lock/i.test(e.message || '');
  const ended = e.code === 'invalid_state' && /end/i.test(e.message || '');
  const title = e.code === 'unauthorized' ? 'This link does not work'
    : locked ? 'This room is locked' : ended ? 'This session has ended' : 'You could not enter the room';
  const text = e.code === 'unauthorized' ? 'It may have expired or been used already. Ask the host for a new link.'
    : locked ? 'Nobody new can enter right now. Ask the host to unlock the room, then try again.' : explain(e);
  message({ title, text, icon: locked ? 'lock' : ended ? 'stage' : 'alert', action: { label: 'Try again', onclick: () => location.reload() } });
}

/** The join reply (or room.admitted): a snapshot of the room. */
function admitted(snapshot, stream = null) {
  state.viewOnly = !!claims.vo; // mayPublish is false for every attendee; the stage decides who publishes
  state.applySnapshot(snapshot);
  state.dominantSpeaker = snapshot.dominantSpeaker?.participantId ?? null;
  stage?.setDominant(state.dominantSpeaker);
  stage?.viewports?.reset(); // a new connection: the server knows nothing of our tiles yet
  if (state.session === 'ended') {
    finish('This session has ended', 'Thanks for joining.', 'stage');
    return;
  }
  if (state.you.place === 'lobby') {
    stream?.getTracks().forEach((t) => t.stop());
    message({ title: 'Waiting for the session to start', text: 'You will be let in automatically when a moderator starts it. Keep this page open.', icon: 'clock', spinner: true });
    return;
  }
  showRoom();
  if (snapshot.invitationExpiresInMillis) showInvitation({ expiresInMillis: snapshot.invitationExpiresInMillis });
  if (state.onStage) goLive(stream).catch(failed);
  else stream?.getTracks().forEach((t) => t.stop());
}

// ---- the room ---------------------------------------------------------------------------------

function showRoom() {
  screen('room');
  $('#room-title').textContent = state.room || roomName;
  if (stage) return;
  menu = new PersonMenu(state, signaling);
  const openMenu = (id, anchor) => menu.open(id, anchor);
  stage = new StageView($('#stage'), state, {
    onMenu: openMenu,
    trackIdOf: (track) => receiver.trackIdOf(track),
    onViewports: (tracks) => signaling.request('media.viewport', { tracks }),
  });
  stage.setRemoteTracks(receiver.tracks);
  stage.setDominant(state.dominantSpeaker);
  // Every view draws the current state when it is made: the snapshot was applied before
  // (applySnapshot's events went to nobody). The toolbar comes first, panels set its badges.
  toolbar = new Toolbar($('#toolbar'), state, toolbarActions);
  new ParticipantsPanel($('#panel-participants'), state, {
    onMenu: openMenu,
    onApprove: (id) => signaling.request('stage.approve', { participantId: id }).then(() => toast(`${state.name(id)} was invited to the stage`)).catch(failed),
    onDecline: (id) => signaling.request('stage.decline', { participantId: id }).catch(failed),
  });
  chat = new ChatPanel($('#panel-chat'), state, signaling, { onUnread: (n) => toolbar.setBadge('chat', n) });
  polls = new PollsPanel($('#panel-polls'), state, signaling, {
    onNew: (poll) => {
      if (activePanel !== 'polls') {
        toolbar.setBadge('polls', 1);
        toast(`New ${poll.quiz ? 'quiz' : 'poll'}: ${poll.question}`);
      }
    },
  });
  new QaPanel($('#panel-qa'), state, signaling, {
    onNew: () => { if (activePanel !== 'qa') $('#panel-tab-qa').classList.add('unread'); },
  });
  new BackchannelPanel($('#panel-backstage'), state, signaling);
  state.on('you', syncPanelTabs);
  new ModeratorPanel($('#panel-room'), state, signaling, { onEnd: () => signaling.request('session.end').catch(failed) });
  reactions = new Reactions($('#reactions-layer'), signaling);
  document.body.append(reactions.picker);
  for (const tab of document.querySelectorAll('.panel-tab')) tab.onclick = () => openPanel(tab.dataset.panel);
  $('#panel-close').onclick = () => openPanel(null);
  state.on('you', syncLocalTracks);
  state.on('you', () => {
    if (!state.onStage && publisher) stopLive();
    $('#session-badge').textContent = state.session === 'live' ? 'Live' : state.session === 'lobby' ? 'Not started' : 'Ended';
  });
  state.on('session', () => {
    $('#session-badge').textContent = state.session === 'live' ? 'Live' : state.session === 'lobby' ? 'Not started' : 'Ended';
    $('#session-badge').classList.toggle('live', state.session === 'live');
    $('#lobby-banner').hidden = !(state.isModerator && state.session === 'lobby');
  });
  state.emit('session');
  $('#lobby-start').onclick = () => signaling.request('session.start').catch(failed);
  clearInterval(levelTimer);
  levelTimer = setInterval(updateLevels, 300);
  if (innerWidth >= 1100) openPanel('participants');
}

function openPanel(name) {
  activePanel = activePanel === name ? null : name;
  $('#side-panel').hidden = !activePanel;
  for (const panel of document.querySelectorAll('.panel-body')) panel.hidden = panel.id !== 'panel-' + activePanel;
  for (const tab of document.querySelectorAll('.panel-tab')) tab.classList.toggle('active', tab.dataset.panel === activePanel);
  syncPanelTabs();
  if (activePanel === 'qa') $('#panel-tab-qa').classList.remove('unread');
  toolbar.setActivePanel(activePanel);
  chat.setVisible(activePanel === 'chat');
  if (activePanel === 'polls') toolbar.setBadge('polls', 0);
  document.body.classList.toggle('panel-open', !!activePanel);
}

/** Tabs only some people have: the room (moderators), backstage (moderators, speakers on stage). */
function syncPanelTabs() {
  $('#panel-tab-room').hidden = !state.isModerator;
  $('#panel-tab-backstage').hidden = !state.backstage;
  if ((activePanel === 'backstage' && !state.backstage) || (activePanel === 'room' && !state.isModerator)) openPanel(null);
}

const toolbarActions = {
  toggleMicrophone: () => setMedia('microphone', !state.you.microphoneOn),
  toggleCamera: () => setMedia('camera', !state.you.cameraOn),
  toggleScreen: () => toggleScreen().catch(failed),
  joinStage: () => getReady('Join the stage', () => signaling.request('stage.join')),
  askToJoin: () => signaling.request('stage.request').then(() => toast('Your request was sent to the moderators.')).catch(failed),
  cancelRequest: () => signaling.request('stage.cancelRequest').then(() => toast('Your request was cancelled.')).catch(failed),
  leaveStage: () => signaling.request('stage.leave').catch(failed),
  toggleHand: () => (state.you.hand
    ? signaling.request('hand.lower', { participantId: state.you.id })
    : signaling.request('hand.raise')).catch(failed),
  react: (anchor) => reactions.toggle(anchor),
  panel: (name) => openPanel(name),
  leaveRoom: () => {
    if (state.onStage && !confirm('Leave the room? You will leave the stage too.')) return;
    signaling.request('room.leave').catch(() => {}).finally(() => finish('You left the room', 'See you next time.', 'stage'));
  },
};

// ---- going live ---------------------------------------------------------------------------

/** "Get ready to join the stage": a device check, then `go()` (the stage request), then live. */
function getReady(title, go, onCancel = () => {}) {
  const dialog = $('#ready-dialog');
  const check = new DeviceCheck({ withCamera: true });
  $('#ready-title').textContent = title === 'Join the stage' ? 'Get ready to join the stage' : title;
  $('#ready-check').replaceChildren(check.element);
  const close = () => {
    check.stop();
    dialog.close();
  };
  $('#ready-go').onclick = async () => {
    $('#ready-go').disabled = true;
    const stream = check.takeStream();
    dialog.close();
    try {
      await go();
      await goLive(stream);
    } catch (e) {
      stream?.getTracks().forEach((t) => t.stop());
      failed(e);
    } finally {
      $('#ready-go').disabled = false;
    }
  };
  $('#ready-cancel').onclick = () => {
    close();
    onCancel();
  };
  dialog.oncancel = () => {
    check.stop();
    onCancel();
  };
  dialog.showModal();
  check.start();
}

/** Publishes camera and microphone (with the device check's choices) while on stage. */
async function goLive(stream = null) {
  if (publisher) return;
  const wanted = savedDevices();
  if (!stream) {
    try {
      stream = await openDevices();
    } catch (e) {
      try {
        stream = await openDevices({ video: false });
        toast(mediaErrorText(e), 'error', 8000);
      } catch (e2) {
        toast(mediaErrorText(e2) + ' You are on stage without camera and microphone.', 'error', 10000);
        return;
      }
    }
  }
  await publish(stream);
  const micOn = flags.autopublish || wanted.micOn !== false;
  const camOn = flags.autopublish || wanted.camOn !== false;
  syncLocalTracks();
  await Promise.all([
    stream.getAudioTracks().length && micOn ? setMedia('microphone', true) : null,
    stream.getVideoTracks().length && camOn ? setMedia('camera', true) : null,
  ]);
}

/** The test hook's publish: rejects with the server's error (with its `.code`). */
async function publish(stream = null) {
  if (publisher) return;
  stream = stream || await openDevices();
  localStream = stream;
  publisher = new Publisher(signaling, { simulcast: flags.simulcast, iceServers });
  try {
    await publisher.start(stream);
  } catch (e) {
    stopLive();
    throw e;
  }
  stage?.setLocal(stream, null);
  toolbar?.setLive({ hasMic: stream.getAudioTracks().length > 0, hasCamera: stream.getVideoTracks().length > 0 });
}

function stopLive() {
  publisher?.close();
  publisher = null;
  localStream?.getTracks().forEach((t) => t.stop());
  localStream = null;
  screenStream?.getTracks().forEach((t) => t.stop());
  screenStream = null;
  stage?.setLocal(null, null);
  toolbar?.setLive({ sharing: false });
}

/** Our sending tracks follow what the room says (a moderator's forced mute included). */
function syncLocalTracks() {
  if (!localStream || !state.you) return;
  const micTracks = localStream.getAudioTracks();
  const camTracks = localStream.getVideoTracks();
  micTracks.forEach((t) => { t.enabled = !!state.you.microphoneOn; });
  camTracks.forEach((t) => { t.enabled = !!state.you.cameraOn; });
}

function setMedia(kind, on) {
  const tracks = kind === 'microphone' ? localStream?.getAudioTracks() : localStream?.getVideoTracks();
  if (on && !tracks?.length) {
    toast(kind === 'microphone' ? 'No microphone is available.' : 'No camera is available.', 'error');
    return;
  }
  return signaling.request('media.' + kind, { on }).then(() => {
    tracks?.forEach((t) => { t.enabled = on; });
  }).catch(failed);
}

async function toggleScreen() {
  if (screenStream) {
    await stopScreen();
    return;
  }
  if (!publisher) throw Object.assign(new Error('you are not on stage'), { code: 'invalid_state' });
  let stream;
  if (!navigator.mediaDevices) {
    toast(insecureOriginText(), 'error', 15000);
    return;
  }
  try {
    stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
  } catch (e) {
    if (e.name !== 'NotAllowedError') toast('Screen sharing could not start: ' + e.message, 'error');
    return;
  }
  try {
    await signaling.request('media.screenShare', { on: true });
    await publisher.shareScreen(stream);
  } catch (e) {
    stream.getTracks().forEach((t) => t.stop());
    signaling.request('media.screenShare', { on: false }).catch(() => {});
    throw e;
  }
  screenStream = stream;
  stream.getVideoTracks()[0].onended = () => stopScreen().catch(failed);
  stage.setLocal(localStream, stream.getVideoTracks()[0]);
  toolbar.setLive({ sharing: true });
}

async function stopScreen() {
  const stream = screenStream;
  screenStream = null;
  stream?.getTracks().forEach((t) => t.stop());
  stage.setLocal(localStream, null);
  toolbar.setLive({ sharing: false });
  if (publisher) await publisher.stopScreen();
  await signaling.request('media.screenShare', { on: false });
}

/** Speaking indicators: received audio levels from stats, our own from the local track. */
async function updateLevels() {
  if (!stage) return;
  try {
    const levels = await receiver.audioLevels();
    if (publisher && state.you) {
      const report = await publisher.pc.getStats();
      report.forEach((s) => {
        if (s.type === 'media-source' && s.kind === 'audio' && state.you.microphoneOn) levels.set(state.you.id, s.audioLevel || 0);
      });
    }
    stage.setLevels(levels);
  } catch {
    // a connection closing between two polls: the next poll is fine
  }
}

// ---- server events ----------------------------------------------------------------------------

function isMe(id) {
  return state.you && id === state.you.id;
}

function on(event, handler) {
  signaling.on(event, handler);
}

on('subscriberOffer', (msg) => receiver.offer(msg));
on('participant.added', (e) => state.upsert(e.participant));
on('participant.changed', (e) => state.upsert(e.participant));
on('participant.removed', (e) => state.remove(e.participantId));
on('session.started', () => {
  state.session = 'live';
  state.emit('session');
});
on('session.ended', () => finish('This session has ended', 'The moderator ended the session for everyone. Thanks for joining!', 'stage'));
on('settings.changed', (e) => {
  const before = state.settings;
  state.settings = e.settings;
  state.emit('settings', 'you', 'polls');
  if (before.accessMode !== e.settings.accessMode && !state.isModerator) {
    const text = { open: 'Everyone can join the stage now.', request: 'You can ask to join the stage now.', invite: 'The stage is now by invitation only.', closed: 'The stage is closed to the audience now.' }[e.settings.accessMode];
    if (text) toast(text);
  }
});
on('lobby.changed', (e) => {
  state.lobbyWaiting = e.waiting;
  state.emit('session');
  $('#lobby-count').textContent = e.waiting ? `${e.waiting} waiting` : '';
});
on('room.admitted', (e) => {
  admitted(e.snapshot);
  toast('The session has started. Welcome!');
});
on('stage.requestReceived', (e) => {
  ask({
    id: 'request-' + e.participantId,
    title: `${e.name} asks to join the stage`,
    text: '',
    actions: [
      { name: 'approve', label: 'Bring to stage', primary: true, onclick: () => signaling.request('stage.approve', { participantId: e.participantId }).catch(failed) },
      { name: 'decline', label: 'Decline', onclick: () => signaling.request('stage.decline', { participantId: e.participantId }).catch(failed) },
    ],
  });
});
on('stage.requestClosed', (e) => {
  dismiss('request-' + e.participantId);
  if (!isMe(e.participantId)) return;
  if (e.closure === 'declined') {
    ask({ id: 'declined', title: 'Your request was declined', text: 'A moderator declined your request to join the stage. You can ask again later.', actions: [{ label: 'OK', primary: true, onclick: () => {} }] });
  } else if (e.closure === 'dropped') {
    toast('Your request to join the stage was closed because the stage access changed.');
  }
});
function showInvitation({ viaRequest = false, byId = null, expiresInMillis = null }) {
  invitation?.close();
  invitation = ask({
    id: 'invitation',
    title: viaRequest ? 'Your request was approved' : `${byId ? state.name(byId) : 'A moderator'} invites you to the stage`,
    text: 'Join the stage to be seen and heard by everyone.',
    expiresInMillis,
    actions: [
      {
        name: 'accept',
        label: 'Join the stage',
        primary: true,
        onclick: () => getReady('Join the stage', () => signaling.request('stage.accept'),
          () => signaling.request('stage.declineInvitation').catch(() => {})),
      },
      { name: 'decline', label: 'Decline', onclick: () => signaling.request('stage.declineInvitation').then(() => toast('You declined the invitation.')).catch(failed) },
    ],
  });
}
on('stage.invitation', (e) => showInvitation(e));
on('stage.invitationAnswered', (e) => toast(e.accepted ? `${state.name(e.participantId)} accepted and joined the stage` : `${state.name(e.participantId)} declined the invitation to the stage`));
on('stage.invitationWithdrawn', (e) => {
  if (isMe(e.participantId)) {
    invitation?.close();
    const dialog = $('#ready-dialog');
    if (dialog.open) dialog.close();
    const why = { revoked: 'A moderator withdrew your invitation to the stage.', expired: 'Your invitation to the stage expired.', mode_changed: 'Your invitation was withdrawn: the stage is closed now.', role_changed: 'Your invitation was withdrawn because your role changed.' }[e.reason];
    toast(why || 'Your invitation to the stage was withdrawn.');
  } else if (state.isModerator && e.reason === 'expired') {
    toast(`The invitation to ${state.name(e.participantId)} expired.`);
  }
});
on('stage.movedToViewer', (e) => {
  if (!isMe(e.participantId)) return;
  stopLive();
  const text = e.reason === 'evicted'
    ? 'The stage was full, so you were moved back to the audience to make room. You can come back the usual way.'
    : 'A moderator moved you back to the audience. You can still watch, chat and react.';
  ask({ id: 'moved', title: 'You are watching again', text, actions: [{ label: 'OK', primary: true, onclick: () => {} }] });
});
on('media.forcedOff', (e) => {
  if (!isMe(e.participantId)) return;
  const tracks = e.kind === 'microphone' ? localStream?.getAudioTracks() : localStream?.getVideoTracks();
  tracks?.forEach((t) => { t.enabled = false; });
  toast(e.kind === 'microphone'
    ? (state.settings.strongMute ? 'A moderator muted you. You can unmute when a moderator allows it.' : 'A moderator muted you. Unmute when you want to speak.')
    : 'A moderator turned your camera off.', 'info', 8000);
});
on('spotlight.changed', (e) => {
  state.spotlight = e.participantId ?? null;
  state.emit('spotlight');
  if (e.participantId) toast(`${state.name(e.participantId)} is in the spotlight`);
});
on('speaker.dominant', (e) => {
  state.dominantSpeaker = e.participantId ?? null;
  stage?.setDominant(state.dominantSpeaker);
});
on('media.layers', (e) => publisher?.setLayers(e).catch(() => {}));
on('hand.allLowered', () => state.lowerAllHands());
on('chat.message', (e) => state.addChat(e.message));
on('chat.deleted', (e) => state.deleteChat(e.messageId));
on('chat.likes', (e) => state.setLikes(e.messageId, e.likes));
on('chat.pinned', (e) => {
  state.pinnedMessageId = e.messageId ?? null;
  state.emit('chat');
});
on('chat.cleared', () => {
  state.chat = [];
  state.pinnedMessageId = null;
  state.emit('chat');
});
on('qa.asked', (e) => state.setQuestion(e.question));
on('qa.changed', (e) => state.setQuestion(e.question));
on('qa.upvotes', (e) => state.setUpvotes(e.questionId, e.upvotes));
on('qa.removed', (e) => state.removeQuestion(e.questionId));
on('qa.pinned', (e) => {
  state.pinnedQuestionId = e.questionId ?? null;
  state.emit('qa');
});
on('backchannel.message', (e) => state.addBackchannel(e.message));
on('backchannel.deleted', (e) => {
  state.backchannel = state.backchannel.filter((m) => m.id !== e.messageId);
  state.emit('backchannel');
});
on('backchannel.history', (e) => {
  state.backchannel = e.messages || [];
  state.emit('backchannel');
});
on('reaction', (e) => reactions?.show(e.emoji, state.name(e.participantId)));
on('poll.created', (e) => state.setPoll(e.poll));
on('poll.opened', (e) => state.setPoll(e.poll));
on('poll.closed', (e) => {
  state.setPoll(e.poll);
  if (!state.isModerator) toast(`Results are in: ${e.poll.question}`);
});
on('poll.tally', (e) => state.setTally(e.pollId, e.counts, e.answers));
on('quiz.result', (e) => {
  state.quizResults.set(e.pollId, e);
  state.emit('polls');
});

// ---- reconnect ----------------------------------------------------------------------------

signaling.onclose = () => {
  if (finished) return;
  stopLive();
  receiver.reset();
  reconnect(0);
};

async function reconnect(attempt) {
  if (finished) return;
  if (attempt >= RECONNECT_DELAYS_MS.length) {
    connectionBanner('');
    finished = true;
    message({ title: 'The connection was lost', text: 'We could not reconnect to the room. Check your network, then enter again.', icon: 'signal', action: { label: 'Enter again', onclick: () => location.reload() } });
    return;
  }
  connectionBanner('Connection lost. Reconnecting…');
  await new Promise((resolve) => setTimeout(resolve, RECONNECT_DELAYS_MS[attempt]));
  try {
    await signaling.connect();
  } catch {
    // The room's node may be the one that went away: the next attempt asks the page's own node.
    signaling.goHome();
    reconnect(attempt + 1);
    return;
  }
  try {
    const data = await join(false);
    connectionBanner('');
    admitted(data);
    toast('Reconnected.');
  } catch (e) {
    if (e.code === 'unreachable') {
      // Our own node sent us (wrong_node) to the room's node, which cannot be reached: it died
      // and is still listed for up to 3 s. Ask our own node again; it takes the room over once
      // the dead node drops out of the list.
      signaling.goHome();
      reconnect(attempt + 1);
    } else if (e.code === 'disconnected') reconnect(attempt + 1);
    else {
      connectionBanner('');
      refused(e);
    }
  }
}

// ---- test hooks (docs: README, browser tests) -----------------------------------------------

window.stagecast = {
  get sub() { return receiver.pc; },
  get pub() { return publisher?.pc || null; },
  state,
  publish: () => publish(),
  inboundStats: () => receiver.inboundStats(),
  get dominantSpeaker() { return state.dominantSpeaker ?? null; },
  publisherEncodings: () => publisher?.encodings() || [],
  sentViewports: () => stage?.viewports?.snapshot() || {},
  dropConnection: () => signaling.ws?.close(4000, 'test'),
};

// ---- start ------------------------------------------------------------------------------------

if (!token) {
  finished = true;
  message({ title: 'This link has no invitation', text: 'Open the link the host sent you (it ends with ?token=…).', icon: 'link' });
} else if (flags.autopublish) {
  enter({ stage: true, stream: null });
} else if (flags.autojoin) {
  enter({ stage: false });
} else {
  showSetup();
}
