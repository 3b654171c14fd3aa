"""The whitelist of LaTeX commands the translator knows, and what each one is read as.

Every command not handled in :meth:`_Commands.command_factor` is refused with its position
("the LaTeX command '\\input' is not supported at position 0"); a known command used in a way
that is not supported (``\\sqrt[3]``, ``\\operatorname{foo}``) has its own message. The reading
of sums, order statistics and indicators is in :mod:`symmle.latex_indexed` and
:mod:`symmle.latex_indicators`.
"""
from __future__ import annotations

import re

_GREEK = ("alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda "
          "mu nu xi rho sigma varsigma tau phi varphi chi psi omega Gamma Delta Theta Lambda Xi "
          "Phi Psi Omega").split()
_FUNCS = {"log": "log", "ln": "log", "exp": "exp", "sqrt": None, "Gamma": "gamma",
          "psi": "digamma", "sin": "sin", "cos": "cos", "tan": "tan", "operatorname": None}
_SPACES = {",", ";", ":", "!", "quad", "qquad", " ", "displaystyle", "textstyle", "left",
           "right", "bigl", "bigr", "Bigl", "Bigr", "big", "Big", "limits", "nolimits"}
_TIMES = {"cdot", "times", "ast"}
_HAT = {"hat", "widehat", "tilde", "widetilde"}
_BAR = {"bar", "overline"}
_FRAC = {"frac", "dfrac", "tfrac"}
_BINOM = {"binom", "dbinom", "tbinom"}
_FONTS = {"mathbb", "mathbf", "mathds", "mathbbm", "mathrm", "boldsymbol"}
_UPRIGHT = {"mathrm", "rm", "textrm", "mathit", "text"}
_INDICATOR_FONTS = {"mathbb", "mathbf", "mathds", "boldsymbol", "bm"}
# what \underset{i}{...} may hold: \max, \min, or the same as \operatorname*{max}
_OPERATOR = re.compile(r"\\(max|min)|\\(?:operatorname\*?|mathrm|text|rm)\{(max|min)\}")


