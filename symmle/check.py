"""``check``: which of a person's derivation steps are right, and where the first wrong one is.

The verify stage of the pipeline. It takes a model and the steps someone wrote on paper (the
log-likelihood, the score, the MLE, the Fisher information, any subset, in LaTeX or symmle's
plain syntax), derives the truth with :func:`symmle.derive`, and gives each step a verdict:

``correct``
    the same expression as symmle's (after collecting the sums);
``equivalent``
    equal for every sample and parameter value but written in another form (the message shows
    symmle's form);
``correct_up_to_constant``
    a log-likelihood that differs from the truth by a term free of the parameters;
``wrong``
    differs: with a counterexample (a sample and parameter values, both values) and, where one
    of the known slips explains it, the slip (:mod:`symmle.slips`);
``undetermined``
    symmle has no truth to compare with (no closed form, information not applicable).

The Fisher information may be claimed entry by entry (``"mu=1/sigma2"``, ``"mu,sigma2=0"``)
or as the whole matrix (``"[[1/sigma2, 0], [0, 1/(2*sigma2^2)]]"``, a LaTeX ``pmatrix`` or
``bmatrix``), rows and columns in the order of the model's parameters; a matrix is one step
whose entries each get a verdict (:attr:`StepVerdict.entries`), the first wrong one named.

Each verdict is decided symbolically (a bounded simplification of the difference) *and*
cross-checked numerically at random parameter values and random samples in the support
(:mod:`symmle.crosscheck`). When SymPy cannot simplify the difference to zero but the numbers
agree at every point, the step is accepted and the message says it was decided numerically.

Examples
--------
>>> r = check("exponential", mle={"lambda": r"\\frac{1}{\\bar{x}}"},
...           score=r"\\frac{n}{\\lambda} - \\sum_i x_i")
>>> r.steps["score"].verdict, r.steps["mle"].verdict, r.all_correct
('correct', 'correct', True)
>>> r = check("normal", mle={"mu": "xbar", "sigma2": "sum((x_i - xbar)^2)/(n-1)"})
>>> r.steps["mle.sigma2"].verdict, r.steps["mle.sigma2"].slip
('wrong', '1/(n-1) for 1/n')
"""
from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import sympy as sp

from .bounded import bounded
from .claims import (claims_by_parameter, drop_additive_constant, drop_equals_zero,
                     fisher_claims, is_definition, lhs_is_name, parse_claim, split_chain)
from .check_conditional import ConditionalView, is_conditional
from .claims_lhs import undecorate
from .claims_unicode import from_unicode
from .check_forms import as_likelihood, check_indicator, names_likelihood, wrong_factor
from .counts import count_statistics
from .crosscheck import (Evaluator, Point, agree, compare as _numeric, conditional_points, points,
                         same_sample_points)
from .derivation import Derivation, Transform, derive
from .errors import (DerivationTimeout, NonUniqueMLEError, ParseError, SymmleError,
                     UnsupportedModelError)
from .notation import I, N, median_statistic, order_statistics, to_symbols
from .render import strict_json
from .slips import Mutation, boundary_clamp, mutations

__all__ = ["check", "CheckReport", "StepVerdict", "CORRECT_VERDICTS"]

CORRECT_VERDICTS = ("correct", "equivalent", "correct_up_to_constant")
SYMBOLIC_SECONDS = 3.0
STEP_NAMES = {"log_likelihood": "log-likelihood", "score": "score", "mle": "MLE",
              "fisher": "Fisher information", "se": "standard error", "g_mle": "MLE",
              "g_se": "standard error of the MLE"}


@dataclass(frozen=True)
class StepVerdict:
    """The verdict on one claimed step."""

    name: str
    kind: str
    param: str | None
    verdict: str
    message: str
    claimed: sp.Expr
    truth: sp.Expr | None = None
    counterexample: dict | None = None
    slip: str | None = None
    decided_by: str = "symbolic and numeric"
    follows: str | None = None
    source: str = ""
    entry: tuple[str, str] | None = None
    entries: tuple["StepVerdict", ...] = ()
    matched: str = ""

    @property
    def correct(self) -> bool:
        return self.verdict in CORRECT_VERDICTS

    @property
    def first_wrong_entry(self) -> "StepVerdict | None":
        """For a whole Fisher information matrix: the first wrong entry, row by row."""
        return next((e for e in self.entries if e.verdict == "wrong"), None)

    def to_dict(self) -> dict[str, Any]:
        out = {"verdict": self.verdict, "message": self.message,
               "counterexample": self.counterexample, "slip": self.slip,
               "claimed": str(self.claimed), "truth": None if self.truth is None else
               str(self.truth), "decided_by": self.decided_by, "follows": self.follows}
        if self.entry is not None:
            out["entry"] = list(self.entry)
        if self.entries:
            first = self.first_wrong_entry
            out["entries"] = {",".join(e.entry): e.to_dict() for e in self.entries}
            out["first_wrong_entry"] = None if first is None else ",".join(first.entry)
            out["parameter_order"] = list(dict.fromkeys(e.entry[0] for e in self.entries))
        return out


