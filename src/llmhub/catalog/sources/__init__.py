"""Catalog sources: models.dev, LMArena leaderboards, any-llm discovery."""
