"""The package's layering, checked from the source: no import cycle between
dbn's modules, Numba kernels that import nothing of the rest, and a model-file
layer that imports no estimator (each declares its own schema)."""

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "dbn"


def _module_name(path):
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_package(path):
    return path.name == "__init__.py"


def _resolve(module, is_package, level, name):
    """The absolute module a relative import ``from <level dots><name>`` names."""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def _imports(path, modules):
    """dbn modules that ``path`` imports (at any depth, lazily or not)."""
    module, is_package = _module_name(path), _is_package(path)
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        targets = []
        if isinstance(node, ast.ImportFrom):
            base = (_resolve(module, is_package, node.level, node.module)
                    if node.level else node.module or "")
            # "from . import x" may import the submodule x or a name of the package.
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        elif isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "lazy_import"
              and node.args and isinstance(node.args[0], ast.Constant)):
            targets = [node.args[0].value]
        for target in targets:
            if target in modules:
                found.add(target)
                break
    found.discard(module)
    return found


def _graph():
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {_module_name(p) for p in paths}
    return {_module_name(p): _imports(p, modules) for p in paths}


def test_the_module_graph_has_no_cycle():
    graph = _graph()
    # The package root is the public facade: it imports the estimators, and
    # a module importing it (the demo, plotting) sits above everything.
    graph = {m: {t for t in deps if t != "dbn"} for m, deps in graph.items()}
    state, stack = {}, []

    def visit(module):
        state[module] = "open"
        stack.append(module)
        for dep in sorted(graph.get(module, ())):
            if state.get(dep) == "open":
                cycle = stack[stack.index(dep):] + [dep]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if dep not in state:
                visit(dep)
        stack.pop()
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module)


def test_kernels_import_nothing_but_kernels():
    graph = _graph()
    for module, deps in graph.items():
        if module.startswith("dbn._kernels"):
            strays = {d for d in deps if not d.startswith("dbn._kernels")}
            assert not strays, f"{module} imports {sorted(strays)}"


def test_only_kernel_modules_import_numba():
    # _utils/threads.py sets the size of Numba's thread pool around each call.
    allowed = {PACKAGE / "_utils" / "threads.py"}
    for path in PACKAGE.rglob("*.py"):
        if "_kernels" in path.parts or path in allowed:
            continue
        tree = ast.parse(path.read_text())
        names = {alias.name.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.Import) for alias in node.names}
        names |= {(node.module or "").split(".")[0] for node in ast.walk(tree)
                  if isinstance(node, ast.ImportFrom) and not node.level}
        assert "numba" not in names, f"{path.relative_to(PACKAGE)} imports numba"


def test_model_files_import_no_estimator():
    graph = _graph()
    estimator_packages = ("dbn._rbm", "dbn._stack", "dbn._nets", "dbn._generative")
    for module, deps in graph.items():
        if module.startswith("dbn._model_files"):
            # The RBM's training state is a value type the format encodes;
            # nothing else of the estimators' packages is known here.
            known = {d for d in deps if d.startswith(estimator_packages)}
            assert known <= {"dbn._rbm.training"}, f"{module} imports {sorted(known)}"


def test_the_subpackage_graph_has_no_cycle():
    """Between folders too: each subpackage only imports those below it."""
    def package(module):
        parts = module.split(".")
        return ".".join(parts[:2]) if len(parts) > 2 or module in packages else module

    packages = {p.parent.relative_to(PACKAGE.parent).as_posix().replace("/", ".")
                for p in PACKAGE.glob("*/__init__.py")}
    graph = {}
    for module, deps in _graph().items():
        if module == "dbn":
            continue
        edges = graph.setdefault(package(module), set())
        edges |= {package(d) for d in deps if d != "dbn"} - {package(module)}
    order, state = [], {}

    def visit(node, path):
        if state.get(node) == "open":
            pytest.fail("import cycle between subpackages: " + " -> ".join(path + [node]))
        if state.get(node) == "done":
            return
        state[node] = "open"
        for dep in sorted(graph.get(node, ())):
            visit(dep, path + [node])
        state[node] = "done"
        order.append(node)

    for node in sorted(graph):
        visit(node, [])
