// The list of files: each dropped file becomes one job on the v1 API, uploaded a few at a
// time, polled until it ends; its card shows state, progress, errors and actions. Job ids are
// kept in local storage, so the list survives a reload.
(() => {
  "use strict";
  const DP = (window.docpipe = window.docpipe || {});
  const { t } = DP.i18n;
  const { $, $$, sleep, formatBytes, friendlyError, announce, toast, copyText, percent } = DP.ui;
  const { ApiError, request, postJob, keyPrompt, retryAfterMs } = DP.api;

  const JOBS_STORAGE = "docpipe.jobs";
  const POLL_MS = 1000;
  const POLL_IDLE_MAX_MS = 5000;
  const POLL_MAX_MS = 30000;
  const MAX_PARALLEL_UPLOADS = 3;
  const MAX_UPLOAD_TRIES = 5;
  const TERMINAL = new Set(["succeeded", "partial", "failed", "canceled"]);

  const entries = [];
  const uploadQueue = [];
  let activeUploads = 0;
  let nextLocalId = 1;

  const isDone = (e) => TERMINAL.has(e.state) || e.state === "error" || e.state === "gone";

  function createEntry({ file = null, name, size, jobId = null }) {
    const el = $("#file-template").content.firstElementChild.cloneNode(true);
    DP.i18n.applyStatic(el);
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

  function submitOptions() {
    return {
      mode: $("#mode").value,
      tables: $("#opt-tables").checked,
      extract: $("#opt-extract").value || null,
    };
  }

  function addFiles(fileList) {
    const files = Array.from(fileList || []);
    if (!files.length) return;
    const options = submitOptions();
    // Invoices added together share a batch, so their fields export as one table (one row per invoice).
    // Without a batch (its creation refused) each file is still read; only that export is missing.
    const batch = options.extract
      ? request("/v1/batches", { method: "POST", json: { name: `web ${new Date().toISOString()}` } })
        .then(({ data }) => data.id, () => null)
      : Promise.resolve(null);
    for (const file of files) {
      const entry = createEntry({ file, name: file.name || t("file.unnamed"), size: file.size });
      entry.options = options;
      entry.batch = batch;
      uploadQueue.push(entry);
    }
    announce(files.length === 1 ? t("files.added_one", { name: files[0].name }) : t("files.added_many", { count: files.length }));
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
        const batchId = await (entry.batch || null);
        const options = { ...(entry.options || { mode: "auto" }), batchId };
        const { job, retryAfter } = await postJob(entry.file, options, (fraction) => {
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
          entry.note = () => t(err.code === "network_error" ? "file.retry_network" : "file.retry_busy",
            { seconds: Math.ceil(wait / 1000) });
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
        if (!wasTerminal && !entry.restored) {
          announce(t("file.finished", { name: entry.name, state: t(`state.${data.status}`) }));
        }
        await DP.fields.load(entry);
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
      const seconds = Math.ceil(delay / 1000);
      entry.note = () => (err.code === "network_error"
        ? t("file.poll_lost", { seconds })
        : t("file.poll_error", { error: friendlyError(err), seconds }));
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
    let url = `/v1/jobs/${entry.jobId}/pages?offset=${entry.pagesFrom}&limit=${DP.pages.PAGES_PER_REQUEST}`;
    const pages = [];
    while (url) {
      const { data } = await request(url);
      pages.push(...(data.pages || []));
      url = data.next || null;
    }
    if (entry.deleted) return false;
    entry.pagesKey = key;
    for (const page of pages) entry.pages.set(page.id, page);
    entry.pagesFrom = DP.pages.nextPagesOffset(entry, pages);
    DP.pages.renderPages(entry);
    renderEntry(entry);
    refreshToolbar();
    return true;
  }

  // The job's counts and its page list come from two requests; a page can end between them.
  // Never show fewer pages done than the pages already shown as read.
  function pageCounts(entry) {
    const p = (entry.job && entry.job.progress) || {};
    let done = 0;
    let failed = 0;
    for (const page of entry.pages.values()) {
      if (page.status === "succeeded") done += 1;
      else if (page.status === "failed") failed += 1;
    }
    return { done: Math.max(p.pages_done || 0, done), failed: Math.max(p.pages_failed || 0, failed) };
  }

  function progressWords(entry) {
    const p = (entry.job && entry.job.progress) || {};
    const note = typeof entry.note === "function" ? entry.note() : entry.note;
    if (entry.state === "uploading") {
      return note || t("file.uploading", { percent: `${Math.round(entry.uploaded * 100)}%`, size: formatBytes(entry.size) });
    }
    if (entry.state === "waiting") return t("file.waiting_slot", { size: formatBytes(entry.size) });
    if (entry.job && p.pages_total) {
      const c = pageCounts(entry);
      let words = t("file.pages_read", { done: c.done, total: p.pages_total, n: p.pages_total });
      if (c.failed) words += t("file.pages_failed", { count: c.failed });
      if (entry.job.confidence != null && TERMINAL.has(entry.state)) {
        words += t("file.confidence", { value: percent(entry.job.confidence) });
      }
      return note || words;
    }
    if (entry.job && !TERMINAL.has(entry.state)) return note || t("file.counting");
    return note || "";
  }

  function renderEntry(entry) {
    const el = entry.el;
    el.dataset.state = entry.state;
    $(".badge", el).textContent = t(`state.${entry.state}`);

    const bar = $("progress", el);
    const p = (entry.job && entry.job.progress) || {};
    if (entry.state === "uploading") {
      bar.max = 1;
      bar.value = entry.uploaded;
    } else if (entry.state === "waiting" || (entry.job && !p.pages_total && !TERMINAL.has(entry.state))) {
      bar.removeAttribute("value");
    } else if (entry.job && p.pages_total) {
      const c = pageCounts(entry);
      bar.max = p.pages_total;
      bar.value = c.done + c.failed;
    } else {
      bar.max = 1;
      bar.value = entry.state === "error" || entry.state === "gone" ? 0 : 1;
    }
    $(".progress-text", el).textContent = progressWords(entry);
    bar.setAttribute("aria-label", t("file.progress_label", { name: entry.name }));

    const review = $(".review-badge", el);
    const reviewState = DP.fields.reviewState(entry);
    review.hidden = !reviewState;
    review.dataset.review = reviewState || "";
    review.textContent = reviewState ? t(reviewState === "review" ? "file.review_needed" : "file.review_ok") : "";

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
    const tablesButton = $("[data-action=export-tables]", el);
    tablesButton.hidden = !(entry.job && entry.job.options && entry.job.options.tables);
    tablesButton.disabled = !exportable;
    const batchFields = Boolean(DP.fields.wanted(entry) && entry.job.batch_id);
    $$("[data-action=export-fields]", el).forEach((b) => {
      b.hidden = !batchFields;
      b.disabled = !exportable;
    });
    $("[data-action=copy]", el).disabled = !DP.pages.entryText(entry);
    const canRetry = entry.state === "error" && entry.file && entry.error &&
      (entry.error.retryable || entry.error.code === "unauthorized");
    $("[data-action=retry]", el).hidden = !canRetry;
    const del = $("[data-action=delete]", el);
    if (!del.classList.contains("confirming")) {
      del.textContent = t(hasJob ? "file.delete" : "file.remove");
      del.setAttribute("aria-label", t(hasJob ? "file.delete_named" : "file.remove_named", { name: entry.name }));
    }
  }

  async function onFileAction(entry, event) {
    const button = event.target.closest("button[data-action]");
    if (!button || button.closest(".page") || button.closest(".fields-view")) return;
    const action = button.dataset.action;
    if (action === "copy") {
      const ok = await copyText(DP.pages.entryText(entry));
      toast(ok ? t("file.copied", { name: entry.name }) : t("copy.failed"));
    } else if (action === "export") {
      await DP.exports.exportJob(entry, button.dataset.format, button);
    } else if (action === "export-fields") {
      await DP.exports.exportBatchFields(entry, button.dataset.format, button);
    } else if (action === "export-tables") {
      await DP.exports.exportTables(entry, button);
    } else if (action === "retry") {
      entry.error = null;
      setState(entry, "waiting");
      uploadQueue.push(entry);
      pumpUploads();
    } else if (action === "delete") {
      await deleteEntry(entry, button);
    }
  }

  async function deleteEntry(entry, button) {
    const hasJob = Boolean(entry.jobId) && entry.state !== "gone";
    // Deleting a job purges it on the server: ask for a second click instead of a modal dialog.
    if (hasJob && !button.classList.contains("confirming")) {
      button.classList.add("confirming");
      button.textContent = t("file.delete_confirm");
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
          toast(t("file.delete_failed", { name: entry.name, error: friendlyError(err) }));
          return;
        }
      }
    }
    removeEntry(entry);
    announce(t(hasJob ? "file.deleted" : "file.removed", { name: entry.name }));
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
    $("#copy-all").disabled = !entries.some((e) => DP.pages.entryText(e));
    $("#clear-done").disabled = !entries.some(isDone);
  }

  function copyAll() {
    return copyText(entries.map(DP.pages.entryText).filter(Boolean).join("\n\n"));
  }

  function clearDone() {
    const done = entries.filter(isDone);
    done.forEach(removeEntry);
    return done.length;
  }

  // Everything that shows words again in the page's current language.
  function rerenderAll() {
    for (const entry of entries) {
      DP.i18n.applyStatic(entry.el);
      renderEntry(entry);
      DP.pages.renderPages(entry, { force: true });
      DP.fields.render(entry);
    }
    DP.pages.applyThreshold(document);
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

  const busy = () => entries.some((entry) => entry.state === "uploading" || entry.state === "waiting");

  DP.jobs = { addFiles, restoreJobs, refreshToolbar, copyAll, clearDone, rerenderAll, busy };
})();
