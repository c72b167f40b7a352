"""Every Firestore query the code makes has its composite index declared in Terraform.

The Firestore emulator does not enforce indexes, so this test derives them: it reads every
`Query(...)` built in shared/ and functions/ (AST), resolves its `where` list (a literal, or a
variable built from a literal and `.append((field, op, value))` calls, each of which may or may
not run, so every combination counts; loop variables over literal tuples are expanded), takes
the ordering FirestoreDocuments applies (explicit order, then range-filtered fields), and
computes the composite index Firestore needs. It then checks terraform/modules/firestore/
indexes.tf declares each one. `python tests/unit/test_terraform_indexes.py` prints the HCL list.
"""

from __future__ import annotations

import ast
import functools
import itertools
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from shared.persistence.documents import Query  # noqa: E402
from shared.persistence.firestore_documents import effective_order  # noqa: E402
from tests.support.terraform import load, unquote  # noqa: E402

EQUALITY = ("==", "in", "array_contains")
INDEX_FILE = ROOT / "terraform" / "modules" / "firestore" / "indexes.tf"


class Unresolvable(Exception):
    pass


def _literal(node):
    try:
        return ast.literal_eval(node)
    except ValueError:
        return None


def _const_str(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _module_constants(tree: ast.Module) -> dict:
    """Module-level NAME = "str" (and NAME = ("str", ...), for loops over them)."""
    out = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            value = _literal(node.value) if isinstance(node.value, (ast.Constant, ast.Tuple, ast.List)) else None
            if isinstance(value, str) or (
                isinstance(value, (tuple, list)) and value and all(isinstance(v, str) for v in value)
            ):
                out[node.targets[0].id] = value
    return out


def _resolve_str(node, consts: dict[str, str], loop_values: dict[str, list[str]]) -> list[str]:
    value = _const_str(node)
    if value is not None:
        return [value]
    if isinstance(node, ast.Name):
        if isinstance(consts.get(node.id), str):
            return [consts[node.id]]
        if node.id in loop_values:
            return loop_values[node.id]
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        key = f"{node.value.id}.{node.attr}"  # a constant of an imported module (jobs.COLLECTION)
        if isinstance(consts.get(key), str):
            return [consts[key]]
    raise Unresolvable(ast.unparse(node))


_MODULE_CONSTS: dict[str, dict] = {}


def _imported_constants(tree: ast.Module) -> dict[str, str]:
    """`alias.NAME` -> value for string constants of shared modules this file imports."""
    out = {}
    for node in ast.walk(tree):
        pairs = []
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("shared"):
            pairs = [(f"{node.module}.{a.name}", a.asname or a.name) for a in node.names]
        elif isinstance(node, ast.Import):
            pairs = [(a.name, a.asname) for a in node.names if a.asname and a.name.startswith("shared")]
        for module, alias in pairs:
            path = ROOT / Path(*module.split(".")).with_suffix(".py")
            if not path.exists():
                continue
            if module not in _MODULE_CONSTS:
                _MODULE_CONSTS[module] = _module_constants(ast.parse(path.read_text(), str(path)))
            for name, value in _MODULE_CONSTS[module].items():
                if isinstance(value, str):
                    out[f"{alias}.{name}"] = value
    return out


def _loop_values(func: ast.AST, consts: dict) -> dict[str, list[str]]:
    """Names bound by `for a, b in ((lit, x), ...)` or `for a in CONST_TUPLE` to the literal
    strings they take."""
    out: dict[str, list[str]] = {}
    for node in ast.walk(func):
        if isinstance(node, ast.For) and isinstance(node.target, ast.Name):
            values = _literal(node.iter) if isinstance(node.iter, (ast.Tuple, ast.List)) else None
            if isinstance(node.iter, ast.Name) and isinstance(consts.get(node.iter.id), (tuple, list)):
                values = consts[node.iter.id]
            if isinstance(values, (tuple, list)) and all(isinstance(v, str) for v in values):
                out[node.target.id] = list(values)
        if (
            isinstance(node, ast.For)
            and isinstance(node.target, ast.Tuple)
            and isinstance(node.iter, (ast.Tuple, ast.List))
        ):
            for i, target in enumerate(node.target.elts):
                if isinstance(target, ast.Name):
                    values = []
                    for elt in node.iter.elts:
                        if isinstance(elt, (ast.Tuple, ast.List)) and i < len(elt.elts):
                            s = _const_str(elt.elts[i])
                            if s is not None:
                                values.append(s)
                    if values:
                        out[target.id] = values
    return out


def _filters_of(node, consts, loops) -> list[list[tuple[str, str]]]:
    """Alternatives for one filter tuple node: [(field, op)] per resolvable field."""
    if not isinstance(node, ast.Tuple) or len(node.elts) != 3:
        raise Unresolvable(ast.unparse(node))
    ops = _resolve_str(node.elts[1], consts, {})
    return [[(f, op) for op in ops] for f in _resolve_str(node.elts[0], consts, loops)]


def _where_combinations(where_node, func, consts) -> list[list[tuple[str, str]]]:
    loops = _loop_values(func, consts)
    if isinstance(where_node, ast.List):
        base = [alts[0][0] for alts in (_filters_of(e, consts, loops) for e in where_node.elts)]
        return [base]
    if not isinstance(where_node, ast.Name):
        raise Unresolvable(ast.unparse(where_node))
    name = where_node.id
    base: list[tuple[str, str]] = []
    optional: list[tuple[str, str]] = []
    for node in ast.walk(func):
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets) and isinstance(node.value, ast.List):
                for e in node.value.elts:
                    base += [alt[0] for alt in _filters_of(e, consts, loops)]
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "append"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == name
        ):
            for alt in _filters_of(node.args[0], consts, loops):
                optional += alt
    optional = sorted(set(optional) - set(base))
    combos = []
    for r in range(len(optional) + 1):
        for extra in itertools.combinations(optional, r):
            fields = [f for f, _ in extra]
            if len(fields) == len(set(fields)) or all(op in EQUALITY for _, op in extra):
                combos.append(base + list(extra))
    return combos


