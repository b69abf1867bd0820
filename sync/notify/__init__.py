"""Alerts that reach people: WeCom, DingTalk, Feishu and e-mail through apprise, an outbox
in the state database, a morning digest (see README, 通知)."""
