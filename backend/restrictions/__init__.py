"""Acting on an account: warn, hold every post for review, suspend; one appeal each,
decided by another moderator. The rule forums and chat ask lives in ``standing``."""
