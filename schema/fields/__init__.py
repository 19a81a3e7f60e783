"""The root fields: Query and Mutation (root.py, with their call, notification, guarantee
and support parts) and Subscription (live.py). Each field calls one resolver.
"""
