// Invoice fields (jobs submitted with extract=invoice) beside the file's pages: each field
// outlines its box on its page image; low-confidence fields and fields named by a failed check
// are marked; line items and checks below.
(() => {
  "use strict";
  const DP = (window.docpipe = window.docpipe || {});
  const { t, fieldLabel } = DP.i18n;
  const { $, $$, percent } = DP.ui;
  const LOW_CONFIDENCE = 0.8; // the API's own needs_review line for a field
  const ITEM_COLUMNS = ["description", "quantity", "unit", "unit_price", "tax_rate", "amount"];

  const wanted = (entry) => Boolean(entry.job && entry.job.options && entry.job.options.extract === "invoice");

  // Read once the job has ended (fields are final then); errors leave the view empty, not the page broken.
  async function load(entry) {
    if (!wanted(entry) || entry.fields || entry.fieldsLoading) return;
    entry.fieldsLoading = true;
    try {
      const { data } = await DP.api.request(`/v1/jobs/${entry.jobId}/fields`);
      if (entry.deleted) return;
      entry.fields = data;
      render(entry);
    } catch (err) {
      entry.fieldsError = err;
      render(entry);
    } finally {
      entry.fieldsLoading = false;
    }
  }

  function cellText(value) {
    if (value == null) return "";
    return typeof value === "object" ? JSON.stringify(value) : String(value);
  }

  function render(entry) {
    const view = $(".fields-view", entry.el);
    view.textContent = "";
    if (!wanted(entry) || (!entry.fields && !entry.fieldsError)) {
      view.hidden = true;
      return;
    }
    view.hidden = false;
    const heading = document.createElement("h4");
    heading.textContent = t("fields.heading");
    view.append(heading);
    if (entry.fieldsError) {
      const p = document.createElement("p");
      p.className = "fields-error";
      p.textContent = DP.ui.friendlyError(entry.fieldsError);
      view.append(p);
      return;
    }
    const docs = entry.fields.documents || [];
    for (const doc of docs) view.append(renderDocument(entry, doc, docs.length > 1));
  }

  function renderDocument(entry, doc, named) {
    const section = document.createElement("section");
    section.className = "fields-document";
    section.dataset.document = doc.document;
    section.dataset.needsReview = String(Boolean(doc.needs_review));
    if (named) {
      const h = document.createElement("h5");
      h.textContent = t("fields.document", { name: doc.filename });
      section.append(h);
    }
    const status = document.createElement("p");
    status.className = `fields-status ${doc.needs_review ? "review" : "ok"}`;
    if (doc.error) status.textContent = t("fields.error", { message: doc.error.message || doc.error.code });
    else if (!doc.fields) status.textContent = t("fields.none");
    else status.textContent = t(doc.needs_review ? "fields.review" : "fields.reviewed");
    section.append(status);
    if (!doc.fields) return section;

    const failed = new Set();
    for (const check of doc.checks || []) if (check.status === "failed") (check.fields || []).forEach((f) => failed.add(f));

    const table = document.createElement("table");
    table.className = "fields-table";
    const head = document.createElement("tr");
    for (const key of ["fields.name", "fields.value", "fields.confidence"]) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = t(key);
      head.append(th);
    }
    const thead = document.createElement("thead");
    thead.append(head);
    const tbody = document.createElement("tbody");
    for (const [name, field] of Object.entries(doc.fields)) {
      if (name === "line_items") continue;
      const tr = document.createElement("tr");
      tr.className = "field";
      tr.dataset.field = name;
      const low = field && field.confidence != null && field.confidence < LOW_CONFIDENCE;
      tr.classList.toggle("low", Boolean(low));
      tr.classList.toggle("failed", failed.has(name));
      tr.classList.toggle("missing", !field);
      const label = document.createElement("th");
      label.scope = "row";
      label.textContent = fieldLabel(name);
      const value = document.createElement("td");
      value.className = "field-value";
      if (field) value.append(valueControl(entry, doc, fieldLabel(name), field, tr));
      else value.textContent = t("fields.missing");
      const conf = document.createElement("td");
      conf.className = "field-conf";
      conf.textContent = field ? percent(field.confidence) : "–";
      if (low || failed.has(name)) {
        const mark = document.createElement("span");
        mark.className = "field-flag";
        mark.textContent = ` · ${t("fields.low")}`;
        conf.append(mark);
      }
      tr.append(label, value, conf);
      tbody.append(tr);
    }
    table.append(thead, tbody);
    section.append(table);

    const items = doc.fields.line_items || [];
    if (items.length) section.append(lineItems(entry, doc, items));
    if ((doc.checks || []).length) section.append(checks(doc.checks));
    return section;
  }

  function lineItems(entry, doc, items) {
    const table = document.createElement("table");
    table.className = "items-table";
    const caption = document.createElement("caption");
    caption.textContent = t("fields.line_items");
    const thead = document.createElement("thead");
    const head = document.createElement("tr");
    for (const col of ITEM_COLUMNS) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = t(`item.${col}`);
      head.append(th);
    }
    thead.append(head);
    const tbody = document.createElement("tbody");
    for (const item of items) {
      const tr = document.createElement("tr");
      tr.className = "item";
      for (const col of ITEM_COLUMNS) {
        const td = document.createElement("td");
        const field = item[col];
        // Each item cell is a field of its own (value, confidence, page, box).
        if (field && typeof field === "object" && "value" in field) {
          td.append(valueControl(entry, doc, t(`item.${col}`), field, tr));
          if (field.confidence != null && field.confidence < LOW_CONFIDENCE) td.classList.add("low");
        } else {
          td.textContent = cellText(field);
        }
        tr.append(td);
      }
      tbody.append(tr);
    }
    table.append(caption, thead, tbody);
    return table;
  }

  function checks(list) {
    const wrap = document.createElement("div");
    wrap.className = "checks";
    const h = document.createElement("h5");
    h.textContent = t("fields.checks");
    const ul = document.createElement("ul");
    for (const check of list) {
      const li = document.createElement("li");
      li.className = `check check-${check.status}`;
      const status = document.createElement("strong");
      status.textContent = t(`fields.check_${check.status}`);
      li.append(status, ` · ${check.name}${check.message ? `: ${check.message}` : ""}`);
      ul.append(li);
    }
    wrap.append(h, ul);
    return wrap;
  }

  // A value with a place on a page is a button that outlines it there; otherwise plain text.
  function valueControl(entry, doc, label, field, row) {
    const text = cellText(field.value);
    if (!Array.isArray(field.box) || !field.page) return document.createTextNode(text);
    const button = document.createElement("button");
    button.type = "button";
    button.className = "link-button";
    button.textContent = text;
    button.setAttribute("aria-label", `${text} — ${t("fields.show", { field: label })}`);
    button.addEventListener("click", () => showField(entry, doc, label, field, row));
    return button;
  }

  function showField(entry, doc, label, field, row) {
    const found = DP.pages.findPage(entry, doc.document, field.page);
    if (!found || !found.el) return;
    $$(".field.active, .item.active", entry.el).forEach((r) => r.classList.remove("active"));
    row.classList.add("active");
    DP.pages.showBox(found.el, found.page, field.box, `${label}: ${cellText(field.value)}`);
  }

  // needs_review for the file list: the job view's documents carry it once fields are read.
  function reviewState(entry) {
    const docs = (entry.job && entry.job.documents) || [];
    if (!wanted(entry) || !docs.some((d) => d.needs_review != null)) return null;
    return docs.some((d) => d.needs_review) ? "review" : "ok";
  }

  DP.fields = { load, render, reviewState, wanted };
})();
