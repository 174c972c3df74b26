// docpipe's web page: each dropped file becomes one job on the v1 API; the page
// polls each job and shows its pages as they finish. Plain browser APIs, no build step.
(() => {
  "use strict";

  const KEY_STORAGE = "docpipe.apiKey";
  const THRESHOLD_STORAGE = "docpipe.threshold";
  const JOBS_STORAGE = "docpipe.jobs";
  const POLL_MS = 1000;
  const POLL_IDLE_MAX_MS = 5000;
  const POLL_MAX_MS = 30000;
  const MAX_PARALLEL_UPLOADS = 3;
  const MAX_UPLOAD_TRIES = 5;
  const PAGES_PER_REQUEST = 100;
  const TERMINAL = new Set(["succeeded", "partial", "failed", "canceled"]);
  const PAGE_TERMINAL = new Set(["succeeded", "failed", "canceled"]);
  const EXPORT_EXTENSIONS = { txt: "txt", json: "json", hocr: "hocr", alto: "alto.xml", pdf: "pdf" };

  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  // ---------------------------------------------------------------- errors

  class ApiError extends Error {
    constructor(code, message, { status = 0, details = {}, retryAfter = null } = {}) {
      super(message);
      this.code = code;
      this.status = status;
      this.details = details || {};
      this.retryAfter = retryAfter;
    }

    get retryable() {
      return this.code === "network_error" || this.status === 429 || this.status === 502 ||
        this.status === 503 || this.status === 504;
    }
  }

  function formatBytes(n) {
    if (n < 1024) return `${n} bytes`;
    if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
    return `${(n / 1024 / 1024).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MB`;
  }

  // The server's details name limits in different ways; take the first number that looks like one.
  function limitFrom(details, words) {
    for (const [key, value] of Object.entries(details || {})) {
      if (typeof value === "number" && words.some((w) => key.includes(w))) return value;
    }
    return null;
  }

  // Plain words for people, by the API's stable error codes (never by message text).
  function friendlyError(err) {
    const d = err.details;
    switch (err.code) {
      case "file_too_large": {
        const limit = limitFrom(d, ["max", "limit"]);
        return `Too big: this file is larger than the service accepts${limit ? ` (${formatBytes(limit)})` : ""}. ` +
          "Split it into smaller files or compress it, then try again.";
      }
      case "unsupported_type":
        return "Not a supported file type. docpipe reads PDF, TIFF, PNG and JPEG files.";
      case "encrypted_pdf":
        return "This PDF is password-protected. Save a copy without the password, then add that copy.";
      case "too_many_pages": {
        const limit = limitFrom(d, ["max", "limit"]);
        return `This document has too many pages${limit ? ` (the limit is ${limit})` : ""}. Split it into smaller files.`;
      }
      case "corrupt_file":
        return "This file looks damaged and could not be opened. Export or scan it again.";
      case "empty_file":
        return "This file is empty (0 bytes). Save or download it again, then add it once more.";
      case "page_too_large":
      case "image_too_large":
        return "This image is too large in pixels to read safely. Scale it down and try again.";
      case "invalid_option":
        return `The service refused an option: ${err.message}`;
      case "unauthorized":
        return "The service needs a valid API key. Choose “Try again” to enter one.";
      case "not_found":
        return "This job is no longer on the server (it may have been deleted or expired).";
      case "network_error":
        return "Could not reach the service. Check your connection, then try again.";
      default:
        if (err.status === 429) return "The service is busy right now. Please try again in a moment.";
        if (err.status >= 500) return "The service is unavailable right now. Please try again in a moment.";
        return err.message || "Something went wrong with this file.";
    }
  }

  const PAGE_ERRORS = {
    timeout: "Reading this page took too long and was stopped.",
    inference_failed: "The OCR engine failed on this page.",
    page_too_large: "This page is too large in pixels to read safely.",
    worker_lost: "The worker reading this page stopped, and all retries were used.",
  };

  // ---------------------------------------------------------------- API client

  function retryAfterMs(value) {
    if (!value) return null;
    const seconds = Number(value);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(value);
    return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
  }

  function parseErrorBody(status, text, retryAfter) {
    let body = null;
    try { body = JSON.parse(text); } catch (_) { /* not JSON: a proxy's page, say */ }
    const e = body && body.error;
    if (e && typeof e === "object") {
      return new ApiError(e.code || `http_${status}`, e.message || "", { status, details: e.details, retryAfter });
    }
    const code = status === 404 ? "not_found" : status === 401 ? "unauthorized" : `http_${status}`;
    return new ApiError(code, "", { status, retryAfter });
  }

  function currentKey() {
    return localStorage.getItem(KEY_STORAGE);
  }

  function authHeaders(key) {
    return key ? { Authorization: `Bearer ${key}` } : {};
  }

  async function request(url, { method = "GET", as = "json" } = {}) {
    for (;;) {
      let response;
      const key = currentKey();
      try {
        response = await fetch(url, { method, headers: authHeaders(key), cache: "no-store" });
      } catch (_) {
        throw new ApiError("network_error", "network error");
      }
      if (response.status === 401 && (await keyPrompt.ask(key))) continue;
      if (!response.ok) {
        throw parseErrorBody(response.status, await response.text(), retryAfterMs(response.headers.get("Retry-After")));
      }
      let data = null;
      if (as === "json") data = await response.json();
      else if (as === "blob") data = await response.blob();
      return { response, data };
    }
  }

  // XMLHttpRequest rather than fetch: it reports upload progress, which matters for big PDFs.
  function postJob(file, mode, onProgress) {
    return new Promise((resolve, reject) => {
      const form = new FormData();
      form.append("file", file, file.name);
      form.append("mode", mode);
      form.append("priority", "interactive");
      const xhr = new XMLHttpRequest();
      xhr.open("POST", "/v1/jobs");
      const key = currentKey();
      for (const [name, value] of Object.entries(authHeaders(key))) xhr.setRequestHeader(name, value);
      xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
      xhr.onload = () => {
        const retryAfter = retryAfterMs(xhr.getResponseHeader("Retry-After"));
        if (xhr.status >= 200 && xhr.status < 300) {
          try { resolve({ job: JSON.parse(xhr.responseText), retryAfter }); } catch (_) {
            reject(new ApiError("bad_response", "The service answered with something unexpected.", { status: xhr.status }));
          }
        } else {
          const err = parseErrorBody(xhr.status, xhr.responseText, retryAfter);
          err.sentKey = key;
          reject(err);
        }
      };
      xhr.onerror = () => reject(new ApiError("network_error", "network error"));
      xhr.send(form);
    });
  }

  // One dialog for the whole page: many requests may hit 401 at once, the person is asked once.
  const keyPrompt = {
    pending: null,
    // sentKey: the key the refused request carried. A request that left before a new key
    // was saved is simply sent again, rather than throwing away the key just entered.
    ask(sentKey) {
      const key = currentKey();
      if (key && key !== sentKey) return Promise.resolve(true);
      if (!this.pending) {
        this.pending = this.open().finally(() => { this.pending = null; });
      }
      return this.pending;
    },
    open() {
      const dialog = $("#key-dialog");
      const input = $("#key-input");
      const hadKey = Boolean(localStorage.getItem(KEY_STORAGE));
      $("#key-title").textContent = hadKey ? "That API key was not accepted" : "API key needed";
      localStorage.removeItem(KEY_STORAGE);
      input.value = "";
      return new Promise((resolve) => {
        dialog.addEventListener("close", () => {
          const key = input.value.trim();
          if (dialog.returnValue === "save" && key) {
            localStorage.setItem(KEY_STORAGE, key);
            updateKeyButton();
            resolve(true);
          } else {
            resolve(false);
          }
        }, { once: true });
        dialog.returnValue = "";
        dialog.showModal();
        input.focus();
      });
    },
  };

  function updateKeyButton() {
    $("#key-button").hidden = !localStorage.getItem(KEY_STORAGE);
  }

  // ---------------------------------------------------------------- small UI helpers

  function announce(message) {
    const region = $("#announcer");
    region.textContent = "";
    // A fresh text node after a tick makes screen readers repeat an identical message.
    setTimeout(() => { region.textContent = message; }, 30);
  }

  let toastTimer = null;
  function toast(message) {
    const el = $("#toast");
    el.textContent = message;
    el.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { el.hidden = true; }, 3000);
    announce(message);
  }

  async function copyText(text) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (_) {
      // No Clipboard API (plain http on a LAN address) or no permission: use a hidden textarea.
      const focused = document.activeElement;
      const buffer = document.createElement("textarea");
      buffer.value = text;
      buffer.setAttribute("readonly", "");
      buffer.className = "clipboard-buffer";
      document.body.append(buffer);
      buffer.select();
      let ok = false;
      try { ok = document.execCommand("copy"); } catch (_) { ok = false; }
      buffer.remove();
      if (focused && focused.focus) focused.focus();
      return ok;
    }
  }

  function percent(value) {
    return value == null ? "–" : `${Math.round(value * 100)}%`;
  }

  function threshold() {
    return Number($("#threshold").value);
  }

  // ---------------------------------------------------------------- the list of files

  const entries = [];
  const uploadQueue = [];
  let activeUploads = 0;
  let nextLocalId = 1;

  const STATE_LABELS = {
    waiting: "Waiting to upload",
    uploading: "Uploading",
    queued: "Queued",
    running: "Reading",
    succeeded: "Done",
    partial: "Done, some pages failed",
    failed: "Failed",
    canceled: "Canceled",
    error: "Not sent",
    gone: "Gone",
  };

  function createEntry({ file = null, name, size, jobId = null }) {
    const el = $("#file-template").content.firstElementChild.cloneNode(true);
    const entry = {
      localId: nextLocalId++, file, name, size, jobId, el,
      state: "waiting", job: null, pages: new Map(), pageEls: new Map(),
      pagesKey: "", pagesFrom: 0, idlePolls: 0, failures: 0, timer: null, error: null, uploaded: 0, deleted: false,
    };
    el.id = `file-${entry.localId}`;
    const title = $(".file-name", el);
    title.textContent = name;
    title.title = name;
    el.addEventListener("click", (e) => onFileAction(entry, e));
    entries.push(entry);
    $("#file-list").append(el);
    renderEntry(entry);
    refreshToolbar();
    return entry;
  }

  function addFiles(fileList) {
    const files = Array.from(fileList || []);
    if (!files.length) return;
    const mode = $("#mode").value;
    for (const file of files) {
      const entry = createEntry({ file, name: file.name || "unnamed file", size: file.size });
      entry.mode = mode;
      uploadQueue.push(entry);
    }
    announce(files.length === 1 ? `Added ${files[0].name}.` : `Added ${files.length} files.`);
    pumpUploads();
  }

  function pumpUploads() {
    while (activeUploads < MAX_PARALLEL_UPLOADS && uploadQueue.length) {
      const entry = uploadQueue.shift();
      if (entry.deleted) continue;
      activeUploads++;
      submit(entry).finally(() => { activeUploads--; pumpUploads(); });
    }
  }

  async function submit(entry) {
    entry.error = null;
    for (let attempt = 1; ; attempt++) {
      setState(entry, "uploading");
      entry.uploaded = 0;
      try {
        const { job, retryAfter } = await postJob(entry.file, entry.mode || "auto", (fraction) => {
          entry.uploaded = fraction;
          renderEntry(entry);
        });
        if (entry.deleted) {
          // Deleted from the list while its upload was in flight: remove the new job too.
          request(`/v1/jobs/${job.id}`, { method: "DELETE", as: "none" }).catch(() => {});
          return;
        }
        entry.jobId = job.id;
        entry.file = null; // the server has it now; let the browser free the memory
        saveJobs();
        applyJob(entry, job);
        schedulePoll(entry, retryAfter ?? POLL_MS);
        return;
      } catch (err) {
        if (entry.deleted) return;
        if (err.status === 401 && (await keyPrompt.ask(err.sentKey))) continue;
        if (err.retryable && attempt < MAX_UPLOAD_TRIES) {
          const wait = err.retryAfter ?? Math.min(POLL_MAX_MS, 1000 * 2 ** attempt);
          entry.note = err.code === "network_error"
            ? `Connection problem — trying again in ${Math.ceil(wait / 1000)} s`
            : `Service busy — trying again in ${Math.ceil(wait / 1000)} s`;
          renderEntry(entry);
          await sleep(wait);
          entry.note = null;
          if (entry.deleted) return;
          continue;
        }
        entry.error = err;
        setState(entry, "error");
        announce(`${entry.name}: ${friendlyError(err)}`);
        return;
      }
    }
  }

  function schedulePoll(entry, delay) {
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => poll(entry), delay);
  }

  async function poll(entry) {
    if (entry.deleted) return;
    let delay = POLL_MS;
    try {
      const { response, data } = await request(`/v1/jobs/${entry.jobId}`);
      if (entry.deleted) return;
      entry.failures = 0;
      entry.note = null;
      const wasTerminal = TERMINAL.has(entry.state);
      applyJob(entry, data);
      const changed = await loadPagesIfChanged(entry);
      if (TERMINAL.has(data.status)) {
        // Jobs brought back after a reload finished earlier: no need to announce each one.
        if (!wasTerminal && !entry.restored) announce(`${entry.name}: ${STATE_LABELS[data.status].toLowerCase()}.`);
        return;
      }
      // About once a second while pages arrive; slower while a job waits in the queue,
      // so a long list of files does not hammer the API. Retry-After is a floor.
      entry.idlePolls = changed ? 0 : entry.idlePolls + 1;
      delay = Math.max(
        retryAfterMs(response.headers.get("Retry-After")) ?? 0,
        Math.min(POLL_IDLE_MAX_MS, POLL_MS * 1.25 ** entry.idlePolls),
      );
    } catch (err) {
      if (entry.deleted) return;
      if (err.code === "not_found") {
        entry.error = err;
        setState(entry, "gone");
        forgetJob(entry.jobId);
        return;
      }
      entry.failures++;
      // Back off while the service or the network is down, but never stop trying.
      delay = err.retryAfter ?? Math.min(POLL_MAX_MS, POLL_MS * 2 ** entry.failures);
      entry.note = err.code === "network_error"
        ? `Connection lost — checking again in ${Math.ceil(delay / 1000)} s`
        : `${friendlyError(err)} Checking again in ${Math.ceil(delay / 1000)} s.`;
      renderEntry(entry);
    }
    schedulePoll(entry, delay);
  }

  function applyJob(entry, job) {
    entry.job = job;
    setState(entry, job.status);
  }

  function setState(entry, state) {
    entry.state = state;
    renderEntry(entry);
    refreshToolbar();
  }

  async function loadPagesIfChanged(entry) {
    const job = entry.job;
    const p = job.progress || {};
    // Fetch pages again only when something a person could see has changed.
    const key = `${job.status}:${p.pages_total}:${p.pages_done}:${p.pages_failed}`;
    if (key === entry.pagesKey || !p.pages_total) return false;
    let url = `/v1/jobs/${entry.jobId}/pages?offset=${entry.pagesFrom}&limit=${PAGES_PER_REQUEST}`;
    const pages = [];
    while (url) {
      const { data } = await request(url);
      pages.push(...(data.pages || []));
      url = data.next || null;
    }
    if (entry.deleted) return false;
    entry.pagesKey = key;
    for (const page of pages) entry.pages.set(page.id, page);
    entry.pagesFrom = nextPagesOffset(entry, pages);
    renderPages(entry);
    renderEntry(entry);
    refreshToolbar();
    return true;
  }

  // Pages before the first unfinished one never change again, so later polls skip them
  // (a 2,000-page PDF is not re-read in full every second). Only safe when the server
  // lists pages in the same order as the page shows them; otherwise start from 0 each time.
  function nextPagesOffset(entry, fetched) {
    const sorted = sortedPages(entry);
    const sameOrder = fetched.every((page, i) => i === 0 || comparePages(entry, fetched[i - 1], page) < 0);
    if (!sameOrder || fetched.length + entry.pagesFrom !== sorted.length) return 0;
    const open = sorted.findIndex((page) => !PAGE_TERMINAL.has(page.status));
    if (open < 0) return 0;
    return Math.floor(open / PAGES_PER_REQUEST) * PAGES_PER_REQUEST;
  }

  // ---------------------------------------------------------------- rendering a file

  function renderEntry(entry) {
    const el = entry.el;
    el.dataset.state = entry.state;
    const badge = $(".badge", el);
    badge.textContent = STATE_LABELS[entry.state] || entry.state;

    const bar = $("progress", el);
    const text = $(".progress-text", el);
    const p = (entry.job && entry.job.progress) || {};
    if (entry.state === "uploading") {
      bar.max = 1;
      bar.value = entry.uploaded;
      text.textContent = entry.note || `Uploading ${Math.round(entry.uploaded * 100)}% of ${formatBytes(entry.size)}`;
    } else if (entry.state === "waiting") {
      bar.removeAttribute("value");
      text.textContent = `${formatBytes(entry.size)}, waiting for a free upload slot`;
    } else if (entry.job && p.pages_total) {
      bar.max = p.pages_total;
      bar.value = (p.pages_done || 0) + (p.pages_failed || 0);
      let words = `${p.pages_done || 0} of ${p.pages_total} page${p.pages_total === 1 ? "" : "s"} read`;
      if (p.pages_failed) words += `, ${p.pages_failed} failed`;
      if (entry.job.confidence != null && TERMINAL.has(entry.state)) words += ` · confidence ${percent(entry.job.confidence)}`;
      text.textContent = entry.note || words;
    } else if (entry.job && !TERMINAL.has(entry.state)) {
      bar.removeAttribute("value");
      text.textContent = entry.note || "Counting pages…";
    } else {
      bar.max = 1;
      bar.value = entry.state === "error" || entry.state === "gone" ? 0 : 1;
      text.textContent = entry.note || "";
    }
    bar.setAttribute("aria-label", `Progress of ${entry.name}`);

    const errorEl = $(".file-error", el);
    let errorText = entry.error ? friendlyError(entry.error) : "";
    if (!errorText && entry.job && entry.job.error && TERMINAL.has(entry.state)) {
      errorText = friendlyError(new ApiError(entry.job.error.code, entry.job.error.message));
    }
    errorEl.hidden = !errorText;
    errorEl.textContent = errorText;

    const hasJob = Boolean(entry.jobId) && entry.state !== "gone";
    const exportable = hasJob && (entry.state === "succeeded" || entry.state === "partial");
    $$("[data-action=export]", el).forEach((b) => { b.disabled = !exportable; });
    $("[data-action=copy]", el).disabled = !entryText(entry);
    const canRetry = entry.state === "error" && entry.file && entry.error &&
      (entry.error.retryable || entry.error.code === "unauthorized");
    $("[data-action=retry]", el).hidden = !canRetry;
    const del = $("[data-action=delete]", el);
    if (!del.classList.contains("confirming")) {
      del.textContent = hasJob ? "Delete" : "Remove";
      del.setAttribute("aria-label", `${hasJob ? "Delete" : "Remove"} ${entry.name}`);
    }
  }

  function comparePages(entry, a, b) {
    const docs = (entry.job && entry.job.documents) || [];
    const docIndex = (id) => Math.max(0, docs.findIndex((d) => d.id === id));
    return docIndex(a.document) - docIndex(b.document) || a.page_no - b.page_no;
  }

  function sortedPages(entry) {
    return Array.from(entry.pages.values()).sort((a, b) => comparePages(entry, a, b));
  }

  function entryText(entry) {
    return sortedPages(entry)
      .filter((p) => p.status === "succeeded" && p.text)
      .map((p) => p.text.replace(/\s+$/, ""))
      .join("\n\n");
  }

  function renderPages(entry) {
    const list = $(".pages", entry.el);
    const multiDoc = entry.job && entry.job.documents && entry.job.documents.length > 1;
    sortedPages(entry).forEach((page, index) => {
      let el = entry.pageEls.get(page.id);
      if (!el) {
        el = $("#page-template").content.firstElementChild.cloneNode(true);
        el.id = `page-${page.id}`;
        entry.pageEls.set(page.id, el);
        el.addEventListener("click", (e) => onPageAction(entry, page.id, e));
        wireHighlights(el);
        wireLineKeys(el);
      }
      // Only move nodes that are out of place: moving a node would drop keyboard focus inside it.
      if (list.children[index] !== el) list.insertBefore(el, list.children[index] || null);
      const signature = `${page.status}:${page.text ? page.text.length : 0}:${(page.lines || []).length}`;
      if (el.dataset.signature === signature) return;
      el.dataset.signature = signature;
      renderPage(entry, page, el, multiDoc);
    });
  }

  function documentName(entry, documentId) {
    const doc = ((entry.job && entry.job.documents) || []).find((d) => d.id === documentId);
    return doc ? doc.filename : entry.name;
  }

  function renderPage(entry, page, el, multiDoc) {
    el.dataset.status = page.status;
    const title = multiDoc ? `${documentName(entry, page.document)}, page ${page.page_no}` : `Page ${page.page_no}`;
    $(".page-title", el).textContent = title;
    const meta = $(".page-meta", el);
    const errorEl = $(".page-error", el);
    const body = $(".page-body", el);
    $("[data-action=copy-page]", el).disabled = !(page.status === "succeeded" && page.text);
    $("[data-action=copy-page]", el).setAttribute("aria-label", `Copy text of ${title.toLowerCase()}`);

    if (page.status !== "succeeded") {
      body.hidden = true;
      meta.textContent = { queued: "Waiting", running: "Reading…", canceled: "Canceled" }[page.status] || "";
      const err = page.error;
      errorEl.hidden = page.status !== "failed";
      errorEl.textContent = err ? PAGE_ERRORS[err.code] || err.message || "This page could not be read." : "This page could not be read.";
      return;
    }
    errorEl.hidden = true;
    body.hidden = false;
    const source = page.source === "text_layer" ? "Text layer" : "OCR";
    meta.textContent = "";
    const sourceEl = document.createElement("span");
    sourceEl.className = `source source-${page.source || "ocr"}`;
    sourceEl.textContent = source;
    sourceEl.title = page.source === "text_layer" ? "Text taken from the PDF itself" : "Text read from the image by OCR";
    const details = document.createElement("span");
    details.className = "page-stats";
    meta.append(sourceEl, details);

    renderLines(page, el, title);
    setupImage(entry, page, el, title);
    applyThreshold(el);
  }

  function renderLines(page, el, title) {
    const list = $(".lines", el);
    const boxes = $(".boxes", el);
    list.textContent = "";
    boxes.textContent = "";
    list.setAttribute("aria-label", `Text of ${title.toLowerCase()}`);
    list.setAttribute("aria-describedby", "lines-hint");
    const lines = page.lines || [];
    if (!lines.length) {
      const empty = document.createElement("li");
      empty.className = "no-text";
      empty.textContent = page.text ? page.text : "No text found on this page.";
      list.append(empty);
    }
    lines.forEach((line, i) => {
      const conf = line.confidence ?? 1;
      const item = document.createElement("li");
      item.className = "line";
      // One tab stop per page; arrow keys move between its lines (see wireLineKeys).
      item.tabIndex = i === 0 ? 0 : -1;
      item.dataset.index = String(i);
      item.dataset.conf = String(conf);
      const textEl = document.createElement("span");
      textEl.className = "line-text";
      textEl.textContent = line.text || "(no text)";
      const confEl = document.createElement("span");
      confEl.className = "line-conf";
      confEl.textContent = percent(conf);
      const srConf = document.createElement("span");
      srConf.className = "visually-hidden";
      srConf.textContent = ", confidence ";
      confEl.prepend(srConf);
      item.append(textEl, confEl);
      list.append(item);

      if (Array.isArray(line.box) && page.width && page.height) {
        const [x0, y0, x1, y1] = line.box;
        const box = document.createElement("div");
        box.className = "box";
        box.dataset.index = String(i);
        box.dataset.conf = String(conf);
        // Percentages of the page's own size: the boxes follow the image at any displayed width.
        box.style.left = `${(x0 / page.width) * 100}%`;
        box.style.top = `${(y0 / page.height) * 100}%`;
        box.style.width = `${((x1 - x0) / page.width) * 100}%`;
        box.style.height = `${((y1 - y0) / page.height) * 100}%`;
        box.title = `${line.text} — ${percent(conf)}`;
        boxes.append(box);
      }
    });
  }

  // Hovering or focusing a line lights up its box on the image, and the other way round.
  // A long page would otherwise cost dozens of Tab presses to get past.
  function wireLineKeys(el) {
    const list = $(".lines", el);
    list.addEventListener("keydown", (e) => {
      const current = e.target.closest(".line");
      if (!current) return;
      const lines = $$(".line", list);
      const at = lines.indexOf(current);
      const flagged = lines.filter((line) => line.classList.contains("low"));
      let next = null;
      if (e.key === "ArrowDown") next = lines[at + 1];
      else if (e.key === "ArrowUp") next = lines[at - 1];
      else if (e.key === "Home") next = lines[0];
      else if (e.key === "End") next = lines[lines.length - 1];
      // "n": jump to the next line that needs checking.
      else if (e.key === "n") next = flagged.find((line) => lines.indexOf(line) > at) || flagged[0];
      if (!next) return;
      e.preventDefault();
      current.tabIndex = -1;
      next.tabIndex = 0;
      next.focus();
    });
  }

  function wireHighlights(el) {
    const setActive = (index, on) => {
      $$(`[data-index="${index}"]`, el).forEach((n) => n.classList.toggle("active", on));
    };
    for (const type of ["mouseover", "focusin"]) {
      el.addEventListener(type, (e) => {
        const target = e.target.closest("[data-index]");
        if (target) setActive(target.dataset.index, true);
      });
    }
    for (const type of ["mouseout", "focusout"]) {
      el.addEventListener(type, (e) => {
        const target = e.target.closest("[data-index]");
        if (target) setActive(target.dataset.index, false);
      });
    }
  }

  function applyThreshold(scope = document) {
    const limit = threshold();
    const pages = scope.classList && scope.classList.contains("page") ? [scope] : $$(".page", scope);
    pages.forEach((pageEl) => {
      let flagged = 0;
      let total = 0;
      $$(".line", pageEl).forEach((line) => {
        const low = Number(line.dataset.conf) < limit;
        line.classList.toggle("low", low);
        total++;
        if (low) flagged++;
      });
      $$(".box", pageEl).forEach((box) => box.classList.toggle("low", Number(box.dataset.conf) < limit));
      const stats = $(".page-stats", pageEl);
      if (stats) {
        stats.textContent = `${total} line${total === 1 ? "" : "s"}` +
          (flagged ? ` · ${flagged} to check` : " · none below threshold");
        stats.classList.toggle("has-flags", flagged > 0);
      }
    });
  }

  // Page images need the bearer key, so they are fetched and shown as blob: URLs, lazily.
  const imageObserver = "IntersectionObserver" in window
    ? new IntersectionObserver((items) => {
      for (const item of items) {
        if (item.isIntersecting) {
          imageObserver.unobserve(item.target);
          loadImage(item.target);
        }
      }
    }, { rootMargin: "600px" })
    : null;

  function setupImage(entry, page, el, title) {
    const frame = $(".image-frame", el);
    const img = $("img", el);
    if (page.width && page.height) frame.style.aspectRatio = `${page.width} / ${page.height}`;
    img.alt = `${title} of ${entry.name}, with the lines found on it outlined`;
    img.dataset.src = page.image_url ||
      `/v1/jobs/${entry.jobId}/documents/${page.document}/pages/${page.page_no}/image`;
    if (imageObserver) imageObserver.observe(img); else loadImage(img);
  }

  async function loadImage(img) {
    const frame = img.closest(".image-frame");
    try {
      const { data } = await request(img.dataset.src, { as: "blob" });
      if (img.src.startsWith("blob:")) URL.revokeObjectURL(img.src);
      img.src = URL.createObjectURL(data);
      frame.classList.remove("image-missing");
    } catch (_) {
      frame.classList.add("image-missing");
      frame.dataset.message = "Page image not available";
    }
  }

  // ---------------------------------------------------------------- actions

  async function onFileAction(entry, event) {
    const button = event.target.closest("button[data-action]");
    if (!button || button.closest(".page")) return;
    const action = button.dataset.action;
    if (action === "copy") {
      const ok = await copyText(entryText(entry));
      toast(ok ? `Copied the text of ${entry.name}.` : "Could not copy. Select the text and copy it by hand.");
    } else if (action === "export") {
      await exportJob(entry, button.dataset.format, button);
    } else if (action === "retry") {
      entry.error = null;
      setState(entry, "waiting");
      uploadQueue.push(entry);
      pumpUploads();
    } else if (action === "delete") {
      await deleteEntry(entry, button);
    }
  }

  async function onPageAction(entry, pageId, event) {
    const button = event.target.closest("button[data-action=copy-page]");
    if (!button) return;
    const page = entry.pages.get(pageId);
    const ok = await copyText((page && page.text) || "");
    toast(ok ? `Copied page ${page.page_no}.` : "Could not copy. Select the text and copy it by hand.");
  }

  function stem(name) {
    const dot = name.lastIndexOf(".");
    return dot > 0 ? name.slice(0, dot) : name;
  }

  async function exportJob(entry, format, button) {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      const { data } = await request(`/v1/jobs/${entry.jobId}/result?format=${encodeURIComponent(format)}`, { as: "blob" });
      const url = URL.createObjectURL(data);
      const link = document.createElement("a");
      link.href = url;
      link.download = `${stem(entry.name)}.${EXPORT_EXTENSIONS[format] || format}`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      announce(`Downloading ${link.download}.`);
    } catch (err) {
      const known = err.status === 400 || err.status === 404 || err.status === 501;
      toast(known && err.code !== "not_found"
        ? `${format.toUpperCase()} export is not available on this server.`
        : `${entry.name}: ${friendlyError(err)}`);
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  }

  async function deleteEntry(entry, button) {
    const hasJob = Boolean(entry.jobId) && entry.state !== "gone";
    // Deleting a job purges it on the server: ask for a second click instead of a modal dialog.
    if (hasJob && !button.classList.contains("confirming")) {
      button.classList.add("confirming");
      button.textContent = "Click again to delete";
      setTimeout(() => {
        button.classList.remove("confirming");
        renderEntry(entry);
      }, 4000);
      return;
    }
    if (hasJob) {
      try {
        await request(`/v1/jobs/${entry.jobId}`, { method: "DELETE", as: "none" });
      } catch (err) {
        if (err.code !== "not_found") {
          button.classList.remove("confirming");
          renderEntry(entry);
          toast(`${entry.name}: could not delete. ${friendlyError(err)}`);
          return;
        }
      }
    }
    removeEntry(entry);
    announce(hasJob ? `Deleted ${entry.name}.` : `Removed ${entry.name}.`);
  }

  function removeEntry(entry) {
    entry.deleted = true;
    clearTimeout(entry.timer);
    if (entry.jobId) forgetJob(entry.jobId);
    const index = entries.indexOf(entry);
    const next = entries[index + 1] || entries[index - 1];
    entries.splice(index, 1);
    const hadFocus = entry.el.contains(document.activeElement);
    $$("img", entry.el).forEach((img) => { if (img.src.startsWith("blob:")) URL.revokeObjectURL(img.src); });
    entry.el.remove();
    if (hadFocus) ($("[data-action=delete]", next ? next.el : document) || $("#dropzone")).focus();
    refreshToolbar();
  }

  function refreshToolbar() {
    $("#empty-state").hidden = entries.length > 0;
    $("#copy-all").disabled = !entries.some((e) => entryText(e));
    $("#clear-done").disabled = !entries.some((e) => TERMINAL.has(e.state) || e.state === "error" || e.state === "gone");
  }

  // ---------------------------------------------------------------- remembering jobs across reloads

  function savedJobs() {
    try { return JSON.parse(localStorage.getItem(JOBS_STORAGE)) || []; } catch (_) { return []; }
  }

  function saveJobs() {
    const list = entries.filter((e) => e.jobId && !e.deleted).map((e) => ({ id: e.jobId, name: e.name, size: e.size }));
    localStorage.setItem(JOBS_STORAGE, JSON.stringify(list.slice(-200)));
  }

  function forgetJob(jobId) {
    localStorage.setItem(JOBS_STORAGE, JSON.stringify(savedJobs().filter((j) => j.id !== jobId)));
  }

  function restoreJobs() {
    for (const saved of savedJobs()) {
      const entry = createEntry({ name: saved.name, size: saved.size || 0, jobId: saved.id });
      entry.state = "queued";
      entry.restored = true;
      renderEntry(entry);
      poll(entry);
    }
  }

  // ---------------------------------------------------------------- wiring

  function wireDropzone() {
    const input = $("#file-input");
    const zone = $("#dropzone");
    zone.addEventListener("click", () => input.click());
    input.addEventListener("change", () => {
      addFiles(input.files);
      input.value = ""; // so choosing the same file again still fires "change"
    });
    // Files may be dropped anywhere on the page; the zone only shows that a drop will work.
    let depth = 0;
    const hasFiles = (e) => e.dataTransfer && Array.from(e.dataTransfer.types || []).includes("Files");
    document.addEventListener("dragenter", (e) => {
      if (!hasFiles(e)) return;
      depth++;
      zone.classList.add("dragging");
    });
    document.addEventListener("dragleave", () => {
      depth = Math.max(0, depth - 1);
      if (!depth) zone.classList.remove("dragging");
    });
    document.addEventListener("dragover", (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = "copy";
    });
    document.addEventListener("drop", (e) => {
      if (!e.dataTransfer) return;
      e.preventDefault();
      depth = 0;
      zone.classList.remove("dragging");
      addFiles(e.dataTransfer.files);
    });
  }

  function wireToolbar() {
    const slider = $("#threshold");
    const output = $("#threshold-value");
    const saved = localStorage.getItem(THRESHOLD_STORAGE);
    if (saved !== null && !Number.isNaN(Number(saved))) slider.value = saved;
    const show = () => {
      output.textContent = percent(threshold());
      slider.setAttribute("aria-valuetext", `${percent(threshold())}`);
    };
    show();
    slider.addEventListener("input", () => {
      show();
      localStorage.setItem(THRESHOLD_STORAGE, slider.value);
      applyThreshold(document);
    });
    $("#copy-all").addEventListener("click", async () => {
      const text = entries.map(entryText).filter(Boolean).join("\n\n");
      const ok = await copyText(text);
      toast(ok ? "Copied the text of every finished file." : "Could not copy. Select the text and copy it by hand.");
    });
    $("#clear-done").addEventListener("click", () => {
      const done = entries.filter((e) => TERMINAL.has(e.state) || e.state === "error" || e.state === "gone");
      done.forEach(removeEntry);
      announce(`Cleared ${done.length} finished file${done.length === 1 ? "" : "s"} from the list.`);
    });
    $("#key-button").addEventListener("click", () => {
      localStorage.removeItem(KEY_STORAGE);
      updateKeyButton();
      toast("The API key was removed from this browser.");
    });
  }

  // Jobs survive a reload (their ids are kept), but a file still uploading would be lost.
  window.addEventListener("beforeunload", (e) => {
    if (entries.some((entry) => entry.state === "uploading" || entry.state === "waiting")) {
      e.preventDefault();
      e.returnValue = "";
    }
  });

  document.addEventListener("DOMContentLoaded", () => {
    wireDropzone();
    wireToolbar();
    updateKeyButton();
    restoreJobs();
    refreshToolbar();
  });
})();