@dataclass(frozen=True)
class CheckReport:
    """All verdicts, in the order log-likelihood → score → MLE → Fisher information.

    ``exit_code`` is 0 when every claimed step is correct (or equivalent, or a log-likelihood
    correct up to a constant), :class:`~symmle.errors.ClaimWrong`'s code when one is wrong, and
    :class:`~symmle.errors.ClaimUndetermined`'s when none is wrong but one could not be decided.
    """

    derivation: Derivation
    steps: dict[str, StepVerdict]
    seconds: float = 0.0
    points: int = 0
    notes: tuple[str, ...] = field(default=())

    @property
    def first_wrong(self) -> str | None:
        return next((k for k, v in self.steps.items() if v.verdict == "wrong"), None)

    @property
    def all_correct(self) -> bool:
        return all(v.correct for v in self.steps.values())

    @property
    def exit_code(self) -> int:
        from .errors import ClaimUndetermined, ClaimWrong

        if self.first_wrong:
            return ClaimWrong.exit_code
        return 0 if self.all_correct else ClaimUndetermined.exit_code

    def to_dict(self) -> dict[str, Any]:
        m = self.derivation.model
        return {"model": m.name or str(m.density), "parameters": list(self.derivation.parameters),
                "steps": {k: v.to_dict() for k, v in self.steps.items()},
                "first_wrong": self.first_wrong, "all_correct": self.all_correct,
                "random_points": self.points, "notes": list(self.notes)}

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(strict_json(self.to_dict()), indent=indent, ensure_ascii=False,
                          allow_nan=False)

    def to_text(self) -> str:
        from .render_check import render_check_text

        return render_check_text(self)

    def to_markdown(self) -> str:
        from .render_check import render_check_markdown

        return render_check_markdown(self)

    def to_latex(self, standalone: bool = False) -> str:
        from .render_check import render_check_latex

        return render_check_latex(self, standalone=standalone)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()


# -- comparing -----------------------------------------------------------------------------------
def _symbolic(claim: sp.Expr, truth: sp.Expr, params: tuple, positive: bool,
              up_to_constant: bool = False) -> str | None:
    """'same', 'equivalent', 'constant' (differs by a parameter-free term) or None (unknown)."""
    def run() -> str | None:
        if claim == truth:  # the same expression, after SymPy's automatic evaluation
            return "same"
        a, table = to_symbols(claim, positive)
        b, table = to_symbols(truth, positive, table)
        diff = a - b
        for f in (sp.expand, sp.cancel, sp.simplify):
            d = f(diff)
            if d == 0:
                return "equivalent"
            if up_to_constant and all(f(sp.diff(d, p)) == 0 for p in params):
                return "constant"
        return None

    return bounded_comparison(run)


def bounded_comparison(run: Callable[[], str | None]) -> str | None:
    """``run()``, a symbolic comparison of a claim with the truth, within SYMBOLIC_SECONDS; None
    (undecided) when it runs out of time or SymPy fails on an odd claim."""
    try:
        return bounded(run, seconds=SYMBOLIC_SECONDS, what="comparing the claim")
    except DerivationTimeout:
        return None
    except SymmleError:
        raise
    except Exception:  # noqa: BLE001 - SymPy can fail in many ways on odd claims
        return None


def _fmt(v: float) -> str:
    return "undefined" if not math.isfinite(v) else f"{v:.6g}"


def _counterexample(p: Point, a: float, b: float, kind: str = "") -> dict:
    out = p.to_dict()
    if kind in ("mle", "g_mle"):  # an estimator depends on the sample only
        out["parameters"] = {}
    out.update({"claimed": a if math.isfinite(a) else None,
                "true": b if math.isfinite(b) else None})
    return out


