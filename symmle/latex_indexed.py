"""Indexed notation in the LaTeX translator: the observation and its subscripts (``x_i``,
``x_{(n)}``, ``\\hat\\theta_{MLE}``), written-out sums, ``\\sum``/``\\prod`` with their limits,
and ``\\max``/``\\min`` over the sample.
"""
from __future__ import annotations

import re

from .latex_scan import _split_commas

# a sum's lower limit: i, i=1, i\in[n], 1\le i\le n (spaces already removed)
_LIMIT = re.compile(r"\{?([A-Za-z])(?:=1|\\in\[([nN])\])?\}?|1\\leq?([A-Za-z])\\leq?([nN])")
_LIMIT_COMMANDS = {"le", "leq", "leqslant", "in", "dots", "ldots", "cdots", "{", "}", "lbrace",
                   "rbrace", ",", ";", "!", " ", "max", "min", "text", "mathrm", "rm"}
_UPRIGHT_SUB = re.compile(r"^\\(?:text|mathrm|textrm|rm|operatorname|mathit)\{(\w+)\}$")
_SUBS_MAX = {"(n)", "n", "max", "\\max", "(N)", "n:n", "(n:n)"}
_SUBS_MIN = {"(1)", "1", "min", "\\min", "1:n", "(1:n)"}
_ESTIMATE_TAGS = {"MLE", "ML", "mle", "n", "\\text{MLE}", "\\mathrm{MLE}", "\\text{ML}",
                  "\\mathrm{ML}", "\\rm{MLE}", "\\textrm{MLE}"}


