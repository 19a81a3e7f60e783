"""Storage plumbing under the domain: database set-up, transaction scripts, the job lock,
the clock and migration operations. No business rule lives here.
"""
