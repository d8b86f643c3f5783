// Everything the page tells a person: short toasts, notices with buttons, the connection banner.
import { h, $ } from './dom.js';

const ERROR_TEXT = {
  forbidden: 'That is not allowed',
  invalid_state: 'That is not possible right now',
  not_found: 'That no longer exists',
  rate_limited: 'Slow down a little and try again',
  bad_request: 'That request was not understood',
  unauthorized: 'Your link is not valid (it may have expired)',
  invalid_name: 'Choose a name with at least one letter, digit or symbol',
  room_full: 'The room is full; try again in a while',
  unavailable: 'The server is busy; try again in a moment',
  disconnected: 'You are not connected right now',
  unreachable: 'The server cannot be reached',
};

/** "That is not allowed: your role does not allow publishing." */
export function explain(error) {
  const base = ERROR_TEXT[error?.code];
  const detail = error?.message ? error.message.charAt(0).toUpperCase() + error.message.slice(1) : '';
  if (!base) return detail || 'Something went wrong';
  return detail ? `${detail}.`.replace(/\.\.$/, '.') : `${base}.`;
}

export function toast(text, kind = 'info', ms = 5000) {
  const item = h('div.toast.' + kind, { role: kind === 'error' ? 'alert' : 'status' }, text);
  $('#toasts').append(item);
  setTimeout(() => item.remove(), ms);
  return item;
}

/** Shows a refused request as a toast; returns nothing so callers can `.catch(failed)`. */
export function failed(error) {
  console.warn('stagecast:', error?.code, error?.message);
  toast(explain(error), 'error');
}

/**
 * A notice that waits for an answer: {title, text, actions: [{label, primary, onclick}],
 * expiresInMillis}. Returns {close()}.
 */
export function ask({ id, title, text, actions, expiresInMillis }) {
  const old = id && document.getElementById(id);
  if (old) old.remove();
  const countdown = h('span.countdown');
  const item = h('div.notice', { id, role: 'alertdialog', 'aria-label': title },
    h('strong', {}, title), h('p', {}, text, countdown),
    h('div.notice-actions', {}, ...actions.map((a) => h('button' + (a.primary ? '.primary' : '.secondary'), {
      type: 'button',
      dataset: { action: a.name || '' },
      onclick: () => {
        close();
        a.onclick();
      },
    }, a.label))));
  let timer = 0;
  const close = () => {
    clearInterval(timer);
    item.remove();
  };
  if (expiresInMillis) {
    const deadline = Date.now() + expiresInMillis;
    const tick = () => {
      const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      countdown.textContent = ` (${left} s left)`;
      if (left === 0) close();
    };
    tick();
    timer = setInterval(tick, 1000);
  }
  $('#notices').append(item);
  return { close };
}

export function dismiss(id) {
  document.getElementById(id)?.remove();
}

export function connectionBanner(text) {
  const banner = $('#connection');
  banner.textContent = text || '';
  banner.hidden = !text;
}
