// Demo page for voice-agent: the widget on the left, the live analysis on the right.
// Builds on window.voiceAgent (from /widget.js); updates on its events only.
(() => {
  'use strict';

  const SHOW_THRESHOLD = 0.5;
  const BUSY_STATES = new Set(['connecting', 'listening', 'speaking', 'reconnecting']);
  const FINISHED_STATES = new Set(['idle', 'ended', 'error']);
  const SVG_NS = 'http://www.w3.org/2000/svg';

  const STRINGS = {
    en: {
      title: 'Voice Agent — live demo',
      skip: 'Skip to the live analysis',
      tagline: 'Talk to the sales agent; watch what it understands.',
      language: 'Language',
      langLocked: 'Available after the call',
      conversation: 'Conversation',
      conversationIntro: 'A coach for busy executives: fitness, nutrition, stress and energy.',
      loadingWidget: 'Loading the voice agent…',
      analysis: 'Live analysis',
      empty: 'Press Talk and say what you need.',
      emptySub:
        "Objections, needs, the chance of closing and the agent's next move appear here after each thing the customer says.",
      conversion: 'Conversion probability',
      chartCaption: 'Over the call, per customer turn',
      nextAction: 'Next action',
      noAction: 'No action suggested',
      phase: 'Phase',
      lastSaid: 'Customer said',
      objections: 'Objections',
      needs: 'Needs',
      noObjections: 'No objections so far.',
      noNeeds: 'No needs detected yet.',
      footer: "Scores are the agent's own per-turn estimates; labels are shown from 50% up.",
      turn: (n) => `Turn ${n}`,
      turns: (list) => (list.length === 1 ? `turn ${list[0]}` : `turns ${list.join(', ')}`),
      buyingYes: (p) => `Buying signal (${p})`,
      buyingNo: 'No buying signal yet',
      gaugeLabel: (p, n) => `Conversion probability ${p} after turn ${n}`,
      chartLabel: (pairs) => `Conversion probability over the call: ${pairs.map(([n, p]) => `turn ${n} ${p}`).join(', ')}`,
      chipLabel: (name, p, turns) => `${name}, ${p}, raised in ${turns}`,
      axisTurn: 'Turn',
      summary: (s) =>
        `After turn ${s.turn}: conversion probability ${s.p}. Next action: ${s.action}. Phase: ${s.phase}.` +
        (s.objections ? ` Objections: ${s.objections}.` : '') +
        (s.needs ? ` Needs: ${s.needs}.` : ''),
    },
    es: {
      title: 'Voice Agent — demo en vivo',
      skip: 'Ir al análisis en vivo',
      tagline: 'Hable con el agente de ventas; vea lo que entiende.',
      language: 'Idioma',
      langLocked: 'Disponible al terminar la llamada',
      conversation: 'Conversación',
      conversationIntro: 'Un coach para ejecutivos ocupados: ejercicio, nutrición, estrés y energía.',
      loadingWidget: 'Cargando el agente de voz…',
      analysis: 'Análisis en vivo',
      empty: 'Pulse Hablar y diga lo que necesita.',
      emptySub:
        'Las objeciones, las necesidades, la probabilidad de cierre y el siguiente paso del agente aparecen aquí después de cada intervención del cliente.',
      conversion: 'Probabilidad de conversión',
      chartCaption: 'A lo largo de la llamada, por turno del cliente',
      nextAction: 'Siguiente acción',
      noAction: 'Ninguna acción sugerida',
      phase: 'Fase',
      lastSaid: 'El cliente dijo',
      objections: 'Objeciones',
      needs: 'Necesidades',
      noObjections: 'Ninguna objeción por ahora.',
      noNeeds: 'Aún no se detectan necesidades.',
      footer: 'Las puntuaciones son estimaciones del agente por turno; se muestran a partir del 50 %.',
      turn: (n) => `Turno ${n}`,
      turns: (list) => (list.length === 1 ? `turno ${list[0]}` : `turnos ${list.join(', ')}`),
      buyingYes: (p) => `Señal de compra (${p})`,
      buyingNo: 'Aún sin señal de compra',
      gaugeLabel: (p, n) => `Probabilidad de conversión ${p} después del turno ${n}`,
      chartLabel: (pairs) =>
        `Probabilidad de conversión a lo largo de la llamada: ${pairs.map(([n, p]) => `turno ${n} ${p}`).join(', ')}`,
      chipLabel: (name, p, turns) => `${name}, ${p}, en ${turns}`,
      axisTurn: 'Turno',
      summary: (s) =>
        `Después del turno ${s.turn}: probabilidad de conversión ${s.p}. Siguiente acción: ${s.action}. Fase: ${s.phase}.` +
        (s.objections ? ` Objeciones: ${s.objections}.` : '') +
        (s.needs ? ` Necesidades: ${s.needs}.` : ''),
    },
  };

  const LABELS = {
    objections: {
      price: ['Price', 'Precio'],
      time: ['No time', 'Falta de tiempo'],
      think_it_over: ['Wants to think it over', 'Quiere pensarlo'],
      skepticism: ['Skepticism', 'Escepticismo'],
      has_alternative: ['Has an alternative', 'Ya tiene una alternativa'],
      needs_approval: ['Needs approval', 'Necesita aprobación'],
      not_interested: ['Not interested', 'No le interesa'],
    },
    needs: {
      weight_loss: ['Weight loss', 'Pérdida de peso'],
      muscle_gain: ['Muscle gain', 'Ganar músculo'],
      health: ['General health', 'Salud general'],
      stress: ['Stress', 'Estrés'],
      energy: ['Energy', 'Energía'],
      event_prep: ['Event preparation', 'Preparación para un evento'],
      rehab: ['Rehabilitation', 'Rehabilitación'],
    },
    actions: {
      discover_need: ['Discover the need', 'Descubrir la necesidad'],
      present_program: ['Present the program', 'Presentar el programa'],
      handle_objection: ['Handle the objection', 'Resolver la objeción'],
      offer_trial: ['Offer a trial', 'Ofrecer una prueba'],
      close: ['Close the sale', 'Cerrar la venta'],
      schedule_follow_up: ['Schedule a follow-up', 'Agendar seguimiento'],
      hand_off: ['Hand off to a person', 'Pasar a una persona'],
      answer_question: ['Answer the question', 'Responder la pregunta'],
    },
    phases: {
      greeting: ['Greeting', 'Saludo'],
      discovery: ['Discovery', 'Descubrimiento'],
      presentation: ['Presentation', 'Presentación'],
      objection_handling: ['Objection handling', 'Manejo de objeciones'],
      closing: ['Closing', 'Cierre'],
      follow_up: ['Follow-up', 'Seguimiento'],
      ended: ['Ended', 'Finalizada'],
    },
  };

  // ---- state -------------------------------------------------------------------------
  let lang = initialLang();
  let agent = null;
  let lastState = null;
  // itemIds of insights from earlier calls: a new call hides them even when the widget
  // keeps its insights array across calls.
  let hiddenItems = new Set();
  let currentInsights = [];

  const $ = (id) => document.getElementById(id);
  const el = {
    select: $('lang-select'),
    langHint: $('lang-hint'),
    empty: $('empty-state'),
    content: $('analysis-content'),
    summary: $('analysis-summary'),
    turnBadge: $('turn-badge'),
    gauge: $('conversion-gauge'),
    gaugeTitle: $('gauge-title'),
    gaugeFill: $('gauge-fill'),
    gaugeValue: $('gauge-value'),
    buying: $('buying-signal'),
    chart: $('conversion-chart'),
    chartTitle: $('chart-title'),
    action: $('next-action'),
    reason: $('next-action-reason'),
    phase: $('phase'),
    lastTranscript: $('last-transcript'),
    objections: $('objections'),
    objectionsNone: $('objections-none'),
    needs: $('needs'),
    needsNone: $('needs-none'),
  };

  function initialLang() {
    const fromUrl = new URLSearchParams(window.location.search).get('lang');
    if (fromUrl === 'en' || fromUrl === 'es') return fromUrl;
    const nav = (navigator.language || '').toLowerCase();
    return nav.startsWith('es') ? 'es' : 'en';
  }

  const t = (key) => STRINGS[lang][key];
  const idx = () => (lang === 'es' ? 1 : 0);

  function humanName(table, key) {
    const names = LABELS[table][key];
    if (names) return names[idx()];
    const text = String(key || '').replace(/_/g, ' ');
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function pct(p) {
    const value = Math.max(0, Math.min(1, Number(p) || 0));
    return new Intl.NumberFormat(lang === 'es' ? 'es-ES' : 'en-US', {
      style: 'percent',
      maximumFractionDigits: 0,
    }).format(value);
  }

  // ---- language ------------------------------------------------------------------------
  function applyStrings() {
    document.documentElement.lang = lang;
    document.title = t('title');
    el.select.value = lang;
    for (const node of document.querySelectorAll('[data-i18n]')) {
      const value = STRINGS[lang][node.dataset.i18n];
      if (typeof value === 'string') node.textContent = value;
    }
    render();
  }

  function setLanguage(next, { fromUser = false } = {}) {
    if (next !== 'en' && next !== 'es') return;
    lang = next;
    if (agent && typeof agent.setLang === 'function') agent.setLang(lang);
    if (fromUser) {
      const url = new URL(window.location.href);
      url.searchParams.set('lang', lang);
      window.history.replaceState(null, '', url);
    }
    applyStrings();
  }

  el.select.addEventListener('change', () => setLanguage(el.select.value, { fromUser: true }));

  function updateLock() {
    const busy = BUSY_STATES.has(agent ? agent.state : null);
    el.select.disabled = busy;
    el.langHint.hidden = !busy;
  }

  // ---- analysis --------------------------------------------------------------------------
  function visibleInsights() {
    const all = agent && Array.isArray(agent.insights) ? agent.insights : [];
    return all.filter((ins) => ins && !hiddenItems.has(ins.itemId));
  }

  // One chip per label raised (p >= 0.5) in some turn, most recently raised first.
  function collect(insights, field) {
    const byLabel = new Map();
    insights.forEach((ins, i) => {
      for (const item of ins[field] || []) {
        if (!item || typeof item.p !== 'number' || item.p < SHOW_THRESHOLD) continue;
        const entry = byLabel.get(item.label) || { label: item.label, turns: [], p: 0, last: 0 };
        entry.turns.push(i + 1);
        entry.p = item.p;
        entry.last = i + 1;
        byLabel.set(item.label, entry);
      }
    });
    return [...byLabel.values()].sort((a, b) => b.last - a.last || b.p - a.p);
  }

  function renderChips(list, noneEl, entries, table) {
    list.replaceChildren();
    const latestTurn = currentInsights.length;
    for (const entry of entries) {
      const li = document.createElement('li');
      li.className = 'chip' + (entry.last === latestTurn ? ' chip-new' : '');
      li.dataset.label = entry.label;
      li.dataset.p = String(entry.p);
      li.dataset.turn = String(entry.last);
      const name = humanName(table, entry.label);
      const turns = t('turns')(entry.turns);
      li.setAttribute('aria-label', t('chipLabel')(name, pct(entry.p), turns));
      const nameEl = document.createElement('span');
      nameEl.className = 'chip-name';
      nameEl.textContent = name;
      const pEl = document.createElement('span');
      pEl.className = 'chip-p';
      pEl.textContent = pct(entry.p);
      const turnEl = document.createElement('span');
      turnEl.className = 'chip-turn';
      turnEl.textContent = turns;
      for (const part of [nameEl, pEl, turnEl]) part.setAttribute('aria-hidden', 'true');
      li.append(nameEl, pEl, turnEl);
      list.append(li);
    }
    noneEl.hidden = entries.length > 0;
  }

  function tone(p) {
    if (p >= 0.65) return 'high';
    if (p >= 0.35) return 'mid';
    return 'low';
  }

  function renderGauge(latest, turn) {
    const p = clamp01(latest.conversion_probability);
    el.gauge.dataset.value = String(p);
    el.gauge.dataset.tone = tone(p);
    el.gaugeFill.setAttribute('stroke-dasharray', `${(p * 100).toFixed(2)} 100`);
    el.gaugeValue.textContent = pct(p);
    const label = t('gaugeLabel')(pct(p), turn);
    el.gauge.setAttribute('aria-label', label);
    el.gaugeTitle.textContent = label;
    const signal = latest.buying_signal;
    const yes = Boolean(signal && signal.value);
    el.buying.textContent = yes ? t('buyingYes')(pct(signal.p)) : t('buyingNo');
    el.buying.classList.toggle('is-yes', yes);
  }

  function svg(name, attrs, text) {
    const node = document.createElementNS(SVG_NS, name);
    for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function clamp01(p) {
    return Math.max(0, Math.min(1, Number(p) || 0));
  }

  function renderChart(insights) {
    const W = 360;
    const H = 170;
    const left = 40;
    const right = 14;
    const top = 12;
    const bottom = 30;
    const plotW = W - left - right;
    const plotH = H - top - bottom;
    const n = insights.length;
    const x = (i) => (n <= 1 ? left + plotW / 2 : left + (i * plotW) / (n - 1));
    const y = (p) => top + (1 - clamp01(p)) * plotH;

    const keep = el.chartTitle;
    el.chart.replaceChildren(keep);
    const grid = svg('g', { class: 'chart-grid', 'aria-hidden': 'true' });
    for (const v of [0, 0.5, 1]) {
      grid.append(svg('line', { x1: left, x2: W - right, y1: y(v), y2: y(v) }));
      grid.append(svg('text', { x: left - 8, y: y(v) + 4, 'text-anchor': 'end' }, pct(v)));
    }
    const step = Math.max(1, Math.ceil(n / 10));
    insights.forEach((_, i) => {
      if (i % step === 0 || i === n - 1) {
        grid.append(svg('text', { x: x(i), y: H - bottom + 18, 'text-anchor': 'middle' }, String(i + 1)));
      }
    });
    el.chart.append(grid);

    const pts = insights.map((ins, i) => [x(i), y(ins.conversion_probability)]);
    if (n > 1) {
      const line = pts.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ');
      const area = `${pts[0][0].toFixed(1)},${(top + plotH).toFixed(1)} ${line} ${pts[n - 1][0].toFixed(1)},${(top + plotH).toFixed(1)}`;
      el.chart.append(svg('polygon', { class: 'chart-area', points: area, 'aria-hidden': 'true' }));
      el.chart.append(svg('polyline', { class: 'chart-line', points: line, 'aria-hidden': 'true' }));
    }
    const dots = svg('g', { class: 'chart-points' });
    insights.forEach((ins, i) => {
      const p = clamp01(ins.conversion_probability);
      const c = svg('circle', {
        class: 'point' + (i === n - 1 ? ' point-latest' : ''),
        cx: pts[i][0].toFixed(1),
        cy: pts[i][1].toFixed(1),
        r: i === n - 1 ? 5.5 : 4,
        'data-turn': i + 1,
        'data-value': p,
      });
      c.append(svg('title', {}, `${t('turn')(i + 1)}: ${pct(p)}`));
      dots.append(c);
    });
    el.chart.append(dots);

    const label = t('chartLabel')(insights.map((ins, i) => [i + 1, pct(ins.conversion_probability)]));
    el.chart.setAttribute('aria-label', label);
    el.chartTitle.textContent = label;
  }

  function renderAction(latest) {
    const action = latest.next_action;
    if (action && action.name) {
      el.action.dataset.action = action.name;
      el.action.textContent = humanName('actions', action.name);
      el.reason.textContent = action.reason || '';
      el.reason.hidden = !action.reason;
    } else {
      el.action.dataset.action = '';
      el.action.textContent = t('noAction');
      el.reason.textContent = '';
      el.reason.hidden = true;
    }
    el.phase.dataset.phase = latest.phase || '';
    el.phase.textContent = latest.phase ? humanName('phases', latest.phase) : '—';
    el.lastTranscript.textContent = latest.transcript || '';
    el.lastTranscript.closest('div').hidden = !latest.transcript;
  }

  function render() {
    const insights = currentInsights;
    const n = insights.length;
    el.empty.hidden = n > 0;
    el.content.hidden = n === 0;
    el.turnBadge.hidden = n === 0;
    if (n === 0) {
      el.summary.textContent = '';
      el.turnBadge.textContent = '';
      el.gauge.dataset.value = '';
      el.objections.replaceChildren();
      el.needs.replaceChildren();
      el.chart.replaceChildren(el.chartTitle);
      el.action.dataset.action = '';
      el.phase.dataset.phase = '';
      return;
    }
    const latest = insights[n - 1];
    const objections = collect(insights, 'objections');
    const needs = collect(insights, 'needs');
    el.turnBadge.textContent = t('turn')(n);
    renderGauge(latest, n);
    renderChart(insights);
    renderAction(latest);
    renderChips(el.objections, el.objectionsNone, objections, 'objections');
    renderChips(el.needs, el.needsNone, needs, 'needs');
    el.summary.textContent = t('summary')({
      turn: n,
      p: pct(latest.conversion_probability),
      action: el.action.textContent,
      phase: el.phase.textContent,
      objections: objections.map((e) => humanName('objections', e.label)).join(', '),
      needs: needs.map((e) => humanName('needs', e.label)).join(', '),
    });
  }

  function onInsights() {
    currentInsights = visibleInsights();
    render();
  }

  function onState() {
    const state = agent.state;
    if (state === 'connecting' && (lastState === null || FINISHED_STATES.has(lastState))) {
      // A new call: forget what the previous one showed.
      hiddenItems = new Set((agent.insights || []).map((ins) => ins && ins.itemId));
      currentInsights = [];
      render();
    }
    lastState = state;
    updateLock();
  }

  // ---- wiring --------------------------------------------------------------------------
  function attach(va) {
    if (agent || !va) return;
    agent = va;
    lastState = va.state || null;
    const placeholder = document.querySelector('#va-widget > .va-placeholder');
    if (placeholder) placeholder.remove();
    va.on('state', onState);
    va.on('error', updateLock);
    va.on('insights', onInsights);
    if (typeof va.setLang === 'function') va.setLang(lang);
    currentInsights = visibleInsights();
    updateLock();
    applyStrings();
  }

  applyStrings();
  if (window.voiceAgent) {
    attach(window.voiceAgent);
  } else {
    document.addEventListener('voiceagent:ready', () => attach(window.voiceAgent), { once: true });
  }
})();
