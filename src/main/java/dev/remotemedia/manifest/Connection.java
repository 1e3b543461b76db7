package dev.remotemedia.manifest;

/** A directed edge: frames produced by {@code from} flow into {@code to}. */
public record Connection(String from, String to) {}
