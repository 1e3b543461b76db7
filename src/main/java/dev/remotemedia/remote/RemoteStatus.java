package dev.remotemedia.remote;

import dev.remotemedia.pipeline.SharedServices;

import java.util.ArrayList;
import java.util.List;

/** The remote endpoints an engine's sessions use, as `GET /status` shows them. */
public final class RemoteStatus {
    /** One endpoint: where it is, whether it takes segments, and how fast it answers (peak-EWMA). */
    public record EndpointStatus(String target, String address, String state, boolean healthy, String breaker,
                                 double latencyMs, int inflight, String problem) {}

    private RemoteStatus() {}

    /** Every endpoint of every pool in {@code shared}. */
    public static List<EndpointStatus> endpoints(SharedServices shared) {
        List<EndpointStatus> out = new ArrayList<>();
        for (String key : shared.keys()) {
            if (!key.startsWith("remote-pool:")) continue;
            EndpointPool pool = shared.get(key, EndpointPool.class, () -> null);
            if (pool != null) out.addAll(pool.status());
        }
        return out;
    }
}
