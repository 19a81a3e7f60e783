"""Parley's domain: Tortoise models and the business rules, as plain async functions.

Nothing here knows about GraphQL or the network. Functions take the ids of the
acting account and a `Clock`, run their rules inside one transaction, and
return rows plus the event-log entries the change produced (for publishing
after commit). Expected failures raise the errors in `models.errors`.
"""
