// Copies the licence file of every npm package that went into a bundle to dist/licenses/
// (reads the esbuild metafiles) and writes dist/licenses/README.txt listing them.
const fs = require("fs");
const path = require("path");
const dist = process.argv[2];
const lines = [];
for (const meta of fs.readdirSync(dist).filter((f) => f.endsWith(".meta.json")).sort()) {
  const bundle = meta.replace(/\.meta\.json$/, "");
  const { inputs } = JSON.parse(fs.readFileSync(path.join(dist, meta), "utf8"));
  const pkgs = new Set();
  for (const input of Object.keys(inputs)) {
    const m = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//g);
    if (m) pkgs.add(m[m.length - 1].replace(/^node_modules\//, "").replace(/\/$/, ""));
  }
  for (const name of [...pkgs].sort()) {
    const dir = path.join("node_modules", name);
    const { version, license } = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    const file = fs.readdirSync(dir).find((f) => /^(licen[cs]e|copying)/i.test(f));
    if (!file) throw new Error(`no licence file in ${name}`);
    const target = `${name.replace("/", "__")}-${version}-${file}`;
    fs.copyFileSync(path.join(dir, file), path.join(dist, "licenses", target));
    lines.push(`${bundle}\t${name}@${version}\t${license}\tlicenses/${target}`);
  }
}
fs.writeFileSync(path.join(dist, "licenses", "README.txt"),
  "bundle\tpackage@version\tlicence\tfile\n" + lines.join("\n") + "\n");
