package dev.remotemedia.load;

import dev.remotemedia.pipeline.EventFrame;
import org.HdrHistogram.Histogram;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** What every session saw: segments cut, results and typed errors per segment, latencies. Thread-safe. */
final class Tally {
    private final Map<String, Set<Integer>> segments = new ConcurrentHashMap<>();
    private final Map<String, Map<Integer, AtomicInteger>> results = new ConcurrentHashMap<>();
    private final Map<String, Set<Integer>> failed = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
    private final Histogram latency = new Histogram(3_600_000L, 3);
    private final Map<String, AtomicInteger> byWorker = new ConcurrentHashMap<>();

    void event(String session, EventFrame e) {
        int seg = e.segment();
        switch (e.type()) {
            case "segment" -> segments.computeIfAbsent(session, k -> ConcurrentHashMap.newKeySet()).add(seg);
            case "result", "transcript" -> {
                results.computeIfAbsent(session, k -> new ConcurrentHashMap<>()).computeIfAbsent(seg, k -> new AtomicInteger()).incrementAndGet();
                String worker = e.fields().path("endpoint").asText("");
                if (!worker.isEmpty()) byWorker.computeIfAbsent(worker, k -> new AtomicInteger()).incrementAndGet();
            }
            case "error" -> {
                errors.computeIfAbsent(e.fields().path("kind").asText("unknown"), k -> new AtomicInteger()).incrementAndGet();
                if (seg > 0) failed.computeIfAbsent(session, k -> ConcurrentHashMap.newKeySet()).add(seg);
            }
            case "latency" -> {
                synchronized (latency) {
                    latency.recordValue(Math.max(0, e.fields().path("total_ms").asLong()));
                }
            }
            default -> { }
        }
    }

    int segmentsSent() { return segments.values().stream().mapToInt(Set::size).sum(); }

    int results() { return results.values().stream().mapToInt(m -> m.size()).sum(); }

    /** Segments with neither a result nor a typed error. */
    int lost() {
        int lost = 0;
        for (var e : segments.entrySet()) {
            var got = results.getOrDefault(e.getKey(), Map.of());
            var err = failed.getOrDefault(e.getKey(), Set.of());
            for (int seg : e.getValue()) if (!got.containsKey(seg) && !err.contains(seg)) lost++;
        }
        return lost;
    }

    /** Segments with more than one result. */
    int duplicated() {
        return (int) results.values().stream().flatMap(m -> m.values().stream()).filter(c -> c.get() > 1).count();
    }

    Map<String, Integer> errors() {
        Map<String, Integer> out = new TreeMap<>();
        errors.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** Results per worker address (the endpoint that served each). */
    Map<String, Integer> byWorker() {
        Map<String, Integer> out = new TreeMap<>();
        byWorker.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    Histogram latency() {
        synchronized (latency) {
            return latency.copy();
        }
    }

    /** Every segment answered (result or error)? */
    boolean settled() {
        return lost() == 0;
    }
}
