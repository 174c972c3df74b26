// A file's pages: each page's image with its line boxes, its lines, the confidence threshold,
// and (when asked for) its tables beside it.
(() => {
  "use strict";
  const DP = (window.docpipe = window.docpipe || {});
  const { t } = DP.i18n;
  const { $, $$, percent, threshold, placeBox, copyText, toast, pageError } = DP.ui;
  const PAGE_TERMINAL = new Set(["succeeded", "failed", "canceled"]);
  const PAGES_PER_REQUEST = 100;

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

  function documentName(entry, documentId) {
    const doc = ((entry.job && entry.job.documents) || []).find((d) => d.id === documentId);
    return doc ? doc.filename : entry.name;
  }

  function renderPages(entry, { force = false } = {}) {
    const list = $(".pages", entry.el);
    const multiDoc = entry.job && entry.job.documents && entry.job.documents.length > 1;
    sortedPages(entry).forEach((page, index) => {
      let el = entry.pageEls.get(page.id);
      if (!el) {
        el = $("#page-template").content.firstElementChild.cloneNode(true);
        el.id = `page-${page.id}`;
        DP.i18n.applyStatic(el);
        entry.pageEls.set(page.id, el);
        el.addEventListener("click", (e) => onPageAction(entry, page.id, e));
        wireHighlights(el);
        wireLineKeys(el);
      }
      // Only move nodes that are out of place: moving a node would drop keyboard focus inside it.
      if (list.children[index] !== el) list.insertBefore(el, list.children[index] || null);
      const signature = `${DP.i18n.lang}:${page.status}:${page.text ? page.text.length : 0}:` +
        `${(page.lines || []).length}:${(page.tables || []).length}`;
      if (!force && el.dataset.signature === signature) return;
      el.dataset.signature = signature;
      renderPage(entry, page, el, multiDoc);
    });
  }

  function pageTitle(entry, page, multiDoc) {
    return multiDoc
      ? t("page.title_multi", { document: documentName(entry, page.document), page: page.page_no })
      : t("page.title_single", { page: page.page_no });
  }

  function renderPage(entry, page, el, multiDoc) {
    el.dataset.status = page.status;
    el.dataset.document = page.document;
    el.dataset.pageNo = String(page.page_no);
    const title = pageTitle(entry, page, multiDoc);
    $(".page-title", el).textContent = title;
    const meta = $(".page-meta", el);
    const errorEl = $(".page-error", el);
    const body = $(".page-body", el);
    const copy = $("[data-action=copy-page]", el);
    copy.disabled = !(page.status === "succeeded" && page.text);
    copy.setAttribute("aria-label", t("page.copy_named", { title: title.toLowerCase() }));

    if (page.status !== "succeeded") {
      body.hidden = true;
      const words = { queued: "page.waiting", running: "page.reading", canceled: "page.canceled" }[page.status];
      meta.textContent = words ? t(words) : "";
      errorEl.hidden = page.status !== "failed";
      errorEl.textContent = pageError(page.error);
      return;
    }
    errorEl.hidden = true;
    body.hidden = false;
    const textLayer = page.source === "text_layer";
    meta.textContent = "";
    const sourceEl = document.createElement("span");
    sourceEl.className = `source source-${page.source || "ocr"}`;
    sourceEl.textContent = t(textLayer ? "page.source_text" : "page.source_ocr");
    sourceEl.title = t(textLayer ? "page.source_text_title" : "page.source_ocr_title");
    const details = document.createElement("span");
    details.className = "page-stats";
    meta.append(sourceEl, details);

    renderLines(page, el, title);
    DP.tables.render(entry, page, el);
    setupImage(entry, page, el, title);
    applyThreshold(el);
  }

  function renderLines(page, el, title) {
    const list = $(".lines", el);
    const boxes = $(".boxes", el);
    list.textContent = "";
    boxes.textContent = "";
    list.setAttribute("aria-label", t("page.lines_label", { title: title.toLowerCase() }));
    list.setAttribute("aria-describedby", "lines-hint");
    const lines = page.lines || [];
    if (!lines.length) {
      const empty = document.createElement("li");
      empty.className = "no-text";
      empty.textContent = page.text ? page.text : t("page.no_text");
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
      textEl.textContent = line.text || t("page.no_line_text");
      const confEl = document.createElement("span");
      confEl.className = "line-conf";
      confEl.textContent = percent(conf);
      const srConf = document.createElement("span");
      srConf.className = "visually-hidden";
      srConf.textContent = t("page.confidence_sr");
      confEl.prepend(srConf);
      item.append(textEl, confEl);
      list.append(item);

      if (Array.isArray(line.box) && page.width && page.height) {
        const box = document.createElement("div");
        box.className = "box";
        box.dataset.index = String(i);
        box.dataset.conf = String(conf);
        placeBox(box, line.box, page);
        box.title = `${line.text} — ${percent(conf)}`;
        boxes.append(box);
      }
    });
  }

  // Outlines one box (a table cell's, a field's) on a page image and brings it into view.
  function showBox(pageEl, page, box, label) {
    const layer = $(".boxes", pageEl);
    $$(".focus-box", layer).forEach((b) => b.remove());
    if (!Array.isArray(box) || !page.width || !page.height) return false;
    const el = document.createElement("div");
    el.className = "box focus-box active";
    el.title = label || "";
    placeBox(el, box, page);
    layer.append(el);
    $(".image-frame", pageEl).scrollIntoView({ block: "nearest" });
    return true;
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
      $$(".box[data-index]", pageEl).forEach((box) => box.classList.toggle("low", Number(box.dataset.conf) < limit));
      const stats = $(".page-stats", pageEl);
      if (stats) {
        stats.textContent = t("page.stats", { count: total, n: total }) +
          (flagged ? t("page.stats_flagged", { count: flagged }) : t("page.stats_clean"));
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
    img.alt = t("page.image_alt", { title, name: entry.name });
    const src = page.image_url || `/v1/jobs/${entry.jobId}/documents/${page.document}/pages/${page.page_no}/image`;
    if (img.dataset.src === src && img.src) return; // a language switch re-renders; the image stays
    img.dataset.src = src;
    if (imageObserver) imageObserver.observe(img); else loadImage(img);
  }

  async function loadImage(img) {
    const frame = img.closest(".image-frame");
    try {
      const { data } = await DP.api.request(img.dataset.src, { as: "blob" });
      if (img.src.startsWith("blob:")) URL.revokeObjectURL(img.src);
      img.src = URL.createObjectURL(data);
      frame.classList.remove("image-missing");
    } catch (_) {
      frame.classList.add("image-missing");
      frame.dataset.message = t("page.image_missing");
    }
  }

  async function onPageAction(entry, pageId, event) {
    const button = event.target.closest("button[data-action=copy-page]");
    if (!button) return;
    const page = entry.pages.get(pageId);
    const ok = await copyText((page && page.text) || "");
    toast(ok ? t("page.copied", { page: page.page_no }) : t("copy.failed"));
  }

  function findPage(entry, documentId, pageNo) {
    for (const page of entry.pages.values()) {
      if (page.document === documentId && page.page_no === pageNo) return { page, el: entry.pageEls.get(page.id) };
    }
    return null;
  }

  DP.pages = {
    PAGES_PER_REQUEST, sortedPages, entryText, nextPagesOffset, renderPages, applyThreshold, showBox, findPage,
  };
})();
