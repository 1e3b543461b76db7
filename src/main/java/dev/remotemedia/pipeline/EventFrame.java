package dev.remotemedia.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A JSON event for the client (vad_start, vad_end, segment, result, transcript, error, latency).
 * Events never flow into downstream nodes: the executor routes them straight to the session output.
 *
 * @param fields extra fields; {@code type} and {@code t_ms} are added when serialised
 */
public record EventFrame(String type, long tMs, ObjectNode fields) implements Frame {
    public EventFrame {
        fields = fields.deepCopy();
    }

    @Override
    public ObjectNode fields() { return fields.deepCopy(); }

    @Override
    public FrameKind kind() { return FrameKind.EVENT; }

    /** The camera frame this event is about ({@code frame} field), or 0. */
    public int frame() { return fields.path("frame").asInt(0); }

    /** Convenience for the integer {@code segment} field, or 0. */
    public int segment() { return fields.path("segment").asInt(0); }
}
