package dev.remotemedia.webrtc;

import dev.onvoid.webrtc.PortAllocatorConfig;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCIceServer;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.remotemedia.manifest.Manifest;
import dev.remotemedia.pipeline.PipelineEngine;
import io.quarkus.runtime.ShutdownEvent;
import dev.remotemedia.telemetry.Telemetry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * All live WebRTC sessions: admission (max sessions), the 10 ms pacer for outgoing audio, and a
 * sweeper that closes sessions whose ICE never connected or failed, or that went silent.
 */
@ApplicationScoped
public class WebRtcSessions {
    private static final Logger LOG = Logger.getLogger(WebRtcSessions.class);

    @Inject
    WebRtcConfig config;

    @Inject
    PipelineEngine engine;

    private final PeerFactory factory = new PeerFactory();
    private final Map<String, WebRtcSession> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger admitted = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong closed = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong opened = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.List<java.util.concurrent.Future<?>> timers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean timersStarted;
    private final Map<String, Integer> perAddress = new ConcurrentHashMap<>(); // open sessions per client address; no zero entries
    private volatile boolean draining;

    /** Thrown when max-sessions is reached or the instance drains: 503 with Retry-After. */
    public static final class CapacityException extends RuntimeException {
        CapacityException(String message) {
            super(message);
        }
    }

    /** Thrown when one client address has max-sessions-per-address open: 429 with Retry-After. */
    public static final class TooManyFromAddressException extends RuntimeException {
        TooManyFromAddressException(String message) {
            super(message);
        }
    }

    @PostConstruct
    void start() {
        Telemetry.webrtcSessions(sessions::size);
    }

