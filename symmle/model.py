"""The model stage: from what a person gives (a density string, a SymPy expression, a
``sympy.stats`` random variable, a catalog name) to one immutable :class:`Model`.

Symbols get their assumptions from the declared domains and the support (``positive=True``
for ``λ > 0``), which is what lets the likelihood stage split logarithms without ``force``.
"""
from __future__ import annotations

import dataclasses

import re
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping, Sequence

import sympy as sp

from . import claims_latex, guards, latex_model, parsing, stats_input
from .errors import (ModelSpecError, ParseError, UnknownNameError, UnsupportedModelError,
                     UnusedParameterError)
from .spaces import Domain, Support

__all__ = ["Model", "build_model", "default_domain"]

ParamSpec = Mapping[str, "str | Domain | None"] | Sequence[str] | None


@dataclass(frozen=True)
class Model:
    """A pmf or pdf with everything needed to derive its MLE.

    Attributes
    ----------
    density
        f(x | θ) as a SymPy expression in ``var``, ``params`` and ``known``.
    var
        The observation symbol (assumptions from the support).
    params
        The unknown parameters, in order.
    known
        Known constants.
    domains
        Domain of every parameter and known constant.
    support
        Where f is positive.
    name, title, parameterization
        Catalog information (``None`` for a density typed in); the parameterization sentence's
        mathematics is marked with backticks, as the family file writes it
        (:func:`symmle.render.unmarked` gives the plain sentence).
    latex_names
        Symbol → LaTeX for names SymPy prints badly.
    notes
        Warnings made while building (assumed domains, unchecked normalization).
    constraints
        Expressions that are positive on the parameter space beyond the domains
        (``1 - p1 - p2`` for ``p1 + p2 < 1``).

    Examples
    --------
    >>> m = build_model("theta*x**(theta-1)", support="0 < x < 1")
    >>> m.params, m.discrete
    ((theta,), False)
    """

    density: sp.Expr
    var: sp.Symbol
    params: tuple[sp.Symbol, ...]
    known: tuple[sp.Symbol, ...]
    domains: Mapping[sp.Symbol, Domain]
    support: Support
    name: str | None = None
    title: str | None = None
    parameterization: str | None = None
    latex_names: Mapping[sp.Symbol, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    constraints: tuple[sp.Expr, ...] = ()

    @property
    def simplices(self) -> tuple[tuple[sp.Symbol, ...], ...]:
        """Groups of parameters constrained to a simplex (each positive, 1 − Σ > 0)."""
        out = []
        for c in self.constraints:
            group = tuple(sorted(c.free_symbols, key=lambda s: s.name))
            if (group and set(group) <= set(self.params)
                    and sp.expand(c - 1 + sp.Add(*group)) == 0
                    and all(self.domains[g].assumptions().get("positive") for g in group)):
                out.append(group)
        return tuple(out)

    @property
    def discrete(self) -> bool:
        return self.support.discrete

    @property
    def support_depends_on_params(self) -> bool:
        return bool(self.support.free_symbols & set(self.params))

    def symbol(self, name: str) -> sp.Symbol:
        """The parameter or known constant called ``name``."""
        for s in (*self.params, *self.known, self.var):
            if s.name == name:
                return s
        raise ModelSpecError(f"no parameter or constant called {name!r} in this model")

    def describe(self) -> str:
        """One line: ``f(x | theta) = ... on 0 < x < 1``."""
        given = ", ".join(s.name for s in self.params)
        return f"f({self.var} | {given}) = {self.density}, {self.support.describe(self.var.name)}"


# ---------------------------------------------------------------------------------------------
# default domains: a name-based guess, always reported to the user as a note

_REAL_NAMES = {"mu", "loc", "location", "a", "b", "c", "d", "delta", "eta", "xi", "nu0"}
_UNIT_NAMES = {"p", "q", "pi", "prob", "phi"}
_COUNT_NAMES = {"N", "m", "M", "K"}


def default_domain(name: str) -> str:
    """The domain assumed for an undeclared parameter called ``name``.

    ``mu``-like location names are real, ``p``/``q`` lie in (0, 1), ``N``/``m`` are positive
    integers, ``beta0``, ``beta1``, ... are real; everything else is positive.

    Examples
    --------
    >>> default_domain("mu"), default_domain("p"), default_domain("theta")
    ('real', '(0, 1)', 'positive')
    """
    if name in _REAL_NAMES or re.fullmatch(r"(beta|b|a|mu|theta)_?\d+", name):
        return "real"
    if name in _UNIT_NAMES or re.fullmatch(r"p_?\d+", name):
        return "(0, 1)"
    if name in _COUNT_NAMES:
        return "positive integer"
    return "positive"


def _normalize_specs(specs: ParamSpec, what: str) -> dict[str, "str | Domain | None"]:
    if specs is None:
        return {}
    if isinstance(specs, Mapping):
        out = {}
        for k, v in specs.items():
            name, _ = parsing.parse_assignment(str(k), where=what)
            out[name] = v
        return out
    if isinstance(specs, str):
        specs = [s for s in specs.split(",") if s.strip()] if ":" not in specs else [specs]
    if not hasattr(specs, "__iter__"):
        raise ParseError(f"expected names (a list such as ['theta:positive']) or a mapping "
                         f"name -> domain, not {type(specs).__name__}", where=what)
    out = {}
    for item in specs:
        name, dom = parsing.parse_assignment(str(item), where=what)
        if name in out:
            raise ModelSpecError(f"{what} {name!r} is declared twice")
        out[name] = dom
    return out


def _variable(text: str) -> str:
    """The name of the observation variable (``x``, ``θ`` → ``theta``); nothing after it."""
    name, rest = parsing.parse_assignment(str(text), where="variable")
    if rest is not None:
        raise ParseError(f"the variable is a name only, not {str(text)[:60]!r}",
                         where="variable")
    return name


def _domain(spec: "str | Domain | None", name: str, notes: list[str], role: str,
            symbols: Mapping[str, sp.Symbol]) -> Domain:
    if isinstance(spec, Domain):
        return spec
    if spec is None or (isinstance(spec, str) and not spec.strip()):
        guess = default_domain(name)
        notes.append(f"the domain of {role} {name!r} was not given; assumed {guess} "
                     f"(declare it as {name}:DOMAIN to change this)")
        spec = guess
    return parsing.parse_domain(str(spec), symbols, where=f"domain of {name}")


# ---------------------------------------------------------------------------------------------
# building


def build_model(model: Any, *, var: str | None = None, params: ParamSpec = None,
                known: ParamSpec = None, support: "str | Support | None" = None,
                latex_names: Mapping[str, str] | None = None) -> Model:
    """Build a :class:`Model` from a density string, SymPy expression, ``sympy.stats`` random
    variable, catalog name, :class:`~symmle.families.Family` or :class:`Model`.

    Parameters
    ----------
    model
        What to build from.
    var
        Name of the observation variable (default ``x``).
    params
        Unknown parameters: ``{"theta": "positive"}`` or ``["theta:positive", "mu"]``; when
        omitted, every name in the density that is not the variable, a known constant or a
        function is a parameter, with a domain from :func:`default_domain` (reported as a note).
    known
        Known constants, in the same forms.
    support
        The support (required for a density string or expression).

    Raises
    ------
    ModelSpecError, ParseError
        With the offending name or position; the subclasses :class:`UnknownNameError` (a
        name that is not declared, or a likely typo of one), :class:`UnusedParameterError` (a
        declared name absent from the model) and :class:`SupportError` (the density is zero,
        undefined or complex on part of the support).

    Examples
    --------
    >>> build_model("poisson").params
    (lambda,)
    >>> build_model("exp(-x/theta)/theta", support="x > 0").domains[sp.Symbol("theta", positive=True)]
    Domain(lower=0, upper=oo, left_open=True, right_open=True, integer=False)
    """
    from . import families

    if isinstance(model, Model):
        return model
    if isinstance(model, families.Family):
        built = _from_family(model)
    elif isinstance(model, str):
        text = model.strip()
        name_like = re.fullmatch(r"[A-Za-z][A-Za-z0-9_\- ]*", text) and support is None
        if name_like and params is None:
            if len(text) > guards.MAX_FAMILY_NAME:  # a hostile name: no close matches of 1 MB
                raise ModelSpecError(f"unknown family (a name of {len(text)} characters; "
                                     "'symmle catalog' lists the names)", where="family")
            family = families.get(text)
            _check_family_known(family, known)
            built = _from_family(family)
        elif name_like and len(text) <= guards.MAX_FAMILY_NAME and _is_family(text):
            # a catalog family with some of its parameters' domains restricted
            family = families.get(text)
            _check_family_known(family, known)
            built = _from_family(family, params)
        else:
            built = _from_strings(text, var=var, params=params, known=known, support=support,
                                  latex_names=latex_names)
    elif stats_input.is_random_symbol(model):
        built = _from_stats(model, var=var, params=params, known=known, support=support)
    elif isinstance(model, sp.Basic):
        built = _from_expr(model, var=var, params=params, known=known, support=support,
                           latex_names=latex_names)
    else:
        raise ModelSpecError(
            f"cannot build a model from {type(model).__name__}; give a density string, a SymPy "
            "expression, a sympy.stats random variable or a catalog name")
    guards.check_support(built)
    return built


def _is_family(name: str) -> bool:
    from . import families

    try:
        return not families.get(name).covariates
    except ModelSpecError:
        return False


def _from_family(fam: Any, params: ParamSpec = None) -> Model:
    """The family's model; ``params`` may restrict the domains of some of its parameters
    (``{"p": "(0, 1/2]"}``: a Bernoulli whose p is at most one half), and may name no other."""
    domains: dict[str, Any] = dict(fam.params)
    notes = []
    for name, spec in _normalize_specs(params, "parameter").items():
        if name not in fam.params:
            have = ", ".join(fam.params)
            raise UnknownNameError(f"parameter {name!r}: the family {fam.name!r} has no "
                                   f"parameter of that name (it has: {have}); to change the "
                                   "model itself, give its density and support",
                                   where="parameter")
        if spec is not None and not (isinstance(spec, str) and not spec.strip()):
            domains[name] = spec
            shown = spec.describe() if isinstance(spec, Domain) else spec
            notes.append(f"the domain of {name} is {shown} as given, in place of the family's "
                         f"{fam.params[name]}")
    m = _from_strings(fam.density, var=fam.var, params=domains, known=dict(fam.known),
                      support=fam.support, latex_names=dict(fam.latex_names))
    m = replace(m, notes=(*m.notes, *notes)) if notes else m
    symbols = {s.name: s for s in (*m.params, *m.known)}
    constraints = tuple(parse_constraint(c, symbols) for c in fam.constraints)
    return Model(m.density, m.var, m.params, m.known, m.domains, m.support, name=fam.name,
                 title=fam.title, parameterization=fam.parameterization,
                 latex_names=m.latex_names, notes=m.notes, constraints=constraints)


def _check_family_known(fam: Any, known: ParamSpec) -> None:
    """A catalog family declares its own known constants; ``--known NAME:DOMAIN`` may restate
    one of them but not add another (it would be silently ignored)."""
    for name, spec in _normalize_specs(known, "known constant").items():
        if name not in fam.known:
            have = ", ".join(fam.known) or "none"
            raise UnknownNameError(f"known constant {name!r}: the family {fam.name!r} has no "
                                   f"known constant of that name (it has: {have})",
                                   where="known constant")
        if isinstance(spec, str) and spec.strip():
            parsing.parse_domain(spec, where=f"domain of {name}")


def parse_constraint(text: str, symbols: Mapping[str, sp.Symbol]) -> sp.Expr:
    """``"p1 + p2 < 1"`` → ``1 - p1 - p2`` (an expression that is positive on the space).

    Examples
    --------
    >>> p1, p2 = sp.symbols("p1 p2")
    >>> parse_constraint("p1 + p2 < 1", {"p1": p1, "p2": p2})
    -p1 - p2 + 1
    """
    parts = re.split(r"(<|>)", text)
    if len(parts) != 3:
        raise ModelSpecError(f"a constraint must be one strict inequality such as "
                             f"'p1 + p2 < 1', not {text!r}", where="constraint")
    left = parsing.parse_expression(parts[0], symbols, where="constraint")
    right = parsing.parse_expression(parts[2], symbols, where="constraint")
    return right - left if parts[1] == "<" else left - right


def _squared_names(plain: str, declared: list[str]) -> str:
    """``\\sigma^2`` is the declared ``sigma2`` (as in a claim), when ``sigma`` itself is not
    declared: ``(sigma)**(2)`` becomes ``(sigma2)``, any other ``sigma`` ``sqrt(sigma2)``."""
    for name in declared:
        stem = name[:-1]
        if not name.endswith("2") or not stem or stem in declared:
            continue
        plain = re.sub(rf"\({re.escape(stem)}\)\*\*\(2\)", f"({name})", plain)
        plain = re.sub(rf"(?<![A-Za-z0-9_]){re.escape(stem)}(?![A-Za-z0-9_])", f"sqrt({name})",
                       plain)
    return plain


def _subscripted_names(plain: str, declared: list[str]) -> str:
    """``\theta_1`` is the declared ``theta_1``: the LaTeX reader writes a subscript into the
    name (``x_m`` is ``xm``), so ``theta1`` in the translation is ``theta_1`` when that is
    declared and ``theta1`` is not."""
    for name in declared:
        joined = name.replace("_", "")
        if "_" not in name or joined in declared:
            continue
        plain = re.sub(rf"(?<![A-Za-z0-9_]){re.escape(joined)}(?![A-Za-z0-9_])", name, plain)
    return plain


def _looks_latex(text: str) -> bool:
    """A backslash command, a braced super- or subscript, or math delimiters around the whole
    text: then the string is LaTeX, translated by :mod:`symmle.claims_latex` (which refuses every
    command it does not know) before the whitelist parser reads it."""
    stripped = text.strip()
    return bool(re.search(r"\\|[\^_]\s*\{", stripped)) or (
        len(stripped) > 1 and stripped[0] == stripped[-1] == "$")


def _from_strings(density: str, *, var: str | None, params: ParamSpec, known: ParamSpec,
                  support: "str | Support | None", latex_names: Mapping[str, str] | None) -> Model:
    var_name = _variable(var) if var else "x"
    notes: list[str] = []
    known_specs = _normalize_specs(known, "known constant")
    param_specs = _normalize_specs(params, "parameter")
    if support is None:
        raise ModelSpecError(
            f"the support of {var_name} is missing: give it, e.g. '0 < {var_name} < 1', "
            f"'{var_name} > 0' or '{{0, 1, 2, ...}}'", where="support")
    if isinstance(support, str) and _looks_latex(support) and latex_model.bare_naturals(support):
        return _naturals_reading(density, var=var_name, params=params, known=known,
                                 support=support, latex_names=latex_names)
    translated = []
    if _looks_latex(density):  # \theta e^{-\theta x}, e^{-x}, $...$
        density = _subscripted_names(_squared_names(
            latex_model.latex_density(density, var_name), [*known_specs, *param_specs]),
            [*known_specs, *param_specs])
        translated.append(("density", density))
    if isinstance(support, str) and _looks_latex(support):  # 0 < x < \theta
        support = _subscripted_names(latex_model.latex_support(support, var_name),
                                     [*known_specs, *param_specs])
        translated.append(("support", support))
    try:
        return _from_plain(density, var_name, param_specs, known_specs, support, notes,
                           latex_names)
    except (ParseError, UnknownNameError) as err:
        # the caret points into the translation: say so on the first line
        for what, _ in translated:
            if err.message.startswith(f"{what}: "):
                err.message = f"{what} (translated from LaTeX): " + err.message[len(what) + 2:]
                err.args = (err.message,)
                break
        raise


def _naturals_reading(density: str, *, var: str, params: ParamSpec, known: ParamSpec,
                      support: str, latex_names: Mapping[str, str] | None) -> Model:
    """``x \\in \\mathbb{N}``: ℕ starts at 0 in some books and at 1 in others, so the reading
    is the one over which the pmf sums to 1 at typical parameter values ({0, 1, 2, ...} when
    both or neither do: the normalization check then says why), stated in a note."""
    from .bounded import bounded
    from .errors import DerivationTimeout
    from .normalization import numeric_total, parameter_points

    models = []
    for start in (0, 1):
        plain = latex_model.latex_support(support, var, naturals_from=start)
        models.append(_from_strings(density, var=var, params=params, known=known, support=plain,
                                    latex_names=latex_names))
    sums = []
    for m in models:
        points = parameter_points(m)
        try:
            total = bounded(numeric_total, m, m.density, points[0], seconds=2.0,
                            what="summing the pmf over N") if points else None
        except DerivationTimeout:
            total = None
        sums.append(total is not None and abs(total - 1) < 1e-6)
    pick = 1 if sums[1] and not sums[0] else 0
    other = models[1 - pick].support.describe(var)
    why = ("the pmf sums to 1 over it, not over " + other if sums[pick]
           else "the pmf sums to 1 over neither reading; the other is " + other)
    m = models[pick]
    note = f"{var} in N read as {m.support.describe(var)}: {why}"
    return replace(m, notes=(*m.notes, note))


def _from_plain(density: str, var_name: str, param_specs: dict, known_specs: dict,
                support: "str | Support", notes: list[str],
                latex_names: Mapping[str, str] | None) -> Model:
    """:func:`_from_strings` once LaTeX is translated: the declared and inferred names, the
    support and the density parsed with the symbols their domains give."""
    used = parsing.names_in(density)
    support_names = (parsing.support_names(support, var_name) if isinstance(support, str)
                     else [])
    for name in list(known_specs) + list(param_specs):
        if name == var_name:
            raise ModelSpecError(f"{name!r} is the observation variable; it cannot also be a "
                                 "parameter or a known constant")
    both = set(known_specs) & set(param_specs)
    if both:
        raise ModelSpecError(f"{sorted(both)[0]!r} is declared both as a parameter and as known")
    if not param_specs:
        inferred = [n for n in used + support_names
                    if n != var_name and n not in known_specs]
        param_specs = {n: None for n in dict.fromkeys(inferred)}
        if not param_specs:
            # a syntax error ("exec(x)": unknown function) says more than "no parameter"
            parsing.parse_expression(density, {var_name: sp.Symbol(var_name)}, where="density")
            raise ModelSpecError("the density has no parameter to estimate", where="density")
        guards.refuse_typos(density, list(param_specs), list(dict.fromkeys(used + support_names)))
    decl = _declare(known_specs, param_specs, support, var_name, notes)
    table = _table_items(density)
    if table is not None:  # [p₀, p₁, ...]: P(X = vₖ) = pₖ on a finite support
        expr, positive = _table_pmf(table, decl)
        model = decl.finish(expr, param_specs, known_specs, notes, latex_names)
        # each probability positive (1 − p − q > 0): a constraint on the parameters, as the
        # categorical's, so that the log of each factor splits
        return dataclasses.replace(model, constraints=positive)
    expr = parsing.parse_expression(density, {**decl.symbols, var_name: decl.var},
                                    where="density", indicators=True)
    return decl.finish(expr, param_specs, known_specs, notes, latex_names)


def _table_items(density: str) -> list[str] | None:
    """The entries of a pmf written as a list, ``[2*theta/3, theta/3, 1 - theta]``."""
    text = density.strip()
    if not (text.startswith("[") and text.endswith("]")):
        return None
    from .vector import _split_top

    return [item.strip() for item in _split_top(text[1:-1])]


def _table_pmf(items: list[str], decl: "_Declared") -> tuple[sp.Expr, tuple[sp.Expr, ...]]:
    """A pmf given as a table: one probability per value of a finite support, in order; and
    the probabilities not known to be positive from the parameters' domains (constraints)."""
    from .counts import oriented_factors, support_values, table_density

    empty = [k for k, item in enumerate(items, 1) if not item]
    if empty:
        raise ModelSpecError(f"entry {empty[0]} of the list of probabilities is empty; write "
                             "one probability per support value, '[p0, p1, ...]'",
                             where="density")
    values = support_values(decl.support)
    if values is None:
        raise ModelSpecError("a pmf given as a list [p_1, ..., p_K] needs a finite support of K "
                             "numbers, e.g. '{0, 1, 2}' (at most 12 values)", where="support")
    probs = [parsing.parse_expression(item, {**decl.symbols, decl.var.name: decl.var},
                                      where=f"density, entry {k}")
             for k, item in enumerate(items, 1)]
    point = {}  # a parameter value inside the space: the sign of each factor there
    for name, dom in decl.domains.items():
        typical = dom.typical_values()
        point[decl.symbols[name]] = typical[len(typical) // 2]
    expr = table_density(probs, values, decl.var, point)
    # the factors not known to be positive (1 − θ): constraints c > 0, as the categorical's
    positive = {b: None for p in probs for b, _ in oriented_factors(p, point)[1]
                if not b.is_positive}
    return expr, tuple(positive)


@dataclass(frozen=True)
class _Declared:
    """Symbols with the assumptions of their domains, the support and the variable."""

    symbols: dict[str, sp.Symbol]
    domains: dict[str, Domain]
    support: Support
    var: sp.Symbol
    swap: dict[sp.Symbol, sp.Symbol]  # plain Symbol(name) -> the declared symbol

    def finish(self, expr: sp.Expr, param_specs: Mapping, known_specs: Mapping,
               notes: list[str], latex_names: Mapping[str, str] | None) -> Model:
        return _finish(expr, self.var, [self.symbols[n] for n in param_specs],
                       [self.symbols[n] for n in known_specs],
                       {self.symbols[n]: d for n, d in self.domains.items()}, self.support,
                       notes, latex_names)


def _declare(known_specs: Mapping, param_specs: Mapping, support: "str | Support",
             var_name: str, notes: list[str]) -> _Declared:
    # domains may mention known constants: make plain symbols first, then the real ones
    plain = {n: sp.Symbol(n) for n in (*known_specs, *param_specs)}
    domains = {n: _domain(spec, n, notes, "known constant", plain)
               for n, spec in known_specs.items()}
    domains.update({n: _domain(spec, n, notes, "parameter", plain)
                    for n, spec in param_specs.items()})
    symbols = {n: sp.Symbol(n, **domains[n].assumptions()) for n in domains}
    swap = {plain[n]: symbols[n] for n in symbols}
    domains = {n: _subs_domain(d, swap) for n, d in domains.items()}
    supp = (support.subs(swap) if isinstance(support, Support)
            else parsing.parse_support(support, var_name, symbols))
    return _Declared(symbols, domains, supp, sp.Symbol(var_name, **supp.assumptions()), swap)


def _subs_domain(d: Domain, swap: Mapping[sp.Symbol, sp.Symbol]) -> Domain:
    return Domain(sp.sympify(d.lower).xreplace(swap), sp.sympify(d.upper).xreplace(swap),
                  d.left_open, d.right_open, d.integer)


def _finish(expr: sp.Expr, x: sp.Symbol, params: list[sp.Symbol], known: list[sp.Symbol],
            domains: dict[sp.Symbol, Domain], supp: Support, notes: list[str],
            latex_names: Mapping[str, str] | None) -> Model:
    free = expr.free_symbols | supp.free_symbols
    for p in params:
        if p not in free:
            raise UnusedParameterError(f"parameter {p.name!r} does not appear in the density or "
                                       "the support", where="density")
    for k in known:
        if k not in free:
            raise UnusedParameterError(f"known constant {k.name!r} does not appear in the "
                                       "density or the support", where="density")
    stray = free - set(params) - set(known) - {x}
    if stray:
        name = sorted(s.name for s in stray)[0]
        raise UnknownNameError(f"name {name!r} is neither the variable, a parameter nor a known "
                               "constant", where="density")
    if expr.has(sp.Integral, sp.Sum, sp.Derivative):
        raise ModelSpecError("the density may not contain integrals, sums or derivatives")
    if expr.has(sp.Piecewise):
        expr = _by_cases(expr, x, known, supp)
    names = {s.name: s for s in (*params, *known, x)}
    if latex_names is not None and not isinstance(latex_names, Mapping):
        raise ParseError(f"expected a mapping name -> LaTeX, not {type(latex_names).__name__}",
                         where="latex names")
    latex = {names[k]: guards.latex_name(v, k) for k, v in (latex_names or {}).items() if k in names}
    return Model(expr, x, tuple(params), tuple(known), domains, supp, latex_names=latex,
                 notes=tuple(notes))


MAX_CASES = 6  # indicators in one density (the zero-inflated Poisson has one)


def _by_cases(expr: sp.Expr, x: sp.Symbol, known: list[sp.Symbol], supp: Support) -> sp.Expr:
    """A density with indicators or cases (``pi*(x == 0) + (1 - pi)*...``) as one Piecewise
    whose cases are tested on the observation alone, each piece ``Eq(x, v)`` evaluated at v:
    ``Piecewise((pi + (1 - pi)*exp(-lambda), Eq(x, 0)), ((1 - pi)*..., True))``.

    Raises
    ------
    ModelSpecError
        A case that tests a parameter (the support is where that belongs), or a point of a
        continuous support (it has probability zero).
    """
    pieces = expr.atoms(sp.Piecewise)
    if len(pieces) > MAX_CASES:  # folding k of them can make 2^k cases
        raise ModelSpecError(f"the density has {len(pieces)} indicators or sets of cases; at "
                             f"most {MAX_CASES} are allowed", where="density")
    for piece in pieces:
        for _, cond in piece.args:
            other = sorted(s.name for s in cond.free_symbols - {x} - set(known))
            if other:
                raise ModelSpecError(
                    f"the case {cond} tests {other[0]!r}: an indicator or a case of the density "
                    f"may test the observation {x.name} (and known constants) only; a range of "
                    f"{x.name} that depends on a parameter belongs in the support",
                    where="density")
            if not supp.discrete and cond.atoms(sp.Eq):
                raise ModelSpecError(
                    f"the case {cond} is a single point of the continuous support "
                    f"{supp.describe(x.name)}, which has probability zero: an indicator of "
                    f"{x.name} == v belongs in a pmf (a discrete support)", where="density")
    folded = sp.piecewise_fold(expr)
    if not isinstance(folded, sp.Piecewise):
        return folded
    cases = []
    for value, cond in folded.args:
        if isinstance(cond, sp.Eq) and x in cond.free_symbols:
            at = sp.solve(cond, x)
            if len(at) == 1:
                value = value.subs(x, at[0])
        cases.append((value, cond))
    return sp.Piecewise(*cases)


def _from_expr(expr: sp.Basic, *, var: str | None, params: ParamSpec, known: ParamSpec,
               support: "str | Support | None",
               latex_names: Mapping[str, str] | None) -> Model:
    """A SymPy expression: re-create its symbols with the declared assumptions."""
    if not isinstance(expr, sp.Expr):
        raise ModelSpecError(f"a density must be an expression, not {type(expr).__name__}")
    names = {s.name for s in expr.free_symbols}
    var_name = var or ("x" if "x" in names else None)
    if var_name is None:
        raise ModelSpecError("cannot tell which symbol is the observation: give var=...")
    if support is None:
        raise ModelSpecError(f"the support of {var_name} is missing", where="support")
    if params is None:
        known_names = set(_normalize_specs(known, "known constant"))
        params = {n: None for n in sorted(names - {var_name} - known_names)}
    # re-create the expression's symbols with the declared assumptions, matched by name
    plain = expr.xreplace({s: sp.Symbol(s.name) for s in expr.free_symbols})
    model = _from_strings_expr(plain, var_name, params, known, support, latex_names)
    return model


def _from_strings_expr(plain: sp.Expr, var_name: str, params: ParamSpec, known: ParamSpec,
                       support: "str | Support", latex_names: Mapping[str, str] | None) -> Model:
    guards.check_expression(plain)
    if _variable(var_name) != var_name:
        raise ParseError(f"the variable must be a plain name, not {var_name[:60]!r}",
                         where="variable")
    notes: list[str] = []
    known_specs = _normalize_specs(known, "known constant")
    param_specs = _normalize_specs(params, "parameter")
    decl = _declare(known_specs, param_specs, support, var_name, notes)
    expr = plain.xreplace({**decl.swap, sp.Symbol(var_name): decl.var})
    return decl.finish(expr, param_specs, known_specs, notes, latex_names)


def _from_stats(rv: Any, *, var: str | None, params: ParamSpec, known: ParamSpec,
                support: "str | Support | None") -> Model:
    """A ``sympy.stats`` random variable: its density and its set become the model (a given
    ``support`` replaces the set), and a parameter the caller does not give a domain takes the
    one the variable states (see :mod:`symmle.stats_input`)."""
    var_name = _variable(var) if var else "x"
    expr, supp, stated = stats_input.read_random_symbol(rv, var_name)
    free = sorted(s.name for s in expr.free_symbols | supp.free_symbols if s.name != var_name)
    if support is not None:
        supp = support
    known_specs = _normalize_specs(known, "known constant")
    param_specs = (_normalize_specs(params, "parameter") if params is not None
                   else {n: None for n in free if n not in known_specs})
    for specs in (param_specs, known_specs):
        for name, spec in specs.items():
            if spec is None and name in stated:
                specs[name] = stated[name]
    return _from_strings_expr(expr, var_name, param_specs, known_specs, supp, None)


def symbols_of(model: Model) -> Iterable[sp.Symbol]:
    """Parameters, then known constants."""
    return (*model.params, *model.known)
