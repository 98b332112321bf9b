"""Developer tools: the benchmark and its generators, the sample generator, the evaluation and
measurement scripts. They live in a source checkout only; the installed package does not ship
them (the CLI reaches them through `jobtrends.api`, and says so when they are absent)."""
