// Live progress of one job: Server-Sent Events from /api/jobs/{id}/events.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || !window.EventSource) { return; }
  var names = {queued: "대기 중", running: "번역 중", done: "완료", failed: "실패"};
  var stages = {queued: "대기", claimed: "배정됨", metadata: "논문 정보", read: "원문 읽기", check: "컴파일 확인", waiting: "대기(같은 논문)",
                translate: "번역", write: "출력 작성", compile: "컴파일", done: "완료", failed: "실패"};
  function set(id, text) { document.getElementById(id).textContent = text; }
  function show(job) {
    set("status", names[job.status] || job.status);
    set("stage", stages[job.stage] || job.stage);
    set("done", String(job.progress.done));
    set("total", String(job.progress.total));
    set("cost", Number(job.cost_usd || 0).toFixed(4));
    set("message", job.message || "");
    var bar = document.getElementById("bar");
    bar.max = Math.max(job.progress.total, 1);
    bar.value = job.progress.done;
    box.dataset.status = job.status;
    if (job.error) { set("error", job.error); document.getElementById("error").hidden = false; }
    if (job.status === "done" && job.paper_id) {
      document.getElementById("paper-link").href = "/papers/" + encodeURIComponent(job.paper_id);
      document.getElementById("link").hidden = false;
    }
  }
  if (box.dataset.status === "done" || box.dataset.status === "failed") { return; }
  var source = new EventSource("/api/jobs/" + encodeURIComponent(box.dataset.id) + "/events");
  source.addEventListener("progress", function (e) { show(JSON.parse(e.data)); });
  source.addEventListener("end", function (e) { show(JSON.parse(e.data)); source.close(); });
  source.onerror = function () { if (box.dataset.status === "done" || box.dataset.status === "failed") { source.close(); } };
}());
