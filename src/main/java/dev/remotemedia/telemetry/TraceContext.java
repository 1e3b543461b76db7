package dev.remotemedia.telemetry;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;

import java.util.HashMap;
import java.util.Map;

/** Carries a trace context in a plain string map (the frame's {@code trace_context}), with the configured propagators. */
public final class TraceContext {
    private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
        @Override public Iterable<String> keys(Map<String, String> carrier) { return carrier.keySet(); }
        @Override public String get(Map<String, String> carrier, String key) { return carrier == null ? null : carrier.get(key); }
    };

    private TraceContext() {}

    public static Map<String, String> inject(Context context) {
        Map<String, String> carrier = new HashMap<>();
        Telemetry.openTelemetry().getPropagators().getTextMapPropagator().inject(context, carrier, Map::put);
        return carrier;
    }

    public static Context extract(Map<String, String> carrier) {
        return Telemetry.openTelemetry().getPropagators().getTextMapPropagator().extract(Context.root(), carrier, GETTER);
    }
}
