package dev.remotemedia.webrtc;

import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.remotemedia.telemetry.Telemetry;
import org.jboss.logging.Logger;

/**
 * glibc's {@code malloc_trim(0)}: hands free pages of the native heap back to the OS. libwebrtc
 * frees a closed peer connection's memory into glibc's arenas, which keep it (fragmented) instead
 * of returning it, so RSS grows with sessions served although the memory is free. Linux/glibc only;
 * elsewhere (or with another allocator) a no-op.
 */
final class NativeHeap {
    private static final Logger LOG = Logger.getLogger(NativeHeap.class);

    private interface GlibC extends Library {
        int malloc_trim(long pad);
    }

    private static final GlibC LIBC = load();

    private NativeHeap() {}

    private static GlibC load() {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) return null;
        try {
            return Native.load("c", GlibC.class);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            LOG.debugf("malloc_trim unavailable (%s): native heap not trimmed", e.getMessage());
            return null;
        }
    }

    static boolean available() {
        return LIBC != null;
    }

    /** Returns free native heap pages to the OS; true if any were released. */
    static boolean trim() {
        if (LIBC == null) return false;
        try {
            long t0 = System.nanoTime();
            boolean released = LIBC.malloc_trim(0) == 1;
            Telemetry.nativeHeapTrim(released, java.time.Duration.ofNanos(System.nanoTime() - t0));
            return released;
        } catch (UnsatisfiedLinkError | RuntimeException e) { // musl has no malloc_trim
            LOG.debugf("malloc_trim failed: %s", e.getMessage());
            return false;
        }
    }
}
