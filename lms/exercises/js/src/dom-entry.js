// A small DOM for `environment: dom` exercises: linkedom, with an empty <body>.
import "./base64.js";
import { parseHTML } from "linkedom";

const dom = parseHTML("<!doctype html><html><head></head><body></body></html>");
globalThis.__lmsDom = dom;
