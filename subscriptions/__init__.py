"""What happens after a commit: the event bus, live subscriptions with cursor
catch-up, and (later) presence and notification routing."""