    /**
     * The 10 ms pacer and the sweeper start with the first session (a gpu worker never runs them),
     * on the media path's one timer. The pacer only pushes queued frames; the sweeper hands closes to workers.
     */
    private synchronized void startTimers() {
        if (timersStarted) return;
        timersStarted = true;
        LOG.infof("webrtc-java %s: %s", NativeRelease.VERSION, !config.releaseNativeReferences() ? "native references of closed peer connections are kept (release-native-references=false)"
                : NativeRelease.applies() ? "releasing closed peer connections' native references (upstream #239 workaround)"
                : "no native release workaround applied");
        var timer = engine.threads().timer();
        timers.add(timer.scheduleAtFixedRate(this::pace, 10, 10, TimeUnit.MILLISECONDS));
        timers.add(timer.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS));
    }

    /** Creates a session for an offer; the future's answer SDP is ready when ICE gathering is done. */
    public WebRtcSession open(Manifest manifest, String clientAddress) {
        if (!timersStarted) startTimers();
        if (draining) throw new CapacityException("this instance is shutting down (draining its " + sessions.size() + " sessions); connect to another instance");
        if (recycling()) {
            throw new CapacityException("this instance is recycling after " + config.recycleAfterSessions() + " sessions (remotemedia.webrtc.recycle-after-sessions); "
                    + "it stops once its " + sessions.size() + " open sessions end — connect to another instance");
        }
        if (admitted.incrementAndGet() > config.maxSessions()) {
            admitted.decrementAndGet();
            throw new CapacityException(config.maxSessions() + " sessions are open (remotemedia.webrtc.max-sessions)");
        }
        if (!admitFrom(clientAddress)) {
            admitted.decrementAndGet();
            throw new TooManyFromAddressException(clientAddress + " already has " + config.maxSessionsPerAddress()
                    + " sessions open (remotemedia.webrtc.max-sessions-per-address)");
        }
        String id = UUID.randomUUID().toString();
        try {
            var pipeline = engine.open(manifest, id);
            WebRtcSession s = new WebRtcSession(id, factory, rtcConfiguration(), pipeline, engine.threads(), config.maxQueuedOutputFrames(),
                    config.maxPendingInputMs(), config.releaseNativeReferences(), clientAddress, () -> {
                if (sessions.remove(id) != null) {
                    admitted.decrementAndGet();
                    leftFrom(clientAddress);
                    trimNativeHeapNowAndThen();
                }
            });
            sessions.put(id, s);
            opened.incrementAndGet(); // counts sessions really opened (refused ones are not)
            return s;
        } catch (RuntimeException e) {
            admitted.decrementAndGet();
            leftFrom(clientAddress);
            throw e;
        }
    }

    /** Every {@code malloc-trim-every-sessions} closed sessions, the native heap's free pages go back to the OS (off the caller's thread). */
    private void trimNativeHeapNowAndThen() {
        long every = config.mallocTrimEverySessions();
        if (every > 0 && closed.incrementAndGet() % every == 0) engine.threads().blocking().execute(NativeHeap::trim);
    }

    /** Counts one more session from {@code address}, atomically; false (nothing counted) at max-sessions-per-address. */
    private boolean admitFrom(String address) {
        int max = config.maxSessionsPerAddress();
        boolean[] admittedHere = {true};
        perAddress.compute(address, (a, open) -> {
            int n = open == null ? 0 : open;
            if (max > 0 && n >= max) {
                admittedHere[0] = false;
                return open;
            }
            return n + 1;
        });
        return admittedHere[0];
    }

    /** One session from {@code address} ended; the entry goes when its last one does (no map growth per address seen). */
    private void leftFrom(String address) {
        perAddress.computeIfPresent(address, (a, open) -> open <= 1 ? null : open - 1);
    }

    /** True once shutdown began: new sessions are refused, open ones were told. */
    public boolean draining() {
        return draining;
    }

    public Optional<WebRtcSession> find(String id) {
        return Optional.ofNullable(sessions.get(id));
    }

    public int count() {
        return sessions.size();
    }

    /** Sessions opened since start. */
    public long opened() {
        return opened.get();
    }

    /** True once recycle-after-sessions is reached: no new sessions. */
    public boolean recycling() {
        return config.recycleAfterSessions() > 0 && opened.get() >= config.recycleAfterSessions();
    }

    RTCConfiguration rtcConfiguration() {
        RTCConfiguration c = new RTCConfiguration();
        List<String> urls = config.iceServers().orElse(List.of());
        if (!urls.isEmpty()) {
            RTCIceServer server = new RTCIceServer();
            server.urls = urls;
            server.username = config.turnUsername().orElse(null);
            server.password = config.turnPassword().orElse(null);
            c.iceServers.add(server);
        }
        PortAllocatorConfig ports = new PortAllocatorConfig();
        if (config.minPort() > 0 && config.maxPort() >= config.minPort()) {
            ports.minPort = config.minPort();
            ports.maxPort = config.maxPort();
        }
        ports.setDisableAdapterEnumeration(config.disableAdapterEnumeration());
        ports.setEnableAnyAddressPorts(config.anyAddressPorts());
        c.portAllocatorConfig = ports;
        return c;
    }

    private void pace() {
        for (WebRtcSession s : sessions.values()) {
            try {
                if (s.hasOutgoingAudio()) s.pace();
            } catch (RuntimeException e) {
                LOG.debugf("pacer: %s", e.getMessage());
            }
        }
    }

    private void sweep() {
        for (WebRtcSession s : sessions.values()) {
            RTCPeerConnectionState st = s.state();
            if (st != RTCPeerConnectionState.CONNECTED && s.ageMillis() > config.iceFailureTimeoutMs()
                    && s.millisInState() > Math.min(config.iceFailureTimeoutMs(), 5000)) {
                close(s, "ICE not connected (" + st + ") after " + s.ageMillis() + " ms");
            } else if ((st == RTCPeerConnectionState.FAILED || st == RTCPeerConnectionState.DISCONNECTED)
                    && s.millisInState() > config.iceFailureTimeoutMs()) {
                close(s, "ICE " + st + " for " + s.millisInState() + " ms");
            } else if (st == RTCPeerConnectionState.CONNECTED && s.millisSinceAudio() > config.idleTimeoutMs()) {
                close(s, "no audio for " + s.millisSinceAudio() + " ms");
            }
        }
    }

    private void close(WebRtcSession s, String reason) {
        // native calls off the timer thread
        engine.worker().execute(() -> s.close(reason));
    }

    /**
     * Drain (SIGTERM): refuse new sessions (503), tell connected clients (`draining` event with the
     * deadline), let sessions run until they end or drain-timeout-ms passes, then end the rest
     * gracefully (input ends, segments in flight finish and are delivered) before closing. Once.
     */
    public synchronized void drain() { // synchronized: a second caller waits for the drain in progress
        if (draining) return;
        draining = true;
        long timeoutMs = config.drainTimeoutMs();
        if (sessions.isEmpty()) return;
        LOG.infof("draining: %d WebRTC session(s) open; waiting up to %d ms for them to end (remotemedia.webrtc.drain-timeout-ms)",
                sessions.size(), timeoutMs);
        sessions.values().forEach(s -> s.announceDraining(timeoutMs));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!sessions.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int left = sessions.size();
        var open = List.copyOf(sessions.values());
        open.forEach(WebRtcSession::endInput);
        try { // segments in flight finish and reach their clients before the connections close
            java.util.concurrent.CompletableFuture.allOf(open.stream().map(WebRtcSession::pipelineDone)
                    .toArray(java.util.concurrent.CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.infof("drain: pipelines still running after 5 s: %s", e.toString());
        }
        open.forEach(s -> s.close("server shut down at drain-timeout-ms"));
        LOG.infof("drained: %s", left == 0 ? "every session ended on its own" : left + " session(s) ended at the drain timeout");
    }

    /** Shutdown by any path (SIGTERM drained already; SIGINT or Quarkus.exit drain here, with HTTP already closed). */
    void shutdown(@Observes(notifyObserver = jakarta.enterprise.event.Reception.IF_EXISTS) @jakarta.annotation.Priority(1) ShutdownEvent event) {
        drain();
        sessions.values().forEach(s -> s.close("server shutting down"));
        timers.forEach(f -> f.cancel(false));
        factory.close();
    }
}
