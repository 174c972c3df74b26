// Requests to the v1 API: errors as ApiError by the API's stable codes, the bearer key from
// local storage, one key dialog for the whole page, uploads with progress.
(() => {
  "use strict";
  const DP = (window.docpipe = window.docpipe || {});
  const KEY_STORAGE = "docpipe.apiKey";
  const $ = (selector, root = document) => root.querySelector(selector);

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

  function forgetKey() {
    localStorage.removeItem(KEY_STORAGE);
    updateKeyButton();
  }

  function authHeaders(key) {
    return key ? { Authorization: `Bearer ${key}` } : {};
  }

  async function request(url, { method = "GET", as = "json", json = undefined } = {}) {
    for (;;) {
      let response;
      const key = currentKey();
      const headers = authHeaders(key);
      if (json !== undefined) headers["Content-Type"] = "application/json";
      try {
        response = await fetch(url, {
          method, headers, cache: "no-store", body: json === undefined ? undefined : JSON.stringify(json),
        });
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
  // options: {mode, tables, extract} as SubmitOptions names them.
  function postJob(file, options, onProgress) {
    return new Promise((resolve, reject) => {
      const form = new FormData();
      form.append("file", file, file.name);
      form.append("mode", options.mode || "auto");
      form.append("priority", "interactive");
      if (options.tables) form.append("tables", "true");
      if (options.extract) form.append("extract", options.extract);
      if (options.batchId) form.append("batch_id", options.batchId);
      const xhr = new XMLHttpRequest();
      xhr.open("POST", "/v1/jobs");
      const key = currentKey();
      for (const [name, value] of Object.entries(authHeaders(key))) xhr.setRequestHeader(name, value);
      xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
      xhr.onload = () => {
        const retryAfter = retryAfterMs(xhr.getResponseHeader("Retry-After"));
        if (xhr.status >= 200 && xhr.status < 300) {
          try { resolve({ job: JSON.parse(xhr.responseText), retryAfter }); } catch (_) {
            reject(new ApiError("bad_response", "", { status: xhr.status }));
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
      const title = $("#key-title");
      title.dataset.i18n = hadKey ? "key.title_refused" : "key.title_needed";
      title.textContent = DP.i18n.t(title.dataset.i18n);
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

  DP.api = { ApiError, retryAfterMs, request, postJob, keyPrompt, updateKeyButton, forgetKey };
})();
