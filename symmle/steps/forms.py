"""Textbook forms of a derivation, computed from the public :class:`~symmle.derivation.Derivation`.

The engine solves in sufficient-statistic symbols; a student reads ℓ(θ) as the sum over the
sample of the *unexpanded* log density, −(n/2) log(2πσ²) − (1/(2σ²)) Σ (x_i − μ)², and solves
the likelihood equation one move at a time. :class:`Context` builds those forms (the density
with its constant as one power, ℓ term by term, the score, the product simplified), and
Each form is compared with the engine's result (``equivalent``); on any disagreement the
engine's own expression is shown instead.

Examples
--------
>>> from symmle import derive
>>> c = Context(derive("bernoulli"))
>>> c.ell_linear
Terms(log(p)*Sum(x[i], (i, 1, n)), (n - Sum(x[i], (i, 1, n)))*log(1 - p))
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Sequence

import sympy as sp

from ..latex import ELL, Factors, Indicator, Terms, Times, bar, hat, names_of, text as text_of
from ..likelihood import expand_log_proven, var_domain
from ..notation import I, N, atomic_sums, equivalent, linearize, realify
from ..spaces import prove_sign

if TYPE_CHECKING:  # pragma: no cover
    from ..derivation import Derivation

__all__ = ["Context", "signed", "root_form", "display_value", "with_bar", "pull", "dl", "join",
           "reason", "sentence"]


def join(items: Sequence[Any], last: str = " and ") -> list[Any]:
    """``[a, ", ", b, " and ", c]``: prose parts listing math objects."""
    out: list[Any] = []
    for k, item in enumerate(items):
        if k:
            out.append(last if k == len(items) - 1 else ", ")
        out.append(item)
    return out


def reason(message: str, words: dict[str, str] | None = None) -> str:
    """An engine message with SymPy syntax made readable (``oo`` → ∞, ``p_hat`` → p̂,
    ``Sum(x[i], (i, 1, n))`` → Σ xᵢ, and ``words``: name → text, for statistics and Greek)."""
    for name, word in sorted((words or {}).items(), key=lambda kv: -len(kv[0])):
        message = re.sub(rf"(?<![A-Za-z0-9_])(d?){re.escape(name)}(?![A-Za-z0-9_])",
                         lambda m: m.group(1) + word, message)

    def total(m: re.Match) -> str:
        body = m.group(1)
        simple = re.fullmatch(r"([\w\[\]]+|\w+\([\w\[\]]+\))(\*\*\d)?", body)
        out = "Σ " + (body if simple else f"({body})")
        return f"({out})" if message[m.end():m.end() + 2] == "**" else out
    message = re.sub(r"Sum\((.*?), \(i, 1, n\)\)", total, message)
    message = re.sub(r"\b(\w+)\[i\]", r"\1ᵢ", message)
    message = re.sub(r"\boo\b", "∞", message)
    message = re.sub(r"\bdl/d", "dℓ/d", message).replace(">=", "≥").replace("<=", "≤")
    message = re.sub(r"\*\*(\d)\b", lambda m: "⁰¹²³⁴⁵⁶⁷⁸⁹"[int(m.group(1))], message)
    message = re.sub(r"\b(\w+?)_hat\b", lambda m: m.group(1) + "\u0302", message)
    return message.replace("**", "^").replace("*", "·")


def reasons(parts: Any, words: dict[str, str] | None = None) -> list[Any]:
    """An engine message given as prose parts (or one string): :func:`reason` on each string,
    SymPy objects and :class:`~symmle.latex.Inline` fragments kept for inline math."""
    if isinstance(parts, str):
        parts = (parts,)
    return [reason(p, words) if isinstance(p, str) else p for p in parts]


def sentences(parts: Any, words: dict[str, str] | None = None) -> list[Any]:
    """:func:`reasons` as a sentence: first letter up, a full stop at the end."""
    out = reasons(parts, words)
    if out and isinstance(out[0], str):
        out[0] = out[0].lstrip()
        out[0] = out[0][:1].upper() + out[0][1:]
    if out and isinstance(out[-1], str):
        out[-1] = out[-1].rstrip()
    if not (out and isinstance(out[-1], str) and out[-1].endswith(".")):
        out.append(".")
    return out


def sentence(message: str) -> str:
    """First letter up, a full stop at the end."""
    message = message.strip()
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")


def dl(c: "Context", p: sp.Symbol, order: int = 1) -> sp.Derivative:
    """dℓ/dθ (or ∂ℓ/∂θ) as a display object."""
    return sp.Derivative(ELL(*c.params), (p, order))


def _fractions(e: sp.Expr) -> int:
    """How many divisions by a term of the data an expression has (a fraction in a fraction
    counts twice)."""
    return sum(1 for a in sp.preorder_traversal(e)
               if a.is_Pow and a.exp.is_negative and a.base.has(I) and not a.base.is_Atom
               and not isinstance(a.base, sp.Indexed))


def tidy_summand(body: sp.Expr) -> sp.Expr:
    """A summand with a fraction inside a fraction as one fraction, simplified in the residual
    it is written in: (2(xᵢ − θ)(θ − xᵢ)/((xᵢ − θ)² + 1) + 1)/((xᵢ − θ)² + 1) →
    (1 − (xᵢ − θ)²)/((xᵢ − θ)² + 1)². Unchanged when it has no nested fraction.

    Examples
    --------
    >>> t, x = sp.Symbol("theta", real=True), sp.IndexedBase("x")[I]
    >>> tidy_summand((2*(x - t)*(t - x)/((x - t)**2 + 1) + 1)/((x - t)**2 + 1))
    (1 - (-theta + x[i])**2)/((-theta + x[i])**2 + 1)**2
    """
    before = _fractions(body)
    if before < 2:
        return body
    obs = [a for a in body.atoms(sp.Indexed)]
    candidates = [(body, 1)]
    u = sp.Dummy("u", real=True)
    adds = {a for a in sp.preorder_traversal(body) if a.is_Add and len(obs) == 1}
    for a in sorted(adds, key=sp.default_sort_key):
        coeff = a.coeff(obs[0])
        if coeff not in (1, -1) or (a - coeff * obs[0]).has(I):
            continue
        in_u = body.xreplace({obs[0]: (u - (a - coeff * obs[0])) / coeff})
        num, den = sp.fraction(sp.cancel(sp.together(in_u)))
        # the residual written observation first, xᵢ − θ
        candidates.append(((sp.expand(num) / sp.factor(den)).xreplace({u: coeff * a}), 0))
    num, den = sp.fraction(sp.cancel(sp.together(body)))
    candidates.append((num / sp.factor(den), 1))
    return min(candidates, key=lambda c: (_fractions(c[0]), len(str(c[0])), c[1],
                                          sp.default_sort_key(c[0])))[0]


def _merge_powers(powers: list[sp.Expr]) -> list[sp.Expr]:
    """Powers with one exponent as the power of the product of their bases: θ^{−n} 2^{−n} →
    (2θ)^{−n}, the first of them keeping its place."""
    out: list[sp.Expr] = []
    for f in powers:
        same = next((k for k, g in enumerate(out) if f.is_Pow and g.is_Pow and g.exp == f.exp
                     and not f.base.is_Add and not g.base.is_Add), None)
        if same is None:
            out.append(f)
        else:
            g = out[same]
            out[same] = sp.Pow(sp.Mul(g.base, f.base), f.exp, evaluate=False)
    return out


def pull(expr: sp.Expr) -> sp.Expr:
    """Constant factors out of every sum, with the data term leading with a plus sign."""
    expr = realify(expr)

    def one(s: sp.Sum) -> sp.Expr:
        body = sp.factor_terms(tidy_summand(s.function))
        outside, inside = [], []
        for f in sp.Mul.make_args(body):
            (inside if f.has(I) else outside).append(f)
        core = sp.Mul(*inside)
        if core.is_Add and all(t.could_extract_minus_sign() for t in core.args
                               if t.has(sp.Indexed)):
            core, outside = -core, outside + [-1]
        elif core.is_Mul:  # (θ − xᵢ)/((xᵢ − θ)² + 1) → −(xᵢ − θ)/(…): the data term leads
            flip = [f for f in core.args if f.is_Add and f.has(sp.Indexed) and all(
                t.could_extract_minus_sign() for t in f.args if t.has(sp.Indexed))]
            if len(flip) == 1:
                core = core.xreplace({flip[0]: -flip[0]})
                outside = outside + [-1]
        if isinstance(core, sp.Abs) and core.args[0].is_Add and all(
                t.could_extract_minus_sign() for t in core.args[0].args if t.has(sp.Indexed)):
            core = sp.Abs(-core.args[0], evaluate=False)
        if not core.has(I):
            return sp.Mul(*outside) * core * N
        return sp.Mul(*outside) * sp.Sum(core, *s.limits)
    return expr.replace(lambda e: isinstance(e, sp.Sum) and e.has(I), one)


def _simpler_sum(s: sp.Expr) -> sp.Expr:
    """Σ(1 − x_i) → n − Σx_i: linearize a parameter-free sum when one atomic sum remains."""
    lin = linearize(s)
    return lin if lin != s and len(atomic_sums(lin)) <= 1 else s


def signed(c: "Context", expr: sp.Expr) -> sp.Expr:
    """Factor, and write factors that are negative on the parameter space with a visible minus
    sign: n/(p(p − 1)) → −n/(p(1 − p))."""

    if expr.has(sp.Sum):
        return expr
    expr = sp.factor(sp.cancel(expr))
    flips = {}
    for f in sp.preorder_traversal(expr):
        if isinstance(f, sp.Add) and f.free_symbols and not f.has(sp.Sum):
            if prove_sign(-f, c.domains, "positive") is True:
                flips[f] = sp.Mul(-1, -f, evaluate=False)
    return expr.xreplace(flips) if flips else expr


def root_form(c: "Context", expr: sp.Expr) -> sp.Expr:
    """√(a)·√(b)/√n → √(ab/n), unevaluated, for standard errors; a squared factor that is
    positive comes out of the root, as a textbook writes it: √(θ̂²/n) → θ̂/√n,
    √(2σ̂⁴/n) → σ̂²√(2/n)."""
    sq = sp.factor(sp.cancel(sp.powsimp(expr ** 2, force=True)))
    if sq.is_Pow and sq.exp == 2 or not sq.free_symbols:
        return expr
    outside, inside = [], []
    params = {hat(p): p for p in c.params}
    for f in sp.Mul.make_args(sq):
        base, e = f.as_base_exp()
        half = int(e / 2) if e.is_Integer and base.free_symbols - {N} else 0
        if half and e % 2 == 0 and prove_sign(base.xreplace(params), c.domains,
                                              "negative") is True:
            base = -base  # (θ̂ − 1)² is (1 − θ̂)², and 1 − θ̂ > 0
        if half and prove_sign(base.xreplace(params), c.domains, "positive") is True:
            outside.append(base ** half)
            inside.append(base ** (e - 2 * half))
        else:
            inside.append(f)
    rest = signed(c, sp.Mul(*inside))
    num, den = sp.fraction(rest)
    if not outside or num.has(sp.Function):  # ψ'(α̂)/(n(…)) stays one fraction under the root
        return sp.Pow(signed(c, sq), sp.S.Half, evaluate=False)
    factor = sp.Mul(*outside)
    if num == 1:  # θ̂/√n: the root in the denominator, the number under it (σ̂/√(2n))
        root = (den ** -sp.S.Half if den.is_Symbol else
                sp.Pow(sp.Pow(den, sp.S.Half, evaluate=False), -1, evaluate=False))
    else:
        root = sp.Pow(rest, sp.S.Half, evaluate=False)
    # the factor first, the root after it: (1 − θ̂)√(θ̂/n), θ̂/√n
    return Factors(factor, root) if num != 1 and factor.is_Add else sp.Mul(factor, root,
                                                                           evaluate=False)


def display_value(c: "Context", value: sp.Expr) -> sp.Expr:
    """A sample-notation value with x̄ for Σx_i/n where that makes it shorter."""
    return with_bar(c, value)[-1]


def with_bar(c: "Context", value: sp.Expr) -> list[sp.Expr]:
    forms = [pull(value)]
    total = sp.Sum(c.xi, (I, 1, N))
    if value.has(total) and not value.has(c.xbar):
        b = value.xreplace({total: N * c.xbar})
        b = b if b.has(sp.Sum) else sp.factor(b)
        b = b.xreplace({s: pull(s) for s in b.atoms(sp.Sum)})
        outside = [s for s in b.atoms(sp.Sum) if not s.has(c.xbar)]
        if len(text_of(b)) < len(text_of(forms[0])) and not any(
                not any(s in t.atoms(sp.Sum) for t in b.atoms(sp.Sum) if t != s and t.has(c.xbar))
                for s in outside):
            forms.append(b)
    last = forms[-1]
    square = sp.powsimp(sp.expand_power_base(last ** 2, force=True), force=True)
    def roots(e: sp.Expr) -> int:
        return sum(1 for a in sp.preorder_traversal(e) if a.is_Pow and abs(a.exp) == sp.S.Half)
    if roots(last) > 1 and roots(square) == 0:
        forms.append(sp.Pow(square, sp.S.Half, evaluate=False))
    return forms


def _nice_power(c: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """A constant factor as B**e with e = ±1/q when that removes its radicals:
    √2/(2√π√σ²) → (2πσ², −1/2)."""
    exps = [f.as_base_exp()[1] for f in sp.Mul.make_args(c) if not f.is_Rational]
    if not exps or not all(e.is_Rational for e in exps):
        return c, sp.Integer(1)
    q = sp.ilcm(*[sp.Rational(e).q for e in exps]) if len(exps) > 1 else sp.Rational(exps[0]).q
    if q == 1:
        return c, sp.Integer(1)
    e = sp.Rational(-1 if any(x < 0 for x in exps) else 1, q)
    base = sp.powsimp(c ** (1 / e), force=True)
    if any(isinstance(a, sp.Pow) and not a.exp.is_Integer for a in sp.preorder_traversal(base)):
        return c, sp.Integer(1)
    return base, e


def _as_log(term: sp.Expr) -> tuple[sp.Expr, sp.Expr] | None:
    """term = k·log(b) → (b, k)."""
    logs = [f for f in sp.Mul.make_args(term) if isinstance(f, sp.log)]
    if len(logs) != 1:
        return None
    return logs[0].args[0], sp.Mul(*[f for f in sp.Mul.make_args(term) if f is not logs[0]])


def _times(a: sp.Expr, b: sp.Expr) -> sp.Expr:
    """a·b, with a coefficient such as −α − 1 shown as −(α + 1)."""
    if a.is_Add and all(t.could_extract_minus_sign() for t in a.args):
        return sp.Mul(-1, -a, b)
    return a * b


def _add(terms: Sequence[sp.Expr]) -> sp.Expr:
    return Terms(*terms) if len(terms) > 1 else (terms[0] if terms else sp.Integer(0))


class Context:
    """The textbook forms of one derivation (built once, read by :mod:`symmle.steps`).

    Attributes
    ----------
    density
        f(x | θ) with its constant factor as one power: (2πσ²)^(−1/2) e^(...).
    ell_terms, ell, ell_linear
        ℓ as Σ_i [log f(x_i | θ) term by term], grouped (n·g₀ + Σ g_j Σ_i h_j(x_i) + c), and
        with parameter-free sums linearized where that leaves one statistic (n − Σx_i).
    product, product_linear
        L(θ) simplified (equal bases collected).
    score, score_chain
        Parameter → dℓ/dθ, simplified and as the chain rule gives it term by term.
    moves
        :class:`Move` s that solve the likelihood equations.
    mle, mle_forms
        Parameter → MLE (sample notation) and its display forms (with x̄), or ``None``.
    """

    def __init__(self, d: "Derivation") -> None:
        self.d, m = d, d.model
        self.model, self.params, self.var = m, tuple(m.params), m.var
        self.names = names_of(m.latex_names)
        self.xi = sp.IndexedBase(m.var.name)[I]
        self.xbar = bar(m.var)
        self.domains = {s: m.domains[s] for s in (*m.params, *m.known)}
        self.domains.update({hat(p): m.domains[p] for p in m.params})
        self.moving = m.support_depends_on_params
        sup = getattr(d.solution, "support", None)
        self.support_solution = sup
        self.x_min, self.x_max = sup.order_statistics if sup is not None else (
            sp.Symbol(f"{m.var.name}_min"), sp.Symbol(f"{m.var.name}_max"))
        self.median_solution = getattr(d.solution, "median", None)
        self.x_med = (self.median_solution.median if self.median_solution is not None
                      else sp.Symbol(f"{m.var.name}_med", real=True))
        self.indicators = self._indicators()
        self._terms()
        self._ell()
        self._product()
        self._score()
        self.words = {s.symbol.name: text_of(s.sum, self.names).replace("_i", "ᵢ")
                      for s in d.log_likelihood.statistics}
        self.words.update({s.name: text_of(s, self.names) for s in (*m.params, *m.known)})
        self.words.update({self.x_min.name: f"{m.var.name}₍₁₎", self.x_max.name: f"{m.var.name}₍ₙ₎",
                           self.x_med.name: f"{m.var.name}\u0303"})
        self.moves: list = []
        self.mle: dict[sp.Symbol, sp.Expr] | None = None
        self.mle_forms: dict[sp.Symbol, list[sp.Expr]] = {}
        self.equations: set[sp.Symbol] = set(self.params)

    def _indicators(self) -> tuple[sp.Expr, ...]:
        """1{l(θ) ≤ x₍₁₎} and 1{x₍ₙ₎ ≤ u(θ)} for support ends that move with θ."""
        s, pset = self.model.support, set(self.params)
        out = []
        lo, hi = sp.sympify(s.lower), sp.sympify(s.upper)
        if lo.free_symbols & pset:
            out.append(Indicator(sp.Le(lo, self.x_min, evaluate=False)))
        if hi.free_symbols & pset:
            out.append(Indicator(sp.Le(self.x_max, hi, evaluate=False)))
        # 1{θ ≤ xᵢ} for x > θ, not 1{θ ≤ xᵢ ∧ xᵢ ≤ ∞}
        self.indicator_i = Indicator(sp.Le(self.xi, hi, evaluate=False) if lo == -sp.oo else
                                     sp.Le(lo, self.xi, evaluate=False) if hi == sp.oo else
                                     sp.And(sp.Le(lo, self.xi, evaluate=False),
                                            sp.Le(self.xi, hi, evaluate=False), evaluate=False))
        return tuple(out)

    # -- ℓ term by term -------------------------------------------------------------------------
    def _terms(self) -> None:
        m, x = self.model, self.var
        pset = set(self.params)
        doms = dict(m.domains)
        doms[x] = var_domain(m)
        # constraints such as 1 − p₁ − p₂ > 0 are positive: stand-ins let their logs split
        stand = {c: sp.Symbol(f"_c{k}", positive=True) for k, c in enumerate(m.constraints)}
        density = m.density.xreplace(stand)

        def split_log(e: sp.Expr) -> list[sp.Expr]:
            logs = expand_log_proven(sp.log(e), doms, True)
            return [t.xreplace({v: k for k, v in stand.items()}) for t in sp.Add.make_args(logs)]
        free = [f for f in sp.Mul.make_args(density) if x not in f.free_symbols]
        dep = sp.Mul(*[f for f in sp.Mul.make_args(density) if x in f.free_symbols])
        exps = [f for f in free if isinstance(f, sp.exp)]
        const = sp.Mul(*[f for f in free if not isinstance(f, sp.exp)])
        base, e = _nice_power(const)
        self.power = (base, e) if e != 1 else None
        entries: list[tuple[str, sp.Expr, sp.Expr | None]] = []
        if self.power:
            entries.append(("power", e * sp.log(base, evaluate=False), None))
        elif const != 1:
            entries += [("free", t, None) for t in split_log(const)]
        entries += [("free", f.args[0], None) for f in exps]
        if dep != 1:
            for t in split_log(dep):
                a = sp.Mul(*[f for f in sp.Mul.make_args(t) if x not in f.free_symbols])
                h = sp.Mul(*[f for f in sp.Mul.make_args(t) if x in f.free_symbols])
                entries.append(("data", a, h))
        self.density = m.density if not self.power else Factors(
            sp.Pow(base, e, evaluate=False), *exps, dep.xreplace({v: k for k, v in stand.items()}))
        self.density_raw = m.density
        order = {"power": 0, "free": 1, "data": 2}

        def key(entry: tuple) -> tuple:
            kind, a, h = entry
            theta = bool((a if h is None else a * h).free_symbols & pset)
            return (0 if theta else 1, order[kind], sp.count_ops(a), sp.default_sort_key(a))
        entries.sort(key=key)
        self.entries = [(k, a, h) for k, a, h in entries if a != 0]
        self.terms = [a if h is None else a * h for _, a, h in self.entries]

    def _ell(self) -> None:
        x, xi, pset = self.var, self.xi, set(self.params)
        self.ell_terms = sp.Sum(_add([_times(*t.xreplace({x: xi}).as_independent(xi))
                                      if t.is_Mul else t.xreplace({x: xi}) for t in self.terms]),
                                (I, 1, N))
        plain_terms, linear_terms, stats = [], [], []
        for kind, a, h in self.entries:
            if h is None or x not in h.free_symbols:  # Σ μ is nμ, no Σ 1 in between
                term = a if h is None else a * h
                plain_terms.append(_times(N, term))
                linear_terms.append(_times(N, term))
                continue
            s = sp.Sum(h.xreplace({x: xi}), (I, 1, N))
            lin = _simpler_sum(s) if not h.free_symbols & pset else s
            plain_terms.append(_times(a, s))
            linear_terms.append(_times(a, lin))
            if a.free_symbols & pset and not h.free_symbols & pset:
                stats.extend(atomic_sums(lin) if lin != s else [s])
        self.ell = _add(plain_terms)
        self.ell_linear = _add(linear_terms)
        self.ell_value = sp.Add(*linear_terms)
        self.stats = list(dict.fromkeys(stats))
        target = self.d.log_likelihood_sample
        if not equivalent(self.ell_value, target, positive=True):  # pragma: no cover - guard
            self.ell = self.ell_linear = self.ell_value = target

    # -- the product ------------------------------------------------------------------------------
    def _product(self) -> None:
        pset, x = set(self.params), self.var
        out = []
        for linear in (False, True):
            powers, exponent, products = [], [], []
            for kind, a, h in self.entries:
                if kind == "power":
                    powers.append(sp.Pow(self.power[0], self.power[1] * N, evaluate=False))
                    continue
                term = a if h is None else a * h
                split = _as_log(term)
                s = None
                if h is not None and x not in h.free_symbols:  # Σ 1 is n
                    s = _times(N, h) if h != 1 else N
                elif h is not None:
                    s = sp.Sum(h.xreplace({x: self.xi}), (I, 1, N))
                    s = _simpler_sum(s) if linear and not h.free_symbols & pset else s
                if split is None:
                    exponent.append(_times(N, a) if h is None else _times(a, s))
                    continue
                b, k = split
                if x not in b.free_symbols and not k.free_symbols & pset:
                    total = _times(N, k) if x not in k.free_symbols else _times(
                        k.as_independent(x, as_Add=False)[0],
                        sp.Sum(k.as_independent(x, as_Add=False)[1].xreplace({x: self.xi}),
                               (I, 1, N)))
                    if linear and total.has(sp.Sum):
                        total = total.xreplace({q: _simpler_sum(q) for q in total.atoms(sp.Sum)})
                    powers.append(sp.Pow(b, total, evaluate=False))
                elif x not in b.free_symbols:
                    powers.append(sp.Pow(b, _times(N, k), evaluate=False))
                elif not b.free_symbols & pset and x not in k.free_symbols:
                    products.append(sp.Pow(sp.Product(b.xreplace({x: self.xi}), (I, 1, N)), k,
                                           evaluate=False) if k != 1 else
                                    sp.Product(b.xreplace({x: self.xi}), (I, 1, N)))
                elif k.is_number and not b.has(sp.exp) or k.is_number and b.is_Add:
                    # x and θ together in the base (Cauchy's 1 + (x − θ)²): a product of the
                    # bases stays a product, not e^{−Σ log(…)}
                    prod = sp.Product(b.xreplace({x: self.xi}), (I, 1, N))
                    products.append(prod if k == 1 else sp.Pow(prod, k, evaluate=False))
                else:
                    exponent.append(_times(N, a) if h is None else _times(a, s))
            factors = _merge_powers(powers) + ([sp.exp(sp.Add(*exponent))] if exponent
                                               else []) + products
            factors += list(self.indicators) if self.moving else []
            out.append(Factors(*factors) if len(factors) > 1 else
                       (factors[0] if factors else sp.Integer(1)))
        self.product, self.product_linear = out
        parts = self.density.args if isinstance(self.density, Factors) else \
            sp.Mul.make_args(self.density_raw)
        def each(f: sp.Expr) -> sp.Expr:
            if f.is_Pow and f.exp.is_number and f.exp < 0 and x in f.base.free_symbols:
                # ∏ 1/x_i! → 1/∏ x_i!
                return sp.Pow(sp.Product(f.base.xreplace({x: self.xi}), (I, 1, N)), f.exp,
                              evaluate=False)
            return sp.Product(f.xreplace({x: self.xi}), (I, 1, N))
        split = [each(f) for f in parts]
        if self.moving:  # the indicators are factors of L too: ∏ 1{0 ≤ xᵢ ≤ θ}
            split.append(sp.Product(self.indicator_i, (I, 1, N)))
        self.product_split = Factors(*split) if len(split) > 1 else None

    # -- the score ---------------------------------------------------------------------------------
    def _score(self) -> None:
        self.score, self.score_chain, self.second = {}, {}, {}
        for k, p in enumerate(self.params):
            s = pull(sp.diff(self.ell_value, p))
            if not equivalent(s, self.d.score[k], positive=True):  # pragma: no cover - guard
                s = pull(self.d.score[k])
            self.score[p] = s
            pieces = []
            for t in self.ell_linear.args if isinstance(self.ell_linear, Terms) else \
                    (self.ell_linear,):
                coeff, rest = t.as_independent(p, as_Add=False)
                if not rest.has(p):
                    continue
                num, stat = coeff.as_coeff_Mul()
                if stat.has(sp.Sum) and not stat.has(p) and not sp.diff(rest, p).is_number:
                    pieces.append(Times(stat, num * sp.diff(rest, p)))
                else:
                    pieces.append(pull(sp.diff(t, p)))
            self.score_chain[p] = _add(pieces)
            self.second[p] = pull(sp.diff(s, p))