# -- the public function -------------------------------------------------------------------------
def check(model: Any, *, log_likelihood: str | None = None,
          score: str | Mapping[str, str] | None = None,
          mle: str | Mapping[str, str] | None = None,
          fisher: str | Mapping[str, Any] | list | None = None,
          standard_error: str | Mapping[str, str] | None = None,
          g: Mapping[str, Any] | Sequence[Mapping[str, str]] | None = None, seed: int = 0,
          derivation: Derivation | None = None, timeout: float = 30.0,
          **model_kwargs: Any) -> CheckReport:
    """Check a person's own derivation, step by step.

    Parameters
    ----------
    model
        What :func:`symmle.derive` takes: a catalog name, a density string, ...; a
        conditional model (``covariates=``, or a regression family) too, whose claims are
        written with yᵢ and the covariates xᵢ (:mod:`symmle.check_conditional`); a model
        with vector observations has its log-likelihood and MLE judged, in the sums of the
        components (:mod:`symmle.check_vector`).
    log_likelihood, score, mle, fisher
        The claimed steps (any subset), each in LaTeX (``r"\\frac{n}{\\sum_i x_i}"``) or plain
        syntax (``"n/sum(x_i)"``). ``score``, ``mle`` and ``fisher`` take a mapping parameter
        name → claim, or ``"NAME=EXPR"``, or a bare expression for a one-parameter model;
        ``fisher`` is per observation or for the n observations (either is accepted, the
        message says which); for several parameters a diagonal entry (``"mu=1/sigma2"``), an
        off-diagonal one (``"mu,sigma2=0"``, the same entry as ``"sigma2,mu=0"``), a mapping
        of such keys, or the whole matrix (``"[[1/sigma2, 0], [0, 1/(2*sigma2^2)]]"``,
        ``r"\\begin{pmatrix} ... \\end{pmatrix}"`` or ``bmatrix``, a list of lists), rows
        and columns in the order of the model's parameters. A matrix is one step,
        ``"fisher"``, with a verdict per entry (``StepVerdict.entries``); it must be per
        observation or for the n observations throughout.
    standard_error
        The asymptotic standard error of each MLE, 1/√(n I(θ)), as for ``mle``: in the
        parameters (``sqrt(lambda/n)``, ``\\hat\\lambda`` read as λ) or at the estimate
        (``\\sqrt{\\bar x/n}``); both are right.
    g
        Functions g(θ) of the parameters with the claimed MLE of each, by invariance, and its
        delta-method standard error: a mapping ``{"exp(-lambda)": r"e^{-\\bar x}"}``, or
        ``{"exp(-lambda)": {"mle": ..., "se": ...}}``, or a list of
        ``{"function": ..., "mle": ..., "se": ...}``. The steps are ``mle.g1``, ``se.g1``,
        ``mle.g2``, ... in the order given. One-sample models only.
    seed
        Seed of the random points of the numeric cross-check.
    timeout
        Seconds for the derivation, and again for judging the claims (each comparison is also
        bounded by itself); a ``DerivationTimeout`` when they run out.
    **model_kwargs
        ``var``, ``params``, ``known``, ``support``, ``timeout``, ... as for ``derive``.

    Returns
    -------
    CheckReport

    Raises
    ------
    ParseError
        A claim outside the accepted syntax (with the position).
    SymmleError
        Whatever ``derive`` raises for the model.

    Examples
    --------
    >>> r = check("poisson", mle=r"\\hat\\lambda = \\frac{\\sum_{i=1}^n x_i}{n-1}")
    >>> r.steps["mle"].verdict, r.steps["mle"].slip
    ('wrong', '1/(n-1) for 1/n')
    >>> r.exit_code
    16
    >>> r = check("normal", fisher="[[1/sigma2, 1/sigma2], [1/sigma2, 1/(2*sigma2^2)]]")
    >>> r.steps["fisher"].verdict, r.steps["fisher"].first_wrong_entry.entry
    ('wrong', ('mu', 'sigma2'))
    """
    from .check_matrix import judge_entry, judge_matrix, one_scale  # built on _judge, below

    started = time.perf_counter()
    # \therefore, \boxed{..}, \overset{!}{=} blanked; L(θ) \propto .. as L(θ) = .. (ℓ up to C)
    log_likelihood, score, mle, fisher, standard_error = (
        _undecorated(v) for v in (log_likelihood, score, mle, fisher, standard_error))
    log_likelihood = _proportional(log_likelihood)
    try:
        d = derivation or derive(model, timeout=timeout, **model_kwargs)
    except NonUniqueMLEError as exc:  # Uniform(θ, θ + 1): any θ of a set is an MLE
        from .check_flat import check_flat

        return check_flat(model, exc, log_likelihood=log_likelihood, score=score, mle=mle,
                          fisher=fisher, standard_error=standard_error, g=g, seed=seed,
                          started=started, **model_kwargs)
    if not isinstance(d, Derivation) and not is_conditional(d) and getattr(d.model, "vars", ()):
        from .check_vector import check_vector  # a vector observation: ℓ and the MLE judged

        return check_vector(d, log_likelihood=log_likelihood, score=score, mle=mle,
                            fisher=fisher, standard_error=standard_error, g=g, seed=seed,
                            timeout=timeout, started=started)
    _refuse_unsupported(d)
    covariates: tuple[sp.Symbol, ...] = ()
    if is_conditional(d):  # claims in yᵢ and xᵢ; the points carry the covariates' columns
        d = ConditionalView(d)
        covariates = tuple(d.model.covariates)
    m = d.model
    names = list(d.parameters)
    params = m.params
    by_name = {p.name: p for p in params}
    latex_names = {p: t for p, t in (getattr(m, "latex_names", None) or {}).items()
                   if p in params}
    aliases = {t: p.name for p, t in latex_names.items()}
    counts = count_statistics(m)  # n_0, n_1, ... on a finite support
    stats = (d.solution.support.order_statistics if d.solution.support is not None
             else order_statistics(m.var))
    median = (d.solution.median.median if d.solution.median is not None
              else median_statistic(m.var))
    obs = sp.IndexedBase(m.var.name)[I]
    positive = bool(m.support.lower.is_nonnegative) if m.support.lower.is_finite else False

    def parse(text: Any, where: str) -> sp.Expr:
        return parse_claim(text, params, m.var, m.known, where=where, order_stats=stats,
                           median=median, covariates=covariates, latex_names=latex_names,
                           sample_names=counts)

    claims: list[tuple[str, str, str | None, str]] = []
    constant_dropped = likelihood = False
    if log_likelihood is not None:
        if isinstance(log_likelihood, str):
            likelihood = names_likelihood(log_likelihood)
            log_likelihood, constant_dropped = drop_additive_constant(
                log_likelihood, [s.name for s in (*params, *m.known)])
        claims.append(("log_likelihood", "log_likelihood", None, log_likelihood))
    if isinstance(score, str):  # the score equation, "... = 0"
        score = drop_equals_zero(score)
    elif isinstance(score, Mapping):
        score = {k: drop_equals_zero(v) if isinstance(v, str) else v for k, v in score.items()}
    for kind, value in (("score", score), ("mle", mle)):
        for pname, text in claims_by_parameter(value, kind, names, aliases).items():
            step = kind if len(names) == 1 else f"{kind}.{pname}"
            claims.append((step, kind, pname, text))
    for pname, text in claims_by_parameter(standard_error, "standard error", names,
                                           aliases).items():
        claims.append(("se" if len(names) == 1 else f"se.{pname}", "se", pname, text))
    functions = _functions(g, d, parse)  # label (g1, ...) → (text, g(θ), its MLE and SE)
    for label, (_, _, wanted) in functions.items():
        claims += [(f"{what}.{label}", f"g_{what}", label, wanted[what])
                   for what in ("mle", "se") if wanted.get(what) is not None]
    order = {"log_likelihood": 0, "score": 1, "mle": 2, "fisher": 3, "se": 4, "g_mle": 5,
             "g_se": 5}
    labels = [*names, *functions]
    claims.sort(key=lambda c: (order[c[1]], labels.index(c[2]) if c[2] else -1, c[1]))
    entries, whole = fisher_claims(fisher, names, m.var.name,
                                   others=tuple(c.name for c in covariates))
    fisher_entries: dict[str, tuple[str, str]] = {}
    separate: dict[tuple[str, str], str] = {}  # entries claimed one by one → their steps
    for a, b in sorted(entries, key=lambda e: (names.index(e[0]), names.index(e[1]))):
        if whole:
            continue
        step = "fisher" if len(names) == 1 else \
            f"fisher.{a}" if a == b else f"fisher.{a},{b}"
        claims.append((step, "fisher", a if a == b else None, entries[(a, b)]))
        separate[(a, b)] = step
        if a != b:  # an off-diagonal entry; a diagonal one is judged as before
            fisher_entries[step] = (a, b)
    chained: dict[str, list[tuple[str, sp.Expr]]] = {}
    for k, (step, kind, pname, text) in enumerate(claims):
        parts = split_chain(text) if isinstance(text, str) else []
        if len(parts) >= 3 and lhs_is_name(parts[0]):  # \hat\theta = X_{(n)} = \max_i X_i
            claims[k] = (step, kind, pname, f"{parts[0]} = {parts[-1]}")
            chained[step] = [(m, parse(m, f"{step.replace('_', '-')} (the part '{m.strip()}'"
                                          f" of the chain)")) for m in parts[1:-1]
                             if not is_definition(m)]
    parsed = {step: parse(text, step.replace("_", "-")) for step, _, _, text in claims}
    matrix = {e: parse(text, f"fisher entry ({e[0]}, {e[1]})") for e, text in entries.items()
              } if whole else {}

    symbols = [*params, *(k for k in m.known if k not in covariates)]
    pts = (conditional_points(m, covariates, seed=seed) if covariates
           else points(m, seed=seed))
    ll_pts = same_sample_points(pts, m)

    def ev(e: sp.Expr) -> Evaluator:
        return Evaluator(e, symbols, obs, (*stats, median), [c.name for c in covariates])

    results: dict[str, StepVerdict] = {}

    def judge_one(step: str, kind: str, pname: str | None, claimed: sp.Expr,
                  text: str) -> StepVerdict:
        if step in fisher_entries:
            return judge_entry(step, fisher_entries[step], claimed, d, positive, ev, pts, text)
        if kind in ("se", "g_mle", "g_se"):
            return _judge_estimate(step, kind, pname, claimed, d, positive, ev, pts, text,
                                   functions)
        p = by_name.get(pname) if pname else None
        truth, alt, note = _truth(d, kind, p)
        if kind == "mle" and d.mle is None:
            return _judge_fitted(step, p, claimed, d, ev, pts, text)
        if kind == "mle":  # other parameters' hats in the claim (β̂ = α̂/x̄): their MLEs
            others = {q: d.mle[q.name] for q in params if q != p}
            if any(claimed.has(q) for q in others):
                verdict = _judge(step, kind, p, claimed.xreplace(others), truth, alt, note, d,
                                 positive, ev, pts, text)
                return _replace(verdict, claimed=claimed)
        if truth is None:
            return StepVerdict(step, kind, pname, "undetermined",
                               f"symmle has no {STEP_NAMES[kind]} to compare with: {note}",
                               claimed, source=text, decided_by="none")
        verdict = _judge(step, kind, p, claimed, truth, alt, note, d, positive, ev,
                         ll_pts if kind == "log_likelihood" else pts, text)
        if kind == "log_likelihood":
            verdict = as_likelihood(verdict, likelihood, constant_dropped, claimed, truth, d,
                                     positive, ev, ll_pts, text)
        return verdict

    def judge_all() -> None:
        for step, kind, pname, text in claims:
            claimed = parsed[step]
            indicator = claimed.atoms(sp.Piecewise)  # \mathbb{1}\{x_(n) <= θ\} in a likelihood
            if indicator:
                claimed = claimed.xreplace({w: sp.Integer(1) for w in indicator})
            results[step] = judge_one(step, kind, pname, claimed, text)
            if indicator:
                results[step] = check_indicator(results[step], sp.Mul(*indicator), m, pts, ev,
                                                 parsed[step])
            for middle, expr in chained.get(step, ()):  # NAME = A = B: A must be right too
                part = judge_one(step, kind, pname, expr, middle)
                if results[step].verdict in CORRECT_VERDICTS and part.verdict == "wrong":
                    results[step] = _replace(part, message=(
                        f"your chain of equalities ends right, but its part '{middle.strip()}' "
                        f"is not equal to it: {part.message}"))
        if whole:
            results["fisher"] = judge_matrix(matrix, entries, d, positive, ev, pts, fisher)
        elif len(separate) > 1 and d.fisher_information is not None:
            # entries claimed one by one: one scale for all of them, as in a matrix
            judged, _ = one_scale({e: results[step] for e, step in separate.items()}, d,
                                  positive, ev, pts, rest="your other entries are")
            results.update({step: judged[e] for e, step in separate.items()})
        _follows(results, parsed, d, ev, pts)

    bounded(judge_all, seconds=timeout, what="checking the claimed steps", cpu=False)  # wall budget
    notes = ()
    return CheckReport(getattr(d, "base", d), results, time.perf_counter() - started, len(pts),
                       notes)



