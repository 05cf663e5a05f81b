// voice-agent browser widget. GPL-3.0-or-later.
//
//   <script src="https://agent.example.com/widget.js" data-token-url="/voice-agent/token" defer></script>
//
// Adds a talk button to the page. On a click it POSTs {"lang": "en"|"es"} to data-token-url (the
// site's own backend, which mints a client secret with the server's API key and answers
// {"value": "ek_...", "expires_at": ...}), captures the microphone (echo cancellation and noise
// suppression on), speaks the OpenAI Realtime protocol with the server's /v1/realtime, plays the
// agent gap-free and stops at once when the caller talks over it (or the server pauses the agent
// while it judges that speech: response.output_audio.paused), telling the server how much was
// heard (conversation.item.truncate).
//
// Attributes: data-token-url (required), data-server (default: where this script came from),
// data-lang (en|es; default: the page's <html lang>), data-mount (a CSS selector: render inside
// that element instead of as a floating button).
//
// window.voiceAgent: {state, error, lang, transcript: [{role, text, itemId, final, truncated}],
// insights: [...], playedSamples (24 kHz samples of agent audio played), bargeIns, sessionId,
// conversationId, start(), hangUp(), setLang(lang), on(name, fn)}.
// Events for on(): "state", "transcript", "insights", "error". document gets "voiceagent:ready".
(() => {
  "use strict";
  if (window.voiceAgent) return; // one widget per page

  const script = document.currentScript;
  const data = (script && script.dataset) || {};
  const scriptUrl = new URL((script && script.src) || "/widget.js", location.href);
  const server = new URL(data.server || scriptUrl.origin + "/");
  const wsUrl = new URL("v1/realtime", server);
  wsUrl.protocol = server.protocol === "https:" ? "wss:" : "ws:";
  const workletUrl = new URL("static/widget-worklet.js", server).href;
  const tokenUrl = data.tokenUrl ? new URL(data.tokenUrl, location.href).href : null;

  const RATE = 24000;
  const TOKEN_TIMEOUT_MS = 10000;
  const OPEN_TIMEOUT_MS = 10000;
  const PROBE_TIMEOUT_MS = 4000;
  const RECONNECT_DELAYS_MS = [500, 1500, 4000];
  const LIVE = new Set(["connecting", "listening", "speaking", "reconnecting"]);

  const STRINGS = {
    en: {
      talk: "Talk to us",
      hangUp: "Hang up",
      retry: "Try again",
      close: "Close",
      you: "You",
      agent: "Agent",
      captions: "Conversation transcript",
      cut: "(interrupted)",
      idle: "Press Talk and say what you need.",
      connecting: "Connecting…",
      listening: "Listening — go ahead.",
      speaking: "The agent is speaking — you can interrupt.",
      reconnecting: "Connection lost — reconnecting…",
      ended: "Call ended.",
      microphone_denied: "The microphone is blocked. Allow it in the browser's address bar and try again.",
      microphone_unavailable: "No microphone was found.",
      key_refused: "The voice server refused the session: the key expired or was already used, or this site may not connect. Try again.",
      server_unreachable: "The voice server cannot be reached. Check your connection and try again.",
      token_failed: "Could not get a session key from this site.",
      connection_lost: "The connection was lost.",
      server_error: "The voice server had a problem.",
      unsupported: "This browser cannot record audio here (it needs a secure https page).",
    },
    es: {
      talk: "Hablar con nosotros",
      hangUp: "Colgar",
      retry: "Reintentar",
      close: "Cerrar",
      you: "Usted",
      agent: "Agente",
      captions: "Transcripción de la conversación",
      cut: "(interrumpido)",
      idle: "Pulse Hablar y cuéntenos qué necesita.",
      connecting: "Conectando…",
      listening: "Escuchando — adelante.",
      speaking: "El agente está hablando — puede interrumpirle.",
      reconnecting: "Se perdió la conexión — reconectando…",
      ended: "Llamada terminada.",
      microphone_denied: "El micrófono está bloqueado. Permítalo en la barra de direcciones e inténtelo de nuevo.",
      microphone_unavailable: "No se encontró ningún micrófono.",
      key_refused: "El servidor de voz rechazó la sesión: la clave caducó o ya se usó, o este sitio no puede conectarse. Inténtelo de nuevo.",
      server_unreachable: "No se puede conectar con el servidor de voz. Revise su conexión e inténtelo de nuevo.",
      token_failed: "No se pudo obtener una clave de sesión de este sitio.",
      connection_lost: "Se perdió la conexión.",
      server_error: "El servidor de voz tuvo un problema.",
      unsupported: "Este navegador no puede grabar audio aquí (necesita una página https segura).",
    },
  };

  const pickLang = (v) => (String(v || "").toLowerCase().startsWith("es") ? "es" : "en");
  const listeners = { state: new Set(), transcript: new Set(), insights: new Set(), error: new Set() };
  const emit = (name) => {
    for (const fn of listeners[name]) {
      try {
        fn(api);
      } catch (err) {
        console.warn("voiceAgent listener failed", err);
      }
    }
  };

  const api = {
    state: "idle",
    error: null,
    lang: pickLang(data.lang || document.documentElement.lang),
    transcript: [],
    insights: [],
    playedSamples: 0,
    bargeIns: [],
    sessionId: null,
    conversationId: null,
    sampleRate: null, // the audio context's rate (24000 unless the browser refused it)
    start: (options) => start(options),
    hangUp: () => hangUp(),
    setLang(lang) {
      api.lang = pickLang(lang);
      render();
    },
    on(name, fn) {
      if (!listeners[name]) throw new Error(`voiceAgent.on: unknown event ${name}`);
      listeners[name].add(fn);
      return () => listeners[name].delete(fn);
    },
  };
  window.voiceAgent = api;

  // ------------------------------------------------------------------ the view (shadow DOM)
  const host = document.createElement("div");
  host.className = "voice-agent-widget";
  const mount = data.mount ? document.querySelector(data.mount) : null;
  const floating = !mount;
  const root = host.attachShadow({ mode: "open" });
  root.innerHTML = `
<style>
  :host { all: initial; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2433; }
  .panel { box-sizing: border-box; display: flex; flex-direction: column; gap: 10px; background: #fff;
    border: 1px solid #d5dae3; border-radius: 14px; padding: 14px; height: 100%; }
  .floating .panel { position: fixed; right: 20px; bottom: 20px; width: min(360px, calc(100vw - 40px));
    height: auto; max-height: min(520px, calc(100vh - 120px)); box-shadow: 0 10px 30px rgba(20,30,60,.18); z-index: 2147483000; }
  .floating .panel[hidden] { display: none; }
  .fab { position: fixed; right: 20px; bottom: 20px; z-index: 2147483001; }
  button { font: inherit; border-radius: 999px; border: 0; padding: 10px 18px; cursor: pointer;
    background: #1f5fd6; color: #fff; font-weight: 600; }
  button:focus-visible { outline: 3px solid #ffb000; outline-offset: 2px; }
  button.hang { background: #c62f3a; }
  button.quiet { background: #e9edf4; color: #1d2433; }
  .row { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; }
  .dot { width: 12px; height: 12px; border-radius: 50%; background: #9aa3b2; flex: none; }
  .dot.listening { background: #1e9e5a; } .dot.speaking { background: #1f5fd6; }
  .dot.connecting, .dot.reconnecting { background: #e09b00; } .dot.error { background: #c62f3a; }
  .status { flex: 1; min-width: 10em; }
  .status.error { color: #a3202a; font-weight: 600; }
  .meter { height: 4px; background: #e9edf4; border-radius: 2px; overflow: hidden; }
  .meter > div { height: 100%; width: 0; background: #1e9e5a; transition: width .08s linear; }
  .log { flex: 1; overflow-y: auto; min-height: 120px; display: flex; flex-direction: column; gap: 6px; }
  .msg { padding: 7px 10px; border-radius: 10px; max-width: 88%; white-space: pre-wrap; }
  .msg.user { align-self: flex-end; background: #e7f0ff; }
  .msg.assistant { align-self: flex-start; background: #f1f3f6; }
  .who { display: block; font-size: 12px; color: #5a6475; font-weight: 600; }
  .cut { color: #8a5a00; font-size: 12px; }
  .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
</style>
<div class="wrap">
  <button class="fab" part="button" hidden></button>
  <section class="panel" part="panel">
    <div class="row">
      <span class="dot" aria-hidden="true"></span>
      <span class="status" role="status" aria-live="polite"></span>
    </div>
    <div class="meter" aria-hidden="true"><div></div></div>
    <div class="log" role="log" aria-live="polite" tabindex="0"></div>
    <div class="row">
      <button class="main" type="button"></button>
      <button class="close quiet" type="button" hidden></button>
    </div>
  </section>
</div>`;
  const $ = (sel) => root.querySelector(sel);
  const wrap = $(".wrap");
  const fab = $(".fab");
  const panel = $(".panel");
  const statusEl = $(".status");
  const dot = $(".dot");
  const meter = $(".meter > div");
  const logEl = $(".log");
  const mainBtn = $(".main");
  const closeBtn = $(".close");
  if (data.mount && !mount) console.warn(`voice-agent: data-mount ${data.mount} matches nothing; floating instead`);
  if (floating) {
    wrap.classList.add("floating");
    panel.hidden = true;
    if (document.body) document.body.appendChild(host);
    else document.addEventListener("DOMContentLoaded", () => document.body.appendChild(host));
  } else {
    mount.appendChild(host);
  }

  const t = (key) => STRINGS[api.lang][key] || STRINGS.en[key] || key;

  function render() {
    const s = api.state;
    dot.className = "dot " + s;
    statusEl.classList.toggle("error", s === "error");
    statusEl.textContent = s === "error" && api.error ? t(api.error.code) : t(s);
    const live = LIVE.has(s);
    mainBtn.textContent = live ? t("hangUp") : s === "error" ? t("retry") : t("talk");
    mainBtn.classList.toggle("hang", live);
    closeBtn.hidden = !(floating && !live);
    closeBtn.textContent = "×";
    closeBtn.setAttribute("aria-label", t("close"));
    fab.textContent = t("talk");
    fab.hidden = !floating || !panel.hidden; // the panel's own button takes over while it is open
    logEl.setAttribute("aria-label", t("captions"));
    renderLog();
  }

  function renderLog() {
    const nodes = logEl.children;
    api.transcript.forEach((entry, i) => {
      let node = nodes[i];
      if (!node) {
        node = document.createElement("div");
        node.innerHTML = '<span class="who"></span><span class="text"></span> <span class="cut"></span>';
        logEl.appendChild(node);
      }
      node.className = "msg " + entry.role;
      node.querySelector(".who").textContent = entry.role === "user" ? t("you") : t("agent");
      node.querySelector(".text").textContent = entry.text || "…";
      node.querySelector(".cut").textContent = entry.truncated ? t("cut") : "";
    });
    while (nodes.length > api.transcript.length) logEl.lastChild.remove();
    logEl.scrollTop = logEl.scrollHeight;
  }

  function setState(state, error) {
    api.error = error || (state === "error" ? api.error : null);
    if (api.state === state && !error) return;
    api.state = state;
    render();
    emit("state");
    if (error) emit("error");
  }

  function fail(code, detail) {
    if (detail) console.warn(`voice-agent: ${code}: ${detail}`);
    const call = current;
    current = null;
    if (call) call.close(1000, "error");
    setState("error", { code, message: detail || STRINGS.en[code] || code });
  }

  // ------------------------------------------------------------------ helpers
  function b64FromBytes(bytes) {
    let bin = "";
    for (let i = 0; i < bytes.length; i += 0x8000) {
      bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(bin);
  }

  function pcm16ToFloat(b64) {
    const bin = atob(b64);
    const n = bin.length >> 1;
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let v = bin.charCodeAt(2 * i) | (bin.charCodeAt(2 * i + 1) << 8);
      if (v >= 0x8000) v -= 0x10000;
      out[i] = v / 32768;
    }
    return out;
  }

  // linear resampler from 24 kHz to the context's rate, continuous across chunks of one item
  function makeResampler(toRate) {
    if (toRate === RATE) return (x) => x;
    const step = RATE / toRate;
    let pos = 0;
    let prev = 0;
    return (x) => {
      const out = [];
      for (let i = 0; i < x.length; i++) {
        const cur = x[i];
        while (pos <= 1) {
          out.push(prev + (cur - prev) * pos);
          pos += step;
        }
        pos -= 1;
        prev = cur;
      }
      return Float32Array.from(out);
    };
  }

  async function withDeadline(promise, ms, onTimeout) {
    let timer;
    const deadline = new Promise((_, reject) => {
      timer = setTimeout(() => reject(onTimeout()), ms);
    });
    try {
      return await Promise.race([promise, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function serverReachable() {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), PROBE_TIMEOUT_MS);
    try {
      await fetch(new URL("healthz", server), { mode: "no-cors", cache: "no-store", signal: ctl.signal });
      return true;
    } catch (_err) {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  class CodedError extends Error {
    constructor(code, message) {
      super(message);
      this.code = code;
    }
  }

  async function fetchKey() {
    if (!tokenUrl) throw new CodedError("token_failed", "the script tag has no data-token-url");
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), TOKEN_TIMEOUT_MS);
    let resp;
    try {
      resp = await fetch(tokenUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ lang: api.lang }),
        credentials: "same-origin",
        cache: "no-store",
        signal: ctl.signal,
      });
    } catch (err) {
      throw new CodedError("server_unreachable", `token URL: ${err}`);
    } finally {
      clearTimeout(timer);
    }
    let body = null;
    try {
      body = await resp.json();
    } catch (_err) {
      body = null;
    }
    if (!resp.ok) {
      const why = body && body.error ? body.error.message : resp.statusText;
      throw new CodedError("token_failed", `token URL answered ${resp.status}: ${why}`);
    }
    const value = body && (body.value || (body.client_secret && body.client_secret.value));
    if (typeof value !== "string" || !value) throw new CodedError("token_failed", "no client secret in the answer");
    const expiresAt = body.expires_at || (body.client_secret && body.client_secret.expires_at);
    if (typeof expiresAt === "number" && expiresAt * 1000 <= Date.now()) {
      throw new CodedError("key_refused", "the client secret had already expired");
    }
    return value;
  }

  // ------------------------------------------------------------------ audio (kept across reconnects)
  let audio = null; // {ctx, stream, capture, player, source}
  let onMicChunk = null;
  let lastOnsetAt = null;

  async function openAudio() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.AudioWorkletNode) {
      throw new CodedError("unsupported", "getUserMedia/AudioWorklet unavailable");
    }
    let ctx;
    try {
      ctx = new AudioContext({ sampleRate: RATE, latencyHint: "interactive" });
    } catch (_err) {
      ctx = new AudioContext({ latencyHint: "interactive" }); // resample in the worklet
    }
    const resumed = ctx.resume();
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 },
      });
    } catch (err) {
      ctx.close();
      const denied = err && (err.name === "NotAllowedError" || err.name === "SecurityError");
      throw new CodedError(denied ? "microphone_denied" : "microphone_unavailable", String(err));
    }
    try {
      await resumed;
      await ctx.audioWorklet.addModule(workletUrl);
    } catch (err) {
      stream.getTracks().forEach((tr) => tr.stop());
      ctx.close();
      throw new CodedError("server_unreachable", `audio worklet: ${err}`);
    }
    const source = ctx.createMediaStreamSource(stream);
    const capture = new AudioWorkletNode(ctx, "va-capture", { numberOfInputs: 1, numberOfOutputs: 0 });
    const player = new AudioWorkletNode(ctx, "va-player", { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [1] });
    source.connect(capture);
    player.connect(ctx.destination);
    capture.port.onmessage = (e) => {
      const m = e.data;
      if (m.type === "audio") {
        meter.style.width = `${Math.min(100, Math.round(m.level * 400))}%`;
        if (onMicChunk) onMicChunk(new Uint8Array(m.pcm));
      } else if (m.type === "onset") {
        lastOnsetAt = performance.now();
      }
    };
    player.port.onmessage = (e) => {
      if (current) current.onPlayer(e.data);
    };
    audio = { ctx, stream, capture, player, source };
    api.sampleRate = ctx.sampleRate;
  }

  function closeAudio() {
    if (!audio) return;
    const a = audio;
    audio = null;
    onMicChunk = null;
    meter.style.width = "0";
    try {
      a.capture.port.postMessage({ type: "stop" });
      a.source.disconnect();
      a.player.disconnect();
    } catch (_err) {
      /* already gone */
    }
    a.stream.getTracks().forEach((tr) => tr.stop());
    a.ctx.close();
  }

  // ------------------------------------------------------------------ one realtime session
  let current = null;
  let hungUp = false;

  class Session {
    constructor(key) {
      this.key = key;
      this.ws = null;
      this.opened = false;
      this.closedByUs = false;
      this.items = new Map(); // assistant item id -> transcript entry
      this.responding = new Set(); // assistant items whose response is not done
      this.resamplers = new Map();
      this.played = {}; // item -> samples played (context rate), from the player
      this.playedBase = api.playedSamples; // carried over reconnects
      this.playing = false;
      this.playingItem = null;
      this.pausing = null; // a pause asked of the player, until it says "cleared"
      this.paused = null; // the agent paused for the caller's speech: a barge-in if it ends so
      this.ended = null; // resolves with the close event
    }

    connect() {
      return new Promise((resolve, reject) => {
        const ws = new WebSocket(wsUrl.href, ["realtime", "openai-insecure-api-key." + this.key]);
        this.ws = ws;
        const timer = setTimeout(() => {
          reject(new CodedError("server_unreachable", "the WebSocket did not open in time"));
          ws.close();
        }, OPEN_TIMEOUT_MS);
        ws.onopen = () => {
          clearTimeout(timer);
          this.opened = true;
          resolve();
        };
        ws.onmessage = (e) => this.onEvent(e.data);
        this.ended = new Promise((done) => {
          ws.onclose = (e) => {
            clearTimeout(timer);
            if (!this.opened) reject(new CodedError("refused", `closed before opening (${e.code})`));
            done(e);
          };
        });
        ws.onerror = () => {}; // the close event carries what we need
      });
    }

    send(event) {
      if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(event));
    }

    close(code, reason) {
      this.closedByUs = true;
      if (this.ws && this.ws.readyState <= WebSocket.OPEN) this.ws.close(code, reason);
      if (audio) audio.player.port.postMessage({ type: "clear" });
    }

    sendMic(bytes) {
      this.send({ type: "input_audio_buffer.append", audio: b64FromBytes(bytes) });
    }

    playedMs(item) {
      const n = this.played[item] || 0;
      return Math.floor((n * 1000) / audio.ctx.sampleRate);
    }

    onPlayer(m) {
      if (m.type === "played" || m.type === "cleared") {
        this.played = m.played;
        let total = 0;
        for (const v of Object.values(m.played)) total += v;
        api.playedSamples = this.playedBase + Math.round((total * RATE) / audio.ctx.sampleRate);
      }
      if (m.type === "played") {
        this.playing = m.playing;
        this.playingItem = m.item;
        this.updateSpeaking();
      } else if (m.type === "cleared" && this.pausing) {
        // the agent paused while the caller's speech is judged: say where playback
        // stopped (what follows is sent again if it resumes); a barge-in may follow
        const p = this.pausing;
        this.pausing = null;
        const heardMs = Math.min(this.playedMs(p.item), p.sentMs);
        this.send({ type: "conversation.item.truncate", item_id: p.item, content_index: 0, audio_end_ms: heardMs });
        this.paused = this.stopRecord(p.item, heardMs, p);
        this.playing = false;
        this.updateSpeaking();
      } else if (m.type === "cleared" && m.wasPlaying && m.item) {
        // barge-in: tell the server how much of the reply was actually heard
        const heardMs = this.playedMs(m.item);
        this.send({ type: "conversation.item.truncate", item_id: m.item, content_index: 0, audio_end_ms: heardMs });
        const entry = this.items.get(m.item);
        if (entry) entry.truncated = true;
        api.bargeIns.push(this.stopRecord(m.item, heardMs, this.pendingBargeIn || {}));
        this.pendingBargeIn = null;
        this.playing = false;
        this.updateSpeaking();
        emit("transcript");
        renderLog();
      }
    }

    // What api.bargeIns records of the agent falling silent for the caller: how much of
    // itemId was heard, and how long after the server's event (`mark.at`, when
    // `mark.playedMs` had been played) and the microphone's onset (`mark.onset`) the agent's
    // audio stopped. The player reports every 50 ms, so playedAfterEventMs errs on the long side.
    stopRecord(itemId, heardMs, mark) {
      const now = performance.now();
      const latencyMs = (audio.ctx.outputLatency || audio.ctx.baseLatency || 0) * 1000;
      const since = (t) => (t != null ? Math.round(now - t + latencyMs) : null);
      return {
        itemId,
        playedMs: heardMs,
        playedAfterEventMs: mark.playedMs != null ? heardMs - mark.playedMs : null,
        afterServerEventMs: since(mark.at),
        afterMicOnsetMs: since(mark.onset),
      };
    }

    updateSpeaking() {
      if (current !== this || !LIVE.has(api.state) || api.state === "connecting" || api.state === "reconnecting") return;
      setState(this.playing ? "speaking" : "listening");
    }

    entryFor(itemId, role) {
      let entry = role === "assistant" ? this.items.get(itemId) : api.transcript.find((e) => e.itemId === itemId);
      if (!entry) {
        entry = { role, text: "", itemId, final: false, truncated: false };
        api.transcript.push(entry);
        if (role === "assistant") this.items.set(itemId, entry);
      }
      return entry;
    }

    onEvent(text) {
      let ev;
      try {
        ev = JSON.parse(text);
      } catch (_err) {
        return;
      }
      switch (ev.type) {
        case "session.created":
          api.sessionId = ev.session && ev.session.id;
          break;
        case "input_audio_buffer.speech_started":
          if (this.paused) {
            // an interruption after a pause: the agent fell silent at the pause
            const entry = this.items.get(this.paused.itemId);
            if (entry) entry.truncated = true;
            api.bargeIns.push(this.paused);
            this.paused = null;
            emit("transcript");
            renderLog();
          } else if (this.playing || this.responding.size) {
            const playing = this.playingItem;
            this.pendingBargeIn = {
              at: performance.now(),
              onset: lastOnsetAt,
              playedMs: playing ? this.playedMs(playing) : 0,
            };
            audio.player.port.postMessage({ type: "clear" }); // answered by "cleared"
          }
          break;
        case "response.output_audio.paused":
          if (this.responding.has(ev.item_id)) {
            this.pausing = {
              item: ev.item_id,
              sentMs: ev.sent_ms,
              at: performance.now(),
              onset: lastOnsetAt,
              playedMs: this.playedMs(ev.item_id),
            };
            audio.player.port.postMessage({ type: "clear" }); // answered by "cleared"
          }
          break;
        case "response.output_audio.resumed":
          this.paused = null; // not an interruption: the audio comes again
          break;
        case "conversation.item.input_audio_transcription.completed": {
          const entry = this.entryFor(ev.item_id, "user");
          entry.text = ev.transcript;
          entry.final = true;
          this.moveBeforeOpenReplies(entry);
          renderLog();
          emit("transcript");
          break;
        }
        case "conversation.item.insights": {
          api.insights.push({ itemId: ev.item_id, transcript: ev.transcript, ...ev.insights });
          emit("insights");
          break;
        }
        case "response.created":
          if (ev.response && ev.response.conversation_id) api.conversationId = ev.response.conversation_id;
          break;
        case "response.output_item.added":
          this.responding.add(ev.item && ev.item.id);
          this.entryFor(ev.item.id, "assistant");
          renderLog();
          break;
        case "response.output_audio_transcript.delta": {
          const entry = this.entryFor(ev.item_id, "assistant");
          entry.text += ev.delta;
          renderLog();
          emit("transcript");
          break;
        }
        case "response.output_audio.delta": {
          let resample = this.resamplers.get(ev.item_id);
          if (!resample) {
            resample = makeResampler(audio.ctx.sampleRate);
            this.resamplers.set(ev.item_id, resample);
          }
          const samples = resample(pcm16ToFloat(ev.delta));
          audio.player.port.postMessage({ type: "chunk", item: ev.item_id, data: samples.buffer }, [samples.buffer]);
          break;
        }
        case "response.output_audio.done":
          audio.player.port.postMessage({ type: "end", item: ev.item_id });
          break;
        case "response.output_audio_transcript.done": {
          const entry = this.entryFor(ev.item_id, "assistant");
          if (ev.transcript) entry.text = ev.transcript;
          break;
        }
        case "response.done": {
          const resp = ev.response || {};
          this.paused = null;
          for (const item of resp.output || []) {
            this.responding.delete(item.id);
            const entry = this.items.get(item.id);
            if (entry) {
              entry.final = true;
              if (resp.status !== "completed") entry.truncated = true;
            }
          }
          renderLog();
          emit("transcript");
          break;
        }
        case "error":
          if (ev.error) console.warn(`voice-agent server error: ${ev.error.code}: ${ev.error.message}`);
          break;
        default:
          break;
      }
    }

    // a caller's words are transcribed after the reply to them may have started: keep the
    // caller's entry before any reply that is still open
    moveBeforeOpenReplies(entry) {
      const list = api.transcript;
      const at = list.indexOf(entry);
      let to = at;
      while (to > 0 && list[to - 1].role === "assistant" && !list[to - 1].final) to--;
      if (to !== at) {
        list.splice(at, 1);
        list.splice(to, 0, entry);
      }
    }
  }

  // ------------------------------------------------------------------ the call
  async function openSession() {
    const key = await fetchKey();
    const session = new Session(key);
    try {
      await session.connect();
    } catch (err) {
      if (err.code === "refused") {
        const reachable = await serverReachable();
        throw new CodedError(reachable ? "key_refused" : "server_unreachable", err.message);
      }
      throw err;
    }
    return session;
  }

  async function run(session) {
    current = session;
    onMicChunk = (bytes) => session.sendMic(bytes);
    setState("listening");
    const closed = await session.ended;
    if (current !== session || hungUp) return;
    if (closed.code === 1000 || closed.code === 1008) {
      current = null;
      closeAudio();
      if (closed.code === 1008) {
        setState("error", { code: "server_error", message: closed.reason || "closed by the server" });
      } else {
        setState("ended");
      }
      return;
    }
    if (closed.code === 1011) {
      current = null;
      closeAudio();
      setState("error", { code: "server_error", message: closed.reason || "server error" });
      return;
    }
    // dropped (1006 and friends): new key, new session, same microphone
    for (const delay of RECONNECT_DELAYS_MS) {
      setState("reconnecting");
      await new Promise((r) => setTimeout(r, delay));
      if (hungUp) return;
      try {
        const next = await openSession();
        if (hungUp) {
          next.close(1000, "hung up");
          return;
        }
        return run(next);
      } catch (err) {
        console.warn("voice-agent: reconnect failed", err);
      }
    }
    current = null;
    closeAudio();
    setState("error", { code: "connection_lost", message: `closed with ${closed.code}` });
  }

  async function start(options) {
    if (LIVE.has(api.state)) return;
    if (options && options.lang) api.setLang(options.lang);
    if (floating && panel.hidden) panel.hidden = false;
    hungUp = false;
    api.transcript = [];
    api.insights = [];
    api.playedSamples = 0;
    api.bargeIns = [];
    api.sessionId = null;
    api.conversationId = null;
    setState("connecting");
    emit("transcript");
    emit("insights");
    try {
      await withDeadline(openAudio(), 120000, () => new CodedError("microphone_unavailable", "no answer"));
      if (hungUp) return closeAudio();
      const session = await openSession();
      if (hungUp) {
        session.close(1000, "hung up");
        return closeAudio();
      }
      await run(session);
    } catch (err) {
      closeAudio();
      if (!hungUp) fail(err.code || "server_error", err.message || String(err));
    }
  }

  function hangUp() {
    hungUp = true;
    const call = current;
    current = null;
    if (call) call.close(1000, "hung up");
    closeAudio();
    if (LIVE.has(api.state)) setState("ended");
  }

  // ------------------------------------------------------------------ controls
  mainBtn.addEventListener("click", () => (LIVE.has(api.state) ? hangUp() : start()));
  closeBtn.addEventListener("click", () => {
    panel.hidden = true;
    render();
    fab.focus();
  });
  fab.addEventListener("click", () => {
    panel.hidden = false;
    render();
    mainBtn.focus();
    start();
  });
  host.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && LIVE.has(api.state)) {
      e.preventDefault();
      hangUp();
    }
  });
  window.addEventListener("pagehide", () => hangUp());

  render();
  document.dispatchEvent(new CustomEvent("voiceagent:ready", { detail: api }));
})();
