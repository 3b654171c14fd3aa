"""Vector observations and equality constraints: the model stage for ``--var x1,x2,x3``.

An observation is a vector (x₁, …, x_k) — the counts of a multinomial trial, a one-hot
categorical, the genotype counts of a Hardy–Weinberg sample — with a joint pmf f(x | θ), a support
given per component plus linear equations (``"x1 + x2 + x3 = m, x1, x2, x3 in {0,1,...,m}"``),
and parameters that may be tied by equality constraints (``"p1 + p2 + p3 = 1"``). Everything is
parsed through the whitelist parser of :mod:`symmle.parsing`; nothing is evaluated.

Examples
--------
>>> vm = build_vector_model("m!/(x1!*x2!)*p1**x1*p2**x2", var="x1,x2",
...                         params=["p1:(0, 1)", "p2:(0, 1)"], known=["m:positive integer"],
...                         support="x1 + x2 = m, x1, x2 in {0,1,...,m}",
...                         constraints=["p1 + p2 = 1"])
>>> vm.vars, vm.constraints, vm.equations
((x1, x2), (p1 + p2 - 1,), (-m + x1 + x2,))
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import sympy as sp

from . import guards, parsing
from .errors import ModelSpecError, ParseError, UnknownNameError, UnusedParameterError
from .model import ParamSpec, _declare, _normalize_specs
from .spaces import Domain, Support

__all__ = ["VectorModel", "build_vector_model", "is_vector_spec", "parse_equation",
           "parse_vector_support"]


@dataclass(frozen=True)
class VectorModel:
    """A pmf of a vector observation, with equality constraints on its parameters.

    Attributes
    ----------
    density
        f(x₁, …, x_k | θ).
    vars
        The components of the observation, in the order of ``--var``.
    params, known, domains
        As in :class:`symmle.model.Model` (``domains`` covers params and known constants).
    component
        The support of each component (the same set for all).
    equations
        Linear identities of the support, each as ``lhs − rhs`` (``x1 + x2 + x3 − m``).
    constraints
        Equality constraints on the parameters, each as ``lhs − rhs`` (``p1 + p2 + p3 − 1``).
    """

    density: sp.Expr
    vars: tuple[sp.Symbol, ...]
    params: tuple[sp.Symbol, ...]
    known: tuple[sp.Symbol, ...]
    domains: Mapping[sp.Symbol, Domain]
    component: Support
    equations: tuple[sp.Expr, ...] = ()
    constraints: tuple[sp.Expr, ...] = ()
    name: str | None = None
    title: str | None = None
    parameterization: str | None = None
    latex_names: Mapping[sp.Symbol, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def discrete(self) -> bool:
        return self.component.discrete

    @property
    def var(self) -> sp.Tuple:
        """The observation as a tuple of its components (for titles and formulas)."""
        return sp.Tuple(*self.vars)

    @property
    def var_domains(self) -> dict[sp.Symbol, Domain]:
        """Each component's domain (its support's hull), for proving signs."""
        s = self.component
        return {v: Domain(s.lower, s.upper, s.left_open, s.right_open, integer=s.discrete)
                for v in self.vars}

    def describe(self) -> str:
        """One line: ``f(x1, x2 | p1, p2) = ..., on x1 + x2 = m, x1, x2 in {0, 1, ..., m}``
        (the title of a model typed in, as :meth:`symmle.model.Model.describe`)."""
        given = ", ".join(p.name for p in self.params)
        names = ", ".join(v.name for v in self.vars)
        return f"f({names} | {given}) = {self.density}, on {self.describe_support()}"

    def describe_support(self) -> str:
        """``x1 + x2 + x3 = m, x1, x2, x3 in {0, 1, ..., m}``."""
        eqs = [f"{sp.Add(*[t for t in sp.Add.make_args(e) if t.free_symbols & set(self.vars)])}"
               f" = {-sp.Add(*[t for t in sp.Add.make_args(e) if not t.free_symbols & set(self.vars)])}"
               for e in self.equations]
        names = ", ".join(v.name for v in self.vars)
        return ", ".join([*eqs, f"{names} {self.component.describe('').strip()}"])


def is_vector_spec(var: str | None) -> bool:
    """Whether ``--var`` names a vector observation (several names separated by commas).

    Examples
    --------
    >>> is_vector_spec("x1,x2,x3"), is_vector_spec("x")
    (True, False)
    """
    return isinstance(var, str) and "," in var


def _var_names(var: str) -> list[str]:
    names = []
    for piece in var.split(","):
        name, rest = parsing.parse_assignment(piece.strip(), where="variable")
        if rest is not None:
            raise ParseError(f"--var takes names only, not {piece.strip()[:60]!r}", where="variable")
        if name in names:
            raise ModelSpecError(f"the component {name!r} of --var is named twice", where="variable")
        names.append(name)
    if len(names) < 2:
        raise ModelSpecError("a vector observation needs at least two components", where="variable")
    return names


def parse_equation(text: str, symbols: Mapping[str, sp.Symbol], where: str) -> sp.Expr:
    """``"p1 + p2 + p3 = 1"`` → ``p1 + p2 + p3 - 1`` (zero on the constraint set).

    Examples
    --------
    >>> p1, p2 = sp.symbols("p1 p2")
    >>> parse_equation("p1 + p2 = 1", {"p1": p1, "p2": p2}, "constraint")
    p1 + p2 - 1
    """
    if not isinstance(text, str) or len(text) > parsing.MAX_LENGTH:
        raise ParseError("expected an equation such as 'p1 + p2 = 1'", where=where)
    parts = text.replace("==", "=").split("=")
    if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
        raise ParseError(f"expected one equation such as 'p1 + p2 + p3 = 1', not "
                         f"{text.strip()[:60]!r}", where=where)
    left = parsing.parse_expression(parts[0], symbols, where=where)
    right = parsing.parse_expression(parts[1], symbols, where=where)
    return sp.expand(left - right)


def parse_vector_support(text: str, var_names: Sequence[str], symbols: Mapping[str, sp.Symbol],
                         ) -> tuple[Support, list[str]]:
    """Split ``"x1 + x2 = m, x1, x2 in {0,1,...,m}"`` into the components' common support and
    the equations (as text, parsed once the components' symbols exist).

    Examples
    --------
    >>> s, eqs = parse_vector_support("x1 + x2 = 1, x1, x2 in {0, 1}", ["x1", "x2"], {})
    >>> s.describe("x"), eqs
    ('x in {0, 1}', ['x1 + x2 = 1'])
    """
    if not isinstance(text, str) or len(text) > parsing.MAX_LENGTH:
        raise ParseError("expected a support such as 'x1 + x2 = m, x1, x2 in {0,1,...,m}'",
                         where="support")
    found = re.search(r"\bin\b|∈", text)
    if found is None:
        raise ParseError("a vector support names its components and their set: "
                         f"'{', '.join(var_names)} in {{0, 1, ..., m}}' (with equations such as "
                         f"'{' + '.join(var_names)} = m' before it)", where="support")
    head, the_set = text[:found.start()], text[found.end():]
    pieces = [p.strip() for p in _split_top(head)]
    equations = [p for p in pieces if "=" in p]
    named = [p for p in pieces if "=" not in p and p]
    if sorted(named) != sorted(var_names):
        raise ModelSpecError(f"the support must give the set of every component "
                             f"({', '.join(var_names)} in ...), not of {', '.join(named) or 'none'}",
                             where="support")
    support = parsing.parse_support(the_set.strip(), var_names[0], symbols)
    return support, equations


def _split_top(text: str) -> list[str]:
    """Split at commas outside braces and parentheses."""
    out, depth, start = [], 0, 0
    for k, ch in enumerate(text):
        depth += ch in "({[" and 1 or 0
        depth -= ch in ")}]" and 1 or 0
        if ch == "," and depth == 0:
            out.append(text[start:k])
            start = k + 1
    out.append(text[start:])
    return out


def build_vector_model(density: Any, *, var: str, params: ParamSpec = None,
                       known: ParamSpec = None, support: str | None = None,
                       constraints: Sequence[str] = (), name: str | None = None,
                       title: str | None = None, parameterization: str | None = None,
                       latex_names: Mapping[str, str] | None = None) -> VectorModel:
    """Build a :class:`VectorModel` from strings (the command line's ``--var x1,x2,x3``).

    Parameters
    ----------
    density
        The joint pmf in symmle's syntax, e.g. ``"m!/(x1!*x2!*x3!)*p1**x1*p2**x2*p3**x3"``.
    var
        The components, separated by commas.
    params, known
        As in :func:`symmle.model.build_model`; without ``params`` every other name is one.
    support
        ``"x1 + x2 + x3 = m, x1, x2, x3 in {0,1,...,m}"``: equations, then the components and
        their common set.
    constraints
        Equality constraints on the parameters, ``"p1 + p2 + p3 = 1"``.

    Raises
    ------
    ModelSpecError, ParseError

    Examples
    --------
    >>> vm = build_vector_model("p1**x1*p2**x2", var="x1,x2", support="x1 + x2 = 1, x1, x2 in {0,1}",
    ...                         constraints=["p1 + p2 = 1"])
    >>> vm.params, vm.notes[0][:39]
    ((p1, p2), "the domain of parameter 'p1' was not gi")
    """
    if not isinstance(density, str):
        raise ModelSpecError("a vector model is given as a density string")
    names = _var_names(var)
    if support is None:
        raise ModelSpecError(f"the support of ({', '.join(names)}) is missing: give e.g. "
                             f"'{' + '.join(names)} = m, {', '.join(names)} in {{0,1,...,m}}'",
                             where="support")
    known_specs = _normalize_specs(known, "known constant")
    param_specs = _normalize_specs(params, "parameter")
    for n in (*known_specs, *param_specs):
        if n in names:
            raise ModelSpecError(f"{n!r} is a component of the observation; it cannot also be "
                                 "a parameter or a known constant")
    used = parsing.names_in(density)
    if not param_specs:
        param_specs = {n: None for n in dict.fromkeys(used)
                       if n not in names and n not in known_specs}
        if not param_specs:
            raise ModelSpecError("the density has no parameter to estimate", where="density")
    notes: list[str] = []
    plain = {n: sp.Symbol(n) for n in (*known_specs, *param_specs)}
    component, eq_texts = parse_vector_support(support, names, plain)
    decl = _declare(known_specs, param_specs, component, names[0], notes)
    xs = tuple(sp.Symbol(n, **decl.support.assumptions()) for n in names)
    table = {**decl.symbols, **{x.name: x for x in xs}}
    expr = parsing.parse_expression(density, table, where="density")
    equations = tuple(parse_equation(e, table, "support") for e in eq_texts)
    for e in equations:
        if not e.free_symbols & set(xs) or not e.is_polynomial(*xs) or sp.Poly(e, *xs).total_degree() != 1:
            raise ModelSpecError(f"a support equation must be linear in the components: {e} = 0",
                                 where="support")
        if e.free_symbols & {decl.symbols[n] for n in param_specs}:
            raise ModelSpecError("a support equation may not involve a parameter", where="support")
    params_t = tuple(decl.symbols[n] for n in param_specs)
    known_t = tuple(decl.symbols[n] for n in known_specs)
    cons = []
    pnames = {p.name: p for p in (*params_t, *known_t)}
    for c in constraints:
        e = parse_equation(c, pnames, "constraint")
        if not e.free_symbols & set(params_t):
            raise ModelSpecError(f"the constraint {c!r} involves no parameter", where="constraint")
        cons.append(e)
    free = expr.free_symbols | decl.support.free_symbols
    for e in equations:
        free |= e.free_symbols
    for s in (*params_t, *known_t):
        if s not in free:
            raise UnusedParameterError(f"{s.name!r} appears in neither the density nor the support",
                                       where="density")
    stray = expr.free_symbols - set(params_t) - set(known_t) - set(xs)
    if stray:
        raise UnknownNameError(f"name {sorted(s.name for s in stray)[0]!r} is neither a component, "
                               "a parameter nor a known constant", where="density")
    guards.check_expression(expr)
    latex = {table[k]: guards.latex_name(v, k) for k, v in (latex_names or {}).items() if k in table}
    domains = {decl.symbols[n]: d for n, d in decl.domains.items()}
    return VectorModel(expr, xs, params_t, known_t, domains, decl.support, equations,
                       tuple(cons), name=name, title=title, parameterization=parameterization,
                       latex_names=latex, notes=tuple(notes))
