// A page's tables (page result `tables`, asked for with tables=true) as HTML tables beside the
// page image: spans as rowspan/colspan, a cell outlines its box on the image, copy as TSV.
(() => {
  "use strict";
  const DP = (window.docpipe = window.docpipe || {});
  const { t } = DP.i18n;
  const { $, $$, copyText, toast } = DP.ui;

  // A grid of rows × cols where a spanning cell sits at its top-left and covers the rest.
  function grid(table) {
    const at = Array.from({ length: table.rows }, () => Array(table.cols).fill(null));
    for (const cell of table.cells || []) {
      for (let r = cell.row; r < Math.min(table.rows, cell.row + (cell.row_span || 1)); r++) {
        for (let c = cell.col; c < Math.min(table.cols, cell.col + (cell.col_span || 1)); c++) {
          at[r][c] = { cell, origin: r === cell.row && c === cell.col };
        }
      }
    }
    return at;
  }

  // Tab-separated, one line per row, a spanning cell's text once at its top-left: what a
  // spreadsheet pastes into the same cells. Tabs and line breaks inside a cell become spaces.
  function toTsv(table) {
    return grid(table).map((row) => row.map((slot) => (slot && slot.origin
      ? String(slot.cell.text || "").replace(/[\t\r\n]+/g, " ")
      : "")).join("\t")).join("\n");
  }

  function buildTable(table, number) {
    const el = document.createElement("table");
    el.className = "data-table";
    const caption = document.createElement("caption");
    caption.textContent = t("tables.caption", { number, rows: table.rows, cols: table.cols });
    el.append(caption);
    const head = document.createElement("thead");
    const body = document.createElement("tbody");
    const header = table.header_rows || 0;
    let first = true;
    grid(table).forEach((row, r) => {
      const tr = document.createElement("tr");
      row.forEach((slot, c) => {
        if (slot && !slot.origin) return; // covered by a span
        const td = document.createElement(r < header ? "th" : "td");
        if (r < header) td.scope = "col";
        if (slot) {
          const { cell } = slot;
          if (cell.row_span > 1) td.rowSpan = cell.row_span;
          if (cell.col_span > 1) td.colSpan = cell.col_span;
          td.textContent = cell.text || "";
          td.dataset.row = String(cell.row);
          td.dataset.col = String(cell.col);
          td.className = "cell";
          // One tab stop per table; arrow keys move between cells (see wireCellKeys).
          td.tabIndex = first ? 0 : -1;
          first = false;
          if (cell.confidence != null && cell.confidence < DP.ui.threshold()) td.classList.add("low");
        } else {
          td.dataset.row = String(r);
          td.dataset.col = String(c);
        }
        tr.append(td);
      });
      (r < header ? head : body).append(tr);
    });
    if (head.children.length) el.append(head);
    el.append(body);
    return el;
  }

  function render(entry, page, pageEl) {
    const holder = $(".page-tables", pageEl);
    holder.textContent = "";
    const tables = page.tables || [];
    holder.hidden = !tables.length;
    tables.forEach((table, i) => {
      const number = i + 1;
      const section = document.createElement("section");
      section.className = "table-view";
      section.dataset.table = String(i);
      const bar = document.createElement("div");
      bar.className = "table-actions";
      const copy = document.createElement("button");
      copy.type = "button";
      copy.dataset.action = "copy-tsv";
      copy.textContent = t("tables.copy_tsv");
      copy.setAttribute("aria-label", t("tables.copy_tsv_named", { number }));
      copy.addEventListener("click", async () => {
        const ok = await copyText(toTsv(table));
        toast(ok ? t("tables.copied", { number }) : t("copy.failed"));
      });
      bar.append(copy);
      const scroller = document.createElement("div");
      scroller.className = "table-scroll";
      const el = buildTable(table, number);
      scroller.append(el);
      section.append(bar, scroller);
      holder.append(section);
      el.addEventListener("click", (e) => selectCell(e.target.closest(".cell"), table, page, pageEl));
      el.addEventListener("focusin", (e) => selectCell(e.target.closest(".cell"), table, page, pageEl));
      wireCellKeys(el);
    });
  }

  function selectCell(td, table, page, pageEl) {
    if (!td) return;
    const cell = (table.cells || []).find((c) => String(c.row) === td.dataset.row && String(c.col) === td.dataset.col);
    if (!cell) return;
    $$(".cell.active", pageEl).forEach((c) => c.classList.remove("active"));
    td.classList.add("active");
    DP.pages.showBox(pageEl, page, cell.box, cell.text);
  }

  function wireCellKeys(tableEl) {
    tableEl.addEventListener("keydown", (e) => {
      const current = e.target.closest(".cell");
      if (!current) return;
      const cells = $$(".cell", tableEl);
      const row = Number(current.dataset.row);
      const col = Number(current.dataset.col);
      const find = (pred) => cells.find(pred);
      let next = null;
      if (e.key === "ArrowRight") next = find((c) => Number(c.dataset.row) === row && Number(c.dataset.col) > col);
      else if (e.key === "ArrowLeft") next = cells.filter((c) => Number(c.dataset.row) === row && Number(c.dataset.col) < col).pop();
      else if (e.key === "ArrowDown") next = find((c) => Number(c.dataset.row) > row && Number(c.dataset.col) >= col);
      else if (e.key === "ArrowUp") next = cells.filter((c) => Number(c.dataset.row) < row && Number(c.dataset.col) <= col).pop();
      if (!next) return;
      e.preventDefault();
      current.tabIndex = -1;
      next.tabIndex = 0;
      next.focus();
    });
  }

  DP.tables = { render, toTsv };
})();
