/* nianbao workspace: drag-and-drop upload, copy, print, filters. No libraries, no inline code
   (the pages forbid inline scripts). Everything works without this file too: the upload form
   posts and the server answers with the page. */
(function () {
  "use strict";

  function swapMain(html, url) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.querySelector("main");
    var here = document.querySelector("main");
    if (!fresh || !here) { return false; }
    here.replaceWith(fresh);
    if (doc.title) { document.title = doc.title; }
    if (url) { history.replaceState(null, "", url); }
    var target = fresh.querySelector("#refusal, #verdict");
    if (target && target.scrollIntoView) { target.scrollIntoView({block: "start"}); }
    return true;
  }

  function busy(on) {
    var note = document.getElementById("busy");
    var drop = document.getElementById("drop");
    if (note) { note.hidden = !on; }
    if (drop) { drop.classList.toggle("working", on); }
  }

  function upload(form, file) {
    if (!file) { return; }
    var data = new FormData();
    data.append("file", file, file.name);
    busy(true);
    fetch(form.action, {method: "POST", body: data, headers: {"Accept": "text/html"}, credentials: "same-origin"})
      .then(function (res) {
        return res.text().then(function (text) {
          if (!swapMain(text, res.ok ? res.url : null)) { throw new Error("bad page"); }
        });
      })
      .catch(function () {
        busy(false);
        window.alert("上传没有完成（网络中断或服务器未响应），请稍后重新上传。");
      });
  }

  document.addEventListener("change", function (e) {
    var t = e.target;
    if (t.matches && t.matches("input[type=file][data-upload]") && t.files.length) {
      upload(t.form, t.files[0]);
    }
    if (t.matches && t.matches("select[data-autosubmit]")) { t.form.submit(); }
  });

  document.addEventListener("submit", function (e) {
    var f = e.target;
    if (f.id === "upload-form") {
      e.preventDefault();
      var input = f.querySelector("input[type=file]");
      upload(f, input && input.files[0]);
    }
  });

  ["dragenter", "dragover"].forEach(function (name) {
    document.addEventListener(name, function (e) {
      var drop = e.target.closest && e.target.closest("#drop");
      if (drop) { e.preventDefault(); drop.classList.add("over"); }
    });
  });
  document.addEventListener("dragleave", function (e) {
    var drop = e.target.closest && e.target.closest("#drop");
    if (drop) { drop.classList.remove("over"); }
  });
  document.addEventListener("drop", function (e) {
    var drop = e.target.closest && e.target.closest("#drop");
    if (!drop) { return; }
    e.preventDefault();
    drop.classList.remove("over");
    var files = e.dataTransfer && e.dataTransfer.files;
    if (files && files.length) { upload(document.getElementById("upload-form"), files[0]); }
  });

  function copyText(text, button) {
    function done() { button.textContent = "已复制"; setTimeout(function () { button.textContent = "复制"; }, 1500); }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done);
      return;
    }
    var area = document.createElement("textarea");  // plain http on an intranet: no clipboard API
    area.value = text;
    document.body.appendChild(area);
    area.select();
    document.execCommand("copy");
    area.remove();
    done();
  }

  document.addEventListener("click", function (e) {
    var t = e.target;
    if (t.dataset && t.dataset.copy) {
      var src = document.getElementById(t.dataset.copy);
      if (src) { copyText(src.textContent, t); }
    }
    if (t.hasAttribute && t.hasAttribute("data-print")) { window.print(); }
  });
})();