@functools.cache
def discovered_queries() -> tuple[tuple[str, Query], ...]:
    """(where in the code, Query) for every query shape the code can build (read once per run)."""
    out = []
    for path in sorted(list((ROOT / "shared").rglob("*.py")) + list((ROOT / "functions").rglob("*.py"))):
        if "persistence" in path.parts:
            continue
        tree = ast.parse(path.read_text(), str(path))
        consts = {**_imported_constants(tree), **_module_constants(tree)}
        funcs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        for func in funcs:
            for node in ast.walk(func):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Query"):
                    continue
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                args = {kw.arg: kw.value for kw in node.keywords}
                collection = _resolve_str(node.args[0], consts, _loop_values(func, consts)) if node.args else None
                if not collection:
                    raise Unresolvable(f"{where}: collection")
                order_node = args.get("order_by")
                order = _literal(order_node) if order_node is not None else []
                if order is None:
                    raise Unresolvable(f"{where}: order_by {ast.unparse(order_node)}")
                where_node = args.get("where")
                combos = _where_combinations(where_node, func, consts) if where_node is not None else [[]]
                for combo, name in itertools.product(combos, collection):
                    q = Query(name, where=[(f, op, None) for f, op in combo], order_by=[tuple(o) for o in order])
                    out.append((where, q))
    return tuple(out)


def needed_index(q: Query):
    """The composite index a query needs, as (collection, equality fields, ordered fields), or
    None when the automatic single-field indexes serve it. Fields are (path, mode), mode one of
    ASCENDING | DESCENDING | CONTAINS. Equality fields may come in any order in the index."""
    order = effective_order(q)
    ordered = {f for f, _ in order}
    eq = tuple(
        sorted(
            {
                (f, "CONTAINS" if op == "array_contains" else "ASCENDING")
                for f, op, _ in q.where
                if op in EQUALITY and f not in ordered
            }
        )
    )
    if not ((eq and order) or len(order) >= 2):
        return None
    return q.collection, eq, tuple((f, "DESCENDING" if d == "desc" else "ASCENDING") for f, d in order)


