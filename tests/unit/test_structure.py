"""The house's shape, read from the code's imports: calls go one way, no circles, small modules.

api → workers → pipeline → models, with db (and the webhooks package) beside api and
workers; pipeline/ and models/ are pure libraries. A module may import its own
package's face (``__init__``) without that counting as a circle.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("api", "workers", "pipeline", "models", "db", "client", "webhooks")
MAX_LINES = 450

# Which top-level packages each package must never import.
FORBIDDEN = {
    "pipeline": {"api", "workers", "db", "webhooks", "client"},
    "models": {"api", "workers", "db", "webhooks", "client", "pipeline"},
    "db": {"api", "workers", "webhooks", "client", "pipeline"},
    "client": {"api", "workers", "db", "webhooks", "pipeline", "models"},
    "workers": {"api"},
    "webhooks": {"api"},
}


def _modules() -> dict[str, Path]:
    found = {}
    for pkg in PACKAGES:
        base = ROOT / pkg
        if not base.is_dir():
            continue
        for path in base.rglob("*.py"):
            rel = path.relative_to(ROOT).with_suffix("")
            parts = list(rel.parts)
            if "migrations" in parts or "vendor" in parts:
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    found["settings"] = ROOT / "settings.py"
    return found


def _imports(path: Path, name: str, known: set[str]) -> set[str]:
    """Project modules ``path`` imports at module level or inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_pkg = path.name == "__init__.py"
    out: set[str] = set()

    def add(target: str) -> None:
        # The longest known prefix: `from db.jobs import x` is db.jobs, `import db` is db.
        parts = target.split(".")
        for n in range(len(parts), 0, -1):
            cand = ".".join(parts[:n])
            if cand in known:
                out.add(cand)
                return

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_pkg else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join([*base, node.module] if node.module else base)
            else:
                mod = node.module or ""
            for alias in node.names:
                add(f"{mod}.{alias.name}")  # `from pkg import module` names a module
            add(mod)
    out.discard(name)
    return out


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    known = set(mods)
    return {name: _imports(path, name, known) for name, path in mods.items()}


def _own_face(importer: str, imported: str) -> bool:
    return importer.startswith(imported + ".")


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components larger than one module (Tarjan), ignoring package-face edges."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def edges(v: str) -> list[str]:
        return [w for w in graph.get(v, ()) if not _own_face(v, w)]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges(v):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_import_checker_sees_a_circle_and_a_package_face():
    graph = {"a.x": {"a.y"}, "a.y": {"a.x"}, "a.z": {"a"}, "a": {"a.z"}}
    assert _cycles(graph) == [["a.x", "a.y"]]


def test_no_import_circle_between_project_modules():
    assert _cycles(_graph()) == []


def test_calls_go_one_way():
    wrong = []
    for name, targets in _graph().items():
        top = name.split(".")[0]
        for target in targets:
            if target.split(".")[0] in FORBIDDEN.get(top, ()):
                wrong.append(f"{name} imports {target}")
    assert wrong == []


def test_no_module_over_the_size_limit():
    big = {name: n for name, path in _modules().items()
           if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert big == {}


STATES = {"queued", "running", "succeeded", "partial", "failed", "canceled", "skipped"}


def _bare_state_comparisons(source: str) -> list[int]:
    """Lines comparing something with a state written as a bare string (``== "failed"``, ``in ("queued", …)``)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Compare):
            continue
        for operand in [node.left, *node.comparators]:
            consts = operand.elts if isinstance(operand, (ast.Tuple, ast.List, ast.Set)) else [operand]
            if any(isinstance(c, ast.Constant) and c.value in STATES for c in consts):
                lines.append(node.lineno)
                break
    return lines


def test_the_state_checker_sees_bare_strings():
    assert _bare_state_comparisons('if s == "failed": pass\nif s in ("queued", "x"): pass\nif s == S.FAILED: pass') == [1, 2]


def test_no_bare_state_strings_compared_in_api_and_workers():
    found = []
    for name, path in _modules().items():
        if name.split(".")[0] in ("api", "workers"):
            found += [f"{name}:{n}" for n in _bare_state_comparisons(path.read_text(encoding="utf-8"))]
    assert found == []
