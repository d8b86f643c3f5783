// The WebSocket JSON protocol (docs/protocol.md): one response per request, events pushed.

/** A refusal from the server, or a request that could not be delivered. */
export class RequestError extends Error {
  /** @param node with code wrong_node: the URL of the node that serves the room */
  constructor(code, message, node = null) {
    super(message);
    this.code = code;
    this.node = node;
  }
}

export class SignalingClient {
  constructor(url) {
    this.url = url;
    this.homeUrl = url;
    /** Cluster mode: every node's /ws as of the last join (its "nodes"), for reconnects. */
    this.nodeUrls = [];
    this.ws = null;
    this.nextId = 1;
    this.pending = new Map();
    this.handlers = new Map();
    this.onclose = () => {};
  }

  /** Opens a fresh socket; resolves when it is open. */
  connect() {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url);
      this.ws = ws;
      let opened = false;
      ws.onopen = () => {
        opened = true;
        resolve();
      };
      ws.onmessage = (e) => this.receive(e.data);
      ws.onclose = (e) => {
        if (this.ws !== ws) return;
        this.failPending();
        if (!opened) reject(new RequestError('unreachable', 'cannot reach the server'));
        else this.onclose(e);
      };
    });
  }

  /**
   * Cluster mode: the room is served by the node at nodeUrl (a wrong_node refusal). Drops this
   * socket without firing onclose and opens one to that node's /ws; later reconnects go there too.
   */
  moveTo(nodeUrl) {
    const node = new URL(nodeUrl);
    const scheme = node.protocol === 'https:' ? 'wss' : 'ws';
    this.url = `${scheme}://${node.host}/ws`;
    const ws = this.ws;
    this.ws = null;
    this.failPending();
    if (ws) ws.close(1000, 'moving to the room\'s node');
    return this.connect();
  }

  /** Cluster mode: the nodes' advertised URLs from a join reply (docs/protocol.md, join). */
  setNodes(urls) {
    this.nodeUrls = (urls || []).map((u) => {
      const node = new URL(u);
      return `${node.protocol === 'https:' ? 'wss' : 'ws'}://${node.host}/ws`;
    });
  }

  /**
   * The room's node cannot be reached: back to the node the page came from, which places the
   * room again; if that is the node that just failed (the page came from the room's node), to
   * another node of the cluster, each in turn.
   */
  goHome() {
    const failed = this.url;
    const others = this.nodeUrls.filter((u) => u !== failed && u !== this.homeUrl);
    if (failed !== this.homeUrl || others.length === 0) {
      this.url = this.homeUrl;
      return;
    }
    this.turn = ((this.turn ?? -1) + 1) % others.length;
    this.url = others[this.turn];
  }

  /** Closes on purpose: no reconnect follows. */
  close() {
    const ws = this.ws;
    this.ws = null;
    this.failPending();
    if (ws) ws.close(1000, 'bye');
  }

  get connected() {
    return !!this.ws && this.ws.readyState === WebSocket.OPEN;
  }

  on(event, handler) {
    if (!this.handlers.has(event)) this.handlers.set(event, []);
    this.handlers.get(event).push(handler);
  }

  request(type, body = {}) {
    if (!this.connected) return Promise.reject(new RequestError('disconnected', 'not connected to the server'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ ...body, type, id }));
    });
  }

  receive(text) {
    let msg;
    try {
      msg = JSON.parse(text);
    } catch {
      console.warn('stagecast: unreadable message from the server');
      return;
    }
    if (msg.type === 'response') {
      const waiting = this.pending.get(msg.id);
      if (!waiting) return;
      this.pending.delete(msg.id);
      if (msg.ok) waiting.resolve(msg.data || {});
      else waiting.reject(new RequestError(msg.error?.code || 'error', msg.error?.message || 'refused', msg.error?.node));
    } else if (msg.type === 'event') {
      for (const handler of this.handlers.get(msg.event) || []) {
        try {
          handler(msg);
        } catch (e) {
          console.error('stagecast: handling', msg.event, e);
        }
      }
    }
  }

  failPending() {
    for (const { reject } of this.pending.values()) reject(new RequestError('disconnected', 'the connection was lost'));
    this.pending.clear();
  }
}
