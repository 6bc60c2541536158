// The transformer (JSX and ES modules to plain scripts). It runs in a context of its own in
// which the learner's source is only data.
import { transform } from "sucrase";

globalThis.sucraseTransform = transform;
