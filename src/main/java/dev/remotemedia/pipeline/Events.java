package dev.remotemedia.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remotemedia.telemetry.Telemetry;

/**
 * Event construction and the JSON-lines wire form shared by the CLI, the browser events channel and
 * gRPC: one object per line, {@code type} and {@code t_ms} first.
 */
public final class Events {
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private Events() {}

    public static ObjectNode fields() { return F.objectNode(); }

    public static EventFrame of(String type, long tMs) { return new EventFrame(type, tMs, F.objectNode()); }

    public static EventFrame error(ErrorKind kind, String nodeId, String message, long tMs, int segment) {
        return error(kind, nodeId, message, tMs, segment > 0 ? F.objectNode().put("segment", segment) : F.objectNode());
    }

    /** @param about the unit the error is about, as {@link #unit} names it (empty: none) */
    public static EventFrame error(ErrorKind kind, String nodeId, String message, long tMs, ObjectNode about) {
        Telemetry.error(kind.name());
        ObjectNode f = F.objectNode().put("kind", kind.name()).put("message", message);
        if (nodeId != null) f.put("node", nodeId);
        f.setAll(about);
        return new EventFrame("error", tMs, f);
    }

    /** The error of a node on {@code frame}, naming the frame's unit. */
    public static EventFrame error(PipelineException e, Frame frame) {
        return error(e.kind(), e.nodeId(), e.getMessage(), frame.tMs(), unit(frame));
    }

    public static EventFrame error(PipelineException e, long tMs, int segment) {
        return error(e.kind(), e.nodeId(), e.getMessage(), tMs, segment);
    }

    /**
     * Which unit an event is about, as the client knows it: a speech segment's (or a text's)
     * {@code segment}, a camera frame's {@code frame} — what the page files results under and what
     * the video sink waits for. Empty for other frames.
     */
    public static ObjectNode unit(Frame f) {
        ObjectNode o = F.objectNode();
        if (f instanceof SpeechSegment s) o.put("segment", s.id());
        else if (f instanceof TextFrame t && t.segment() > 0) o.put("segment", t.segment());
        else if (f instanceof ImageFrame i) o.put("frame", i.id());
        return o;
    }

    public static EventFrame segment(SpeechSegment s) {
        return new EventFrame("segment", s.endMs(), F.objectNode().put("segment", s.id())
                .put("start_ms", s.startMs()).put("end_ms", s.endMs()));
    }

    /** The event as one JSON object (no newline). */
    public static ObjectNode toJson(EventFrame e) {
        ObjectNode o = F.objectNode().put("type", e.type()).put("t_ms", e.tMs());
        o.setAll(e.fields());
        return o;
    }

    public static String toLine(EventFrame e) {
        try {
            return JSON.writeValueAsString(toJson(e));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** Parses one JSON line back into an event (used by clients and tests). */
    public static EventFrame fromLine(String line) {
        try {
            ObjectNode o = (ObjectNode) JSON.readTree(line);
            String type = o.remove("type").asText();
            long t = o.remove("t_ms").asLong();
            return new EventFrame(type, t, o);
        } catch (JsonProcessingException | ClassCastException | NullPointerException ex) {
            throw new IllegalArgumentException("not an event line: " + line, ex);
        }
    }
}
