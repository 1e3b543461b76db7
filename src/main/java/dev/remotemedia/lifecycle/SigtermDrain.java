package dev.remotemedia.lifecycle;

import dev.remotemedia.grpc.GrpcServerSetup;
import dev.remotemedia.grpc.StreamHandler;
import dev.remotemedia.webrtc.WebRtcSessions;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.concurrent.CompletableFuture;

/**
 * SIGTERM drains before the process stops. Quarkus closes its HTTP server before ShutdownEvent
 * observers run, so a drain there could not answer new WHIP offers with 503 nor keep health
 * readable. This handler drains first — WHIP and gRPC both still up, refusing new work with a
 * retryable status — and then hands the signal to the JVM's own handler (normal shutdown, exit 143).
 * A second SIGTERM stops at once. Only in a packaged run: dev and tests keep the JVM's behaviour.
 */
@ApplicationScoped
public class SigtermDrain {
    private static final Logger LOG = Logger.getLogger(SigtermDrain.class);

    @Inject
    WebRtcSessions sessions;

    @Inject
    GrpcServerSetup grpc;

    @Inject
    StreamHandler handler;

    @Inject
    dev.remotemedia.pipeline.PipelineEngine engine;

    private volatile boolean started;

    void install(@Observes StartupEvent event) {
        if (LaunchMode.current() != LaunchMode.NORMAL) return;
        try {
            SignalHandler[] jvm = new SignalHandler[1];
            // the JVM runs each signal's handler on a thread of its own: blocking here is fine
            jvm[0] = Signal.handle(new Signal("TERM"), signal -> {
                if (started) {
                    jvm[0].handle(signal); // second SIGTERM: stop now
                    return;
                }
                started = true;
                drainThenStop(jvm[0], signal);
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LOG.warnf("cannot handle SIGTERM (%s): shutdown drains with the HTTP server already closed", e.getMessage());
        }
    }

    private void drainThenStop(SignalHandler jvm, Signal signal) {
        LOG.info("SIGTERM: draining before shutdown");
        var webrtc = CompletableFuture.runAsync(sessions::drain, engine.threads().blocking());
        try {
            grpc.drain(handler);
            webrtc.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warnf("drain failed: %s", e.toString());
        }
        jvm.handle(signal);
    }
}
