package dev.remotemedia.pipeline;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Process-wide objects nodes share across sessions (a loaded model, an endpoint pool), created on
 * first use and closed with the engine. Keys are chosen by the owning package.
 */
public final class SharedServices implements AutoCloseable {
    private final ConcurrentHashMap<String, Object> services = new ConcurrentHashMap<>();

    @SuppressWarnings("unchecked")
    public <T> T get(String key, Class<T> type, Supplier<T> create) {
        return (T) services.computeIfAbsent(key, k -> create.get());
    }

    /** Registers a ready-made service (e.g. a CDI bean the server wants nodes to use). */
    public void put(String key, Object service) {
        services.put(key, service);
    }

    /** Keys of the services created so far (e.g. loaded models), for Describe. */
    public java.util.List<String> keys() {
        return services.keySet().stream().sorted().toList();
    }

    @Override
    public void close() {
        services.values().forEach(s -> {
            if (s instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing at shutdown: nothing useful to do with a failure here
                }
            }
        });
        services.clear();
    }
}
