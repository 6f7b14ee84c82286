"""Local choices (本地设定): the values no document gives, chosen here by an administrator.

The documents give rules and points; they do not give how long a terminal stays unlocked,
how late a check-in may be, the expense limit (002 writes 低于X元), rater weights, or a
rule's parameters where ``rule.local`` says the text leaves them open. Those values live
where they are used (``accounts.Setting``, ``roster.RosterSetting``, ``log_setting``,
``patrol_rule``, ``scheme``, ``rule``); this module lists them in one place, each with what
it is, its value, default, range, where it applies and why it is local, and sets them
through the writers that own them, so there is one store and one set of checks per value.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from duty_desk.models.storage.db import writes
from duty_desk.models.errors import N_, ValidationError
from duty_desk.models.organisation.org import Position, Rule, Scheme
from duty_desk.models.accounts.session import require

# The permission every local choice needs (the existing writers need org.edit, roster.edit
# or log.configure besides: all of them an administrator's).
PERMISSION = "system.settings"

WHY_NO_DOCUMENT = N_("No document gives it: chosen here.")
WHY_EXPENSE = N_("The document leaves the amount open (低于X元): chosen here.")
WHY_WEIGHTS = N_("The documents name the raters but give no weights: chosen here.")
WHY_RULE = N_("The document does not give this value of the rule: chosen here.")

WHOLE = N_("a whole number")

RULE_PARAMETERS = ("target", "every", "times", "due")
MAX_TIMES = 100
MAX_EXPENSE_YUAN = 1_000_000
RATERS = ("self", "supervisor", "peer")  # the order weights are typed in
WEIGHTS_WHAT = {
    ("self", "supervisor", "peer"): N_("rater weights: self / supervisor / peer"),
    ("self", "supervisor"): N_("rater weights: self / supervisor"),
    ("self", "peer"): N_("rater weights: self / peer"),
    ("supervisor", "peer"): N_("rater weights: supervisor / peer"),
}
EVERY_UNITS = {"hour": N_("per hour"), "day": N_("per day"), "workday": N_("per working day"),
               "week": N_("per week"), "month": N_("per month"), "half": N_("per half-year"),
               "year": N_("per year")}


@dataclass(frozen=True)
class Choice:
    """One local choice as a screen or the command line shows it.

    ``area``, ``what``, ``unit``, ``form``, ``applies`` and ``why`` are msgids (translated
    where shown); ``subject_zh``/``subject_en`` name what the value belongs to (a post, a
    scheme, a position) as stored, "" for the whole desk; ``item`` a rule's words; ``note`` a
    rule's own reason as its seed file writes it; ``source`` where the rule is written.
    """

    key: str
    area: str
    what: str
    subject_zh: str
    subject_en: str
    value: str  # as it is typed back to change it
    default: str | None
    unit: str
    low: float | None
    high: float | None
    form: str  # how to type it
    applies: str
    why: str
    note: str = ""
    source: str = ""
    item: str = ""  # a rule's words as its document writes them

    def name_parts(self, subject: str, what: str, *, what_first: bool = False) -> str:
        """"生产部经理 · 产品质量… · target"; *what_first*: "target · 产品质量… · 生产部经理", so
        values of like rules differ where a narrow column is cut."""
        parts = [subject, self.item, what] if not what_first else [what, self.item, subject]
        return " · ".join(p for p in parts if p)

    @property
    def changed(self) -> bool:
        return self.default is not None and self.value != self.default


# -- reading what was typed (pure) --------------------------------------------------------

def _typed(value) -> str:
    """Full-width digits and colons (a Chinese input method's) read as ASCII."""
    return unicodedata.normalize("NFKC", "" if value is None else str(value)).strip()


def _number(text: str) -> float | None:
    """A plain decimal ("0.5", "-2", ".5"): not "1_0", "1e3" or "nan", which float() takes."""
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None


def parse_whole(value, low: int, high: int) -> int:
    text = _typed(value)
    if not re.fullmatch(r"[+-]?\d+", text) or not low <= int(text) <= high:
        raise ValidationError(N_("Type a whole number from {low} to {high}."), field="value", low=low, high=high)
    return int(text)


def parse_number(value) -> float:
    number = _number(_typed(value))
    if number is None:
        raise ValidationError(N_("Type a number, such as 0.5."), field="value")
    return number


def parse_yuan(value, high: int = MAX_EXPENSE_YUAN) -> int:
    """An amount in yuan (at most two decimals; ¥ and 元 allowed) → cents."""
    text = _typed(value).removeprefix("¥").removesuffix("元").replace(",", "").strip()
    amount = Decimal(text) if re.fullmatch(r"\d+(\.\d{1,2})?", text) else None
    if amount is None or amount > high:
        raise ValidationError(N_("Type an amount in yuan from 0 to {high}, such as 500 or 499.50."),
                              field="value", high=high)
    return int(amount * 100)


def yuan(cents: int) -> str:
    return f"{cents // 100}" if cents % 100 == 0 else f"{cents / 100:.2f}"


def parse_due(value, periods: int = 1) -> str:
    """"+Nd HH:MM" (N days after the period starts) or "+Nwd HH:MM" (its Nth working day), read
    by the engine's own reader (``rules.parse_due``); one per period where a rule has several,
    separated by commas. Written back in that form."""
    from duty_desk.models.appraisal.rules import parse_due as engine_reads

    dues = [d.strip() for d in _typed(value).split(",") if d.strip()]
    if len(dues) > 1 and len(dues) != periods:
        raise ValidationError(N_("Type one due time per period of the rule ({count}), separated by commas."),
                              field="value", count=periods)
    written = []
    for due in dues or [""]:
        due = re.sub(r"^\+?\s*(\d+)\s*(wd|d)\s*", lambda m: f"+{m[1]}{m[2].lower()} ", due, flags=re.IGNORECASE)
        with _at_value():
            days, unit, hour, minute = engine_reads(due)
        written.append(f"+{days}{unit} {hour:02d}:{minute:02d}")
    return ",".join(written)


def parse_weights(value, count: int) -> list[float]:
    parts = [p for p in re.split(r"[/,;\s]+", _typed(value)) if p]
    numbers = [_number(p) for p in parts]
    if len(parts) != count or any(n is None for n in numbers):
        raise ValidationError(N_("Type {count} weights separated by /, one per rater, adding up to 100."),
                              field="value", count=count)
    return numbers  # type: ignore[return-value]


_HEAD = re.compile(r"(?:^|[;；\n])\s*([a-z_]+(?:\s*[,，、/]\s*[a-z_]+)*)\s*[:：]")


def rule_local_parameters(local: str | None) -> dict[str, str]:
    """Which parameters a rule's ``local`` text names, each with its reason.

    "target: 原文未给数值; 本地设定2.0%" → {"target": "原文未给数值; 本地设定2.0%"}. One reason may
    name several ("every, times: …"); another begins after ";" or a line with names and a
    colon, so a reason may hold ";" itself.
    """
    text = local or ""
    heads = list(_HEAD.finditer(text))
    found: dict[str, str] = {}
    for n, head in enumerate(heads):
        end = heads[n + 1].start() if n + 1 < len(heads) else len(text)
        reason = text[head.end():end].strip().rstrip(";；").strip()
        for name in re.split(r"[,，、/\s]+", head.group(1)):
            if name in RULE_PARAMETERS:
                found.setdefault(name, reason)
    if not heads:  # a bare list of names ("times")
        for name in re.findall(r"[a-z_]+", text):
            if name in RULE_PARAMETERS:
                found.setdefault(name, "")
    return found


EVERY_NAMES = {"hour": N_("hour"), "day": N_("day"), "workday": N_("working day"), "week": N_("week"),
               "month": N_("month"), "half": N_("half-year"), "year": N_("year")}
EVERY_WORDS = {"小时": "hour", "时": "hour", "天": "day", "日": "day", "工作日": "workday", "周": "week",
               "星期": "week", "月": "month", "半年": "half", "年": "year"}


def parse_every(value, periods: int = 1) -> str:
    """A rule's period: one of ``org.EVERY`` (or its Chinese word), one per period where a rule
    has several, separated by commas."""
    from duty_desk.models.organisation.org import EVERY

    words = [w.strip().lower() for w in _typed(value).split(",") if w.strip()]
    words = [EVERY_WORDS.get(w, w) for w in words]
    if not words or any(w not in EVERY for w in words) or (len(words) > 1 and len(words) != periods):
        raise ValidationError(N_("Type the period as hour, day, workday, week, month, half or year "
                                 "(one per period of the rule, separated by commas)."), field="value")
    return ",".join(words)


# -- the list -------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Setting:
    """A desk-wide whole-number setting kept by another module."""

    key: str
    area: str
    what: str
    unit: str
    low: int
    high: int
    default: int
    applies: str
    read: Callable[[], int]
    write: Callable[[int], object]


def _settings() -> list[_Setting]:
    from duty_desk.models.accounts import credentials as accounts
    from duty_desk.models.roster import duties as roster

    def account(key: str, what: str, unit: str, applies: str) -> _Setting:
        default, low, high = accounts.SETTINGS[key]
        return _Setting(key, N_("System"), what, unit, low, high, default, applies,
                        lambda: accounts.get_setting(key), lambda v: accounts.set_setting(key, v))

    def rostered(key: str, what: str, unit: str, high: int, applies: str) -> _Setting:
        return _Setting(key, N_("Roster"), what, unit, 0, high, int(roster.DEFAULTS[key]), applies,
                        lambda: roster.setting(key), lambda v: roster.set_setting(key, v))

    return [
        account("lock_minutes", N_("lock an idle terminal after"), N_("minutes"),
                N_("Every terminal: the screen locks after this long without a key.")),
        account("backup_keep", N_("daily backups kept"), N_("copies"),
                N_("The daily backup keeps this many of the newest copies.")),
        account("decision_flag_days", N_("a decision without an owner stays flagged for"), N_("days"),
                N_("The log's status line and the handover report name a decision that has no owner 24 hours "
                   "after it was taken (002) for this many days; older ones are history.")),
        rostered("grace_minutes", N_("grace period for checking in and out"), N_("minutes"), 120,
                 N_("Checking in later than a shift's start plus this, or out earlier than its end minus this, "
                    "is a late arrival or an early leave.")),
        rostered("min_rest_hours", N_("minimum rest between shifts"), N_("hours"), 24,
                 N_("The roster warns when someone's shifts are closer together than this.")),
    ]


EXPENSE_KEY = "expense_limit"
EXPENSE_DEFAULT_CENTS = 50000  # log_entries.expense_limit_cents() without a stored value


def _simple_choice(s: _Setting) -> Choice:
    return Choice(s.key, s.area, s.what, "", "", str(s.read()), str(s.default), s.unit, s.low, s.high, WHOLE,
                  s.applies, WHY_NO_DOCUMENT)


def _expense_choice() -> Choice:
    from duty_desk.models.logbook import entries as log_entries

    return Choice(EXPENSE_KEY, N_("Duty log"), N_("expense limit without approval"), "", "",
                  yuan(log_entries.expense_limit_cents()), yuan(EXPENSE_DEFAULT_CENTS), N_("yuan"), 0,
                  MAX_EXPENSE_YUAN, N_("an amount in yuan, such as 500 or 499.50"),
                  N_("An expense above this needs a shift lead's approval."), WHY_EXPENSE)


def _document_posts() -> set[str]:
    """Posts whose patrol a document's rule requires (木料场: 每小时至少巡逻一次): the seed load
    keeps the post in the rule's seeded values. Their interval is the document's, not local."""
    rows = Rule.select(Rule.seeded).where(Rule.retired.is_null(), Rule.seeded.is_null(False),
                                          Rule.seeded.contains('"post"'))
    return {post for post in (_load(r.seeded).get("post") for r in rows) if post}


def _local_patrols():
    from duty_desk.models.logbook.patrols import PatrolRule

    documents = _document_posts()
    return [r for r in PatrolRule.select().where(PatrolRule.active == True).order_by(PatrolRule.post)  # noqa: E712
            if r.post not in documents]


def _patrol_choices() -> list[Choice]:
    return [Choice(f"patrol.{r.id}", N_("Duty log"), N_("patrol interval"), r.post, r.post, str(r.every_minutes),
                   None, N_("minutes"), 5, 24 * 60, WHOLE,
                   N_("A longer gap between patrols at this post is a missed patrol."), WHY_NO_DOCUMENT)
            for r in _local_patrols()]


def _scheme_raters(scheme: Scheme) -> tuple[str, ...]:
    named = {r.strip() for r in (scheme.raters or "").split(",")}
    return tuple(r for r in RATERS if r in named)


def _weights_text(values: dict, raters: tuple[str, ...]) -> str:
    return "/".join(f"{float(values[r]):g}" for r in raters)


def _weight_choices() -> list[Choice]:
    choices = []
    for scheme in Scheme.select().order_by(Scheme.key):
        raters = _scheme_raters(scheme)
        if len(raters) < 2:  # one rater: nothing to weigh
            continue
        current = {"self": scheme.weight_self, "supervisor": scheme.weight_supervisor, "peer": scheme.weight_peer}
        seeded = _load(scheme.seeded)
        default = _weights_text(seeded, raters) if all(r in seeded for r in raters) else None
        choices.append(Choice(
            f"weights.{scheme.key}", N_("Appraisal"), WEIGHTS_WHAT[raters], scheme.name_zh, scheme.name_en,
            _weights_text(current, raters), default, "%", None, None,
            N_("a weight per rater in that order, separated by /, adding up to 100"),
            N_("Sheets opened from now on weigh each rater's score by these; sheets already open keep theirs."),
            WHY_WEIGHTS, source=scheme.source_doc or ""))
    return choices


def _load(text: str | None) -> dict:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _rule_value(rule: Rule, param: str) -> str:
    value = getattr(rule, param)
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


def _rule_default(rule: Rule, param: str) -> str | None:
    seeded = _load(rule.seeded)
    if seeded.get(param) is None:
        return None
    value = seeded[param]
    return f"{float(value):g}" if param == "target" else str(value)


_RULE_KINDS = {  # parameter → (what, form, applies)
    "target": (N_("target"), N_("a number, such as 0.5"),
               N_("The measured value is compared with this target, step by step: above it costs points, "
                  "below it earns the bonus.")),
    "due": (N_("due time"), N_("+Nd HH:MM (N days after the period starts) or +Nwd HH:MM (its Nth working day), "
                               "such as +0d 17:00"),
            N_("What is handed in after this is late.")),
    "times": (N_("times required"), WHOLE, N_("Fewer entries than this in a period is a shortfall.")),
    "every": (N_("period"), N_("hour, day, workday, week, month, half or year"),
              N_("The period the required entries are counted in.")),
}


def _rule_choice(rule: Rule, position: Position, param: str, reason: str) -> Choice:
    what, form, applies = _RULE_KINDS[param]
    subject_zh, subject_en = position.title_zh, position.title_en or position.title_zh
    doc = (position.source_doc or "")[:3]
    source = f"{doc} · line {rule.line}" if doc and rule.line else doc
    unit = EVERY_UNITS.get(rule.every or "", "") if param == "times" else ""
    low, high = (1, MAX_TIMES) if param == "times" else (None, None)
    return Choice(f"rule.{rule.id}.{param}", N_("Rules"), what, subject_zh, subject_en, _rule_value(rule, param),
                  _rule_default(rule, param), unit, low, high, form, applies, WHY_RULE, note=reason, source=source,
                  item=rule.fact)


def _rule_choices() -> list[Choice]:
    choices = []
    query = (Rule.select(Rule, Position).join(Position)
             .where(Rule.local.is_null(False), Rule.retired.is_null())
             .order_by(Position.id, Rule.seq))  # the documents' order
    for rule in query:
        for param, reason in rule_local_parameters(rule.local).items():
            choices.append(_rule_choice(rule, rule.position, param, reason))
    return choices


def all_choices() -> list[Choice]:
    """Every local choice, by area: the desk's settings, the log's, appraisal, then rules."""
    return ([_simple_choice(s) for s in _settings()] + [_expense_choice()] + _patrol_choices()
            + _weight_choices() + _rule_choices())


def choice(key: str) -> Choice:
    found = next((c for c in all_choices() if c.key == key), None)
    if found is None:
        raise ValidationError(N_("There is no local choice {key}."), field="key", key=key)
    return found


# -- changing one ---------------------------------------------------------------------------

@contextmanager
def _at_value():
    """A writer's refusal belongs at the one value typed, whatever field it names."""
    try:
        yield
    except ValidationError as exc:
        if exc.field == "value":
            raise
        raise ValidationError(exc.msgid, field="value", **exc.params) from exc


def _id_in(key: str, prefix: str) -> int:
    rest = key.removeprefix(prefix)
    if not rest.isdigit():
        raise ValidationError(N_("There is no local choice {key}."), field="key", key=key)
    return int(rest)


@writes
def set_choice(key: str, value) -> Choice:
    """Change one local choice through the writer that keeps it; returns it as now stored."""
    require(PERMISSION)
    key = (key or "").strip()
    settings = {s.key: s for s in _settings()}
    if key in settings:
        s = settings[key]
        number = parse_whole(value, s.low, s.high)
        with _at_value():
            s.write(number)
    elif key == EXPENSE_KEY:
        from duty_desk.models.logbook import entries as log_entries

        cents = parse_yuan(value)
        with _at_value():
            log_entries.set_expense_limit(cents)
    elif key.startswith("patrol."):
        from duty_desk.models.logbook import patrols

        rule_id = _id_in(key, "patrol.")
        rule = next((r for r in _local_patrols() if r.id == rule_id), None)
        if rule is None:  # none, switched off, or the document's own interval
            raise ValidationError(N_("There is no local choice {key}."), field="key", key=key)
        minutes = parse_whole(value, 5, 24 * 60)
        with _at_value():
            patrols.set_rule(rule.post, minutes, active=True)
    elif key.startswith("weights."):
        from duty_desk.models.appraisal.scoresheets import set_scheme_weights

        scheme = Scheme.get_or_none(Scheme.key == key.removeprefix("weights."))
        raters = _scheme_raters(scheme) if scheme else ()
        if len(raters) < 2:
            raise ValidationError(N_("There is no local choice {key}."), field="key", key=key)
        typed = dict(zip(raters, parse_weights(value, len(raters))))
        with _at_value():
            set_scheme_weights(scheme.key, *(typed.get(r, 0.0) for r in RATERS))
    elif key.startswith("rule."):
        rule_id, _dot, param = key.removeprefix("rule.").partition(".")
        if not rule_id.isdigit() or param not in RULE_PARAMETERS:
            raise ValidationError(N_("There is no local choice {key}."), field="key", key=key)
        set_rule_parameter(int(rule_id), param, value)
    else:
        raise ValidationError(N_("There is no local choice {key}."), field="key", key=key)
    return choice(key)


@writes
def set_rule_parameter(rule_id: int, param: str, value) -> None:
    """Set a rule's parameter that its ``local`` text names (target, every, times or due); the
    document's own values are not changed here. The audit trigger on ``rule`` records it."""
    require("org.edit")
    rule = Rule.get_or_none(Rule.id == rule_id, Rule.retired.is_null())
    if rule is None:
        raise ValidationError(N_("That rule no longer exists."), field="key")
    if param not in rule_local_parameters(rule.local):
        raise ValidationError(N_("This value of the rule is the document's, not a local choice."), field="value")
    periods = len([e for e in (rule.every or "").split(",") if e.strip()]) or 1
    if param == "target":
        stored = parse_number(value)
    elif param == "due":
        stored = parse_due(value, periods)
    elif param == "every":
        stored = parse_every(value, periods)
    else:
        stored = parse_whole(value, 1, MAX_TIMES)
    Rule.update({getattr(Rule, param): stored}).where(Rule.id == rule.id).execute()
    if param == "target" and rule.basis == "measured":
        # 超过…扣 and 降低…奖 are two rules measured against one target (the engine takes the
        # target of the rule recorded): they move together, or one value would count both ways.
        for other in Rule.select().where(Rule.position == rule.position_id, Rule.basis == "measured",
                                         Rule.activity == rule.activity, Rule.kind != rule.kind,
                                         Rule.retired.is_null()):
            if "target" in rule_local_parameters(other.local):
                Rule.update(target=stored).where(Rule.id == other.id).execute()
