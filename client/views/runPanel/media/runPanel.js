// The run panel's webview script: renders the run history and the selected run (status, returned value as a
// collapsible JSON tree, streamed output in a virtualised scroll box, error with clickable traceback lines,
// database changes) from the extension's messages. Plain DOM, text only through textContent: nothing a function returns is parsed as HTML.
// @ts-check

(function () {
  // @ts-ignore acquireVsCodeApi is provided by the webview host.
  const vscode = acquireVsCodeApi();
  /** @type {Map<number, any>} */
  const runs = new Map();
  /** @type {number | null} */
  let selected = null;
  let ticker = 0;

  /** @param {string} tag @param {string} [className] @param {string} [text] */
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** @param {string} name */
  function icon(name) {
    return el('span', `codicon codicon-${name}`);
  }

  function statusIcon(run) {
    if (run.status === 'running') return icon('loading codicon-modifier-spin');
    return run.status === 'succeeded' ? icon('pass') : icon('error');
  }

  function elapsed(run) {
    if (run.parse && run.parse.response) return `${run.parse.response.timeMs.toFixed(1)} ms`;
    if (run.result) return `${run.result.execution_time.toFixed(1)} ms`;
    return `${((Date.now() - run.startedAt) / 1000).toFixed(1)} s`;
  }

  /** A collapsible JSON tree: objects and arrays are <details>, open at the first two levels. */
  function jsonTree(value, key, depth) {
    const label = key === undefined ? '' : `${key}: `;
    if (value !== null && typeof value === 'object') {
      const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
      const details = el('details', 'json-node');
      details.open = depth < 2;
      const summary = el('summary');
      summary.append(el('span', 'json-key', label), el('span', 'json-brace', Array.isArray(value) ? `Array(${entries.length})` : `{${entries.length}}`));
      details.append(summary);
      const children = el('div', 'json-children');
      for (const [k, v] of entries) children.append(jsonTree(v, k, depth + 1));
      details.append(children);
      return details;
    }
    const line = el('div', 'json-leaf');
    line.append(el('span', 'json-key', label), el('span', `json-${value === null ? 'null' : typeof value}`, JSON.stringify(value)));
    return line;
  }

  function section(title, iconName, body) {
    const box = el('section', 'block');
    const heading = el('h3');
    heading.append(icon(iconName), document.createTextNode(' ' + title));
    box.append(heading, body);
    return box;
  }

  /** Traceback text whose `File "…", line N` lines open the function file at that line. */
  function traceback(text, file, label) {
    const pre = el('pre', 'traceback');
    for (const line of text.replace(/\n$/, '').split('\n')) {
      const match = /File "([^"]+)", line (\d+)/.exec(line);
      if (match && (match[1] === label || match[1] === file || file.endsWith('/' + match[1]))) {
        const link = el('a', 'trace-link', line);
        link.href = '#';
        link.title = 'Open in the editor';
        link.addEventListener('click', (event) => {
          event.preventDefault();
          vscode.postMessage({ type: 'open', file, line: Number(match[2]) });
        });
        pre.append(link, '\n');
      } else {
        pre.append(line + '\n');
      }
    }
    return pre;
  }

  /** Output lines the panel holds per run; the extension sends no more (client/views/runPanel/runHistory.ts). */
  const maxLines = 10000;
  /** Rows painted above and below the visible ones, so that scrolling a little shows no gap. */
  const overscan = 30;
  /** The output view of the selected run, which streamed lines are appended to. */
  let liveOutput = null;

  /**
   * A run's output as a virtualised list: a scroll box of its own, in which only the visible lines (and a few
   * around them) are in the DOM, painted at most once per frame. It follows the end while scrolled to it.
   */
  function outputView(run, title) {
    const box = el('div', 'output-view');
    const sizer = el('div', 'output-sizer');
    const rows = el('pre', 'output-lines');
    sizer.append(rows);
    box.append(sizer);
    const note = el('p', 'output-note');
    const heading = el('div', 'output-heading');
    const open = el('button', 'open-output');
    open.append(icon('go-to-file'), document.createTextNode(' Open full output'));
    open.addEventListener('click', () => vscode.postMessage({ type: 'openOutput', runId: run.id }));
    heading.append(note, open);
    let lineHeight = 0;
    let scheduled = false;
    let follow = true;
    const paint = () => {
      scheduled = false;
      const lines = run.output;
      if (!lineHeight) {
        rows.textContent = 'M';
        lineHeight = rows.getBoundingClientRect().height || 18;
      }
      sizer.style.height = `${lines.length * lineHeight}px`;
      if (follow) box.scrollTop = box.scrollHeight;
      const first = Math.max(0, Math.floor(box.scrollTop / lineHeight) - overscan);
      const last = Math.min(lines.length, first + Math.ceil((box.clientHeight || 400) / lineHeight) + 2 * overscan);
      rows.style.transform = `translateY(${first * lineHeight}px)`;
      rows.replaceChildren();
      for (let i = first; i < last; i++) rows.append(outputRow(lines[i], run), '\n');
      const shown = lines.length;
      const total = Math.max(run.outputTotal || 0, shown);
      note.textContent = total === 0 ? 'No output.' : total > shown ? `${total.toLocaleString()} lines; the last ${shown.toLocaleString()} are shown here.` : `${total.toLocaleString()} line${total === 1 ? '' : 's'}`;
      open.hidden = total === 0;
      box.hidden = shown === 0;
    };
    const schedule = () => {
      if (scheduled) return;
      scheduled = true;
      requestAnimationFrame(paint);
    };
    box.addEventListener('scroll', () => {
      follow = box.scrollTop + box.clientHeight >= box.scrollHeight - 2 * (lineHeight || 18);
      schedule();
    });
    const container = el('div', 'output');
    container.append(heading, box);
    const view = { run, repaint: schedule };
    // Painted once it is in the document (its height is known then).
    schedule();
    return { node: section(title, 'output', container), view };
  }

  /** One output line as painted. */
  function outputRow(line) {
    return line;
  }

  function changesBlock(changes) {
    const box = el('div', 'changes');
    const total = changes.created + changes.updated + changes.deleted;
    box.append(el('p', 'summary', total === 0 ? 'No changes.' : `${changes.created} created, ${changes.updated} updated, ${changes.deleted} deleted`));
    for (const item of changes.items) {
      const details = el('details', `change change-${item.op}`);
      const summary = el('summary');
      summary.append(el('span', `op op-${item.op}`, item.op), el('span', 'kind', ` ${item.kind === 'app_user' ? 'app user' : item.kind}`),
        el('span', 'collection', item.collection ? ` ${item.collection}` : ''), el('span', 'id', ` ${item.id}`));
      details.append(summary);
      const sides = el('div', 'before-after');
      if (item.before !== undefined) sides.append(section('Before', 'history', jsonTree(item.before, undefined, 1)));
      if (item.after !== undefined) sides.append(section('After', 'arrow-right', jsonTree(item.after, undefined, 1)));
      details.append(sides);
      box.append(details);
    }
    if (changes.truncated) box.append(el('p', 'summary', '… more changes are counted but not listed.'));
    return box;
  }

  /** The request a run sent, for either dialect: method, target (and Parse's status), user, then payload or body, query and headers. */
  function requestSection(run) {
    const sent = run.sent;
    const box = el('div', 'request');
    const line = el('p', 'request-line');
    line.append(el('span', 'request-method', sent.method), document.createTextNode(` ${sent.target}`));
    const response = run.parse && run.parse.response;
    if (response) line.append(el('span', `parse-status status-${run.status}`, ` → ${response.status}`));
    line.append(el('span', 'request-user', ` · user: ${sent.user ?? 'anonymous'}`));
    box.append(line);
    /** @type {Record<string, unknown>} */
    const fields = { [run.parse ? 'body' : 'payload']: sent.body };
    if (Object.keys(sent.query).length) fields.query = sent.query;
    if (Object.keys(sent.headers).length) fields.headers = sent.headers;
    box.append(jsonTree(fields, undefined, 0));
    return section(run.unsaved ? 'Request (unsaved edits sent)' : 'Request', 'arrow-right', box);
  }

  function renderHistory() {
    const nav = /** @type {HTMLElement} */ (document.getElementById('history'));
    nav.replaceChildren();
    const ordered = [...runs.values()].sort((a, b) => b.id - a.id);
    for (const run of ordered) {
      const item = el('button', `history-item${run.id === selected ? ' selected' : ''} status-${run.status}`);
      item.title = `${run.parse ? run.parse.target + ' · ' : ''}${run.label} · ${run.payloadName} · ${new Date(run.startedAt).toLocaleTimeString()}`;
      item.append(statusIcon(run), el('span', 'history-label', ` #${run.id} ${run.parse ? run.parse.target : run.label}`), el('span', 'history-time', elapsed(run)));
      item.addEventListener('click', () => { selected = run.id; render(); });
      nav.append(item);
    }
  }

  function renderRun() {
    const main = /** @type {HTMLElement} */ (document.getElementById('run'));
    const run = selected === null ? undefined : runs.get(selected);
    if (!run) return;
    liveOutput = null;
    main.replaceChildren();
    const header = el('header', `run-header status-${run.status}`);
    const title = el('h2', 'run-status');
    title.append(statusIcon(run), document.createTextNode(` ${run.status === 'running' ? 'Running' : run.status === 'succeeded' ? 'Succeeded' : 'Failed'}`));
    const meta = el('div', 'run-meta');
    if (run.parse) {
      meta.append(el('span', 'run-file', run.label), el('span', 'run-target', run.parse.target), el('span', 'run-payload', `params: ${run.payloadName}${run.unsaved ? ' (unsaved)' : ''}`), el('span', 'run-time', elapsed(run)));
    } else {
      meta.append(el('span', 'run-file', run.label), el('span', 'run-payload', `payload: ${run.payloadName}${run.unsaved ? ' (unsaved)' : ''}`),
        el('span', 'run-user', `user: ${run.user ?? 'anonymous'}`), el('span', 'run-time', elapsed(run)));
    }
    if (run.result && run.result.status_code !== null) meta.append(el('span', 'run-http', `HTTP ${run.result.status_code}`));
    const actions = el('div', 'actions');
    if (run.status === 'running') {
      const cancel = el('button', 'cancel');
      cancel.append(icon('debug-stop'), document.createTextNode(' Cancel'));
      cancel.addEventListener('click', () => vscode.postMessage({ type: 'cancel' }));
      actions.append(cancel);
    } else {
      const rerun = el('button', 'rerun');
      rerun.append(icon('debug-rerun'), document.createTextNode(' Run again'));
      rerun.addEventListener('click', () => vscode.postMessage({ type: 'rerun', runId: run.id }));
      actions.append(rerun);
    }
    header.append(title, meta, actions);
    main.append(header);

    main.append(requestSection(run));
    if (run.parse) {
      renderParse(main, run);
      return;
    }
    const result = run.result;
    if (result && !result.success) {
      const error = el('div', 'run-error');
      error.append(el('p', 'error-message', result.error + (result.error_line !== null ? ` (line ${result.error_line})` : '')));
      if (result.traceback) error.append(traceback(result.traceback, run.file, run.label));
      main.append(section('Error', 'error', error));
    }
    if (result && result.success) {
      const box = el('div', 'run-result');
      box.append(jsonTree(result.result, undefined, 0));
      main.append(section('Result', 'json', box));
    }
    main.append(outputSection(run, 'Output'));
    if (result) main.append(section('Database changes', 'database', changesBlock(result.changes)));
  }

  /** A Parse run (after its request): Parse Server's body and the request's log entries. */
  function renderParse(main, run) {
    const parse = run.parse;
    const response = parse.response;
    if (parse.error) main.append(section('Error', 'error', el('p', 'error-message', parse.error)));
    if (response) {
      const body = el('div', 'run-result parse-body');
      body.append(jsonTree(response.body, undefined, 0));
      main.append(section(`Response ${response.status}`, 'json', body));
    }
    main.append(outputSection(run, 'Logs'));
    if (response && response.changes) main.append(section('Database changes', 'database', changesBlock(response.changes)));
  }

  /** The output (or Parse log) section of a run; the selected run's is where streamed lines go. */
  function outputSection(run, title) {
    const { node, view } = outputView(run, title);
    if (run.id === selected) liveOutput = view;
    return node;
  }

  function render() {
    renderHistory();
    renderRun();
    clearInterval(ticker);
    const run = selected === null ? undefined : runs.get(selected);
    // A running run's elapsed time ticks; finished runs show their measured time.
    if (run && run.status === 'running') ticker = setInterval(() => {
      const time = document.querySelector('.run-time');
      if (time) time.textContent = elapsed(run);
    }, 100);
  }

  window.addEventListener('message', (event) => {
    const message = event.data;
    switch (message.type) {
      case 'history':
        runs.clear();
        for (const run of message.runs) runs.set(run.id, run);
        selected = message.selected;
        render();
        break;
      case 'run':
        runs.set(message.run.id, message.run);
        selected = message.run.id;
        render();
        break;
      case 'output': {
        const run = runs.get(message.runId);
        if (!run) break;
        for (const line of message.lines) run.output.push(line);
        if (run.output.length > maxLines) run.output.splice(0, run.output.length - maxLines);
        run.outputTotal = message.total;
        if (liveOutput && liveOutput.run === run) liveOutput.repaint();
        break;
      }
    }
  });
  vscode.postMessage({ type: 'ready' });
})();
