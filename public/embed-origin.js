// The Embed box's snippets with this site's address: the server renders them with a placeholder
// when PUBLIC_URL is not set (app/_ui/EmbedBox.tsx), because one cached page serves every host.
(() => {
  for (const box of document.querySelectorAll("[data-embed-origin]")) {
    const placeholder = box.getAttribute("data-embed-origin");
    for (const t of box.querySelectorAll("textarea")) t.value = t.value.split(placeholder).join(location.origin);
  }
})();
