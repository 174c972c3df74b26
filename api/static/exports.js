// Downloads of a job's results (GET /v1/jobs/{id}/result?format=…) and of its tables
// (GET /v1/jobs/{id}/tables?format=xlsx), saved under the file's own name.
(() => {
  "use strict";
  const DP = (window.docpipe = window.docpipe || {});
  const { t } = DP.i18n;
  const { toast, friendlyError, saveBlob, stem } = DP.ui;
  const EXTENSIONS = { txt: "txt", json: "json", hocr: "hocr", alto: "alto.xml", md: "md", pdf: "pdf" };

  async function download(entry, button, url, filename, label) {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      const { data } = await DP.api.request(url, { as: "blob" });
      saveBlob(data, filename);
    } catch (err) {
      const known = err.status === 400 || err.status === 404 || err.status === 409 || err.status === 501;
      toast(known && err.code !== "not_found"
        ? t("export.unavailable", { format: label })
        : `${entry.name}: ${friendlyError(err)}`);
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  }

  function exportJob(entry, format, button) {
    return download(entry, button, `/v1/jobs/${entry.jobId}/result?format=${encodeURIComponent(format)}`,
      `${stem(entry.name)}.${EXTENSIONS[format] || format}`, format.toUpperCase());
  }

  function exportTables(entry, button) {
    return download(entry, button, `/v1/jobs/${entry.jobId}/tables?format=xlsx`,
      `${stem(entry.name)}.tables.xlsx`, "XLSX");
  }

  // The fields of every invoice added together with this file (their batch), one row per invoice.
  function exportBatchFields(entry, format, button) {
    return download(entry, button, `/v1/batches/${entry.job.batch_id}/fields?format=${encodeURIComponent(format)}`,
      `${stem(entry.name)}.fields.${format}`, format.toUpperCase());
  }

  DP.exports = { exportJob, exportTables, exportBatchFields };
})();
