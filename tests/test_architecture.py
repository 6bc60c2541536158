"""The house has no import cycles between its domains (DESIGN.md).

The graph is built from the source with ``ast``: every import counts, at module
level and inside functions, because a deferred import is still a dependency.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "lms"

DOMAINS = (
    "accounts", "admin", "audit", "catalog", "competence", "content", "core", "exercises",
    "gradebook", "learning", "notifications", "privacy", "studio", "tasks",
    "teaching", "xapi", "h5p",
)


def _domain_of(module):
    """The domain a dotted module name ``lms.<domain>...`` belongs to, or None."""
    parts = module.split(".")
    if len(parts) >= 2 and parts[0] == "lms" and parts[1] in DOMAINS:
        return parts[1]
    return None


def _imported_modules(path, module):
    """Every module that the file at ``path`` (dotted name ``module``) imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield target
            for alias in node.names:  # ``from lms import catalog``
                yield f"{target}.{alias.name}"


def domain_imports():
    """{domain: {imported domain: [(file, imported module), ...]}}, self-imports left out."""
    graph = {domain: {} for domain in DOMAINS}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        module = ".".join(relative.parts)
        if module.endswith(".__init__"):
            module = module[: -len(".__init__")]
        source = _domain_of(module)
        if source is None:
            continue
        for target_module in _imported_modules(path, module):
            target = _domain_of(target_module)
            if target is not None and target != source:
                where = (str(path.relative_to(PACKAGE.parent)), target_module)
                graph[source].setdefault(target, [])
                if where not in graph[source][target]:
                    graph[source][target].append(where)
    return graph


def find_cycle(graph):
    """One cycle between domains as a list of domains (first == last), or None."""
    done, on_path = set(), []

    def walk(node):
        on_path.append(node)
        for nxt in sorted(graph[node]):
            if nxt in on_path:
                return on_path[on_path.index(nxt):] + [nxt]
            if nxt not in done:
                cycle = walk(nxt)
                if cycle:
                    return cycle
        on_path.pop()
        done.add(node)
        return None

    for start in sorted(graph):
        if start not in done:
            cycle = walk(start)
            if cycle:
                return cycle
    return None


def _describe(cycle, graph):
    lines = [" -> ".join(cycle)]
    for source, target in zip(cycle, cycle[1:]):
        file, module = graph[source][target][0]
        lines.append(f"    {source} -> {target}: {file} imports {module}")
    return "\n".join(lines)


# Imports that still point the wrong way, each closing at least one cycle between domains
# today. The test removes these arrows and then demands a graph without cycles, so any
# new cycle fails. The list may only shrink: an arrow that is gone must leave it too.
# Layers, bottom to top: core, xapi, accounts, notifications, audit, catalog, competence,
# learning, exercises, content, teaching, tasks, gradebook, admin, studio, privacy.
KNOWN_BACK_EDGES: set[tuple[str, str]] = set()


def test_no_import_cycles_between_domains():
    graph = domain_imports()
    gone = sorted(edge for edge in KNOWN_BACK_EDGES if edge[1] not in graph[edge[0]])
    assert not gone, f"these imports are gone, remove them from KNOWN_BACK_EDGES: {gone}"
    remaining = {
        source: {target: places for target, places in targets.items()
                 if (source, target) not in KNOWN_BACK_EDGES}
        for source, targets in graph.items()
    }
    cycle = find_cycle(remaining)
    assert cycle is None, "import cycle between domains:\n" + _describe(cycle, graph)


def test_the_back_edges_still_listed_close_cycles():
    """A listed arrow that no longer closes any cycle is no longer a known cycle: drop it."""
    graph = domain_imports()
    for source, target in sorted(KNOWN_BACK_EDGES):
        if target not in graph[source]:
            continue
        others = {
            s: {t: p for t, p in targets.items() if (s, t) == (source, target)
                or (s, t) not in KNOWN_BACK_EDGES}
            for s, targets in graph.items()
        }
        assert find_cycle(others), f"{source} -> {target} closes no cycle: remove it from KNOWN_BACK_EDGES"


def test_core_imports_no_domain():
    imported = domain_imports()["core"]
    assert not imported, "lms.core imports domains: " + "; ".join(
        f"{target} ({file} imports {module})"
        for target, places in sorted(imported.items()) for file, module in places
    )


def test_xapi_imports_only_core():
    imported = {
        target: places for target, places in domain_imports()["xapi"].items() if target != "core"
    }
    assert not imported, "lms.xapi imports domains other than core: " + "; ".join(
        f"{target} ({file} imports {module})"
        for target, places in sorted(imported.items()) for file, module in places
    )


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_domain_is_a_package(domain):
    assert (PACKAGE / domain / "__init__.py").is_file()


def test_xapi_modules_import_each_other_without_cycles():
    """Inside the one door too (documents and services once imported each other)."""
    modules = {}
    for path in sorted((PACKAGE / "xapi").rglob("*.py")):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        modules[module.removesuffix(".__init__")] = path
    graph = {module: {} for module in modules}
    for module, path in modules.items():
        for target in _imported_modules(path, module):
            if target in modules and target not in (module, "lms.xapi"):
                graph[module][target] = [(str(path.relative_to(PACKAGE.parent)), target)]
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle inside lms.xapi:\n" + _describe(cycle, graph)
