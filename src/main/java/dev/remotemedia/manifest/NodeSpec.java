package dev.remotemedia.manifest;

/** One node of a manifest, its params validated against the node type's schema. */
public record NodeSpec(String id, String nodeType, Params params) {}
