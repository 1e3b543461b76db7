package dev.remotemedia.webrtc;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * Health of the WebRTC ingress under `recycle-after-sessions`: not ready once the limit is reached
 * (load balancers stop sending new browsers), not live once its last session has ended (the
 * orchestrator replaces it). Sessions in progress are never cut.
 */
@ApplicationScoped
public class WebRtcRecycleChecks {
    @Produces
    @Readiness
    HealthCheck ready(WebRtcSessions sessions) {
        return () -> response(sessions, !sessions.recycling() && !sessions.draining());
    }

    @Produces
    @Liveness
    HealthCheck live(WebRtcSessions sessions) {
        return () -> response(sessions, !(sessions.recycling() && sessions.count() == 0));
    }

    private static HealthCheckResponse response(WebRtcSessions sessions, boolean up) {
        var r = HealthCheckResponse.named("webrtc").withData("open_sessions", sessions.count())
                .withData("sessions_since_start", sessions.opened()).status(up);
        if (sessions.recycling()) r.withData("recycling", "recycle-after-sessions reached; replace this instance once drained");
        if (sessions.draining()) r.withData("draining", "shutting down: open sessions run until remotemedia.webrtc.drain-timeout-ms");
        return r.build();
    }
}
