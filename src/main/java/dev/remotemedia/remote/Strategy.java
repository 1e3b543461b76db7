package dev.remotemedia.remote;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/** Load-balancing strategies: how one endpoint is picked among the available ones. */
enum Strategy {
    ROUND_ROBIN, LEAST_CONNECTIONS, RANDOM, LEAST_LATENCY, PRIORITY;

    static final List<String> NAMES = List.of("round_robin", "least_connections", "random", "least_latency", "priority");

    static Strategy of(String name) {
        return valueOf(name.toUpperCase());
    }

    /**
     * Picks from {@code candidates} (available endpoints, in the manifest's order).
     * {@code counter} is the pool's shared round-robin position.
     */
    Endpoint pick(List<Endpoint> candidates, List<Endpoint> all, AtomicLong counter) {
        if (candidates.isEmpty()) return null;
        return switch (this) {
            case PRIORITY -> candidates.get(0);
            case RANDOM -> candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
            case ROUND_ROBIN -> rotate(candidates, all, counter);
            case LEAST_CONNECTIONS -> {
                int min = candidates.stream().mapToInt(Endpoint::inflight).min().orElse(0);
                yield rotate(candidates.stream().filter(e -> e.inflight() == min).toList(), all, counter);
            }
            case LEAST_LATENCY -> candidates.stream().min(Comparator.comparingDouble(Endpoint::latencyCost)).orElseThrow();
        };
    }

    /**
     * The next candidate in turn. Turns go round the candidates themselves, so an endpoint that is
     * out (breaker open, unhealthy, departed) does not hand its turns to its neighbour in the list.
     */
    private static Endpoint rotate(List<Endpoint> candidates, List<Endpoint> all, AtomicLong counter) {
        return candidates.get((int) Math.floorMod(counter.getAndIncrement(), (long) candidates.size()));
    }
}
