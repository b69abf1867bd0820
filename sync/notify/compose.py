"""Messages from alerts: what, where (file › sheet › cell), since when, who. Pure: no I/O.

A channel's message has a byte budget (WeCom takes 4,096 bytes of Markdown); alerts are
packed into at most a few parts, and what does not fit is counted ("另有 N 条，见状态页")
rather than sent as a flood of messages.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from rules.owners import owner_of
from rules.text import mask_ids as mask
from sync.notify.channels import Message

SEVERITY_TAG = {"error": "【错误】", "warning": "【提醒】"}
RESEND_MARK = "（重发）"
WEEKDAYS = "一二三四五六日"
MAX_PARTS = 3
URGENT_ITEMS = 10
FIXED_ITEMS = 10


@dataclass(frozen=True)
class Item:
    """One open alert as a message shows it."""

    id: int
    severity: str
    message: str
    source: str
    sheet: str
    cell: str | None
    row: int | None
    opened_at: datetime
    people: tuple[tuple[str, str], ...] = ()  # (role, name)
    resend: bool = False  # sent before without an answer in time: it may have arrived


@dataclass(frozen=True)
class Fixed:
    """An alert resolved lately, for the digest's "fixed since yesterday"."""

    sheet: str
    message: str
    resolved_at: datetime


@dataclass
class Part:
    """One message to send and the alerts it carries (or counts, when they did not fit)."""

    message: Message
    items: list[int] = field(default_factory=list)
    counted: list[int] = field(default_factory=list)


# Staff text goes into DingTalk's and WeCom's Markdown (and e-mail, rendered from Markdown):
# what could make a link, an image, coloured text, HTML, a heading, a quote or a table there
# becomes its full-width look-alike; line breaks become spaces, so no text starts a block.
_INERT = str.maketrans({"[": "［", "]": "］", "<": "＜", ">": "＞", "#": "＃", "*": "＊", "`": "＇", "|": "｜",
                        "\\": "＼", "\r": " ", "\n": " ", "\t": " ", "\v": " ", "\f": " ", "\x85": " ",
                        "\u2028": " ", "\u2029": " "})
