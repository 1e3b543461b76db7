package dev.remotemedia.webrtc;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;
import java.util.Optional;

/** `remotemedia.webrtc.*`: WHIP ingress and peer connections. */
@ConfigMapping(prefix = "remotemedia.webrtc")
public interface WebRtcConfig {
    /** WHIP and the page; empty = on in the local role, off (404 naming the role) in the gpu role. */
    Optional<Boolean> enabled();

    /**
     * Release the native peer connection and sender that webrtc-java 0.14.0 leaks at close (upstream
     * #239); applied only on 0.14.0. Off = the old leak, bounded by recycle-after-sessions.
     */
    @WithDefault("true")
    boolean releaseNativeReferences();

    /** Ask senders for Opus DTX (usedtx=1 in the answer): silence costs a packet per 400 ms instead of per 20 ms. */
    @WithDefault("true")
    boolean opusDtx();

    /**
     * Highest audio rate we ask senders to encode (Opus maxplaybackrate in the answer; 48000 = full
     * band, not asked). 16000: wideband, all the VAD and Whisper hear; less CPU on both sides.
     */
    @WithDefault("16000")
    int opusMaxPlaybackRateHz();

    /** Audio per packet asked of senders (a=ptime in the answer; 20 = the browsers' own, not asked): 40 halves the packets at 20 ms more delay. */
    @WithDefault("20")
    int opusPtimeMs();

    /** Manifest file every WHIP session runs unless it names one; empty = the `dev-local` pipeline. */
    Optional<String> manifest();

    /** Sessions at once; more get 503 with Retry-After. */
    @WithDefault("50")
    int maxSessions();

    /** How long the answer waits for ICE gathering to complete (non-trickle WHIP). */
    @WithDefault("3000")
    long iceGatherTimeoutMs();

    /** A session whose ICE never connects, or stays failed/disconnected this long, is closed. */
    @WithDefault("15000")
    long iceFailureTimeoutMs();

    /** A connected session that delivers no audio for this long is closed. */
    @WithDefault("60000")
    long idleTimeoutMs();

    /** STUN/TURN server URLs, e.g. stun:stun.example.org:3478 or turn:turn.example.org:3478 (none by default). */
    Optional<List<String>> iceServers();

    /** Username for the TURN servers. */
    Optional<String> turnUsername();

    /** Password for the TURN servers. */
    Optional<String> turnPassword();

    /** Address written into the answer's candidates instead of the gathered ones (NAT, ECS task with a public IP). */
    Optional<String> publicAddress();

    /** Lowest UDP port for media (0 = any); open this range in firewalls / security groups. */
    @WithDefault("0")
    int minPort();

    /** Highest UDP port for media (0 = any). */
    @WithDefault("0")
    int maxPort();

    /** Gather on the default route only (needed inside a network namespace whose only interface is lo). */
    @WithDefault("false")
    boolean disableAdapterEnumeration();

    /** Bind media sockets to the any-address (0.0.0.0), so candidates rewritten to another local address still match. */
    @WithDefault("false")
    boolean anyAddressPorts();

    /**
     * `Authorization: Bearer <token>` on every WHIP request, with the gRPC server's tokens. Empty =
     * required whenever tokens are configured (without tokens only loopback and
     * remotemedia.grpc.auth.anonymous-networks get in); false = WHIP open to anyone.
     */
    Optional<Boolean> requireToken();

    /** Largest SDP offer or trickle fragment accepted (larger: 413). */
    @WithDefault("65536")
    int maxSdpBytes();

    /** Largest data-channel message a client may send (announced as a=max-message-size in the answer). */
    @WithDefault("16384")
    int maxMessageBytes();

    /** Sessions at once from one client address (more: 429 with Retry-After; 0 = no limit). */
    @WithDefault("10")
    int maxSessionsPerAddress();

    /**
     * On shutdown (SIGTERM): new WHIP sessions get 503, connected ones get a `draining` event and
     * keep running for up to this long while their segments finish. Keep it under the orchestrator's
     * stop timeout (ECS stopTimeout ≤ 120 s, which is also the Spot notice).
     */
    @WithDefault("100000")
    long drainTimeoutMs();

    /** Outgoing audio (TTS) frames queued per session before the oldest are dropped. */
    @WithDefault("3000")
    int maxQueuedOutputFrames();

    /** Audio a session may have waiting for its pipeline; beyond it input is dropped with one error event (0 = unbounded). */
    @WithDefault("2000")
    long maxPendingInputMs();

    /**
     * After this many sessions since start: new WHIP sessions get 503, readiness goes DOWN, and once
     * the open sessions have ended liveness goes DOWN, so the orchestrator replaces the instance
     * (0 = never). A backstop: 1000 open/close cycles grew RSS 12.7–15.2 KB per session, nearly all
     * of it the JVM's own JIT code and metaspace (which level off); ≤ 750 MB by the default.
     */
    @WithDefault("50000")
    long recycleAfterSessions();

    /** Return the native heap's free pages to the OS (glibc malloc_trim) after this many closed sessions (0 = never). */
    @WithDefault("20")
    long mallocTrimEverySessions();
}
