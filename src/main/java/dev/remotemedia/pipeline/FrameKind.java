package dev.remotemedia.pipeline;

/** Frame families, used by node types to declare what they consume and produce. */
public enum FrameKind { AUDIO, SEGMENT, TEXT, EVENT, IMAGE }