class _Commands:
    """A factor that starts with a backslash command (a mixin of the translator)."""

    def command_factor(self, cmd: str, start: int, stop: tuple[str, ...], bare: bool) -> str:
        """The factor after the command ``cmd`` (read from ``start``), or an error naming it."""
        if cmd in ("lvert", "vert"):
            self.enter()
            inner = self.expr(stop=("\\rvert", "\\vert"))
            if not (self.at("\\rvert") or self.at("\\vert")):
                raise self.fail(f"expected \\rvert closing \\{cmd}", start)
            self.command()
            self.depth -= 1
            return self.postfix(f"abs({inner})")
        if cmd in ("left", "right"):
            if cmd == "right":
                raise self.fail("unmatched \\right", start)
            kind = self.delimiter(start)
            self.enter()
            saved, self.bars = self.bars, 0  # bars inside \left| ... \right| are bare again
            inner = self.expr(stop=("\\right",))
            self.bars = saved
            if not self.at("\\right"):
                raise self.fail("expected \\right")
            closing = self.i
            self.command()
            if self.delimiter(closing) != kind:
                raise self.fail("\\right does not match its \\left (an absolute value is "
                                "\\left| ... \\right|)", closing)
            self.depth -= 1
            out = f"abs({inner})" if kind == "abs" else f"({inner})"
            return out if bare and kind != "abs" else self.postfix(out)
        if cmd == "Gamma" and re.compile(r"\s*(')|\s*\^\s*\{?\s*\\prime\s*\}?").match(
                self.text, self.i) and not self.text.startswith("^{\\prime}^", self.i):
            self.i = re.compile(r"\s*(')|\s*\^\s*\{?\s*\\prime\s*\}?").match(
                self.text, self.i).end()  # Γ'(α) = Γ(α) ψ(α)
            if not (self.at("(") or self.at("\\left")):
                raise self.fail("write \\Gamma'(\\alpha) with its argument in parentheses")
            arg = self.factor(stop=(), single=True, bare=True)
            return self.postfix(f"(gamma({arg}) * digamma({arg}))")
        if cmd in ("Gamma", "psi") and (self.at("(") or self.at("\\left(")):
            return self.function(_FUNCS[cmd])  # Γ(α), ψ(α): the functions, not the letters
        if cmd in _GREEK:
            name = cmd.replace("var", "") if cmd.startswith("var") else cmd
            return self.postfix(name, name)
        if cmd == "pi":
            return self.postfix("pi")
        if cmd == "infty":
            return "oo"
        if cmd == "ell":
            return self.postfix("ell", "ell")
        if cmd in _FRAC:
            num = self.group()
            den = self.group()
            return self.postfix(f"({num})/({den})")
        if cmd in _BINOM:  # \binom{m}{x_i}, as in a binomial log-likelihood
            top = self.group()
            bottom = self.group()
            return self.postfix(f"binomial({top}, {bottom})")
        if cmd == "sqrt":
            if self.at("["):
                raise self.fail("\\sqrt[k]{...} is not supported; write (...)^{1/k}")
            return self.postfix(f"sqrt({self.group()})")
        if cmd in _HAT:
            inner = self.observation(self.raw_group().lstrip("\\"))
            if cmd in ("tilde", "widetilde") and inner == self.var:  # \tilde{x}: the median
                return self.postfix(f"{self.var}_med")
            if re.fullmatch(r"\\?[A-Za-z]+_\{?[A-Za-z0-9]+\}?", inner):  # \hat{x_m}
                inner = re.sub(r"[\\_{}]", "", inner)
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", inner):
                raise self.fail(f"\\{cmd} is only supported over a parameter's name", start)
            inner = inner.replace("var", "") if inner.startswith("var") else inner
            return self.postfix(f"{inner}_hat", f"{inner}_hat")
        if cmd in _BAR:
            before = self.i
            inner = self.observation(self.raw_group().lstrip("\\"))
            if self.is_other_letter(inner) and self.alias is None and not self.others:  # \bar k
                self.alias, self.alias_at, inner = inner, start, self.var
            if inner != self.var and inner not in self.others:
                # \overline{x^2}, \overline{\log x}: the mean of h(x_i)
                self.i = before
                body = self.group()
                if not re.search(rf"(?<![A-Za-z_]){re.escape(self.var)}(?![A-Za-z_(])", body):
                    raise self.fail(f"\\{cmd} is only supported over the observation "
                                    f"'{self.var}'" + "".join(f" or '{c}'" for c in self.others)
                                    + " or a function of it", start)
                return self.postfix(f"(sum({body})/n)")
            mean = f"{inner}bar"
            self.skip_space()
            if re.compile(r"_(n|\{n\})").match(self.text, self.i):  # \bar{x}_n: the same mean
                self.i += 2 if self.text[self.i + 1] == "n" else 4
            return self.postfix(mean)
        if cmd in ("sum", "prod"):
            return self.big_operator(cmd, stop)
        if cmd == "Sigma":  # \Sigma x_i: the capital letter typed for the sum sign
            return self.big_operator("sum", stop)
        if cmd in ("max", "min"):
            return self.extreme(cmd)
        if cmd in _FUNCS and cmd not in ("sqrt", "operatorname"):
            return self.function(_FUNCS[cmd])
        if cmd in _INDICATOR_FONTS | _FONTS and re.compile(r"\s*\{\s*[1I]\s*\}").match(
                self.text, self.i):
            self.raw_group()  # \mathbb{1}\{x_{(n)} \le \theta\}: the indicator of a condition
            return self.any_indicator(start)
        if cmd in ("operatorname", "mathrm", "text") and re.compile(
                r"\s*\{\s*(median|med|Median|Med)\s*\}").match(self.text, self.i):
            self.raw_group()  # \operatorname{median}(x_1, \dots, x_n): the sample median
            a, b = self.bracketed()
            listing = re.sub(r"\\(left|right|l?dots|cdots|ldots)|\.\.\.|…|[\s,_{}\[\]()]", "",
                             self.text[a:b]).replace(self.var.upper(), self.var)
            if not re.fullmatch(rf"({re.escape(self.var)}(i|1|2|n|\d)?)+", listing or "-"):
                raise self.fail("the median is only supported of the sample: write "
                                f"\\operatorname{{median}}({self.var}_1, \\dots, {self.var}_n)",
                                start)
            return self.postfix(f"{self.var}_med")
        if cmd in _UPRIGHT:  # \mathrm{e}: Euler's number; \mathrm{log}(...): the function
            name = self.raw_group()
            if name == "e":
                return self.postfix("e")
            if name in ("log", "ln", "exp"):
                return self.function("log" if name == "ln" else name)
            if name in ("max", "min"):  # \mathrm{max}_i x_i
                return self.extreme(name)
            raise self.fail(f"\\{cmd}{{{name}}} is not supported (only \\{cmd}{{e}}, "
                            f"\\{cmd}{{log}}, \\{cmd}{{exp}}, \\{cmd}{{max}} and "
                            f"\\{cmd}{{min}})", start)
        if cmd == "#":  # \#\{i : x_i = k\}: the count n_k of a finite support
            v = f"[{self.var}{self.var.upper()}]" if len(self.var) == 1 else re.escape(self.var)
            m = re.compile(rf"\s*\\\{{\s*(?:i\s*:\s*)?{v}_\{{?i\}}?\s*=\s*(\d+)\s*\\\}}").match(
                self.text, self.i)
            if m is None:
                raise self.fail(f"\\# is only supported as a count, "
                                f"\\#\\{{i : {self.var}_i = k\\}}", start)
            self.i = m.end()
            return self.postfix(f"n{m.group(1)}")
        if cmd == "operatorname":
            if self.text.startswith("*", self.i):  # \operatorname*{max}: limits below
                self.i += 1
            at = self.i
            name = self.raw_group()
            inner = re.search(r"\\([A-Za-z]+|.)", self.text[at:self.i])
            if inner is not None:  # \operatorname{\input{x}}: the command inside, named
                raise self.fail(f"the LaTeX command '\\{inner.group(1)}' is not supported",
                                at + inner.start())
            if name in ("max", "min"):
                return self.extreme(name)
            if name not in ("log", "ln", "exp"):
                raise self.fail(f"\\operatorname{{{name}}} is not supported", start)
            return self.function("log" if name == "ln" else name)
        if cmd == "underset":  # \underset{i}{\max} x_i: the subscript written above
            sub = self.limit()
            at = self.i
            under = _OPERATOR.fullmatch(self.raw_group())
            for m in re.finditer(r"\\([A-Za-z]+|.)", self.text[at:self.i]):
                if m.group(1) not in ("max", "min", "operatorname", "mathrm", "text", "rm", "*"):
                    raise self.fail(f"the LaTeX command '\\{m.group(1)}' is not supported",
                                    at + m.start())
            if under is None:
                raise self.fail("\\underset is only supported under \\max or \\min "
                                "(\\underset{i}{\\max} x_i)", start)
            return self.extreme(under.group(1) or under.group(2), sub)
        raise self.fail(f"the LaTeX command '\\{cmd}' is not supported", start)

    def function(self, name: str) -> str:
        self.skip_space()
        if name == "log" and self.text.startswith("_", self.i):  # \log_e: the natural log
            at = self.i
            self.i += 1
            if self.raw_group() != "e":
                raise self.fail("only the natural logarithm is supported (\\log, \\ln or "
                                "\\log_e)", at)
            self.skip_space()
        if self.text.startswith("^", self.i):
            raise self.fail(f"write (\\{name} ...)^k rather than \\{name}^k")
        if self.at("(") or self.at("\\left") or self.at("{") or self.at("["):
            # \log(x_i)^2 is (log x_i)², as log(x_i)**2 in the plain syntax
            arg = self.factor(stop=(), single=True, bare=True)
            return self.postfix(f"{name}({arg})")
        return f"{name}({self.atom_only()})"

