"""The root fields: Query and Mutation (root.py, with their call, notification, guarantee,
support and node parts) and Subscription (live.py). Each field calls one resolver.
"""
