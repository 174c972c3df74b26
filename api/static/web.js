// docpipe's web page, wired together. The page is several plain scripts loaded in order
// (i18n, api, ui, pages, tables, fields, exports, jobs, then this one), each adding its part
// to window.docpipe: no build step, and the CSP's script-src 'self' holds.
(() => {
  "use strict";
  const DP = window.docpipe;
  const { t } = DP.i18n;
  const { $, announce, toast, percent, threshold } = DP.ui;
  const THRESHOLD_STORAGE = "docpipe.threshold";

  function wireDropzone() {
    const input = $("#file-input");
    const zone = $("#dropzone");
    zone.addEventListener("click", () => input.click());
    input.addEventListener("change", () => {
      DP.jobs.addFiles(input.files);
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
      DP.jobs.addFiles(e.dataTransfer.files);
    });
  }

  function showThreshold() {
    const slider = $("#threshold");
    const value = percent(threshold());
    // The label holds the live value inside its sentence, in the page's language.
    const [before, after] = t("files.threshold", { value: "\u0000" }).split("\u0000");
    $("#threshold-before").textContent = before;
    $("#threshold-after").textContent = after || "";
    $("#threshold-value").textContent = value;
    slider.setAttribute("aria-valuetext", value);
  }

  function wireToolbar() {
    const slider = $("#threshold");
    const saved = localStorage.getItem(THRESHOLD_STORAGE);
    if (saved !== null && !Number.isNaN(Number(saved))) slider.value = saved;
    showThreshold();
    slider.addEventListener("input", () => {
      showThreshold();
      localStorage.setItem(THRESHOLD_STORAGE, slider.value);
      DP.pages.applyThreshold(document);
    });
    $("#copy-all").addEventListener("click", async () => {
      const ok = await DP.jobs.copyAll();
      toast(ok ? t("files.copied_all") : t("copy.failed"));
    });
    $("#clear-done").addEventListener("click", () => {
      const count = DP.jobs.clearDone();
      announce(t("files.cleared", { count, n: count }));
    });
    $("#key-button").addEventListener("click", () => {
      DP.api.forgetKey();
      toast(t("key.forgotten"));
    });
  }

  function wireLanguage() {
    const button = $("#lang-switch");
    const show = () => {
      // The button names the other language in that language.
      const other = DP.i18n.lang === "en" ? "zh-CN" : "en";
      button.lang = other;
      button.dataset.target = other;
    };
    show();
    button.addEventListener("click", () => {
      DP.i18n.setLang(button.dataset.target);
      show();
    });
    DP.i18n.onChange(() => {
      showThreshold();
      DP.jobs.rerenderAll();
    });
  }

  // Jobs survive a reload (their ids are kept), but a file still uploading would be lost.
  window.addEventListener("beforeunload", (e) => {
    if (DP.jobs.busy()) {
      e.preventDefault();
      e.returnValue = "";
    }
  });

  document.addEventListener("DOMContentLoaded", () => {
    DP.i18n.applyStatic();
    wireLanguage();
    wireDropzone();
    wireToolbar();
    DP.api.updateKeyButton();
    DP.jobs.restoreJobs();
    DP.jobs.refreshToolbar();
  });
})();
