// voice-agent widget: the two AudioWorklet processors (loaded by widget.js with addModule).
//
// "va-capture": the microphone, mono, resampled to 24 kHz PCM16 and posted in 40 ms chunks
// (a box filter when the context runs at a multiple of 24 kHz, linear interpolation of the
// box-filtered signal otherwise). It also posts "onset" when the level rises after a quiet
// spell (used to measure how fast playback stops on barge-in) and a level for the meter.
//
// "va-player": the agent's audio, gap-free. Chunks (Float32 at the context's rate, tagged
// with their item id) queue up; playback of an item starts once PREBUFFER_S is queued or
// the item is complete, then runs sample by sample with silence only on underrun. It posts
// how many samples of each item were actually played, and "clear" drops everything at once
// (barge-in), answering with what was played.
"use strict";

const TARGET_RATE = 24000;
const CHUNK = 960; // 40 ms at 24 kHz
const ONSET_LEVEL = 0.02; // RMS, about -34 dBFS
const QUIET_BEFORE_ONSET_S = 0.25;

class VaCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.ratio = sampleRate / TARGET_RATE;
    this.integer = Math.abs(this.ratio - Math.round(this.ratio)) < 1e-9 && this.ratio >= 1;
    this.out = new Int16Array(CHUNK);
    this.filled = 0;
    this.pos = 0; // fractional read position (linear path), relative to `prev`
    this.prev = 0; // last input sample (linear path)
    this.acc = 0; // box filter (integer path)
    this.accN = 0;
    this.quiet = 0; // seconds below ONSET_LEVEL
    this.levelSum = 0;
    this.levelN = 0;
    this.stopped = false;
    this.port.onmessage = (e) => {
      if (e.data && e.data.type === "stop") this.stopped = true;
    };
  }

  push(v) {
    const s = Math.max(-1, Math.min(1, v));
    this.out[this.filled++] = s < 0 ? s * 0x8000 : s * 0x7fff;
    if (this.filled === CHUNK) {
      const pcm = this.out;
      const level = this.levelN ? Math.sqrt(this.levelSum / this.levelN) : 0;
      this.port.postMessage({ type: "audio", pcm: pcm.buffer, level }, [pcm.buffer]);
      this.out = new Int16Array(CHUNK);
      this.filled = 0;
      this.levelSum = 0;
      this.levelN = 0;
    }
  }

  process(inputs) {
    if (this.stopped) return false;
    const input = inputs[0];
    if (!input || input.length === 0) return true;
    const ch = input[0];
    const n = ch.length;
    let energy = 0;
    for (let i = 0; i < n; i++) energy += ch[i] * ch[i];
    const rms = Math.sqrt(energy / n);
    this.levelSum += rms * rms;
    this.levelN += 1;
    if (rms >= ONSET_LEVEL) {
      if (this.quiet >= QUIET_BEFORE_ONSET_S) this.port.postMessage({ type: "onset", at: currentTime });
      this.quiet = 0;
    } else {
      this.quiet += n / sampleRate;
    }
    if (this.integer) {
      const k = Math.round(this.ratio);
      for (let i = 0; i < n; i++) {
        this.acc += ch[i];
        if (++this.accN === k) {
          this.push(this.acc / k);
          this.acc = 0;
          this.accN = 0;
        }
      }
    } else {
      // linear interpolation between consecutive input samples; pos is measured from `prev`
      for (let i = 0; i < n; i++) {
        const cur = ch[i];
        while (this.pos <= 1) {
          this.push(this.prev + (cur - this.prev) * this.pos);
          this.pos += this.ratio;
        }
        this.pos -= 1;
        this.prev = cur;
      }
    }
    return true;
  }
}

const PREBUFFER_S = 0.06;
const REPORT_EVERY_S = 0.05;

class VaPlayer extends AudioWorkletProcessor {
  constructor() {
    super();
    this.queue = []; // {item, data: Float32Array, offset}
    this.queued = 0; // samples queued (not yet played)
    this.started = false; // the current item has passed its prebuffer
    this.complete = new Set(); // items whose last chunk has arrived
    this.played = new Map(); // item -> samples played
    this.sinceReport = 0;
    this.wasPlaying = false;
    this.port.onmessage = (e) => this.onMessage(e.data);
  }

  onMessage(msg) {
    if (msg.type === "chunk") {
      this.queue.push({ item: msg.item, data: new Float32Array(msg.data), offset: 0 });
      this.queued += msg.data.byteLength / 4;
    } else if (msg.type === "end") {
      this.complete.add(msg.item);
    } else if (msg.type === "clear") {
      const wasPlaying = this.queued > 0;
      const current = this.queue.length ? this.queue[0].item : null;
      this.queue = [];
      this.queued = 0;
      this.started = false;
      this.port.postMessage({
        type: "cleared",
        at: currentTime,
        wasPlaying,
        item: current,
        played: Object.fromEntries(this.played),
      });
    }
  }

  process(_inputs, outputs) {
    const out = outputs[0][0];
    const n = out.length;
    let written = 0;
    if (this.queue.length) {
      const head = this.queue[0].item;
      if (!this.started && (this.queued >= PREBUFFER_S * sampleRate || this.complete.has(head))) {
        this.started = true;
      }
    }
    while (this.started && written < n && this.queue.length) {
      const c = this.queue[0];
      const take = Math.min(n - written, c.data.length - c.offset);
      out.set(c.data.subarray(c.offset, c.offset + take), written);
      written += take;
      c.offset += take;
      this.queued -= take;
      this.played.set(c.item, (this.played.get(c.item) || 0) + take);
      if (c.offset === c.data.length) {
        this.queue.shift();
        if (this.queue.length && this.queue[0].item !== c.item) this.started = false;
      }
    }
    for (let i = written; i < n; i++) out[i] = 0;
    for (let ch = 1; ch < outputs[0].length; ch++) outputs[0][ch].set(out);
    const playing = this.queue.length > 0;
    this.sinceReport += n / sampleRate;
    if ((written && this.sinceReport >= REPORT_EVERY_S) || playing !== this.wasPlaying) {
      this.sinceReport = 0;
      const item = playing ? this.queue[0].item : null;
      this.port.postMessage({ type: "played", played: Object.fromEntries(this.played), playing, item });
    }
    this.wasPlaying = playing;
    return true;
  }
}

registerProcessor("va-capture", VaCapture);
registerProcessor("va-player", VaPlayer);
