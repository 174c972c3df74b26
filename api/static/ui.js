// Small helpers every view uses: DOM lookups, plain-words errors, the live region, toasts,
// the clipboard and downloads.
(() => {
  "use strict";
  const DP = (window.docpipe = window.docpipe || {});
  const { t } = DP.i18n;

  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  function formatBytes(n) {
    if (n < 1024) return `${n} B`;
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
        return t("error.file_too_large", { limit: limit ? t("error.limit_size", { size: formatBytes(limit) }) : "" });
      }
      case "too_many_pages": {
        const limit = limitFrom(d, ["max", "limit"]);
        return t("error.too_many_pages", { limit: limit ? t("error.too_many_pages_limit", { limit }) : "" });
      }
      case "unsupported_type":
      case "encrypted_pdf":
      case "corrupt_file":
      case "empty_file":
      case "unauthorized":
      case "not_found":
        return t(`error.${err.code}`);
      case "page_too_large":
      case "image_too_large":
        return t("error.image_too_large");
      case "invalid_option":
        return t("error.invalid_option", { message: err.message });
      case "network_error":
        return t("error.network");
      case "bad_response":
        return t("error.bad_response");
      default:
        if (err.status === 429) return t("error.busy");
        if (err.status >= 500) return t("error.unavailable");
        return err.message || t("error.other");
    }
  }

  function pageError(err) {
    const known = err && ["timeout", "inference_failed", "page_too_large", "worker_lost"].includes(err.code);
    return known ? t(`pageerror.${err.code}`) : (err && err.message) || t("page.failed");
  }

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
    DP.lastCopied = text; // what the page meant to copy, for tests and for debugging by hand
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

  function saveBlob(blob, filename) {
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = filename;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    announce(t("export.downloading", { name: filename }));
  }

  function percent(value) {
    return value == null ? "–" : `${Math.round(value * 100)}%`;
  }

  function threshold() {
    return Number($("#threshold").value);
  }

  // A box in page pixels placed as percentages of the page, so it follows the image at any width.
  function placeBox(box, [x0, y0, x1, y1], page) {
    box.style.left = `${(x0 / page.width) * 100}%`;
    box.style.top = `${(y0 / page.height) * 100}%`;
    box.style.width = `${((x1 - x0) / page.width) * 100}%`;
    box.style.height = `${((y1 - y0) / page.height) * 100}%`;
  }

  function stem(name) {
    const dot = name.lastIndexOf(".");
    return dot > 0 ? name.slice(0, dot) : name;
  }

  DP.ui = {
    $, $$, sleep, formatBytes, friendlyError, pageError, announce, toast, copyText, saveBlob, percent,
    threshold, placeBox, stem,
  };
})();
