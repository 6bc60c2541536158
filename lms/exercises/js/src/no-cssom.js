// linkedom parses the text of <style> elements into a CSS object model only for
// `style.sheet`, which graded exercises do not use; this stands in for that parser (200 kB).
export function parse() {
  return { cssRules: [] };
}
