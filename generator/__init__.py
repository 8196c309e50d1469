"""Static site generator for district 政务公开 key-task tables."""