_LINK_START = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*):(?=//)|\b(www)\.")


def inert(text: str) -> str:
    """Staff text made plain for a Markdown message: no link, image, HTML, heading or line of its
    own; a typed address stays readable (http：//…) but is not clickable. Only Houqin's own links
    (the status page) are written as links, outside this."""
    plain = "".join(c if c.isprintable() or c == " " else " " for c in text.translate(_INERT))
    return _LINK_START.sub(lambda m: f"{m[1]}：" if m[1] else f"{m[2]}．", plain)


def file_name(source: str) -> str:
    """A workbook as staff know it: its file name, whatever the server's path separators."""
    return source.replace("\\", "/").rsplit("/", 1)[-1]


def where(item: Item) -> str:
    place = item.cell or (f"第 {item.row} 行" if item.row else "")
    return " › ".join(inert(p) for p in (file_name(item.source), item.sheet, place) if p)


def mention(name: str, contacts: dict[str, str], style: str) -> str:
    """A person as the channel can @mention them: DingTalk by phone, WeCom by account id."""
    contact = contacts.get(name, "")
    shown = inert(name)
    if style == "phone" and contact.isdigit():
        return f"{shown} @{contact}"
    if style == "wecom" and contact and not contact.isdigit():
        return f"<@{contact}>"  # an account from the config, not staff text
    return f"@{shown}" if contact else shown


def _who(item: Item, contacts: dict[str, str], style: str) -> tuple[str, list[str]]:
    if not item.people:
        return "", []
    roles: dict[str, list[str]] = {}
    for role, name in item.people:
        roles.setdefault(role, []).append(mention(name, contacts, style))
    text = "；".join(f"{inert(role)} {'、'.join(names)}" for role, names in roles.items())
    return text, [contacts[n] for _, n in item.people if contacts.get(n)]


def _clock(moment: datetime) -> str:
    return moment.strftime("%m-%d %H:%M")


def _block(item: Item, contacts: dict[str, str], style: str, since: str) -> tuple[str, list[str]]:
    who, mentions = _who(item, contacts, style)
    details = " · ".join(p for p in (where(item), since, who) if p)
    mark = RESEND_MARK if item.resend else ""
    return f"**{SEVERITY_TAG.get(item.severity, '')}**{mark} {mask(inert(item.message))}  \n{details}", mentions


def _tail(count: int, page_url: str | None) -> str:
    return f"另有 {count} 条，见[状态页]({page_url})" if page_url else f"另有 {count} 条，见状态页"


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _shorten(text: str, budget: int) -> str:
    """Text cut to a byte budget on a character boundary, marked as cut."""
    if _size(text) <= budget:
        return text
    return text.encode("utf-8")[: max(budget - 3, 0)].decode("utf-8", "ignore") + "…"


def pack(title: str, head: str, blocks: Sequence[tuple[str, int, list[str]]], budget: int,
         max_parts: int, page_url: str | None, untold: int = 0) -> list[Part]:
    """Blocks (text, alert id, mentions) into at most `max_parts` messages of `budget` bytes
    each, after a `head` in the first; what does not fit, plus `untold` more, is counted at the end."""
    separator = "\n\n"
    # Room kept in every part for the title, a "（2/3）" mark and the closing count.
    room = budget - _size(title) - 16 - _size(separator) - _size(_tail(len(blocks) + untold, page_url))
    parts: list[Part] = []
    current, texts, used, mentions = Part(Message(title, "")), ([head] if head else []), _size(head), []
    left = untold
    for position, (text, item_id, named) in enumerate(blocks):
        text = _shorten(text, room - _size(head) - _size(separator))
        if current.items and used + _size(separator) + _size(text) > room:
            if len(parts) + 1 == max_parts:
                current.counted = [i for _, i, _ in blocks[position:]]
                left += len(blocks) - position
                break
            parts.append(_finish(current, texts, mentions))
            current, texts, used, mentions = Part(Message(title, "")), [], 0, []
        texts.append(text)
        used += _size(separator) + _size(text)
        current.items.append(item_id)
        mentions.extend(named)
    if left:
        texts.append(_tail(left, page_url))
    parts.append(_finish(current, texts, mentions))
    if len(parts) > 1:
        for number, part in enumerate(parts, start=1):
            part.message = Message(f"{title}（{number}/{len(parts)}）", part.message.body, part.message.mentions)
    return parts


def _finish(part: Part, texts: list[str], mentions: list[str]) -> Part:
    part.message = Message(part.message.title, "\n\n".join(texts), tuple(dict.fromkeys(mentions)))
    return part


def alert_parts(items: Sequence[Item], contacts: dict[str, str], style: str, budget: int,
                page_url: str | None, max_parts: int = MAX_PARTS) -> list[Part]:
    """The immediate notice of alerts opened in a cycle: errors first, in sheet order."""
    ordered = sorted(items, key=lambda i: (i.severity != "error", i.sheet, i.row or 0, i.cell or ""))
    errors = sum(1 for i in items if i.severity == "error")
    counts = f"错误 {errors} 个" + (f"，提醒 {len(items) - errors} 个" if len(items) > errors else "")
    title = f"后勤提醒：新发现 {len(items)} 个问题（{counts}）"
    if items and all(i.resend for i in items):
        title = f"{RESEND_MARK}{title}"
    blocks = []
    for item in ordered:
        text, mentions = _block(item, contacts, style, f"{_clock(item.opened_at)} 发现")
        blocks.append((text, item.id, mentions))
    head = f"[打开状态页]({page_url})" if page_url else ""
    return pack(title, head, blocks, budget, max_parts, page_url)


def digest_parts(today: date, now: datetime, items: Sequence[Item], fixed: Sequence[Fixed],
                 contacts: dict[str, str], style: str, budget: int, page_url: str | None) -> Part:
    """The morning digest, one message: counts by sheet and by person first, then the ten most
    urgent alerts (errors, longest open first), then what was fixed since yesterday."""
    errors = sum(1 for i in items if i.severity == "error")
    title = f"后勤早报 {today.month}月{today.day}日（周{WEEKDAYS[today.weekday()]}）：错误 {errors} 个，提醒 {len(items) - errors} 个"
    lines = []
    by_sheet: dict[str, Counter] = {}
    for item in items:
        by_sheet.setdefault(item.sheet, Counter())[item.severity] += 1
    if by_sheet:
        lines.append("**按表**：" + "；".join(
            f"{inert(sheet)} " + " ".join(f"{word} {c[key]}" for key, word in (("error", "错误"), ("warning", "提醒")) if c[key])
            for sheet, c in sorted(by_sheet.items(), key=lambda kv: (-kv[1]["error"], -kv[1]["warning"], kv[0]))))
        # By owner, as the status page's to-do counts them (everyone named is still @mentioned).
        persons = Counter(owner_of(item.people) for item in items if item.people)
        unnamed = sum(1 for item in items if not item.people)
        if persons:
            lines.append("**按人**：" + "；".join(f"{mention(n, contacts, style)} {c} 条" for n, c in persons.most_common())
                         + (f"；未注明 {unnamed} 条" if unnamed else ""))
    else:
        lines.append("没有未解决的问题。")
    if fixed:
        shown = "；".join(f"{inert(f.sheet)} {mask(inert(f.message))}" for f in fixed[:FIXED_ITEMS])
        more = f"，另有 {len(fixed) - FIXED_ITEMS} 条" if len(fixed) > FIXED_ITEMS else ""
        lines.append(f"**昨天以来已解决 {len(fixed)} 条**：{shown}{more}")
    urgent = sorted(items, key=lambda i: (i.severity != "error", i.opened_at, i.sheet, i.row or 0))
    blocks = []
    for item in urgent[:URGENT_ITEMS]:
        days = max((now.date() - item.opened_at.date()).days, 0)
        text, mentions = _block(item, contacts, style, f"已 {days} 天" if days else f"今天 {item.opened_at:%H:%M} 发现")
        blocks.append((text, item.id, mentions))
    if urgent:
        lines.append(f"**最要紧的 {len(blocks)} 条**")
    head = "\n\n".join(lines + ([f"[打开状态页]({page_url})"] if page_url else []))
    return pack(title, _shorten(head, budget // 2), blocks, budget, 1, page_url, untold=len(urgent) - len(blocks))[0]


def test_message(channel_name: str, now: datetime) -> Message:
    return Message("Houqin 后勤：测试消息",
                   f"这是 Houqin 发往“{channel_name}”的测试消息（{now:%Y-%m-%d %H:%M}）。收到说明通知设置正确。")
