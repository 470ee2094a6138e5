// A filter box above a long list of checkboxes (languages): type part of a name to see only
// the matching choices. Progressive enhancement: without scripts the whole list shows, and
// the page works the same. Loaded from /static (the CSP allows no inline script).
"use strict";

(function () {
  // Case and accents aside, as the server sorts the names (languages.collation_key).
  function plain(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  function enhance(fieldset, index) {
    var list = fieldset.querySelector(".checkbox-list");
    if (!list) {
      return;
    }
    var items = Array.prototype.slice.call(list.children);
    var legend = fieldset.querySelector("legend");
    var wrapper = document.createElement("div");
    wrapper.className = "choice-filter";
    var label = document.createElement("label");
    var input = document.createElement("input");
    var status = document.createElement("p");
    input.type = "search";
    input.id = (fieldset.id || "choices-" + index) + "-filter";
    input.className = "input choice-filter__input";
    input.setAttribute("autocomplete", "off");
    input.setAttribute("spellcheck", "false");
    label.htmlFor = input.id;
    label.className = "label choice-filter__label";
    label.textContent = "Find " + (legend ? legend.textContent.trim().toLowerCase() : "a choice");
    status.className = "hint choice-filter__status";
    status.setAttribute("aria-live", "polite");
    wrapper.appendChild(label);
    wrapper.appendChild(input);
    wrapper.appendChild(status);
    fieldset.insertBefore(wrapper, list);

    input.addEventListener("input", function () {
      var wanted = plain(input.value);
      var shown = 0;
      items.forEach(function (item) {
        var box = item.querySelector("input");
        // A ticked choice always stays in view: nobody loses sight of what they chose.
        var match = !wanted || plain(item.textContent).indexOf(wanted) !== -1 || (box && box.checked);
        item.hidden = !match;
        if (match) {
          shown += 1;
        }
      });
      status.textContent = wanted ? shown + " of " + items.length + " shown" : "";
    });
    // Enter in the filter box must not send the form half-filled.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
      }
    });
  }

  document.querySelectorAll(".checkboxes--filterable").forEach(enhance);
})();
