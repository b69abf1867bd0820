"""Any failure of one source, as that source's reason: a network that cannot reach Google's
token endpoint (the usual case in mainland China), an expired key, a bug in a reader.

The cycle turns these into the source's SourceResult, so the other sources go on."""

from __future__ import annotations

from sync.sources.base import SourceError


def as_source_error(name: str, exc: Exception) -> SourceError:
    """`exc` from reading source `name` as one plain message (never a chain of tracebacks)."""
    if isinstance(exc, SourceError):
        return exc
    kind = type(exc).__name__
    module = type(exc).__module__ or ""
    first = str(exc).splitlines()[0][:200] if str(exc) else kind
    if module.startswith("google.auth") and kind in ("TransportError", "RefreshError"):
        if kind == "TransportError":
            return SourceError(f"{name}：连不上 Google 的授权服务器，这次没有读取（在中国大陆通常需要能访问 Google 的网络）",
                               f"{name}: cannot reach Google's token endpoint; not read this time ({first})")
        return SourceError(f"{name}：Google 拒绝了服务账号密钥，这次没有读取（密钥可能已失效，请重新下载）（{first}）",
                           f"{name}: Google refused the service-account key ({first})")
    if isinstance(exc, (ConnectionError, TimeoutError)) or module.startswith(("requests", "urllib3")):
        return SourceError(f"{name}：网络连接失败，这次没有读取，下次同步再试（{kind}）",
                           f"{name}: network failure; not read this time ({first})")
    return SourceError(f"{name}：读取时出错，这次没有读取（{kind}：{first}）", f"{name}: reading failed ({kind}: {first})")
