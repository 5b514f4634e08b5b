// The one inline script of the public pages (pages/_document.tsx writes it into <head>), with its
// exact text here so the CSP can hash it (security-headers.mjs). It runs before the first paint:
// a theme the reader chose with the toggle (localStorage "theme": "light" or "dark") is set on
// <html data-theme> at once, so the page never flashes the other theme; without a choice the CSS
// follows prefers-color-scheme. Once the page is parsed it shows the toggle button (hidden
// without script, where it could do nothing) and wires it. No cookie: the HTML stays the same for
// every reader, so the page caches need no theme in their keys.
export const THEME_BOOT_SCRIPT =
  '(function(){var d=document.documentElement,k="theme",s=null;try{s=localStorage.getItem(k)}catch(e){}if(s==="dark"||s==="light")d.setAttribute("data-theme",s);' +
  'function dark(){var t=d.getAttribute("data-theme");return t?t==="dark":matchMedia("(prefers-color-scheme: dark)").matches}' +
  'document.addEventListener("DOMContentLoaded",function(){var b=document.querySelector("[data-theme-toggle]");if(!b)return;b.hidden=false;b.setAttribute("aria-pressed",String(dark()));' +
  'b.addEventListener("click",function(){var t=dark()?"light":"dark";d.setAttribute("data-theme",t);b.setAttribute("aria-pressed",String(t==="dark"));try{localStorage.setItem(k,t)}catch(e){}})})})()';
