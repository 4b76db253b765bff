// The run panel's webview script: renders the run history and the selected run (the request it sent, status,
// returned value as a JSON tree built lazily as it is opened, output in a virtualised scroll box, error with
// links to the places it names, database changes with each update's changed fields) from the extension's
// messages, the mails and http calls of a run ("Mail & HTTP") and the HTML it returned. Finished runs keep their
// built view for switching back. Plain DOM, text only through textContent: nothing a function returns is parsed
// as HTML in the panel; returned HTML is only shown inside an iframe with sandbox="" (no scripts, an opaque
// origin) through srcdoc, which keeps the panel's CSP.
// @ts-check

(function () {
  // @ts-expect-error acquireVsCodeApi is provided by the webview host.
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
    return `${(((run.endedAt ?? Date.now()) - run.startedAt) / 1000).toFixed(1)} s`;
  }

  /** Children built per step when a node opens (and per "Show more"), so that no result is rendered whole. */
  const childrenPerPage = 200;
  /** Separates the keys of a path in a tree (`marked` sets of changed fields use it too). */
  const pathSeparator = '\u001f';

  /** A short one-line preview of a value for a collapsed node's summary, reading no more of it than it shows. */
  function preview(value, budget = 60) {
    if (value === null || typeof value !== 'object') {
      const text = JSON.stringify(value) ?? String(value);
      return text.length > budget ? text.slice(0, budget - 1) + '…' : text;
    }
    const isArray = Array.isArray(value);
    let text = isArray ? '[' : '{';
    for (const key in value) {
      if (text.length > budget) return text + '…';
      if (text.length > 1) text += ', ';
      const item = value[key];
      text += (isArray ? '' : `${key}: `) + (item !== null && typeof item === 'object' ? (Array.isArray(item) ? '[…]' : '{…}') : preview(item, 24));
    }
    return text.length > budget ? text.slice(0, budget - 1) + '…' : text + (isArray ? ']' : '}');
  }

  /**
   * A JSON value as a collapsible tree rendered lazily: an object or array is a <details> whose children are
   * built when it first opens, `childrenPerPage` at a time. The first `openLevels` levels start open, and so
   * do the nodes of `openPaths` (keys joined by pathSeparator); `marked` paths are highlighted, their parents open.
   * @param {unknown} value
   * @param {{ openLevels?: number, marked?: Set<string>, openPaths?: string[] }} [options]
   */
  function jsonTree(value, options = {}) {
    const marked = options.marked ?? new Set();
    const parents = new Set(options.openPaths ?? []);
    for (const path of marked) {
      const keys = path.split(pathSeparator);
      for (let i = 0; i < keys.length; i++) parents.add(keys.slice(0, i).join(pathSeparator));
    }
    return jsonNode(value, undefined, '', 0, { openLevels: options.openLevels ?? 1, marked, parents });
  }

  function jsonNode(value, key, path, depth, tree) {
    const label = key === undefined ? '' : `${key}: `;
    const changed = tree.marked.has(path) && key !== undefined;
    if (value === null || typeof value !== 'object') {
      const line = el('div', changed ? 'json-leaf changed' : 'json-leaf');
      line.append(el('span', 'json-key', label), el('span', `json-${value === null ? 'null' : typeof value}`, JSON.stringify(value)));
      return line;
    }
    const isArray = Array.isArray(value);
    const keys = isArray ? null : Object.keys(value);
    const count = isArray ? value.length : keys.length;
    const details = el('details', changed ? 'json-node changed' : 'json-node');
    const summary = el('summary');
    summary.append(el('span', 'json-key', label), el('span', 'json-brace', isArray ? `Array(${count})` : `{${count}}`), el('span', 'json-preview', ` ${preview(value)}`));
    const children = el('div', 'json-children');
    details.append(summary, children);
    let built = 0;
    const more = el('button', 'json-more');
    more.addEventListener('click', () => buildPage());
    const buildPage = () => {
      more.remove();
      const end = Math.min(count, built + childrenPerPage);
      for (let i = built; i < end; i++) {
        const childKey = isArray ? String(i) : keys[i];
        const childPath = key === undefined && depth === 0 ? childKey : path + pathSeparator + childKey;
        children.append(jsonNode(value[isArray ? i : childKey], childKey, childPath, depth + 1, tree));
      }
      built = end;
      if (built < count) {
        more.textContent = `Show ${Math.min(childrenPerPage, count - built)} more (${(count - built).toLocaleString()} not shown)`;
        children.append(more);
      }
    };
    details.addEventListener('toggle', () => {
      if (details.open && built === 0) buildPage();
    });
    if (depth < tree.openLevels || tree.parents.has(path)) {
      details.open = true;
      buildPage();
    }
    return details;
  }

  /** A titled block of the run view; `action` (a button) sits at the end of its heading. */
  function section(title, iconName, body, action) {
    const box = el('section', 'block');
    const heading = el('h3');
    heading.append(icon(iconName), document.createTextNode(' ' + title));
    if (action) heading.append(action);
    box.append(heading, body);
    return box;
  }

  /** A link-like button that asks the extension to open something in the editor. */
  function openButton(text, iconName, message) {
    const button = el('button', 'open-button');
    button.append(icon(iconName), document.createTextNode(` ${text}`));
    button.addEventListener('click', () => vscode.postMessage(message));
    return button;
  }

  /**
   * The value the Result section shows: the result's JavaScript value. One line to change for the exact JSON
   * text of the result (result_json) once the runtime sends it.
   */
  function resultValue(run) {
    return run.result.result;
  }

  /** A link to a place in the user's code: a click opens the file at that line in the code's group. */
  function placeLink(className, text, location) {
    const link = el('a', className, text);
    link.href = '#';
    link.title = `Open ${location.file.split('/').pop()} at line ${location.line}`;
    link.addEventListener('click', (event) => {
      event.preventDefault();
      vscode.postMessage({ type: 'open', file: location.file, line: location.line });
    });
    return link;
  }

  /**
   * A failed run's error (said once) and its traceback or stack, whose places in the user's code open it; an
   * error without a trace (Cloud Code that does not load) is itself the link to its place.
   */
  function errorSection(failure) {
    const box = el('div', 'run-error');
    const message = el('p', 'error-message');
    message.append(failure.location && !failure.trace.length ? placeLink('trace-link', failure.summary, failure.location) : failure.summary);
    box.append(message);
    if (failure.trace.length) {
      const pre = el('pre', 'traceback');
      for (const line of failure.trace) {
        pre.append(line.location ? placeLink('trace-link', line.text, line.location) : el('span', 'trace-other', line.text), '\n');
      }
      box.append(pre);
    }
    return section('Error', 'error', box);
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
    const open = openButton('Open full output', 'go-to-file', { type: 'openOutput', runId: run.id });
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

  /** A change's kind as said: `document greetings`, `app user`, `object Review`. */
  function changeTarget(item) {
    return `${item.kind === 'app_user' ? 'app user' : item.kind}${item.collection ? ` ${item.collection}` : ''}`;
  }

  /**
   * The database changes of a run: the counts (always), then each listed change. An update shows its changed
   * fields first (before → after, highlighted), then the whole before and after values with those fields
   * marked; a create or delete shows its value.
   */
  function changesBlock(changes) {
    const box = el('div', 'changes');
    const total = changes.created + changes.updated + changes.deleted;
    box.append(el('p', 'summary', total === 0 ? 'No changes.' : `${changes.created} created, ${changes.updated} updated, ${changes.deleted} deleted`));
    for (const item of changes.items) {
      const details = el('details', `change change-${item.op}`);
      const summary = el('summary');
      summary.append(el('span', `op op-${item.op}`, item.op), el('span', 'kind', ` ${changeTarget(item)}`), el('span', 'id', ` ${item.id}`));
      details.append(summary);
      if (item.fields) {
        summary.append(el('span', 'changed-fields', ` · ${item.fields.length ? item.fields.map((field) => field.path.join('.')).join(', ') : 'no field changed'}`));
        const table = el('table', 'field-diff');
        for (const field of item.fields) {
          const row = el('tr', `field-${field.kind}`);
          row.append(el('td', 'field-path', field.path.join('.')),
            el('td', 'field-before', field.kind === 'added' ? '—' : preview(field.before, 80)),
            el('td', 'field-arrow', '→'),
            el('td', 'field-after', field.kind === 'removed' ? '—' : preview(field.after, 80)));
          table.append(row);
        }
        details.append(table);
        details.open = changes.items.length <= 20;
      }
      const marked = new Set((item.fields ?? []).map((field) => field.path.join(pathSeparator)));
      const sides = el('div', 'before-after');
      if (item.before !== undefined) sides.append(section('Before', 'history', jsonTree(item.before, { openLevels: item.fields ? 0 : 1, marked })));
      if (item.after !== undefined) sides.append(section('After', 'arrow-right', jsonTree(item.after, { openLevels: item.fields ? 0 : 1, marked })));
      details.append(sides);
      box.append(details);
    }
    if (changes.unlisted > 0) box.append(el('p', 'summary', `… ${changes.unlisted.toLocaleString()} more change${changes.unlisted === 1 ? ' is' : 's are'} counted but not listed.`));
    return box;
  }

  /**
   * HTML shown two ways, switched by two tabs: rendered in a sandboxed frame (sandbox="": no script runs, the
   * frame has an opaque origin and cannot reach the panel; the panel's CSP applies to it) and as its source.
   */
  function htmlView(html, label) {
    const box = el('div', 'html-view');
    const tabs = el('div', 'html-tabs');
    tabs.setAttribute('role', 'tablist');
    const frame = /** @type {HTMLIFrameElement} */ (el('iframe', 'html-preview'));
    frame.setAttribute('sandbox', '');
    frame.title = `${label} (sandboxed preview)`;
    frame.srcdoc = html;
    const source = el('pre', 'html-source', html);
    source.hidden = true;
    const tab = (text, show) => {
      const button = el('button', 'html-tab', text);
      button.setAttribute('role', 'tab');
      button.addEventListener('click', () => {
        for (const other of tabs.children) other.classList.toggle('selected', other === button);
        frame.hidden = show !== frame;
        source.hidden = show !== source;
      });
      return button;
    };
    const preview = tab('Preview', frame);
    preview.classList.add('selected');
    tabs.append(preview, tab('Source', source));
    box.append(tabs, frame, source);
    return box;
  }

  /** The mails of a run's outbox (recorded, never sent) and its outgoing http calls with who answered them. */
  function effectsSection(effects) {
    const box = el('div', 'effects');
    if (effects.mails.length) {
      box.append(el('p', 'summary', `${effects.mails.length} mail${effects.mails.length === 1 ? '' : 's'} recorded in the outbox (not sent)`));
      for (const mail of effects.mails) {
        const details = el('details', 'mail');
        const summary = el('summary');
        summary.append(icon('mail'), el('span', 'mail-to', ` ${mail.to}`), el('span', 'mail-subject', ` · ${mail.subject}`));
        details.append(summary, el('p', 'mail-excerpt', mail.excerpt));
        // The body's full view is built when the mail is opened: no frame for a closed mail.
        details.addEventListener('toggle', () => {
          if (!details.open || details.dataset.built) return;
          details.dataset.built = '1';
          if (mail.html !== null) details.append(htmlView(mail.html, `Mail to ${mail.to}`));
          else if (mail.body !== null) details.append(el('pre', 'mail-body', mail.body));
        });
        box.append(details);
      }
    }
    if (effects.calls.length) {
      box.append(el('p', 'summary', `${effects.calls.length} http call${effects.calls.length === 1 ? '' : 's'}`));
      const table = el('table', 'http-calls');
      for (const call of effects.calls) {
        const row = el('tr', `http-call source-${call.source}`);
        row.append(el('td', 'http-method', call.method), el('td', 'http-url', call.url), el('td', 'http-status', call.status),
          el('td', 'http-source', call.answeredBy), el('td', 'http-time', `${call.durationMs.toFixed(1)} ms`));
        table.append(row);
      }
      box.append(table);
    }
    return section('Mail & HTTP', 'mail', box);
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
    box.append(jsonTree(fields, { openPaths: [run.parse ? 'body' : 'payload'] }));
    return section(run.unsaved ? 'Request (unsaved edits sent)' : 'Request', 'arrow-right', box);
  }

  /**
   * The runs newest first, except that a run fired by another run's write (a hook of an execution) follows the
   * run that fired it, oldest first, when that run is in the history.
   */
  function historyOrder() {
    const byExecution = new Map();
    for (const run of runs.values()) {
      if (run.execution) byExecution.set(run.execution.id, run);
      if (run.ownExecutionId) byExecution.set(run.ownExecutionId, run);
    }
    const parentOf = (run) => (run.execution && run.execution.parentId ? byExecution.get(run.execution.parentId) : undefined);
    const ordered = [];
    const add = (run, child) => {
      ordered.push({ run, child });
      const children = [...runs.values()].filter((other) => parentOf(other) === run).sort((a, b) => a.id - b.id);
      for (const other of children) add(other, true);
    };
    for (const run of [...runs.values()].sort((a, b) => b.id - a.id)) if (!parentOf(run)) add(run, false);
    return ordered;
  }

  function renderHistory() {
    const nav = /** @type {HTMLElement} */ (document.getElementById('history'));
    nav.replaceChildren();
    for (const { run, child } of historyOrder()) {
      const item = el('button', `history-item${run.id === selected ? ' selected' : ''} status-${run.status}${child ? ' history-child' : ''}`);
      item.dataset.runId = String(run.id);
      const file = run.label.split('/').pop();
      const input = run.execution ? `${child ? '↳ ' : ''}${run.as.label}` : `${run.parse ? 'params' : 'payload'}: ${run.payloadName}${run.unsaved ? ' (unsaved)' : ''}`;
      item.title = `#${run.id} · ${run.parse ? `${run.parse.target} · ` : ''}${run.label} · ${input} · ${new Date(run.startedAt).toLocaleTimeString()}`;
      const text = el('span', 'history-text');
      text.append(el('span', 'history-label', run.parse ? `${run.parse.target} · ${file}` : file),
        el('span', 'history-detail', `${input} · ${elapsed(run)}`));
      item.append(statusIcon(run), text);
      item.addEventListener('click', () => { selected = run.id; render(); vscode.postMessage({ type: 'select', runId: run.id }); });
      nav.append(item);
    }
  }

  /** The built views of finished runs, so that switching back to one in the history rebuilds nothing. */
  const builtViews = new Map();

  function renderRun() {
    const main = /** @type {HTMLElement} */ (document.getElementById('run'));
    const run = selected === null ? undefined : runs.get(selected);
    if (!run) return;
    liveOutput = null;
    const built = builtViews.get(run.id);
    if (built && built.run === run) {
      main.replaceChildren(built.node);
      if (built.output) {
        liveOutput = built.output;
        built.output.repaint();
      }
      return;
    }
    const view = el('div', 'run-view');
    main.replaceChildren(view);
    buildRun(view, run);
    if (run.status !== 'running') builtViews.set(run.id, { run, node: view, output: liveOutput });
    for (const id of builtViews.keys()) if (!runs.has(id)) builtViews.delete(id);
  }

  /** Builds the view of a run: header, request, error or result, output, database changes. */
  function buildRun(main, run) {
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
    if (run.as) meta.append(el('span', 'run-trigger', `${run.execution ? 'fired by' : 'as'} ${run.as.label}`));
    const actions = el('div', 'actions');
    if (run.status === 'running') {
      const cancel = el('button', 'cancel');
      cancel.append(icon('debug-stop'), document.createTextNode(' Cancel'));
      cancel.addEventListener('click', () => vscode.postMessage({ type: 'cancel' }));
      actions.append(cancel);
    } else if (!run.test) {
      const rerun = el('button', 'rerun');
      rerun.append(icon('debug-rerun'), document.createTextNode(' Run again'));
      rerun.addEventListener('click', () => vscode.postMessage({ type: 'rerun', runId: run.id }));
      actions.append(rerun);
    }
    header.append(title, meta, actions);
    main.append(header);

    if (run.test) main.append(testFailedSection(run.test));
    main.append(requestSection(run));
    if (run.parse) {
      renderParse(main, run);
      return;
    }
    const result = run.result;
    if (run.failure) main.append(errorSection(run.failure));
    if (result && result.success && run.html !== null) {
      main.append(section('Result (HTML)', 'preview', htmlView(run.html, 'Returned HTML'), openButton('Open result as JSON', 'json', { type: 'openResult', runId: run.id })));
    } else if (result && result.success) {
      const box = el('div', 'run-result');
      box.append(jsonTree(resultValue(run)));
      main.append(section('Result', 'json', box, openButton('Open result as JSON', 'json', { type: 'openResult', runId: run.id })));
    }
    if (run.effects) main.append(effectsSection(run.effects));
    main.append(outputSection(run, 'Output'));
    if (result) main.append(section('Database changes', 'database', changesBlock(result.changes)));
  }

  /**
   * The "Test failed" section of a failing test's run: the test's name (`file › entry`), its differences, and
   * its expectation (-) beside what the run gave (+) as diff lines.
   */
  function testFailedSection(test) {
    const box = el('div', 'test-failure');
    box.append(el('p', 'error-message', test.status === 'error' ? `${test.name} (could not run)` : test.name));
    box.append(el('pre', 'test-mismatches', test.mismatches.join('\n')));
    if (test.diff.length) {
      const diff = el('pre', 'test-diff');
      for (const line of test.diff) diff.append(el('span', `diff-line diff-${line.kind === '-' ? 'expected' : line.kind === '+' ? 'actual' : 'same'}`, `${line.kind} ${line.text}`), '\n');
      box.append(el('p', 'test-diff-legend', '- expected   + actual'), diff);
    }
    return section('Test failed', 'testing-failed-icon', box);
  }

  /** A Parse run (after its request): Parse Server's body and the request's log entries. */
  function renderParse(main, run) {
    const parse = run.parse;
    const response = parse.response;
    if (run.failure) main.append(errorSection(run.failure));
    if (response) {
      const body = el('div', 'run-result parse-body');
      body.append(jsonTree(response.body));
      main.append(section(`Response ${response.status}`, 'json', body, openButton('Open response as JSON', 'json', { type: 'openResult', runId: run.id })));
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
      case 'added':
        runs.set(message.run.id, message.run);
        renderHistory();
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
