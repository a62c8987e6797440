"""What the PWA needs to know about the server's own rules, from one public place
(`GET /api/v1/meta`): the risk levels with their labels, and the length limits of what
people write. The screens take these from here instead of keeping copies."""
