// atob and btoa, which V8 alone lacks (linkedom's entity decoder needs atob).
const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function atob(input) {
  const s = String(input).replace(/[\t\n\f\r ]/g, "").replace(/=+$/, "");
  if (s.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(s)) {
    throw new Error("atob: the string is not correctly encoded");
  }
  let out = "";
  let bits = 0;
  let value = 0;
  for (let i = 0; i < s.length; i++) {
    value = (value << 6) | chars.indexOf(s[i]);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += String.fromCharCode((value >> bits) & 255);
    }
  }
  return out;
}

function btoa(input) {
  const s = String(input);
  let out = "";
  for (let i = 0; i < s.length; i += 3) {
    const a = s.charCodeAt(i);
    const b = s.charCodeAt(i + 1);
    const c = s.charCodeAt(i + 2);
    if (a > 255 || b > 255 || c > 255) throw new Error("btoa: the string has characters outside Latin-1");
    const n = (a << 16) | ((b || 0) << 8) | (c || 0);
    out += chars[(n >> 18) & 63] + chars[(n >> 12) & 63];
    out += i + 1 < s.length ? chars[(n >> 6) & 63] : "=";
    out += i + 2 < s.length ? chars[n & 63] : "=";
  }
  return out;
}

if (typeof globalThis.atob !== "function") globalThis.atob = atob;
if (typeof globalThis.btoa !== "function") globalThis.btoa = btoa;
