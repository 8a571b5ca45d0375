"""The composer: one post, its targets, media and thread, checked as it is typed."""