def declared_indexes() -> list[tuple[str, tuple]]:
    """(collection, fields) of every index in local.composite_indexes."""
    out = []
    for block in load(INDEX_FILE).get("locals", []):
        for item in block.get("composite_indexes", []):
            fields = tuple(
                (unquote(f["field_path"]), unquote(f.get("array_config") or f.get("order"))) for f in item["fields"]
            )
            out.append((unquote(item["collection"]), fields))
    return out


def covers(declared: tuple[str, tuple], needed: tuple[str, tuple, tuple]) -> bool:
    collection, fields = declared
    n_collection, eq, order = needed
    if collection != n_collection or len(fields) != len(eq) + len(order):
        return False
    norm = lambda fs: sorted((f, m == "CONTAINS") for f, m in fs)  # noqa: E731 - direction is irrelevant for equality
    return norm(fields[: len(eq)]) == norm(eq) and tuple(fields[len(eq) :]) == order


def hcl_for(indexes) -> str:
    lines = []
    for collection, eq, order in sorted(set(indexes)):
        fields = eq + order
        parts = []
        for f, mode in fields:
            key = "array_config" if mode == "CONTAINS" else "order"
            parts.append(f'{{ field_path = "{f}", {key} = "{mode}" }}')
        lines.append(f'    {{ collection = "{collection}", fields = [{", ".join(parts)}] }},')
    return "\n".join(lines)


def test_every_query_shape_is_understood():
    queries = discovered_queries()
    assert len(queries) >= 10, "the scan found too few queries; is it still reading the code?"
    collections = {q.collection for _, q in queries}
    assert {"jobs", "users"} <= collections


def test_every_query_has_its_composite_index_declared():
    declared = declared_indexes()
    missing = {}
    for where, q in discovered_queries():
        need = needed_index(q)
        if need is not None and not any(covers(d, need) for d in declared):
            missing.setdefault(need, where)
    assert not missing, (
        "Composite indexes missing from terraform/modules/firestore/indexes.tf "
        "(add to local.composite_indexes):\n"
        + hcl_for(missing)
        + "\nneeded by: "
        + ", ".join(sorted(set(missing.values())))
    )


def test_no_declared_index_is_unused():
    needed = {needed_index(q) for _, q in discovered_queries()} - {None}
    unused = [d for d in declared_indexes() if not any(covers(d, n) for n in needed)]
    assert not unused, f"indexes no query needs (remove them): {unused}"


def test_index_derivation_rules():
    # equality-only queries and a single ordered field are served by automatic indexes
    assert needed_index(Query("users", where=[("email", "==", 1)])) is None
    assert needed_index(Query("users", where=[("a", "==", 1), ("b", "==", 2)])) is None
    assert needed_index(Query("orgs", order_by=[("created_at", "asc")])) is None
    assert needed_index(Query("jobs", where=[("status", "in", [])])) is None
    # equality + order, array-contains + order, range on another field than the order
    assert needed_index(Query("jobs", where=[("org_id", "==", 1)], order_by=[("created_at", "desc")])) == (
        "jobs",
        (("org_id", "ASCENDING"),),
        (("created_at", "DESCENDING"),),
    )
    assert needed_index(
        Query("jobs", where=[("assignees", "array_contains", 1)], order_by=[("created_at", "desc")])
    ) == ("jobs", (("assignees", "CONTAINS"),), (("created_at", "DESCENDING"),))
    assert needed_index(Query("audit", where=[("time", ">=", 1)], order_by=[("actor", "asc")])) == (
        "audit",
        (),
        (("actor", "ASCENDING"), ("time", "ASCENDING")),
    )
    need = ("jobs", (("a", "ASCENDING"), ("b", "ASCENDING")), (("t", "DESCENDING"),))
    assert covers(("jobs", (("b", "ASCENDING"), ("a", "DESCENDING"), ("t", "DESCENDING"))), need)
    assert not covers(("jobs", (("a", "ASCENDING"), ("b", "ASCENDING"), ("t", "ASCENDING"))), need)
    assert not covers(("jobs", (("a", "ASCENDING"), ("t", "DESCENDING"), ("b", "ASCENDING"))), need)
    assert not covers(("users", (("a", "ASCENDING"), ("b", "ASCENDING"), ("t", "DESCENDING"))), need)


if __name__ == "__main__":
    print(hcl_for({n for _, q in discovered_queries() if (n := needed_index(q))}))
