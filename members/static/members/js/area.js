// Member area: the menu, copy-to-clipboard buttons and print buttons (no inline script: CSP).
// Without JavaScript the buttons stay hidden and the values remain selectable text.
(function () {
    "use strict";
    function announce(button, text) {
        var status = button.parentNode.querySelector("[data-copy-status]");
        if (status) { status.textContent = text; }
    }
    document.querySelectorAll("[data-copy-target]").forEach(function (button) {
        var target = document.getElementById(button.getAttribute("data-copy-target"));
        if (!target || !navigator.clipboard) { return; }
        button.hidden = false;
        button.addEventListener("click", function () {
            var text = target.getAttribute("data-copy-value") || target.textContent.trim();
            navigator.clipboard.writeText(text).then(function () {
                announce(button, button.getAttribute("data-copied-text") || "OK");
            }, function () {
                announce(button, button.getAttribute("data-failed-text") || "");
            });
        });
    });
    // The member menu: open beside the content on wide screens, collapsed
    // (one line above the content) on phones.
    var menu = document.querySelector("[data-member-menu]");
    if (menu && window.matchMedia) {
        var wide = window.matchMedia("(min-width: 48.0625rem)");
        var sync = function () { menu.open = wide.matches; };
        sync();
        wide.addEventListener("change", sync);
    }
    // Data tables on phones: each cell gets its column's header as data-label,
    // and area.css shows the rows as labelled blocks below 40rem (without
    // JavaScript the table scrolls inside its own box instead).
    document.querySelectorAll("table.data").forEach(function (table) {
        var head = table.tHead && table.tHead.rows[0];
        if (!head) { return; }
        var labels = [];
        Array.prototype.forEach.call(head.cells, function (cell) {
            for (var i = 0; i < cell.colSpan; i += 1) { labels.push(cell.textContent.trim()); }
        });
        var sections = Array.prototype.slice.call(table.tBodies);
        if (table.tFoot) { sections.push(table.tFoot); }
        sections.forEach(function (section) {
            Array.prototype.forEach.call(section.rows, function (row) {
                var column = 0;
                Array.prototype.forEach.call(row.cells, function (cell) {
                    var label = labels.slice(column, column + cell.colSpan).join(" / ");
                    if (cell.tagName === "TD" && label && !cell.hasAttribute("data-label")) {
                        cell.setAttribute("data-label", label);
                    }
                    column += cell.colSpan;
                });
            });
        });
        table.classList.add("is-reflowed");
    });
    document.querySelectorAll("[data-print]").forEach(function (button) {
        button.hidden = false;
        button.addEventListener("click", function () { window.print(); });
    });
}());