class _Indexed:
    """Sums, products, subscripts and extremes (a mixin of the translator)."""

    def subscript(self, base: str, name: str | None, sub: str) -> str:
        pos = self.i
        m = re.fullmatch(r"\s*(?:(\d+)\s*,?\s*i|i\s*,?\s*(\d+))\s*", sub)
        if name and m and f"{name}{m.group(1) or m.group(2)}" in self.others:
            return f"{name}{m.group(1) or m.group(2)}[i]"  # x_{1i}, x_{i1}, x_{i,1}: x1's
        if name in self.others:
            if self.is_index(sub):
                return f"{name}[i]"
            raise self.fail(f"unknown subscript '{sub}' of the covariate {name}: write "
                            f"{name}_i", pos)
        if name == self.var:
            sub = _UPRIGHT_SUB.sub(r"\1", sub)  # x_{\text{max}}, X_{\mathrm{min}}
            if self.is_index(sub):
                inner = self.indices[-1] if self.indices else None
                if inner is not None and sub != inner:  # Σ_j x_i x_j: two indices at once
                    raise self.fail(f"{self.var}_{sub} inside a sum over {inner}: a sum over "
                                    "two indices at once is not supported", pos - len(sub))
                under = self.text[:self.text.rfind("_", 0, pos)].rstrip()[-1:]
                if under and under in (self.var, self.var.upper()):  # x_i, not k_i read as it
                    self.var_written = True
                return f"{self.var}[i]"
            if f"{name}{sub}" in self.names:  # x_0, a known constant x0 (Pareto's scale)
                return f"{name}{sub}"
            if sub in _SUBS_MAX:
                return f"{self.var}_max"
            if sub in _SUBS_MIN:
                return f"{self.var}_min"
            if not re.fullmatch(r"[A-Za-z]+", sub):
                raise self.fail(f"unknown subscript '{sub}' of the observation {self.var}: "
                                f"write {self.var}_i, {self.var}_{{(1)}} or {self.var}_{{(n)}}",
                                pos)
        if name and self.is_index(sub) and self.is_other_letter(name) \
                and f"{name}{sub}" not in self.names:
            at = self.text.rfind(f"{name}_", 0, pos)  # k_i where the model's data are x_i
            at = at if at >= 0 else pos
            if self.others or self.alias not in (None, name):
                raise self.fail(f"{name}_{sub} is not an observation of this model: its "
                                f"observations are written {self.var}_{sub}", at)
            if self.alias is None:  # Σ k_i for a sample written x: k is the observation
                self.alias, self.alias_at = name, at
            return self.subscript(base, self.var, sub)
        if name and name.endswith("_hat") and sub in _ESTIMATE_TAGS:  # \hat\mu_{MLE}
            return base
        if name and name.endswith("_hat") and re.fullmatch(r"[A-Za-z0-9]+", sub):
            return f"{name[:-4]}{sub}_hat"  # \hat{x}_m
        if name and re.fullmatch(r"[A-Za-z0-9]+", sub):
            return f"{name}{sub}"
        raise self.fail(f"subscript '{sub}' is not supported here", pos)

    def written_sum(self) -> str | None:
        """``x_1 + x_2 + \\dots + x_n`` (or ``\\cdots``, ``\\ldots``; ``X_i`` too) is Σ xᵢ."""
        if len(self.var) != 1:
            return None
        v = f"[{self.var}{self.var.upper()}]"
        one = rf"{v}_(?:1|\{{1\}})\s*\+\s*(?:{v}_(?:2|\{{2\}})\s*\+\s*)?"
        dots = r"(?:\\[lc]?dots|\.\.\.|…)"
        m = re.compile(one + rf"{dots}\s*\+\s*{v}_(?:n|\{{n\}})").match(self.text, self.i)
        if not m:
            return None
        self.i = m.end()
        return f"sum({self.var}[i])"

    def observation(self, name: str) -> str:
        """A capital letter for the observation (X_i, \\bar X for x, as textbooks write the
        random sample) is the observation, and so is the letter the claim writes it with
        (``k`` after ``\\sum k_i``, :meth:`subscript`)."""
        if self.alias is not None and name in (self.alias, self.alias.upper()):
            return self.var
        for v in (self.var, *self.others):
            if len(v) == 1 and name == v.upper():
                return v
        return name

    def big_operator(self, cmd: str, stop: tuple[str, ...]) -> str:
        """``\\sum_{i=1}^{n} h`` (``\\prod``): the index is any letter that names nothing
        else (``\\sum_{t=1}^n x_t``); the upper limit ``n``, or ``N`` for the sample size
        (:meth:`sample_size_written`)."""
        self.skip_space()
        limits_at = self.i
        limits = []
        while self.text.startswith(("_", "^"), self.i):
            self.i += 1
            limits.append(self.limit())
            self.skip_space()
        index = None
        for lim in limits:
            if lim in ("n", "1"):
                continue
            if lim == "N":  # \sum_{i=1}^{N}: the sample size written N
                self.sample_size_written(cmd, limits_at)
                continue
            m = _LIMIT.fullmatch(lim)
            if m is None:
                raise self.fail(f"\\{cmd} limits '{lim}': only sums over i = 1, ..., n are "
                                "supported")
            index = m.group(1) or m.group(3)
            self.check_index(cmd, index, limits_at)
            if "N" in (m.group(2) or "") + (m.group(4) or ""):
                self.sample_size_written(cmd, limits_at)
        self.enter()
        self.indices.append(index)
        body = self.term(stop)
        self.indices.pop()
        self.depth -= 1
        return f"{cmd}({body})"

    def extreme(self, cmd: str, sub: str | None = None) -> str:
        """``\\max_i x_i``, ``\\max_{i=1}^{n} x_i``, ``\\max\\{x_1, \\dots, x_n\\}`` → the
        order statistic; ``\\max(a, b)`` of other expressions → Max(a, b). ``sub``: a
        subscript already read (``\\underset{i}{\\max}``)."""
        self.skip_space()
        if sub is None and self.text.startswith("_", self.i):
            self.i += 1
            sub = self.limit()
        self.skip_space()
        if sub is not None and self.text.startswith("^", self.i):  # \max_{i=1}^{n} x_i
            at = self.i
            self.i += 1
            top = self.limit()
            if top not in ("n", "N"):
                raise self.fail(f"\\{cmd} limits '{top}': only the {cmd}imum over i = 1, ..., "
                                "n is supported", at)
            if top == "N":
                self.sample_size_written(cmd, at)
            self.skip_space()
        m = re.match(r"\{?(?:1\\leq?)?([A-Za-z])(?![A-Za-z])", sub or "")
        index = m.group(1) if m and m.group(1) not in (self.var, "n", "N") else None
        self.indices.append(index)  # \max_{t} x_t: x_t is the observation
        try:
            return self.extreme_body(cmd, sub)
        finally:
            self.indices.pop()

    def extreme_body(self, cmd: str, sub: str | None) -> str:
        """What follows ``\\max`` and its limits (:meth:`extreme`)."""
        start = self.i
        if self.at("\\{") or self.at("\\left") or self.at("(") or self.at("{"):
            depth, j = 0, self.i
            while j < len(self.text):
                if self.text[j] in "({[":
                    depth += 1
                elif self.text[j] in ")}]":
                    depth -= 1
                    if depth <= 0:
                        j += 1
                        break
                j += 1
            inner = self.text[start:j]
            if len(self.var) == 1:  # \max\{X_1, \dots, X_n\}
                inner = inner.replace(self.var.upper(), self.var)
            listing = re.sub(r"\\(left|right|[{}]|l?dots|cdots|ldots)|\.\.\.|…|[\s,(){}\[\]_]",
                             "", inner)
            if sub is None and not re.fullmatch(rf"({re.escape(self.var)}(i|1|2|n|\d)?)+",
                                                listing or "-"):
                listed = self.listed_function(inner)
                if listed is not None:
                    self.i = j
                    return f"{cmd}over({listed})"
                return self.max_call(cmd)
            if sub is not None and listing not in (self.var, f"{self.var}i"):
                self.i = start  # \max_i (x_i - \mu)^2: a function of the observation
                return f"{cmd}over({self.atom_only()})"
            self.i = j
        else:
            inner = self.atom_only()
            if inner not in (f"{self.var}[i]", self.var):  # \max_i |x_i|: not x_(n) itself
                if self.var not in inner:
                    raise self.fail(f"\\{cmd} is only supported over the observations", start)
                return f"{cmd}over({inner})"
        if self.var not in inner:
            raise self.fail(f"\\{cmd} is only supported over the observations", start)
        return f"{self.var}_{cmd}"

    def listed_function(self, inner: str) -> str | None:
        """``\\{h(x_1), \\dots, h(x_n)\\}``: the same function of each observation, as
        ``h(x_i)`` translated; ``None`` when ``inner`` is not such a list."""
        body = inner.strip()
        for pattern in (r"^\\left\s*", r"^(\\\{|\\lbrace|[({])", r"(\\\}|\\rbrace|[)}])$",
                        r"\\right\s*$"):
            body = re.sub(pattern, "", body.strip())
        parts = [q.strip() for q in _split_commas(body)]
        v = f"[{self.var}{self.var.upper()}]" if len(self.var) == 1 else re.escape(self.var)
        if len(parts) < 3 or not re.fullmatch(r"\\[lc]?dots|\.\.\.|…", parts[-2]):
            return None
        first, last = parts[0], parts[-1]
        one = re.compile(rf"({v})_(?:1|\{{1\}})(?![0-9])")
        if not one.search(first):
            return None
        generic = one.sub(lambda m: m.group(0).replace("1", "i"), first)  # length kept
        if re.sub(rf"({v})_(?:n|\{{n\}})", lambda m: m.group(0).replace("n", "i"), last
                  ) != generic:
            return None
        at = self.text.find(first, self.i)
        return self.translate_at(at, generic)

    def max_call(self, cmd: str) -> str:
        """``\\max(a, b, ...)`` of expressions."""
        if self.at("\\left"):
            self.command()
            self.skip_space()
        if not self.text.startswith(("(", "\\{"), self.i):
            raise self.fail(f"write \\{cmd}(a, b)")
        self.i += 2 if self.text.startswith("\\{", self.i) else 1
        args = []
        while True:
            args.append(self.expr(stop=("\\right", "\\}")))
            self.skip_space()
            if self.text.startswith(",", self.i):
                self.i += 1
                continue
            break
        if self.at("\\right"):
            self.command()
            self.skip_space()
        if self.text.startswith("\\}", self.i):
            self.i += 2
        elif self.text.startswith(")", self.i):
            self.i += 1
        else:
            raise self.fail("expected ')'")
        return f"{cmd}({', '.join(args)})"

    def is_index(self, sub: str) -> bool:
        """Whether the subscript ``sub`` is the observation's index: i, j, k, or the index of
        the innermost sum (``x_t`` in ``\\sum_{t=1}^n``)."""
        return sub in ("i", "j", "k") or bool(self.indices) and sub == self.indices[-1]

    def is_other_letter(self, name: str) -> bool:
        """Whether ``name`` is a single letter that may stand for the observation (``k`` in
        ``\\sum k_i``): it names nothing in the model (whose names must be known)."""
        return (len(name) == 1 and name.isascii() and name.isalpha() and bool(self.names)
                and name not in (self.var, self.var.upper(), "n", "N", "e", "i", "j")
                and name not in self.names)

    def check_index(self, cmd: str, index: str, at: int) -> None:
        """A sum's index names nothing else: not the observation, ``n``, ``e``, nor (beyond
        i, j, k) a parameter or known constant of the model."""
        if index in (self.var, self.var.upper(), *self.others, "n", "N", "e") or (
                index not in ("i", "j", "k") and index in self.names):
            raise self.fail(f"the index '{index}' of the \\{cmd} is also a name of the model "
                            f"or the sample: write \\{cmd}_{{i=1}}^{{n}}", at)

    def sample_size_written(self, cmd: str, at: int) -> None:
        """``\\sum_{i=1}^{N}``: the sample size written N, read as n in the whole claim
        (:meth:`sample_size`), unless N is a name of the model."""
        if "N" in self.names:
            raise self.fail(f"the \\{cmd} runs to N, but N is a name of the model here; the "
                            f"sample size is n: write \\{cmd}_{{i=1}}^{{n}}", at)
        if self.big_n is None:
            self.big_n = at

    def sample_size(self, out: str) -> str:
        """The translation ``out`` with N read as the sample size n, when a sum or product ran
        to N; a claim that writes both N and n is ambiguous and refused, as is one that writes
        the observations with two letters (``x_i`` and ``k_i``)."""
        if self.alias is not None and self.var_written:
            raise self.fail(f"the claim writes the observations both as {self.var}_i and "
                            f"{self.alias}_i: write {self.var}_i", self.alias_at)
        if self.big_n is None:
            return out
        if re.search(r"(?<![A-Za-z0-9_])n(?![A-Za-z0-9_])", out):
            raise self.fail("a sum runs to N but the claim writes n too: write the sample "
                            "size one way (n, as symmle does)", self.big_n)
        return re.sub(r"(?<![A-Za-z0-9_])N(?![A-Za-z0-9_])", "n", out)

    def limit(self) -> str:
        """A sub- or superscript of ``\\sum``, ``\\prod``, ``\\max``, ``\\min`` (its source,
        spaces removed), holding no command but relations and dots: any other is refused
        with its position."""
        start = self.i
        out = self.raw_group()
        for m in re.finditer(r"\\([A-Za-z]+|.)", self.text[start:self.i]):
            if m.group(1) not in _LIMIT_COMMANDS:
                raise self.fail(f"the LaTeX command '\\{m.group(1)}' is not supported",
                                start + m.start())
        return out
