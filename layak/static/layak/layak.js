// Layak's small behaviours. No inline scripts anywhere, so a strict content security policy holds.
(function () {
  "use strict";

  // The menu folds behind a button at phone width (layak.css); only with this script running.
  document.documentElement.classList.add("js");
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest(".menu-toggle");
    if (!toggle) return;
    var nav = document.getElementById(toggle.getAttribute("aria-controls"));
    var open = nav.classList.toggle("open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });

  // Region picker: a search box (htmx) whose results set a hidden input.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-pick-value]");
    if (!button) return;
    event.preventDefault();
    var picker = button.closest(".picker");
    picker.querySelector("input[type=hidden]").value = button.dataset.pickValue;
    picker.querySelector(".picker-selected").textContent = button.dataset.pickLabel;
    picker.querySelector(".picker-results").innerHTML = "";
    var search = picker.querySelector("input[type=search]");
    search.value = "";
    search.focus();
  });

  // An answer the server refused is still only in the form (shown with its message beside
  // it), and so is what was typed since the last save went (a note typed and the page left
  // without leaving the field): leaving the page asks first, so it is not lost unnoticed.
  window.addEventListener("beforeunload", function (event) {
    if (document.querySelector(".answer [data-testid=field-error], form.answer-form[data-dirty]")) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // Answer cards are redrawn by the server after each save, upload or submission. What the
  // person typed after the request left (or before an autosave had gone) must survive that:
  // changes since the last request that carried the answer form are put back into the redrawn
  // card and saved again, and the field being typed in keeps its focus and caret.
  function answerForm(card) {
    return card && card.querySelector("form.answer-form");
  }
  function fieldsOf(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.name !== "revision" &&
        el.type !== "file" && el.type !== "submit" && el.type !== "button";
    });
  }
  function snapshot(form) {
    return fieldsOf(form).map(function (el) {
      return { name: el.name, value: el.value, checked: el.checked, type: el.type };
    });
  }
  document.addEventListener("input", markDirty);
  document.addEventListener("change", markDirty);
  function markDirty(event) {
    var form = event.target.closest && event.target.closest("form.answer-form");
    if (!form) return;
    form.dataset.dirty = "1";
    unsaved(form.closest(".answer"));
  }
  // A card's "Saved." speaks of the last save: once something is changed after it, the card
  // says the changes are not saved yet, until the save that carries them comes back.
  // The words are given once per page (#card-words), not in every card.
  function cardWord(name) {
    var words = document.getElementById("card-words");
    return (words && words.dataset[name]) || "";
  }
  function unsaved(card) {
    if (!card || !cardWord("unsaved")) return;
    var saved = card.querySelector(".message.success");
    if (saved) {
      saved.textContent = cardWord("unsaved");
      saved.classList.remove("success");
      saved.classList.add("pending");
    }
    // The hint beside the save button says so too, also on a card not saved yet in this view.
    var hint = card.querySelector("[data-testid=save-hint]");
    if (hint) hint.textContent = cardWord("unsaved");
  }
  var kept = {};
  var resave = [];
  document.addEventListener("htmx:configRequest", function (event) {
    var card = event.detail.elt.closest(".answer");
    var form = answerForm(card);
    if (!form) return;
    // This request carries the answer form (a save, or a submission sending it along).
    if (event.detail.elt === form || event.detail.elt.getAttribute("hx-include")) {
      delete form.dataset.dirty;
    }
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var card = event.detail.target;
    if (!card || !card.classList || !card.classList.contains("answer") || !card.id) return;
    var form = answerForm(card);
    var active = document.activeElement;
    var focus = null;
    if (active && card.contains(active) && active.name) {
      focus = { name: active.name, value: active.value, type: active.type,
                start: active.selectionStart, end: active.selectionEnd };
    }
    kept[card.id] = {
      fields: form && form.dataset.dirty ? snapshot(form) : null,
      focus: focus,
    };
  });
  document.addEventListener("htmx:afterSwap", function () {
    Object.keys(kept).forEach(function (id) {
      var state = kept[id];
      delete kept[id];
      var card = document.getElementById(id);
      var form = answerForm(card);
      if (!form) return;
      var live = !form.querySelector("fieldset[disabled]");
      if (state.fields && live) {
        state.fields.forEach(function (f) {
          var els = form.querySelectorAll("[name='" + f.name.replace(/'/g, "\\'") + "']");
          Array.prototype.forEach.call(els, function (el) {
            if (f.type === "radio" || f.type === "checkbox") {
              if (el.value === f.value) el.checked = f.checked;
            } else {
              el.value = f.value;
            }
          });
        });
        form.dataset.dirty = "1";
        unsaved(card);
        resave.push(id);
      }
      if (state.focus && live) {
        var selector = "[name='" + state.focus.name.replace(/'/g, "\\'") + "']";
        var target = form.querySelector(selector);
        if (state.focus.type === "radio" || state.focus.type === "checkbox") {
          target = form.querySelector(selector + "[value='" + state.focus.value + "']") || target;
        }
        if (target && typeof state.focus.start === "number" &&
            state.focus.value !== target.value &&
            state.focus.value.trim() === target.value.trim()) {
          // The server saved the text without its trailing space (a save sent just after a
          // space was typed): the field keeps the space, so the next word is not glued on.
          target.value = state.focus.value;
        }
        if (target) {
          target.focus();
          if (typeof state.focus.start === "number" && target.setSelectionRange) {
            try { target.setSelectionRange(state.focus.start, state.focus.end); } catch (e) { /* not a text field */ }
          }
        }
      }
    });
  });

  // A save that could not reach the server (no connection, or the server not answering): the
  // card says so, keeps what was typed as not saved, and sends it again once the browser is
  // back online, or after a while.
  var unsent = {};
  function failed(event) {
    var form = event.detail.elt;
    if (!form || !form.matches || !form.matches("form.answer-form")) return;
    var card = form.closest(".answer");
    if (!card || !card.id) return;
    form.dataset.dirty = "1";
    var note = card.querySelector("[data-testid=save-failed]");
    if (!note) {
      note = document.createElement("p");
      note.className = "message error";
      note.setAttribute("role", "alert");
      note.setAttribute("data-testid", "save-failed");
      form.parentNode.insertBefore(note, form);
    }
    note.textContent = cardWord("unsent");
    var saved = card.querySelector(".message.success, .message.pending");
    if (saved && saved !== note) saved.remove();
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (!unsent[card.id] && (status === 0 || status >= 500)) {
      unsent[card.id] = window.setTimeout(function () { sendAgain(card.id); }, 15000);
    }
  }
  function sendAgain(id) {
    window.clearTimeout(unsent[id]);
    delete unsent[id];
    var form = answerForm(document.getElementById(id));
    if (form && form.dataset.dirty) htmx.trigger(form, "submit");
  }
  document.addEventListener("htmx:sendError", failed);
  document.addEventListener("htmx:responseError", failed);
  window.addEventListener("online", function () {
    Object.keys(unsent).forEach(sendAgain);
  });

  // The redrawn card's autosave is wired once htmx has settled it; then what was put back is
  // saved again.
  document.addEventListener("htmx:afterSettle", function () {
    var ids = resave;
    resave = [];
    ids.forEach(function (id) {
      var form = answerForm(document.getElementById(id));
      if (form) htmx.trigger(form, "change");
    });
  });

  // An indicator's questions are paged: a link to a question on another page (#answer-N)
  // asks the server for the page that holds it.
  (function () {
    var match = /^#answer-(\d+)$/.exec(window.location.hash);
    if (!match || document.getElementById("answer-" + match[1])) return;
    if (!document.querySelector("[data-testid=indicator-filter]")) return;
    if (/[?&]at=/.test(window.location.search)) return;
    window.location.replace(window.location.pathname + "?at=" + match[1] + window.location.hash);
  })();

  // The district's evidence library is given once per page (a <template> of options); each
  // card's picker takes its options from it, also a card redrawn after a save.
  // An upload sends the library again, so the pickers are refilled, keeping each choice.
  function fillLibraries(root) {
    Array.prototype.forEach.call(root.querySelectorAll("select[data-library]"), function (select) {
      var source = document.getElementById(select.dataset.library);
      if (!source) return;
      var chosen = select.value;
      while (select.options.length > 1) select.remove(1);
      select.appendChild(source.content.cloneNode(true));
      select.value = chosen;
      if (select.options.length > 1) select.form.hidden = false;
    });
  }
  fillLibraries(document);
  document.addEventListener("htmx:afterSwap", function () {
    fillLibraries(document);
  });
  document.addEventListener("htmx:oobAfterSwap", function () {
    fillLibraries(document);
  });

  // A long form that is saved as a whole (the assignment page): once something in it has
  // changed, another form of the page (which reloads the page) or leaving the page asks first,
  // so the changes are not dropped unnoticed.
  var leaving = false;
  function unsavedForm() {
    return document.querySelector("form[data-unsaved-warning][data-changed]");
  }
  function markChanged(event) {
    var form = event.target.closest && event.target.closest("form[data-unsaved-warning]");
    if (form) form.dataset.changed = "1";
  }
  document.addEventListener("input", markChanged);
  document.addEventListener("change", markChanged);
  window.addEventListener("beforeunload", function (event) {
    if (!leaving && unsavedForm()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // Buttons that need a confirmation before their form is sent.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var unsaved = unsavedForm();
    if (unsaved && unsaved !== form && form.hasAttribute("data-leaves-unsaved")) {
      if (!window.confirm(unsaved.dataset.unsavedWarning)) {
        event.preventDefault();
        return;
      }
    }
    var message = form.dataset.confirm;
    if (message && !window.confirm(message)) {
      event.preventDefault();
      return;
    }
    // The page is left on purpose: no second question on the way out.
    leaving = true;
  });
})();