def _undecorated(value: Any) -> Any:
    """A claim (or each claim of a mapping or list) with its Unicode mathematics rewritten
    (:func:`symmle.claims_unicode.from_unicode`) and its decorations blanked
    (:func:`symmle.claims_lhs.undecorate`)."""
    if isinstance(value, str):
        return undecorate(from_unicode(value))
    if isinstance(value, Mapping):
        return {k: _undecorated(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_undecorated(v) for v in value]
    return value


def _proportional(text: Any) -> Any:
    """``L(\\theta) \\propto f``: the likelihood up to a factor free of θ, read as
    ``L(\\theta) = f`` (its logarithm is judged up to an additive constant, which
    a log-likelihood always is); kept as written when the left side names no likelihood."""
    if not isinstance(text, str):
        return text
    left, sep, right = text.rpartition("\\propto")
    if not sep:
        return text
    candidate = f"{left}{' ' * (len(sep) - 1)}={right}"
    return candidate if names_likelihood(candidate) else text


def _refuse_unsupported(d: Any) -> None:
    """The claims are about one sample x₁, …, xₙ, or about responses yᵢ with covariates xᵢ
    (a conditional model); a vector model is judged by :mod:`symmle.check_vector` before
    this, and any other derivation is refused, by name, before any claim is read."""
    if is_conditional(d):
        return
    if not isinstance(d, Derivation):
        variables = getattr(d.model, "vars", ())
        shown = f" ({', '.join(str(v) for v in variables)})" if variables else ""
        raise UnsupportedModelError(
            f"symmle check handles one-sample and conditional models; this model has vector "
            f"observations{shown}, whose claims it cannot check yet: compare with "
            "'symmle derive' for the same model")


def _truth(d: Derivation, kind: str, p: sp.Symbol | None,
           ) -> tuple[sp.Expr | None, dict[str, sp.Expr], str]:
    """The truth, alternatives accepted as correct (name → expr), and a note."""
    if kind == "log_likelihood":
        return d.log_likelihood_sample, {}, ""
    j = d.model.params.index(p)
    if kind == "score":
        if d.method.get(p.name) == "support":
            return d.score[j], {}, "the support depends on this parameter, so the score " \
                "holds only where the likelihood is positive"
        return d.score[j], {}, ""
    if kind == "mle":
        if d.mle is None:
            return None, {}, f"no closed form ({d.solution.reason})"
        return d.mle[p.name], {}, ""
    info = d.fisher_information
    if info is None:
        return None, {}, d.information.reason or "the Fisher information was not derived"
    return info[j, j], {"for the n observations": N * info[j, j]}, "per observation"


def _judge(step: str, kind: str, p: sp.Symbol | None, claimed: sp.Expr, truth: sp.Expr,
           alt: dict[str, sp.Expr], note: str, d: Derivation, positive: bool, ev, pts: list[Point],
           text: str, what: str | None = None) -> StepVerdict:
    params = d.model.params
    what = what or STEP_NAMES[kind] + (f" of {p.name}" if p is not None and len(params) > 1
                                       else "")
    up = kind == "log_likelihood"
    ce = ev(claimed)
    candidates = [(note, truth)] + list(alt.items())
    for label, t in candidates:
        sym = _symbolic(claimed, t, params, positive, up_to_constant=up)
        te = ev(t)
        clamp = boundary_clamp(d, p) if kind == "mle" else None
        num, where, a, b, k = _numeric(ce, ev(clamp) if clamp is not None else te, pts, up)
        if sym is not None and num is False and clamp is not None:
            # right formula, but the root leaves the parameter space on this sample
            return StepVerdict(step, kind, p.name if p else None, "wrong",
                               f"your {what} is the root of the likelihood equation, but on "
                               f"samples where it leaves the parameter space the MLE is the "
                               f"boundary value: your claim {_fmt(a)}, the MLE {_fmt(b)}",
                               claimed, clamp, _counterexample(where, a, b, kind),
                               "missing boundary case", source=text)
        if sym is None and num is not True:
            continue
        if sym is not None and num is False:
            return StepVerdict(step, kind, p.name if p else None, "undetermined",
                               f"SymPy finds your {what} equal to symmle's, but the numbers "
                               f"differ ({_fmt(a)} vs {_fmt(b)}); please report this",
                               claimed, t, _counterexample(where, a, b), source=text)
        decided = "symbolic and numeric" if sym and num else "symbolic" if sym else "numeric"
        form = f" ({label})" if label and kind == "fisher" else ""
        if sym == "same":
            verdict, msg = "correct", f"your {what} is right{form}"
        elif sym == "constant" or (up and sym is None):
            verdict = "correct_up_to_constant"
            msg = (f"your {what} is right up to an additive constant (a term free of the "
                   f"parameters, which does not change the MLE)")
            # a difference whose derivatives vanish may be a constant SymPy did not see is 0
            # (n·log(−1/log(1 − p)) against −n·log(−log(1 − p))): the numbers decide
            verdict = "correct_up_to_constant" if not _numeric(ce, te, pts)[0] else "equivalent"
            msg = msg if verdict != "equivalent" else f"your {what} is right"
        else:
            verdict = "equivalent"
            msg = f"your {what} is right{form}, in another form than symmle's"
        if sym is None:
            msg += (f"; SymPy could not simplify the difference to zero, so this was decided "
                    f"numerically: the two agree at {k} random samples and parameter values")
        elif num is None:
            msg += "; the numeric cross-check found too few points where both are defined"
        return StepVerdict(step, kind, p.name if p else None, verdict, msg, claimed, t,
                           decided_by=decided, source=text, matched=label)
    # wrong: a counterexample against the main truth, and the slip that explains it; a Fisher
    # information written with n is compared with that of the n observations, not n·I's factor
    shown = what
    if kind == "fisher" and N in claimed.free_symbols and "for the n observations" in alt:
        te, shown = ev(alt["for the n observations"]), f"{what} for the n observations"
    else:
        te = ev(truth)
    clamp = boundary_clamp(d, p) if kind == "mle" else None
    target = ev(clamp) if clamp is not None else te
    num, where, a, b, k = _numeric(ce, target, pts, up)
    if num is None:
        return StepVerdict(step, kind, p.name if p else None, "undetermined",
                           f"SymPy could not decide whether your {what} equals symmle's, and "
                           f"the two are defined together at only {k} random points", claimed,
                           truth, source=text, decided_by="none")
    slip = _slip(claimed, d, kind, p, ev, pts, up, truth if kind in _GIVEN_TRUTH else None)
    msg = f"your {what} is wrong"
    # an MLE (or a standard error at the estimate) depends on the sample and the known
    # constants (m), not on the parameters
    estimator = kind in ("mle", "g_mle") or (kind in ("se", "g_se") and not (
        (claimed.free_symbols | truth.free_symbols) & set(d.model.params)))
    if where is not None:
        values = {s: v for s, v in where.values.items()
                  if not estimator or s in d.model.known}
        msg += (f": with n = {where.sample.size}"
                + (f" and {', '.join(f'{s.name} = {v:.4g}' for s, v in values.items())}"
                   if values else "")
                + f", yours gives {_fmt(a)} but the {shown} is {_fmt(b)}")
    if slip is not None:
        msg += f". Most likely slip: {slip.name} ({slip.explain})"
    return StepVerdict(step, kind, p.name if p else None, "wrong", msg, claimed, truth,
                       _counterexample(where, a, b, "mle" if estimator else kind)
                       if where is not None else None,
                       slip.name if slip else None, source=text)


FIT_SAMPLES = 8
_GIVEN_TRUTH = ("fisher", "se", "g_mle", "g_se")  # kinds whose slips mutate the given truth
_G_KEYS = {"function", "mle", "se"}


def _functions(g: Any, d: Any, parse: Any, one_sample: bool = False,
               ) -> dict[str, tuple[str, sp.Expr, dict[str, str]]]:
    """The claimed functions g(θ): label (``g1``, ``g2``, ...) → (g as written, g(θ), the
    claims ``{"mle": ..., "se": ...}``); ``one_sample`` when ``d`` is known to be of a
    one-sample model without being a :class:`Derivation` (a flat likelihood's)."""
    if g is None:
        return {}
    if isinstance(g, Mapping):
        items = list(g.items())
    elif isinstance(g, (list, tuple)) and all(isinstance(i, Mapping) for i in g):
        items = [(i.get("function"), i) for i in g]
    else:
        raise ParseError("g: expected a mapping from a function of the parameters to its "
                         "claimed MLE, or a list of {function, mle, se}", where="g")
    if is_conditional(d) or not (one_sample or isinstance(d, Derivation)):
        raise UnsupportedModelError("functions of the parameters (g) are checked for "
                                    "one-sample models only")
    out = {}
    params = set(d.model.params)
    for k, (text, claim) in enumerate(items, 1):
        label = f"g{k}"
        if not isinstance(text, str) or not text.strip():
            raise ParseError(f"{label}: the function g(θ) must be given as a string", where="g")
        wanted = {"mle": claim} if isinstance(claim, str) else dict(claim)
        unknown = set(wanted) - _G_KEYS
        if unknown or not all(isinstance(v, str) for v in wanted.values()):
            raise ParseError(f"{label}: the claims of {text[:40]} are 'mle' and 'se', strings"
                             + (f" (not {', '.join(sorted(map(str, unknown)))})" if unknown
                                else ""), where="g")
        wanted.pop("function", None)
        if not wanted:
            raise ParseError(f"{label}: give the claimed MLE ('mle') or standard error ('se') "
                             f"of {text[:40]}", where="g")
        expr = parse(text, label)
        if expr.atoms(sp.Sum) or N in expr.free_symbols or not expr.free_symbols & params:
            raise ParseError(f"{label}: g must be a function of the parameters "
                             f"({', '.join(d.parameters)}), not of the sample: {text[:60]}",
                             where="g")
        out[label] = (text, expr, wanted)
    return out


def _judge_estimate(step: str, kind: str, label: str, claimed: sp.Expr, d: Any,
                    positive: bool, ev, pts: list[Point], text: str,
                    functions: Mapping[str, tuple[str, sp.Expr, dict]]) -> StepVerdict:
    """A standard error of θ̂ (``se``), the MLE of g(θ) by invariance (``g_mle``) or its
    delta-method standard error (``g_se``). A standard error is right in the parameters or
    at the estimate (θ replaced by its MLE)."""
    from .derivation import _in_sample_notation
    from .information import invariance

    params = d.model.params
    if kind == "se":
        p = next(q for q in params if q.name == label)
        truth = (d.standard_errors or {}).get(label)
        what = "standard error" + (f" of {label}" if len(params) > 1 else "")
        reason = d.information.reason or "the Fisher information could not be inverted"
        g = p
    else:
        gtext, g, wanted = functions[label]
        if "_transform" not in wanted:  # one invariance step for the MLE and its SE claims
            wanted["_transform"] = _in_sample_notation(d.log_likelihood, Transform(
                g, *invariance(d.log_likelihood, g, d.solution.mle, d.fisher_information)))
        t = wanted["_transform"]
        truth = t.estimate if kind == "g_mle" else t.standard_error
        what = (f"MLE of {gtext}" if kind == "g_mle"
                else f"standard error of the MLE of {gtext}")
        reason = (f"no closed form ({d.solution.reason})" if kind == "g_mle"
                  else d.information.reason or "the delta method needs the Fisher information")
        p = None
    if kind == "g_mle" and truth is None:
        return _judge_fitted(step, p, claimed, d, ev, pts, text, target=g, what=what,
                             param=gtext)
    if truth is None:
        return StepVerdict(step, kind, label if kind == "se" else gtext, "undetermined",
                           f"symmle has no {what} to compare with: {reason}", claimed,
                           source=text, decided_by="none")
    alt = {}
    if kind != "g_mle" and d.mle is not None:  # the standard error at the estimate
        alt["at the estimate"] = truth.xreplace({q: d.mle[q.name] for q in params})
        if not claimed.free_symbols & set(params):  # written in the sample: judged as such
            truth, alt = alt["at the estimate"], {"in the parameters": truth}
    v = _judge(step, kind, p, claimed, truth, alt, "", d, positive, ev, pts, text, what=what)
    return _replace(v, param=label if kind == "se" else gtext)




def _judge_fitted(step: str, p: sp.Symbol | None, claimed: sp.Expr, d: Derivation, ev,
                  pts: list[Point], text: str, target: sp.Expr | None = None,
                  what: str | None = None, param: str | None = None) -> StepVerdict:
    """An MLE without closed form: compare the claim with ``symmle.fit`` on random samples
    (the other parameters' hats in the claim taken at their fitted values); ``target``, a
    function of the parameters, is compared at the fitted values instead of ``p`` (the MLE
    of g(θ) by invariance, ``what``, its step's ``param`` the function as written)."""
    from .numeric import fit

    target = p if target is None else target
    what = what or f"MLE of {p.name}"
    kind = "mle" if target is p else "g_mle"
    param = p.name if p is not None else param

    agree_at = 0
    ce = ev(claimed)
    base = getattr(d, "base", d)  # a conditional model's derivation, under its view
    note = getattr(d, "fitted_note", "symmle has no closed form")
    for point in [q for q in pts if not q.boundary][:FIT_SAMPLES]:
        known = {k.name: v for k, v in point.values.items() if k in d.model.known}
        data = ({d.model.var.name: point.sample, **point.columns} if point.columns
                else point.sample)
        try:
            est = fit(d.model, data, known_values=known or None, derivation=base).estimates
        except SymmleError:
            continue
        values = {**point.values, **{q: float(est[q.name]) for q in d.model.params}}
        at = Point(point.sample, values, columns=point.columns)
        try:
            b = float(target.xreplace(values))
        except (TypeError, ValueError):
            continue
        a = ce(at)
        ok = agree(a, b, 1e-4)
        if ok is False:
            return StepVerdict(step, kind, param, "wrong",
                               f"your {what} is wrong: with n = {point.sample.size}, "
                               f"yours gives {_fmt(a)} but maximising the likelihood "
                               f"numerically gives {_fmt(b)} ({note})",
                               claimed, None, _counterexample(at, a, b, "mle"),
                               decided_by="numeric", source=text)
        agree_at += ok is True
    if agree_at < 3:
        return StepVerdict(step, kind, param, "undetermined",
                           f"{note} for the {what} "
                           f"({d.solution.reason}), and the numeric fit decided too few samples",
                           claimed, source=text, decided_by="none")
    return StepVerdict(step, kind, param, "correct",
                       f"your {what} agrees with the numerically maximised likelihood "
                       f"on {agree_at} random samples (to 1e-4); {note}, so "
                       f"this was decided numerically", claimed, decided_by="numeric",
                       source=text)


def _slip(claimed: sp.Expr, d: Derivation, kind: str, p: sp.Symbol | None, ev, pts, up: bool,
          truth: sp.Expr | None = None) -> Mutation | None:
    ce = ev(claimed)
    for mut in mutations(d, kind, p, claimed, truth):
        if mut.expr is None:
            return mut
        try:
            me = ev(mut.expr)
        except Exception:  # noqa: BLE001 - a mutation that does not compile explains nothing
            continue
        if _numeric(ce, me, pts, up)[0]:
            return mut
    return wrong_factor(claimed, ce, d, kind, p, ev, pts, up, truth)



def _follows(results: dict[str, StepVerdict], parsed: dict[str, sp.Expr], d: Derivation, ev,
             pts: list[Point]) -> None:
    """For a step after a wrong one: whether it follows from the person's (wrong) claim."""
    params = d.model.params
    wrong_ll = "log_likelihood" in results and results["log_likelihood"].verdict == "wrong"
    for step, v in list(results.items()):
        follows = None
        if v.kind == "score" and wrong_ll:
            param = sp.Symbol(v.param, **_assumptions(d, v.param))
            deriv = sp.diff(parsed["log_likelihood"], param)
            if _numeric(ev(v.claimed), ev(deriv), pts)[0]:
                follows = "it is the derivative of your log-likelihood, which is wrong"
            else:
                follows = "it is not the derivative of your log-likelihood either"
        if v.kind == "mle":
            score_step = "score" if len(params) == 1 else f"score.{v.param}"
            sv = results.get(score_step)
            if sv is not None and sv.verdict == "wrong":
                subs = {}
                for q in params:
                    other = results.get("mle" if len(params) == 1 else f"mle.{q.name}")
                    subs[q] = other.claimed if other is not None else \
                        (d.mle or {}).get(q.name, q)
                at = sv.claimed.xreplace(subs)
                if _numeric(ev(at), ev(sp.Integer(0)), [p for p in pts if not p.boundary])[0]:
                    follows = "it solves your score equation, but your score is wrong"
                else:
                    follows = "it does not solve your score equation either"
        if follows and v.verdict == "wrong":
            results[step] = _replace(v, follows=follows,
                                     message=f"{v.message}. {follows[0].upper()}{follows[1:]}")
        elif follows and v.verdict in CORRECT_VERDICTS and "solves" not in follows \
                and "derivative of" not in follows:
            results[step] = _replace(v, follows=follows)


def _assumptions(d: Derivation, name: str) -> dict:
    p = next(q for q in d.model.params if q.name == name)
    return p.assumptions0


def _replace(v: StepVerdict, **changes: Any) -> StepVerdict:
    import dataclasses

    return dataclasses.replace(v, **changes)
