package dev.zumik.sim.http;

import dev.zumik.core.prompt.Dialect;

/** What every part of one response repeats: its API, id, creation time and model, and how it streams. */
record Reply(Dialect api, String id, long created, String model, boolean stream, boolean includeUsage) { }
