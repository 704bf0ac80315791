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
    document.querySelectorAll("[data-print]").forEach(function (button) {
        button.hidden = false;
        button.addEventListener("click", function () { window.print(); });
    });
}());
